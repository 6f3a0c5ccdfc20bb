"""The reports of technique transfer: aggregated in SQL over what the user can see.

Each report costs a fixed handful of grouped queries whatever the size of the
log: no query per row. Analysts (and everyone else) get aggregates over the
facilities that share a network with them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, Trunc

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.models import Network
from caravan.registry.models import Facility, Region, Specialty, TechnicalLevel
from caravan.registry.selectors import in_region_q

from . import conf, departures, rules, scope
from .models import Capability, CaseLog, CaseYear, Outcome, Performer, PlanItem


def _access(user):
    access = access_for(user)
    if not access.is_authenticated:
        raise NotFound()
    return access


def _covered(access, region: Region | None, *, level: int | None = None) -> Q:
    """Rows of the visible facilities in `region`'s subtree (and at `level`), as one IN subquery on facility_id.

    Through the facilities' ids (see registry.selectors.in_region_q) the database starts from the few
    facilities of a province instead of planning from the techniques joined by the cross-level rule.
    """
    facilities = Facility.objects.filter(scope.visible_facilities_q(access))
    if region:
        facilities = facilities.filter(in_region_q(region.path))
    if level:
        facilities = facilities.filter(level=level)
    return Q(facility_id__in=facilities.values("pk"))


def _cross_level(prefix: str = "") -> Q:
    """The technique is assigned above the facility's level (level 1 is central, the highest)."""
    return Q(**{f"{prefix}technique__min_level__lt": F(f"{prefix}facility__level")})


LEVEL_LABELS = dict(TechnicalLevel.choices)


# ---------------------------------------------------------------- new cross-level techniques


@dataclass(frozen=True)
class CrossLevelFilters:
    region: Region | None = None
    baseline_year: int = 2020
    specialty: str = ""
    level: int | None = None


@dataclass
class CrossLevelReport:
    filters: CrossLevelFilters
    total: int
    by_level: list[tuple[int, object, int, int]]  # level, label, techniques added, cases performed
    by_year: list[tuple[int, dict[int, int]]]  # year, {level: techniques added}
    by_facility: list[dict]
    by_region: list[tuple[Region, int]]
    by_specialty: list[tuple[object, int]]
    cases: int
    levels: list[int] = field(default_factory=list)


def cross_level_capabilities(*, user, filters: CrossLevelFilters) -> QuerySet[Capability]:
    """Cross-level capabilities a facility first became independent in since 1 January of the baseline year."""
    access = _access(user)
    qs = Capability.objects.filter(_covered(access, filters.region, level=filters.level)).filter(
        _cross_level(), first_independent_on__gte=date(filters.baseline_year, 1, 1)
    )
    if filters.specialty:
        qs = qs.filter(technique__specialty__code=filters.specialty)
    return qs


FACILITY_ROWS_SHOWN = 200


def cross_level_report(*, user, filters: CrossLevelFilters) -> CrossLevelReport:
    """New cross-level techniques since a baseline year by level, year, facility, region and specialty.

    Six grouped queries (seven with a region breakdown).
    """
    access = _access(user)
    caps = cross_level_capabilities(user=user, filters=filters)
    by_year_rows = (
        caps.annotate(year=ExtractYear("first_independent_on")).values("year", "facility__level")
        .annotate(n=Count("id")).order_by("year", "facility__level")
    )
    years: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    added: dict[int, int] = defaultdict(int)
    for row in by_year_rows:
        years[row["year"]][row["facility__level"]] += row["n"]
        added[row["facility__level"]] += row["n"]
    # Cases performed: summed from the per-year counts the ledger keeps (a few rows per capability), not
    # counted over the log itself.
    cases_qs = CaseYear.objects.filter(_covered(access, filters.region, level=filters.level)).filter(
        _cross_level(), year__gte=filters.baseline_year
    )
    if filters.specialty:
        cases_qs = cases_qs.filter(technique__specialty__code=filters.specialty)
    performed = dict(cases_qs.values_list("facility__level").annotate(n=Sum("cases")).order_by())
    levels = sorted(set(added) | set(performed))
    by_facility = list(
        caps.values("facility_id", "facility__name", "facility__code", "facility__level", "facility__region__name")
        .annotate(n=Count("id")).order_by("-n", "facility__name", "facility_id")[:FACILITY_ROWS_SHOWN]
    )
    by_specialty_rows = caps.values("technique__specialty__code", "technique__specialty__name").annotate(
        n=Count("id")).order_by("-n", "technique__specialty__code")
    return CrossLevelReport(
        filters=filters,
        total=sum(added.values()),
        by_level=[(lv, LEVEL_LABELS.get(lv, lv), added.get(lv, 0), performed.get(lv, 0)) for lv in levels],
        by_year=[(year, dict(per_level)) for year, per_level in sorted(years.items())],
        by_facility=[{**r, "level_label": LEVEL_LABELS.get(r["facility__level"])} for r in by_facility],
        by_region=_by_child_region(caps, filters.region),
        by_specialty=[
            (Specialty(code=r["technique__specialty__code"], name=r["technique__specialty__name"]).label, r["n"])
            for r in by_specialty_rows
        ],
        cases=sum(performed.values()),
        levels=levels,
    )


