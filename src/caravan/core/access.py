"""Who may see and change what.

A user belongs to organisations with roles. They see the registry rows of every
organisation that shares a network with one of theirs, and change the rows of
the organisations where they hold an editing role (and those below them).
Superusers run the node and see everything.
"""

from functools import cached_property

from django.db import connection
from django.db.models import Q

from .errors import PermissionDenied
from .models import Membership, Organisation
from .roles import AUDIT_READERS, REGISTRY_EDITORS, Role


class Access:
    """The access facts of one user, loaded once per request (two queries)."""

    def __init__(self, user):
        self.user = user

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated and self.user.is_active)

    @property
    def is_node_admin(self) -> bool:
        return self.is_authenticated and self.user.is_superuser

    @cached_property
    def memberships(self) -> list[tuple[int, str, str]]:
        """(organisation id, organisation path, role) for each membership."""
        if not self.is_authenticated:
            return []
        return list(
            Membership.objects.filter(user=self.user).values_list("organisation_id", "organisation__path", "role")
        )

    @cached_property
    def network_ids(self) -> frozenset[int]:
        org_ids = {m[0] for m in self.memberships}
        if not org_ids:
            return frozenset()
        return frozenset(
            Organisation.networks.through.objects.filter(organisation_id__in=org_ids).values_list(
                "network_id", flat=True
            )
        )

    def roles(self) -> frozenset[str]:
        return frozenset(m[2] for m in self.memberships)

    def has_role(self, *roles: str) -> bool:
        return self.is_node_admin or bool(self.roles() & set(roles))

    def _paths_with(self, roles: frozenset[str]) -> list[str]:
        return [path for _, path, role in self.memberships if role in roles]

    def organisations_q(self, roles: frozenset[str], prefix: str = "") -> Q:
        """Q matching organisations (through `prefix`) the user holds one of `roles` in, or below them."""
        q = Q(pk__in=[])
        for path in self._paths_with(roles):
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def visible_organisations(self):
        """Organisations in one of the user's networks, and the user's own subtrees, as a subquery."""
        if self.is_node_admin:
            return Organisation.objects.all()
        q = self.organisations_q(frozenset(Role))
        if self.network_ids:
            member_ids = Organisation.networks.through.objects.filter(
                network_id__in=list(self.network_ids)
            ).values("organisation_id")
            q |= Q(pk__in=member_ids)
        return Organisation.objects.filter(q)

    def visible_organisation_ids(self):
        return self.visible_organisations().values("pk")

    def visible_rows_q(self, prefix: str = "organisation__") -> Q:
        """Rows (facilities, practitioners…) whose organisation, reached through `prefix`, is visible.

        The same scope as visible_organisations, said in the form each engine plans
        well: PostgreSQL reads `organisation_id IN (subquery)` quickly, while
        SQLite's planner guesses such a subquery yields a handful of rows, walks
        the organisation index and sorts every visible row before the first page
        (0.5 s at 400,000 practitioners). Said over the join, SQLite reads the page
        off the name index instead (bench/README.md has the figures).
        """
        if self.is_node_admin:
            return Q()
        if connection.vendor != "sqlite":
            return Q(**{f"{prefix}in": self.visible_organisation_ids()})
        scope = self.organisations_q(frozenset(Role), prefix)
        if self.network_ids:
            members = Organisation.networks.through.objects.filter(network_id__in=list(self.network_ids))
            scope |= Q(**{f"{prefix}in": members.values("organisation_id")})
        return scope

    def can_edit_organisation(self, organisation: Organisation | None) -> bool:
        if self.is_node_admin:
            return True
        if organisation is None:
            return False
        return any(organisation.path.startswith(p) for p in self._paths_with(REGISTRY_EDITORS))

    def can_edit_reference_data(self) -> bool:
        """Regions, specialties, techniques and equipment are shared by the whole node."""
        return self.is_node_admin or Role.ADMIN in self.roles()

    def can_read_audit(self) -> bool:
        return self.is_node_admin or bool(self.roles() & AUDIT_READERS)

    def editable_organisations(self):
        if self.is_node_admin:
            return Organisation.objects.all()
        return Organisation.objects.filter(self.organisations_q(REGISTRY_EDITORS))

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied()


def access_for(user) -> Access:
    """The Access of a user, cached on the user object for the request."""
    cached = getattr(user, "_caravan_access", None)
    if cached is None:
        cached = Access(user)
        if user is not None:
            try:
                user._caravan_access = cached
            except AttributeError:
                pass
    return cached
