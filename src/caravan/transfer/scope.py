"""Who may do what with technique transfer, on top of caravan.core.access.

* A facility's staff (admins, coordinators, clinicians and consultants of the
  facility's organisation or an organisation above it) log its cases and read
  its case log.
* Plan owners (admins and coordinators of the mentor's or the recipient's
  organisation, or above) see and change their plans.
* Everyone who can see a facility (it shares a network with them) sees its
  capability ledger and the aggregates of reports; analysts see only those.
* Coordinators and admins of a facility's organisation set its planned and
  training statuses and record its centres and studios.
Node administrators may do everything.
"""

from django.db.models import Q

from caravan.core.access import Access
from caravan.core.roles import REGISTRY_EDITORS, Role
from caravan.registry.models import Facility

STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.CONSULTANT})
OWNER_ROLES = REGISTRY_EDITORS


def _under(access: Access, roles: frozenset[str], prefix: str) -> Q:
    return access.organisations_q(roles, prefix=prefix)


def staff_facilities_q(access: Access, prefix: str = "") -> Q:
    """Facilities (through `prefix`) whose staff the user is."""
    if access.is_node_admin:
        return Q()
    return _under(access, STAFF_ROLES, f"{prefix}organisation__")


def is_staff_of(access: Access, facility: Facility) -> bool:
    if access.is_node_admin:
        return True
    path = facility.organisation.path
    return any(path.startswith(p) for _pk, p, role in access.memberships if role in STAFF_ROLES)


def has_staff_role(access: Access) -> bool:
    return access.is_node_admin or bool(access.roles() & STAFF_ROLES)


def visible_facilities_q(access: Access, prefix: str = "") -> Q:
    """Facilities (through `prefix`) the user can see: their organisation is in one of the user's networks."""
    if access.is_node_admin:
        return Q()
    return Q(**{f"{prefix}organisation__in": access.visible_organisation_ids()})


def edits_facility(access: Access, facility: Facility) -> bool:
    return access.can_edit_organisation(facility.organisation)


def owned_plans_q(access: Access, prefix: str = "") -> Q:
    """Plans (through `prefix`) whose mentor or recipient belongs to an organisation the user coordinates."""
    if access.is_node_admin:
        return Q()
    return _under(access, OWNER_ROLES, f"{prefix}mentor__organisation__") | _under(
        access, OWNER_ROLES, f"{prefix}recipient__organisation__"
    )


def may_own_plans(access: Access) -> bool:
    return access.is_node_admin or bool(access.roles() & OWNER_ROLES)


def owns_plan_between(access: Access, mentor: Facility, recipient: Facility) -> bool:
    return access.can_edit_organisation(mentor.organisation) or access.can_edit_organisation(recipient.organisation)