def _by_child_region(caps: QuerySet[Capability], region: Region | None) -> list[tuple[Region, int]]:
    """Counts rolled up to the regions one level below `region` (or to the top regions): SQL groups by region."""
    depth = len(region.path.strip("/").split("/")) if region else 0
    totals: dict[int, int] = defaultdict(int)
    for path, n in caps.values_list("facility__region__path").annotate(n=Count("id")).order_by():
        ids = [int(p) for p in path.strip("/").split("/") if p]
        # The top regions are countries: without a region chosen, roll up to their provinces.
        index = depth if region else min(1, len(ids) - 1)
        if index < len(ids):
            totals[ids[index]] += n
    names = Region.objects.in_bulk(list(totals))
    return sorted(((names[pk], n) for pk, n in totals.items() if pk in names), key=lambda x: (-x[1], x[0].name))


def cross_level_csv_rows(*, user, filters: CrossLevelFilters):
    """One line per capability of the report, for CSV export (streamed)."""
    rows = cross_level_capabilities(user=user, filters=filters).order_by(
        "facility__name", "technique__code", "id"
    ).values_list(
        "facility__code", "facility__name", "facility__level", "facility__region__name", "technique__code",
        "technique__name", "technique__specialty__code", "technique__min_level", "first_independent_on", "status",
    )
    yield from rows.iterator(chunk_size=2000)


# ---------------------------------------------------------------- cases by period


GRANULARITIES = ("month", "quarter", "year")


@dataclass(frozen=True)
class PeriodFilters:
    region: Region | None = None
    facility: int | None = None
    specialty: str = ""
    technique: int | None = None
    since: date | None = None
    until: date | None = None
    granularity: str = "year"
    cross_level_only: bool = False


def cases_by_period(*, user, filters: PeriodFilters) -> list[dict]:
    """Cases performed per period: all, by local staff, by visiting experts, with complications (one query)."""
    access = _access(user)
    qs = CaseLog.objects.filter(_covered(access, filters.region))
    if filters.facility:
        qs = qs.filter(facility_id=filters.facility)
    if filters.specialty:
        qs = qs.filter(technique__specialty__code=filters.specialty)
    if filters.technique:
        qs = qs.filter(technique_id=filters.technique)
    if filters.since:
        qs = qs.filter(performed_on__gte=filters.since)
    if filters.until:
        qs = qs.filter(performed_on__lte=filters.until)
    if filters.cross_level_only:
        qs = qs.filter(_cross_level())
    kind = filters.granularity if filters.granularity in GRANULARITIES else "year"
    rows = (
        qs.annotate(period=Trunc("performed_on", kind))
        .values("period")
        .annotate(
            total=Count("id"),
            local=Count("id", filter=Q(performer=Performer.LOCAL)),
            visiting=Count("id", filter=Q(performer=Performer.VISITING)),
            complications=Count("id", filter=~Q(outcome=Outcome.SUCCESS)),
        )
        .order_by("period")
    )
    return [{**r, "label": period_label(r["period"], kind)} for r in rows]


def period_label(day: date, kind: str) -> str:
    if kind == "year":
        return str(day.year)
    if kind == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


