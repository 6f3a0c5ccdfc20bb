"""Who may see a referral, and who may do what with it.

Referrals hold identified patients, so the registry's network-wide visibility
does not apply. A referral is seen by:
- the receiving side's international office: admins and coordinators of the
  receiving organisation or above it;
- the receiving hospital's staff on the case: members of the organisation of a
  hospital that made an offer or was chosen;
- the referring side: members of the referring organisation or above it.
Analysts see only the anonymous figures.
"""

from django.db.models import Q

from caravan.core.access import access_for
from caravan.core.roles import Role

OFFICE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
CASE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.CONSULTANT})


def _paths(access, roles) -> list[str]:
    return sorted({path for _id, path, role in access.memberships if role in roles})


def _orgs(paths):
    """Organisations at or below any of `paths`, as an id subquery (a handful of rows, read first)."""
    from caravan.core.models import Organisation

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Organisation.objects.filter(q).values("id")


def visible_q(user) -> Q:
    """Referrals the user may open (a Q over Referral)."""
    from caravan.registry.models import Facility

    from .models import Offer

    access = access_for(user)
    if access.is_node_admin:
        return Q()
    q = Q(pk__in=[])
    office_paths = _paths(access, OFFICE_ROLES)
    if office_paths:
        q |= Q(receiving_organisation_id__in=_orgs(office_paths))
    case_paths = _paths(access, CASE_ROLES)
    if case_paths:
        orgs = _orgs(case_paths)
        facilities = Facility.objects.filter(organisation_id__in=orgs).values("id")
        q |= Q(referring_organisation_id__in=orgs)
        q |= Q(receiving_facility_id__in=facilities)
        q |= Q(pk__in=Offer.objects.filter(facility_id__in=facilities).values("referral_id"))
    return q


def figures_q(user) -> Q:
    """Referrals counted in the user's figures: those received or sent by their organisations (any role)."""
    access = access_for(user)
    if access.is_node_admin:
        return Q()
    paths = _paths(access, frozenset(Role))
    if not paths:
        return Q(pk__in=[])
    # The ids are read first (a handful of rows, one query) so that the figures' grouped scans compare plain
    # values their covering index holds; a subquery there made PostgreSQL visit the table for every row.
    orgs = list(_orgs(paths).values_list("id", flat=True))
    return Q(receiving_organisation_id__in=orgs) | Q(referring_organisation_id__in=orgs)


def _under(access, organisation, roles) -> bool:
    return organisation is not None and any(organisation.path.startswith(p) for p in _paths(access, roles))


def is_office(user, referral) -> bool:
    access = access_for(user)
    return access.is_node_admin or _under(access, referral.receiving_organisation, OFFICE_ROLES)


def is_referrer(user, referral) -> bool:
    access = access_for(user)
    return access.is_node_admin or _under(access, referral.referring_organisation, CASE_ROLES)


def is_referrer_lead(user, referral) -> bool:
    access = access_for(user)
    return access.is_node_admin or _under(access, referral.referring_organisation, OFFICE_ROLES)


def is_hospital_staff(user, facility) -> bool:
    access = access_for(user)
    return access.is_node_admin or (facility is not None and _under(access, facility.organisation, CASE_ROLES))


def sees_passport(user, referral) -> bool:
    """The international office and the referring side's coordinators need the number (visa, travel)."""
    return is_office(user, referral) or is_referrer_lead(user, referral)


def can_refer(user) -> bool:
    """Anyone who could be the referring side or the office of some referral may open the intake form."""
    access = access_for(user)
    return access.is_node_admin or bool(access.roles() & CASE_ROLES)
