"""Which regions' aggregates a user may see, and who may change what.

A user sees the aggregates of the provinces where the organisations of their
programmes run facilities (and whatever was merged into those provinces), never
a whole country unless they run the node. The indicators never list the rows
behind an aggregate; the only rows they show are data values, and only of
regions the user sees.
"""

from django.db.models import Q

from caravan.core.access import access_for
from caravan.core.roles import Role
from caravan.registry.models import Facility, Region

DEFINERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.ANALYST})  # define indicators, enter data, rebuild
APPROVERS = frozenset({Role.ADMIN, Role.COORDINATOR})  # approve data values


class RegionScope:
    def __init__(self, user):
        self.access = access_for(user)

    @property
    def everything(self) -> bool:
        return self.access.is_node_admin

    @property
    def may_view(self) -> bool:
        return self.access.is_node_admin or bool(self.access.memberships)

    def may(self, roles: frozenset[str]) -> bool:
        return self.access.is_node_admin or bool(self.access.roles() & roles)

    @property
    def network_ids(self) -> frozenset[int]:
        return self.access.network_ids

    def _province_paths(self) -> list[str]:
        cached = getattr(self, "_paths", None)
        if cached is not None:
            return cached
        paths: set[str] = set()
        if self.may_view and not self.everything:
            facility_paths = (
                Facility.objects.filter(self.access.visible_rows_q()).values_list("region__path", flat=True).distinct()
            )
            for path in facility_paths:
                parts = [p for p in path.strip("/").split("/") if p]
                paths.add("/" + "/".join(parts[:2]) + "/")
            if paths:
                q = Q(pk__in=[])
                for p in paths:
                    q |= Q(merged_into__path__startswith=p)
                paths |= set(Region.objects.filter(q).values_list("path", flat=True))
        self._paths = sorted(paths)
        return self._paths

    def regions_q(self, prefix: str = "") -> Q:
        """Regions (through `prefix`) whose aggregates the user sees."""
        if self.everything:
            return Q()
        q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
        for path in self._province_paths():
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def sees_region(self, region: Region) -> bool:
        return self.everything or any(region.path.startswith(p) for p in self._province_paths())

    def sees_network(self, network_id: int | None) -> bool:
        return self.everything or network_id in self.network_ids


def scope_for(user) -> RegionScope:
    cached = getattr(user, "_indicator_scope", None)
    if cached is None:
        cached = RegionScope(user)
        if user is not None:
            try:
                user._indicator_scope = cached
            except AttributeError:
                pass
    return cached