# ---------------------------------------------------------------- techniques transferred


@dataclass(frozen=True)
class TransferredFilters:
    start: date | None = None
    end: date | None = None


def _transferred_q(filters: TransferredFilters) -> Exists:
    independent = Capability.objects.filter(
        facility_id=OuterRef("plan__recipient_id"), technique_id=OuterRef("technique_id"),
        first_independent_on__isnull=False,
    )
    if filters.start:
        independent = independent.filter(first_independent_on__gte=filters.start)
    if filters.end:
        independent = independent.filter(first_independent_on__lte=filters.end)
    return Exists(independent)


def _visible_items(user) -> QuerySet[PlanItem]:
    access = _access(user)
    return PlanItem.objects.filter(
        scope.visible_facilities_q(access, prefix="plan__recipient__")
        & scope.visible_facilities_q(access, prefix="plan__mentor__")
    )


def transferred_per_plan(*, user, filters: TransferredFilters) -> list[dict]:
    """Per plan: its techniques and how many the recipient became independent in (in the period). One query."""
    rows = (
        _visible_items(user).annotate(done=_transferred_q(filters))
        .values("plan_id", "plan__title", "plan__mentor__name", "plan__recipient__name", "plan__agreement__code")
        .annotate(items=Count("id"), transferred=Count("id", filter=Q(done=True)))
        .order_by("plan__title", "plan_id")
    )
    return list(rows)


def transferred_per_agreement(*, user, filters: TransferredFilters) -> list[dict]:
    """Per agreement cited by plans: plans, techniques planned and techniques transferred. One query."""
    rows = (
        _visible_items(user).filter(plan__agreement__isnull=False).annotate(done=_transferred_q(filters))
        .values("plan__agreement_id", "plan__agreement__code", "plan__agreement__title")
        .annotate(plans=Count("plan", distinct=True), items=Count("id"), transferred=Count("id", filter=Q(done=True)))
        .order_by("plan__agreement__code")
    )
    return list(rows)


# ---------------------------------------------------------------- sustainability per programme


def programmes_for_user(*, user) -> QuerySet[Network]:
    """The programmes (partnership networks) the user belongs to; all of them for node administrators."""
    access = _access(user)
    if access.is_node_admin:
        return Network.objects.order_by("name")
    return Network.objects.filter(pk__in=list(access.network_ids)).order_by("name")


@dataclass
class ServiceRow:
    standing: rules.ServiceStanding
    facility: str
    technique: str
    technique_code: str
    specialty: object
    status: str


@dataclass
class SustainabilityReport:
    network: Network
    as_of: date
    index: tuple[rules.SustainabilityIndex, ...]
    rows: list[ServiceRow]


def sustainability_report(*, user, network: Network, as_of: date) -> SustainabilityReport:
    """Which services a programme's visiting teams started still run 6 and 12 months after the experts left.

    Two queries: the capabilities transferred with visiting help at the
    programme's facilities, and the departures (see departures.py).
    """
    access = _access(user)
    if not access.is_node_admin and network.pk not in access.network_ids:
        raise NotFound()
    facilities = Facility.objects.filter(organisation__networks=network).filter(scope.visible_facilities_q(access))
    capabilities = list(
        Capability.objects.filter(facility__in=facilities, visiting_help=True, first_independent_on__isnull=False)
        .values_list("pk", "facility_id", "technique_id", "technique__specialty_id", "first_independent_on",
                     "last_case_on", "facility__name", "technique__name", "technique__code",
                     "technique__specialty__code", "technique__specialty__name", "status")
        .order_by("facility__name", "technique__code", "pk")
    )
    services = [rules.TransferredService(c[0], c[1], c[2], c[3], c[4], c[5]) for c in capabilities]
    gone = departures.current().last_departures(facility_ids=facilities.values("pk"))
    result = rules.sustainability(services, gone, as_of=as_of, grace_months=conf.sustained_grace_months())
    rows = [
        ServiceRow(standing, c[6], c[7], c[8], Specialty(code=c[9], name=c[10]).label, c[11])
        for standing, c in zip(result.rows, capabilities, strict=True)
    ]
    return SustainabilityReport(network=network, as_of=as_of, index=result.index, rows=rows)
