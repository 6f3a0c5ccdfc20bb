"""The roles a user can hold in an organisation, and what each may do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Platform administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    CLINICIAN = "clinician", _("Clinician")
    CONSULTANT = "consultant", _("Consultant")
    ANALYST = "analyst", _("Analyst")


# Who may change the registry records of their own organisation (and its children).
REGISTRY_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Who may read the audit trail of their own organisation.
AUDIT_READERS = frozenset({Role.ADMIN})
