"""Who sees a case: the requesting side, the assigned consultant, the agreement's coordinators,
and the participants of an MDT session that has the case on its agenda (they answer it together).

Narrower than the registry's network rule, because a case carries patient data.
"""

from django.db.models import Q

from caravan.core.roles import Role
from caravan.partnerships.models import AgreementParty, AgreementScope, Scope

REQUESTING_ROLES = frozenset({Role.CLINICIAN, Role.COORDINATOR})
CASE_SCOPES = (Scope.TELECONSULTATION, Scope.DIFFICULT_CASES)


def paths(access, roles) -> list[str]:
    return [path for _, path, role in access.memberships if role in roles]


def coordinated_agreements(access):
    """Agreements with a party at or below an organisation where the user is coordinator."""
    q = Q(pk__in=[])
    for path in paths(access, {Role.COORDINATOR}):
        q |= Q(organisation__path__startswith=path)
    return AgreementParty.objects.filter(q).values("agreement_id")


def cases_q(access) -> Q:
    """The cases a user may open."""
    if access.is_node_admin:
        return Q()
    from .models import MdtItem

    q = Q(assigned_to=access.user)
    q |= Q(pk__in=MdtItem.objects.filter(session__participants__user=access.user).values("case_id"))
    for path in paths(access, REQUESTING_ROLES):
        q |= Q(requesting_path__startswith=path)
    if paths(access, {Role.COORDINATOR}):
        q |= Q(agreement_id__in=coordinated_agreements(access))
    return q


def may_use(access) -> bool:
    """Whether the teleconsultation pages are for this user at all (analysts and outsiders' admins are not)."""
    return access.is_node_admin or bool(access.roles() & {Role.CLINICIAN, Role.CONSULTANT, Role.COORDINATOR})


def is_requesting_side(access, case) -> bool:
    return access.is_node_admin or any(case.requesting_path.startswith(p) for p in paths(access, REQUESTING_ROLES))


def is_assigned(access, case) -> bool:
    return case.assigned_to_id is not None and case.assigned_to_id == access.user.pk


def coordinates(access, agreement_id: int) -> bool:
    if access.is_node_admin:
        return True
    coordinator_paths = paths(access, {Role.COORDINATOR})
    if not coordinator_paths:
        return False
    party_paths = AgreementParty.objects.filter(agreement_id=agreement_id).values_list("organisation__path", flat=True)
    return any(pp.startswith(cp) for pp in party_paths for cp in coordinator_paths)


def agreement_allows_cases(agreement) -> bool:
    return AgreementScope.objects.filter(agreement=agreement, area__in=CASE_SCOPES).exists()
