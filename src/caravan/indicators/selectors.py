"""Every read of the indicators, scoped to what the user may see. Forbidden answers NotFound, like missing."""

from dataclasses import dataclass, field

from django.db.models import Q

from caravan.core.errors import NotFound
from caravan.core.models import Network
from caravan.registry.models import Region

from . import engine
from .models import DataValue, Indicator, IndicatorValue, Pin, RebuildJob
from .scope import scope_for


def _require_viewer(user):
    scope = scope_for(user)
    if not scope.may_view:
        raise NotFound()
    return scope


def indicator_list_for_user(*, user) -> list[Indicator]:
    """Built-in indicators and those defined in the user's programmes."""
    scope = _require_viewer(user)
    qs = Indicator.objects.all()
    if not scope.everything:
        qs = qs.filter(Q(network__isnull=True) | Q(network_id__in=sorted(scope.network_ids)))
    return list(qs.order_by("-builtin", "scope", "code"))


def indicator_get_for_user(*, user, code: str) -> Indicator:
    scope = _require_viewer(user)
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None or not (indicator.network_id is None or scope.sees_network(indicator.network_id)):
        raise NotFound()
    return indicator


def region_get_for_user(*, user, code: str) -> Region:
    scope = _require_viewer(user)
    region = Region.objects.filter(code=code).first()
    if region is None or not scope.sees_region(region):
        raise NotFound()
    return region


def region_list_for_user(*, user, max_level: int = Region.Level.DISTRICT) -> list[Region]:
    """Provinces and districts (by default) whose dashboards the user may open."""
    scope = _require_viewer(user)
    return list(Region.objects.filter(scope.regions_q(), level__lte=max_level).order_by("path"))


def network_list_for_user(*, user) -> list[Network]:
    scope = _require_viewer(user)
    qs = Network.objects.all() if scope.everything else Network.objects.filter(pk__in=sorted(scope.network_ids))
    return list(qs.order_by("name"))


def network_get_for_user(*, user, code: str) -> Network:
    scope = _require_viewer(user)
    network = Network.objects.filter(code=code).first()
    if network is None or not scope.sees_network(network.pk):
        raise NotFound()
    return network


@dataclass
class Tile:
    indicator: Indicator
    period: str = ""
    value: float | None = None
    previous: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    series: list[tuple[str, float | None]] = field(default_factory=list)
    pin_id: int | None = None

    @property
    def change(self) -> float | None:
        return engine.change(self.value, self.previous)


# How many periods a tile's sparkline and table show: two years of months or five of quarters stay readable.
SERIES_LENGTH = {"year": 20, "quarter": 20, "month": 24}


def _tiles(indicators: list[Indicator], values, *, kind: str, period: str | None) -> tuple[list[Tile], list[str]]:
    by_indicator: dict[int, list[IndicatorValue]] = {}
    for v in values:
        by_indicator.setdefault(v.indicator_id, []).append(v)
    all_periods = sorted({v.period for v in values})
    tiles = []
    for ind in indicators:
        series = sorted(by_indicator.get(ind.pk, []), key=lambda v: v.period_end)
        shown = [v for v in series if period is None or v.period <= period][-SERIES_LENGTH.get(kind, 20):]
        tile = Tile(ind, series=[(v.period, v.value) for v in shown])
        # The chosen period, or else the latest one with a value.
        if period is not None:
            chosen = [v for v in series if v.period == period]
        else:
            chosen = [v for v in series if v.value is not None]
        if chosen:
            latest = chosen[-1]
            tile.period, tile.value = latest.period, latest.value
            tile.numerator, tile.denominator = latest.numerator, latest.denominator
            earlier = [v for v in series if v.period_end < latest.period_end]
            tile.previous = earlier[-1].value if earlier else None
        tiles.append(tile)
    return tiles, all_periods


def region_dashboard(*, user, region: Region, kind: str = "year", period: str | None = None):
    """Tiles (latest or chosen period, change, sparkline) of every region indicator the user sees. Two queries."""
    indicators = [i for i in indicator_list_for_user(user=user) if i.scope == Indicator.Scope.REGION]
    values = list(IndicatorValue.objects.filter(region=region, period_kind=kind,
                                                indicator__in=[i.pk for i in indicators]))
    return _tiles(indicators, values, kind=kind, period=period)


def programme_dashboard(*, user, network: Network, kind: str = "year", period: str | None = None):
    indicators = [i for i in indicator_list_for_user(user=user) if i.scope == Indicator.Scope.PROGRAMME]
    values = list(IndicatorValue.objects.filter(network=network, period_kind=kind,
                                                indicator__in=[i.pk for i in indicators]))
    return _tiles(indicators, values, kind=kind, period=period)


def subregion_table(*, user, region: Region, indicator: Indicator, period: str) -> list[tuple[Region, IndicatorValue | None]]:
    """The indicator in each sub-region the user sees (standing or merged into the region), ranked. Two queries."""
    scope = scope_for(user)
    subs = list(Region.objects.filter(scope.regions_q()).filter(Q(parent=region) | Q(merged_into=region))
                .order_by("name"))
    values = {v.region_id: v for v in IndicatorValue.objects.filter(
        indicator=indicator, period=period, region__in=[r.pk for r in subs])}
    rows = [(r, values.get(r.pk)) for r in subs]
    return sorted(rows, key=lambda rv: (rv[1] is None or rv[1].value is None,
                                        -(rv[1].value or 0) if rv[1] else 0, rv[0].name))


def indicator_values(*, user, indicator: Indicator, region: Region | None = None, kind: str | None = None,
                     period: str | None = None):
    """Materialised values of an indicator in the regions (or programmes) the user sees, as a queryset."""
    scope = _require_viewer(user)
    qs = IndicatorValue.objects.filter(indicator=indicator).select_related("region", "network")
    if indicator.scope == Indicator.Scope.PROGRAMME:
        if not scope.everything:
            qs = qs.filter(network_id__in=sorted(scope.network_ids))
    else:
        qs = qs.filter(scope.regions_q("region__"))
        if region is not None:
            qs = qs.filter(region=region)
    if kind:
        qs = qs.filter(period_kind=kind)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("period_end", "region__code", "network__code")


def data_value_list_for_user(*, user, status: str | None = None):
    scope = _require_viewer(user)
    qs = DataValue.objects.filter(scope.regions_q("region__")).select_related("region", "entered_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "element", "region__code", "period")


def pins_for_user(*, user) -> list[Pin]:
    """The user's pinned indicators with their latest yearly value, in three queries."""
    _require_viewer(user)
    scope = scope_for(user)
    pins = [p for p in Pin.objects.filter(user=user).select_related("indicator", "region", "network")
            if (p.region is None or scope.sees_region(p.region)) and (p.network_id is None or scope.sees_network(p.network_id))]
    if not pins:
        return pins
    q = Q(pk__in=[])
    for p in pins:
        q |= Q(indicator_id=p.indicator_id, region_id=p.region_id, network_id=p.network_id)
    latest: dict[tuple, IndicatorValue] = {}
    for v in IndicatorValue.objects.filter(q, period_kind="year", value__isnull=False).order_by("period_end"):
        latest[(v.indicator_id, v.region_id, v.network_id)] = v
    for p in pins:
        p.latest = latest.get((p.indicator_id, p.region_id, p.network_id))
    return pins


def latest_job() -> RebuildJob | None:
    return RebuildJob.objects.order_by("-created_at", "-id").first()


def rebuild_job_get_for_user(*, user, pk: int) -> RebuildJob:
    _require_viewer(user)
    job = RebuildJob.objects.filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job
