"""Controlled lists: specialties and equipment, with their translated labels.

The rows live in the database (so other records can point at them), seeded by a
migration from these lists; the labels come from gettext so every language has
them, and an unknown code shows the stored English name.
"""

from django.utils.translation import gettext_lazy as _

SPECIALTIES = {
    "anaesthesiology": _("Anaesthesiology"),
    "cardiology": _("Cardiology"),
    "cardiac_surgery": _("Cardiac surgery"),
    "critical_care": _("Critical care"),
    "dermatology": _("Dermatology"),
    "emergency_medicine": _("Emergency medicine"),
    "endocrinology": _("Endocrinology"),
    "epidemiology": _("Epidemiology"),
    "gastroenterology": _("Gastroenterology"),
    "general_surgery": _("General surgery"),
    "geriatrics": _("Geriatrics"),
    "haematology": _("Haematology"),
    "hospital_management": _("Hospital management"),
    "infectious_diseases": _("Infectious diseases"),
    "infertility": _("Infertility and reproductive medicine"),
    "internal_medicine": _("Internal medicine"),
    "nephrology": _("Nephrology"),
    "neurology": _("Neurology"),
    "neurosurgery": _("Neurosurgery"),
    "nursing": _("Nursing"),
    "obstetrics_gynaecology": _("Obstetrics and gynaecology"),
    "oncology": _("Oncology"),
    "ophthalmology": _("Ophthalmology"),
    "orthopaedics": _("Orthopaedics"),
    "otorhinolaryngology": _("Otorhinolaryngology"),
    "paediatrics": _("Paediatrics"),
    "palliative_care": _("Palliative care"),
    "pathology": _("Pathology"),
    "pulmonology": _("Pulmonology"),
    "radiology": _("Radiology and imaging"),
    "rehabilitation": _("Rehabilitation"),
    "thoracic_surgery": _("Thoracic surgery"),
    "transplantation": _("Transplantation"),
    "ultrasound": _("Ultrasound"),
    "urology": _("Urology"),
    "virology": _("Virology"),
}

EQUIPMENT = {
    "mri": _("MRI scanner"),
    "ct": _("CT scanner"),
    "xray": _("X-ray"),
    "ultrasound": _("Ultrasound machine"),
    "ecmo": _("ECMO machine"),
    "ventilator": _("Ventilator"),
    "dialysis": _("Dialysis machine"),
    "ecg": _("ECG machine"),
    "cath_lab": _("Catheterisation laboratory"),
    "linac": _("Linear accelerator"),
    "endoscope": _("Endoscopy tower"),
    "laparoscope": _("Laparoscopy tower"),
    "ivf_lab": _("IVF laboratory"),
    "pacs": _("PACS workstation"),
    "oxygen_plant": _("Oxygen plant"),
}


def seed_vocabularies(specialty_model, equipment_model) -> None:
    """Make sure every controlled-list row exists (the migration and the tests both call this)."""
    for code, label in SPECIALTIES.items():
        specialty_model.objects.get_or_create(code=code, defaults={"name": str(label)})
    for code, label in EQUIPMENT.items():
        equipment_model.objects.get_or_create(code=code, defaults={"name": str(label)})
