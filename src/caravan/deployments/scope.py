"""Who may see and manage deployments.

A programme (or an emergency) is managed by the coordinators and
administrators of its sending or receiving organisation, and of the
organisations above them. A host facility's staff (any role in the
facility's organisation or above it) see the postings at that facility,
read-only. Everyone else is refused as if the rows did not exist.
"""

from django.db.models import Q

from caravan.core.access import access_for
from caravan.core.roles import REGISTRY_EDITORS, Role


def managed_q(user, prefix: str = "") -> Q:
    """Programmes or emergencies (through `prefix`) the user manages."""
    access = access_for(user)
    if access.is_node_admin:
        return Q()
    return access.organisations_q(REGISTRY_EDITORS, f"{prefix}sending_organisation__") | access.organisations_q(
        REGISTRY_EDITORS, f"{prefix}receiving_organisation__")


def host_staff_q(user, prefix: str = "") -> Q:
    """Rows (through `prefix`) at a facility whose organisation the user belongs to, or sits above."""
    access = access_for(user)
    if access.is_node_admin:
        return Q()
    return access.organisations_q(frozenset(Role), f"{prefix}facility__organisation__")


def can_manage(user, programme) -> bool:
    access = access_for(user)
    return access.can_edit_organisation(programme.sending_organisation) or access.can_edit_organisation(
        programme.receiving_organisation)
