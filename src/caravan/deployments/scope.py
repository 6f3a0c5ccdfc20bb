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


def sending_side_q(user, prefix: str = "") -> Q:
    """Programmes (through `prefix`) whose sending side holds an organisation where the user is an administrator
    or coordinator: the sending hospitals, who nominate candidates under a call."""
    access = access_for(user)
    if access.is_node_admin:
        return Q()
    ids = {int(x) for _org, path, role in access.memberships if role in REGISTRY_EDITORS
           for x in path.strip("/").split("/") if x}
    return Q(**{f"{prefix}sending_organisation_id__in": sorted(ids)})


def can_nominate(user, programme, organisation) -> bool:
    """The programme's managers, and the editors of the candidate's own hospital on the sending side."""
    if can_manage(user, programme):
        return True
    access = access_for(user)
    return (organisation is not None and f"/{programme.sending_organisation_id}/" in organisation.path
            and access.can_edit_organisation(organisation))
