"""Who may do what in training, decided from a user's Access and rows already loaded.

- A course is managed by the coordinators and administrators of its provider
  or of a participating organisation (or of an organisation above them).
- A tele-mentoring series is managed by those of the hub's organisation; a
  spoke's coordinators record their own site's attendance; members of a site
  present that site's cases.
- Node administrators do everything.
"""

from caravan.core.access import Access
from caravan.core.roles import REGISTRY_EDITORS, Role

ALL_ROLES = frozenset(Role)
# Who presents a site's cases: its clinicians and consultants, and those who run it.
PRESENTERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CLINICIAN, Role.CONSULTANT})


def member_of(access: Access, organisation, roles: frozenset[str] = ALL_ROLES) -> bool:
    """Whether the user holds one of `roles` in the organisation or in one above it."""
    if access.is_node_admin:
        return True
    if organisation is None:
        return False
    return any(organisation.path.startswith(path) for _pk, path, role in access.memberships if role in roles)


def may_create_courses(access: Access) -> bool:
    return access.is_node_admin or bool(access.roles() & REGISTRY_EDITORS)


def manages_course(access: Access, course) -> bool:
    """Needs course.provider loaded and course.partners prefetched (no query then)."""
    if access.is_node_admin:
        return True
    return any(access.can_edit_organisation(org) for org in [course.provider, *course.partners.all()])


def manages_series(access: Access, series) -> bool:
    """Needs series.hub.organisation loaded."""
    return access.can_edit_organisation(series.hub.organisation)


def sites_of(series) -> list:
    """The hub and the spoke facilities (series.spokes prefetched with their facility and organisation)."""
    return [series.hub, *(spoke.facility for spoke in series.spokes.all())]


def records_site(access: Access, series, site) -> bool:
    """Hub managers record every site's attendance; a spoke's coordinators record their own site's."""
    return manages_series(access, series) or access.can_edit_organisation(site.organisation)


def presents_for(access: Access, series, site) -> bool:
    """Members of a site (clinicians included) present its cases; hub managers may enter any site's."""
    return manages_series(access, series) or member_of(access, site.organisation, PRESENTERS)


def site_member(access: Access, series) -> bool:
    """Whether the user belongs to the hub or one of the spokes (they see approved presentations)."""
    return any(member_of(access, site.organisation) for site in sites_of(series))
