"""Where numerators and denominators come from: a registry of sources.

A source answers, for one period, a figure per region (or per programme) as
recorded there, before anything is added up the region tree. Three kinds:

- *records*: queries over Caravan's own rows (doctors with an active appointment
  on the period's last day, beds, facilities with EMR, population, communes);
- *data values*: figures entered or imported for what Caravan does not hold,
  counted once approved (`data:<element>`);
- *programme* sources: the agreement metrics of `caravan.core.metrics`, so a module
  that provides a metric there feeds the indicators without a change here.

Modules may add sources with `register(Source(...))` from their `AppConfig.ready()`.
Each `fetch` issues a fixed number of queries whatever the number of regions. A source may also give
`fetch_many`, every period of one kind at once (one grouped query instead of one per period), which the
rebuild prefers; `fetch`, period by period, stays the reference that tests hold `fetch_many` to.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, F, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber, Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from caravan.core import metrics

from .periods import LAST, MONTH, QUARTER, SUM, YEAR, Period, between, combine, parts

ADD, NEAREST = "add", "nearest"
REGION, PROGRAMME = "region", "programme"
DATA_PREFIX, METRIC_PREFIX = "data:", "metric:"


@dataclass(frozen=True)
class Source:
    code: str
    label: Promise | str
    scope: str  # REGION or PROGRAMME
    fetch: Callable[..., dict[int, float]] = field(compare=False)
    rollup: str = ADD  # how figures add up the region tree (hierarchy.add_up / nearest_recorded)
    since_baseline: bool = False  # counts from the indicator's baseline to the period's end
    # How the figures of shorter periods make a longer one (data values entered by month, asked by year):
    # periods.SUM for flows (visits), periods.LAST for stocks (the latest figure, nearest the period's end).
    over_time: str = SUM
    # Every period of one kind at once: fetch_many(periods=[...], baseline=...) -> {period code: {id: figure}}.
    fetch_many: Callable[..., dict[str, dict[int, float]]] | None = field(default=None, compare=False)


DATA_ELEMENTS: dict[str, Promise] = {
    "insured_visits": _("Insured visits"),
    "insured_visits_citizen_id": _("Insured visits by citizen ID"),
    "foreign_patients": _("Foreign patients treated"),
    "communes_meeting_criteria_reported": _("Communes meeting the national criteria (reported)"),
    "communes_reported": _("Communes (reported)"),
}

# Elements that count a state on a day rather than events over the period: by quarter or year they take the
# latest month's figure instead of adding the months up.
STOCK_ELEMENTS = frozenset({"communes_meeting_criteria_reported", "communes_reported"})

_registry: dict[str, Source] = {}


def register(source: Source) -> None:
    _registry[source.code] = source


def get(code: str) -> Source | None:
    """The source a code names (`data:<element>` for the data elements), None when there is none."""
    return _registry.get(code)


def available(scope: str | None = None) -> list[Source]:
    return sorted((s for s in _registry.values() if scope is None or s.scope == scope), key=lambda s: s.code)


# --- Records.


def _practitioners(profession: str):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from caravan.registry.models import Appointment

        day = period.end
        rows = (
            Appointment.objects.filter(practitioner__profession=profession, start__lte=day)
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .values("facility__region_id")
            .annotate(n=Count("practitioner_id", distinct=True))
        )
        return {r["facility__region_id"]: float(r["n"]) for r in rows}

    return fetch


def _facilities(flag: str | None):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from caravan.registry.models import Facility

        qs = Facility.objects.all() if flag is None else Facility.objects.filter(**{flag: True})
        return {r["region_id"]: float(r["n"]) for r in qs.values("region_id").annotate(n=Count("id"))}

    return fetch


def _beds(*, period: Period, baseline: date | None = None) -> dict[int, float]:
    from caravan.registry.models import Facility

    rows = Facility.objects.values("region_id").annotate(n=Sum("beds"))
    return {r["region_id"]: float(r["n"] or 0) for r in rows}


def _timeless(fetch):
    """Figures that do not depend on the period (facilities, beds): one query, the same answer for every period."""
    def fetch_many(*, periods: list[Period], baseline: date | None = None) -> dict[str, dict[int, float]]:
        if not periods:
            return {}
        figures = fetch(period=periods[0], baseline=baseline)
        return dict.fromkeys((p.code for p in periods), figures)

    return fetch_many


def _population(*, period: Period, baseline: date | None = None) -> dict[int, float]:
    from caravan.registry.models import RegionPopulation

    rows = RegionPopulation.objects.filter(year=period.end.year).values_list("region_id", "population")
    return {rid: float(n) for rid, n in rows}


def _population_many(*, periods: list[Period], baseline: date | None = None) -> dict[str, dict[int, float]]:
    from caravan.registry.models import RegionPopulation

    by_year: dict[int, dict[int, float]] = {p.end.year: {} for p in periods}
    rows = RegionPopulation.objects.filter(year__in=sorted(by_year)).values_list("year", "region_id", "population")
    for year, rid, n in rows:
        by_year[year][rid] = float(n)
    # The months of one year share the year's figures, so the rebuild adds them up the tree once.
    return {p.code: by_year[p.end.year] for p in periods}


def _communes(meeting: bool):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from caravan.registry.models import Region

        day = period.end
        qs = Region.objects.filter(level=Region.Level.COMMUNE, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )
        if meeting:
            qs = qs.filter(meets_commune_criteria=True)
        return dict.fromkeys(qs.values_list("id", flat=True), 1.0)

    def fetch_many(*, periods: list[Period], baseline: date | None = None) -> dict[str, dict[int, float]]:
        from caravan.registry.models import Region

        qs = Region.objects.filter(level=Region.Level.COMMUNE)
        if meeting:
            qs = qs.filter(meets_commune_criteria=True)
        rows = list(qs.values_list("id", "valid_from", "valid_to"))
        return {p.code: {rid: 1.0 for rid, start, end in rows if start <= p.end and (end is None or end > p.end)}
                for p in periods}

    return fetch, fetch_many


def _cross_level_techniques(*, period: Period, baseline: date | None = None) -> dict[int, float]:
    """Techniques a facility became independent in although the national list puts them at a higher level."""
    from django.db.models import F

    from caravan.transfer.models import Capability

    qs = Capability.objects.filter(first_independent_on__lte=period.end, technique__min_level__lt=F("facility__level"))
    if baseline is not None:
        qs = qs.filter(first_independent_on__gte=baseline)
    rows = qs.values("facility__region_id").annotate(n=Count("id"))
    return {r["facility__region_id"]: float(r["n"]) for r in rows}


def _inside(period: Period) -> list[str]:
    """The codes of the period and of every period inside it (a year's quarters and months)."""
    codes = [period.code]
    for part in parts(period):
        codes.extend(_inside(part))
    return codes


def _data_element(element: str, over_time: str):
    """Approved values of one element: the period's own, or made of the quarters and months inside it."""

    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from .models import DataValue

        rows = DataValue.objects.filter(element=element, period__in=_inside(period), status=DataValue.Status.APPROVED)
        by_region: dict[int, dict[str, float]] = {}
        for rid, code, value in rows.values_list("region_id", "period", "value"):
            by_region.setdefault(rid, {})[code] = value
        out = {rid: combine(values, period, over_time) for rid, values in by_region.items()}
        return {rid: v for rid, v in out.items() if v is not None}

    def entered(codes: list[str]) -> dict[str, dict[int, float]]:
        from .models import DataValue

        out: dict[str, dict[int, float]] = {code: {} for code in codes}
        rows = DataValue.objects.filter(element=element, period__in=codes, status=DataValue.Status.APPROVED)
        for rid, code, value in rows.values_list("region_id", "period", "value"):
            out[code][rid] = value
        return out

    def quarters_from_months(years: list[int]) -> dict[str, dict[int, float]]:
        """Each quarter's months added up (a flow) or its latest month (a stock), grouped in the database."""
        from .models import DataValue

        months = [m.code for y in years for m in between(y, y, MONTH)]
        qs = DataValue.objects.filter(element=element, period__in=months, status=DataValue.Status.APPROVED).annotate(
            year=Substr("period", 1, 4),
            quarter=Case(*(When(period__endswith=f"-{m:02d}", then=Value((m - 1) // 3 + 1)) for m in range(1, 13))),
        )
        if over_time == SUM:
            rows = qs.values("region_id", "year", "quarter").annotate(figure=Sum("value")).values_list(
                "region_id", "year", "quarter", "figure")
        else:
            rows = qs.annotate(rank=Window(RowNumber(), partition_by=[F("region_id"), F("year"), F("quarter")],
                                           order_by=F("period").desc())).filter(rank=1).values_list(
                "region_id", "year", "quarter", "value")
        out: dict[str, dict[int, float]] = {}
        for rid, year, q, figure in rows:
            out.setdefault(f"{year}-Q{q}", {})[rid] = figure
        return out

    def quarters(years: list[int]) -> dict[str, dict[int, float]]:
        codes = [q.code for y in years for q in between(y, y, QUARTER)]
        out = entered(codes)
        for code, figures in quarters_from_months(years).items():
            out[code] = figures | out[code]  # a value entered for the quarter wins over its months
        return out

    def fetch_many(*, periods: list[Period], baseline: date | None = None) -> dict[str, dict[int, float]]:
        codes = [p.code for p in periods]
        kinds = {p.kind for p in periods}
        if not periods or kinds == {MONTH}:
            return entered(codes)
        years = sorted({p.start.year for p in periods})
        if kinds == {QUARTER}:
            asked = set(codes)
            return {code: figures for code, figures in quarters(years).items() if code in asked}
        if kinds != {YEAR}:
            raise ValueError("fetch_many takes periods of one kind")
        out = entered(codes)
        by_quarter = quarters(years)
        for p in periods:
            found: dict[int, list[float]] = {}
            for q in parts(p):  # in order, so the last one is the latest
                for rid, figure in by_quarter.get(q.code, {}).items():
                    found.setdefault(rid, []).append(figure)
            made = {rid: sum(fs) if over_time == SUM else fs[-1] for rid, fs in found.items()}
            out[p.code] = made | out[p.code]  # a value entered for the year wins over its quarters
        return out

    return fetch, fetch_many


# --- Programmes: agreements and their metrics.


def agreements_by_network() -> dict[int, set[int]]:
    """Each programme's agreements: those with a party in one of its organisations (one query)."""
    from caravan.core.models import Organisation
    from caravan.partnerships.models import AgreementParty

    through = Organisation.networks.through.objects.filter(
        organisation_id__in=AgreementParty.objects.values("organisation_id")
    ).values_list("organisation_id", "network_id")
    networks_of: dict[int, set[int]] = {}
    for org, net in through:
        networks_of.setdefault(org, set()).add(net)
    out: dict[int, set[int]] = {}
    for agreement, org in AgreementParty.objects.values_list("agreement_id", "organisation_id"):
        for net in networks_of.get(org, ()):
            out.setdefault(net, set()).add(agreement)
    return out


def _active_agreements(*, period: Period, baseline: date | None = None, by_network=None) -> dict[int, float]:
    from caravan.partnerships.models import Agreement

    day = period.end
    active = set(
        Agreement.objects.filter(signed_on__isnull=False, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))
        .values_list("id", flat=True)
    )
    by_network = agreements_by_network() if by_network is None else by_network
    return {net: float(len(ids & active)) for net, ids in by_network.items()}


def _metric(code: str):
    def fetch(*, period: Period, baseline: date | None = None, by_network=None) -> dict[int, float]:
        by_network = agreements_by_network() if by_network is None else by_network
        every = sorted(set().union(*by_network.values())) if by_network else []
        if not every or not metrics.is_provided(code):
            return {}
        per_agreement = metrics.totals(code, agreement_ids=every, start=period.start, end=period.end)
        return {net: float(sum(per_agreement.get(a, 0.0) for a in ids)) for net, ids in by_network.items()}

    return fetch


def _register_builtin() -> None:
    register(Source("doctors", _("Doctors with an active appointment"), REGION, _practitioners("doctor")))
    register(Source("nurses", _("Nurses with an active appointment"), REGION, _practitioners("nurse")))
    register(Source("beds", _("Hospital beds"), REGION, _beds, fetch_many=_timeless(_beds)))
    for code, flag, label in (
        ("facilities", None, _("Facilities")),
        ("facilities_emr", "has_emr", _("Facilities with electronic medical records")),
        ("facilities_his", "has_his", _("Facilities with a hospital information system")),
        ("facilities_pacs", "has_pacs", _("Facilities with an imaging archive (PACS)")),
    ):
        register(Source(code, label, REGION, _facilities(flag), fetch_many=_timeless(_facilities(flag))))
    register(Source("population", _("Population of the year"), REGION, _population, rollup=NEAREST,
                    over_time=LAST, fetch_many=_population_many))
    for code, meeting, label in (("communes", False, _("Communes")),
                                 ("communes_meeting_criteria", True, _("Communes meeting the national criteria"))):
        fetch, fetch_many = _communes(meeting)
        register(Source(code, label, REGION, fetch, fetch_many=fetch_many))
    register(Source("cross_level_techniques", _("Cross-level techniques mastered since the baseline"), REGION,
                    _cross_level_techniques, since_baseline=True))
    for element, label in DATA_ELEMENTS.items():
        over_time = LAST if element in STOCK_ELEMENTS else SUM
        fetch, fetch_many = _data_element(element, over_time)
        register(Source(DATA_PREFIX + element, label, REGION, fetch, rollup=NEAREST, over_time=over_time,
                        fetch_many=fetch_many))
    register(Source("agreements_active", _("Active agreements"), PROGRAMME, _active_agreements))
    for metric in metrics.CATALOGUE.values():
        register(Source(METRIC_PREFIX + metric.code, metric.label, PROGRAMME, _metric(metric.code)))


_register_builtin()
