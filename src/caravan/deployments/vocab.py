"""The roles a team member fills, with their translated labels and their kind (for the team's role mix)."""

from django.utils.translation import gettext_lazy as _

CLINICIAN, MANAGER, TECHNICIAN = "clinician", "manager", "technician"

ROLES = {
    "obstetrician": (_("Obstetrician"), CLINICIAN),
    "anaesthetist": (_("Anaesthetist"), CLINICIAN),
    "sonographer": (_("Sonographer"), TECHNICIAN),
    "cardiologist": (_("Cardiologist"), CLINICIAN),
    "gastroenterologist": (_("Gastroenterologist"), CLINICIAN),
    "ophthalmologist": (_("Ophthalmologist"), CLINICIAN),
    "surgeon": (_("Surgeon"), CLINICIAN),
    "paediatrician": (_("Paediatrician"), CLINICIAN),
    "intensivist": (_("Intensivist"), CLINICIAN),
    "emergency_physician": (_("Emergency physician"), CLINICIAN),
    "pulmonologist": (_("Pulmonologist"), CLINICIAN),
    "radiographer": (_("Radiographer"), TECHNICIAN),
    "lab_technician": (_("Laboratory technician"), TECHNICIAN),
    "hospital_director": (_("Hospital director"), MANAGER),
    "vice_director": (_("Vice director"), MANAGER),
    "department_head": (_("Department head"), MANAGER),
    "epidemiologist": (_("Epidemiologist"), CLINICIAN),
    "virologist": (_("Virologist"), CLINICIAN),
    "infectious_diseases": (_("Infectious diseases physician"), CLINICIAN),
}

ROLE_CHOICES = [(code, label) for code, (label, _kind) in ROLES.items()]


def role_label(code: str) -> str:
    return str(ROLES[code][0]) if code in ROLES else code


def role_kind(code: str) -> str:
    return ROLES[code][1] if code in ROLES else CLINICIAN


# The WHO Emergency Medical Team minimum data set counts consultations by age group and sex.
AGE_BANDS = {
    "lt1": _("under 1"),
    "1to4": _("1-4 years"),
    "5to17": _("5-17 years"),
    "18to64": _("18-64 years"),
    "65plus": _("65 and over"),
}
SEXES = {"f": _("female"), "m": _("male")}
# Keys of a daily report's breakdown, e.g. "f_18to64": women aged 18-64 seen that day.
AGE_SEX_KEYS = tuple(f"{sex}_{band}" for sex in SEXES for band in AGE_BANDS)


def age_sex_label(key: str) -> str:
    sex, band = key.split("_", 1)
    return f"{SEXES[sex]}, {AGE_BANDS[band]}"
