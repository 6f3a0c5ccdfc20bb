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
