"""Materialise every indicator × region (or programme) × period from scratch.

Two paths give the same rows:

- the set-based one, which `rebuild_all` runs: each source answers every period
  of a kind at once with grouped queries (`Source.fetch_many`), the figures are
  added up the dated tree once per distinct tree and distinct answer, the engine
  turns them into plain tuples, and `bulk.replace_values` writes an indicator's
  rows in large batches in one transaction;
- the reference, period by period (`Figures`, `compute_indicator`): each source
  asked once per period with `Source.fetch`. Tests hold the first to the second.

Either way the rows come out sorted, so two rebuilds over the same records write
identical rows.
"""

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from caravan.registry.models import Region

from . import bulk, engine, hierarchy, periods, sources
from .models import Indicator, IndicatorValue, RebuildJob

# One materialised value as written: indicator, region, network, period code, kind, end, numerator,
# denominator, value (the columns of bulk.FIELDS).
Values = tuple[int, int | None, int | None, str, str, date, float | None, float | None, float | None]


@dataclass(frozen=True)
class Row:
    indicator_id: int
    region_id: int | None
    network_id: int | None
    period: periods.Period
    result: engine.Result


def first_year() -> int:
    return getattr(settings, "CARAVAN_INDICATORS_FIRST_YEAR", 2020)


def last_year() -> int:
    return timezone.localdate().year


def region_rows() -> list[hierarchy.RegionRow]:
    return [
        hierarchy.RegionRow(*r)
        for r in Region.objects.values_list("id", "parent_id", "level", "valid_from", "valid_to", "merged_into_id")
    ]


class Figures:
    """Each source's figures per period, fetched once and added up the tree of that day."""

    def __init__(self, regions: list[hierarchy.RegionRow]):
        self.regions = regions
        self._trees: dict[date, hierarchy.TreeOnDay] = {}
        self._cache: dict[tuple, dict[int, float]] = {}
        self._by_network: dict[int, set[int]] | None = None

    def tree(self, day: date) -> hierarchy.TreeOnDay:
        if day not in self._trees:
            self._trees[day] = hierarchy.tree_on(self.regions, day)
        return self._trees[day]

    def of(self, code: str, period: periods.Period, baseline: date | None) -> dict[int, float]:
        source = sources.get(code)
        if source is None:
            return {}
        key = (code, period.code, baseline if source.since_baseline else None)
        if key not in self._cache:
            if source.scope == sources.PROGRAMME:
                if self._by_network is None:
                    self._by_network = sources.agreements_by_network()
                self._cache[key] = source.fetch(period=period, baseline=key[2], by_network=self._by_network)
            else:
                own = source.fetch(period=period, baseline=key[2])
                tree = self.tree(period.end)
                add = hierarchy.add_up if source.rollup == sources.ADD else hierarchy.nearest_recorded
                self._cache[key] = add(tree, own)
        return self._cache[key]


def indicator_periods(indicator: Indicator, first: int, last: int) -> list[periods.Period]:
    out: list[periods.Period] = []
    for kind in periods.kinds_down_to(indicator.periodicity):
        out.extend(periods.between(first, last, kind))
    return out


def compute_indicator(indicator: Indicator, figures: Figures, first: int, last: int) -> list[Row]:
    """Every value of one indicator, period by period (the reference). A region with neither numerator nor
    denominator gets no row."""
    rows: list[Row] = []
    programme = indicator.scope == Indicator.Scope.PROGRAMME
    source = sources.get(indicator.numerator)
    missing = 0.0 if source is not None and source.rollup == sources.ADD else None
    for period in indicator_periods(indicator, first, last):
        num = figures.of(indicator.numerator, period, indicator.baseline)
        den = figures.of(indicator.denominator, period, indicator.baseline) if indicator.denominator else {}
        for key in sorted(set(num) | set(den)):
            # A count with nothing to count is 0 where there is a denominator; a missing recorded figure is no data.
            result = engine.compute(numerator=num.get(key, missing), denominator=den.get(key) if indicator.denominator else None,
                                    factor=indicator.factor, decimals=indicator.decimals)
            if indicator.denominator and key not in den:
                result = engine.Result(result.numerator, None, None)
            rows.append(Row(indicator.pk, None if programme else key, key if programme else None, period, result))
    return rows


def as_values(row: Row) -> Values:
    return (row.indicator_id, row.region_id, row.network_id, row.period.code, row.period.kind, row.period.end,
            row.result.numerator, row.result.denominator, row.result.value)


# --- The set-based path.


class Tables:
    """Each source's figures for every period of a kind, added up the tree of each period's last day.

    The dated tree changes only on the days regions start, end or merge, so one tree serves every period
    between two such days; a source that gives several periods the same answer (beds, the population of a
    year's months) is added up once per tree.
    """

    def __init__(self, regions: list[hierarchy.RegionRow]):
        self.regions = regions
        self._boundaries = sorted({r.valid_from for r in regions} | {r.valid_to for r in regions if r.valid_to})
        self._trees: dict[int, hierarchy.TreeOnDay] = {}
        self._cache: dict[tuple, dict[str, dict[int, float]]] = {}
        self._by_network: dict[int, set[int]] | None = None

    def tree(self, day: date) -> tuple[int, hierarchy.TreeOnDay]:
        epoch = bisect.bisect_right(self._boundaries, day)
        if epoch not in self._trees:
            self._trees[epoch] = hierarchy.tree_on(self.regions, day)
        return epoch, self._trees[epoch]

    def of(self, code: str, kind: str, first: int, last: int, baseline: date | None) -> dict[str, dict[int, float]]:
        """{period code: {region or programme id: figure}} for every period of `kind` in [first, last]."""
        source = sources.get(code)
        if source is None:
            return {}
        key = (code, kind, first, last, baseline if source.since_baseline else None)
        if key in self._cache:
            return self._cache[key]
        wanted = periods.between(first, last, kind)
        extra = {"by_network": self.by_network()} if source.scope == sources.PROGRAMME else {}
        if source.fetch_many is not None:
            own = source.fetch_many(periods=wanted, baseline=key[4], **extra)
        else:
            own = {p.code: source.fetch(period=p, baseline=key[4], **extra) for p in wanted}
        if source.scope == sources.PROGRAMME:
            self._cache[key] = {p.code: own.get(p.code, {}) for p in wanted}
            return self._cache[key]
        add = hierarchy.add_up if source.rollup == sources.ADD else hierarchy.nearest_recorded
        # Keyed by the answer's identity; `done` keeps each answer alive so no id is reused while it is a key.
        done: dict[tuple[int, int], tuple[dict, dict[int, float]]] = {}
        out: dict[str, dict[int, float]] = {}
        nothing: dict[int, float] = {}
        for p in wanted:
            figures = own.get(p.code, nothing)
            epoch, tree = self.tree(p.end)
            shared = (epoch, id(figures))
            if shared not in done:
                done[shared] = (figures, add(tree, figures))
            out[p.code] = done[shared][1]
        self._cache[key] = out
        return out

    def by_network(self) -> dict[int, set[int]]:
        if self._by_network is None:
            self._by_network = sources.agreements_by_network()
        return self._by_network


def compute_values(indicator: Indicator, tables: Tables, first: int, last: int,
                   kinds: tuple[str, ...] | None = None) -> list[Values]:
    """Every value of one indicator from whole tables; the same rows as `compute_indicator`, as tuples.
    `kinds` narrows to some kinds of period (the benchmark compares the months alone)."""
    out: list[Values] = []
    programme = indicator.scope == Indicator.Scope.PROGRAMME
    source = sources.get(indicator.numerator)
    missing = 0.0 if source is not None and source.rollup == sources.ADD else None
    has_den = bool(indicator.denominator)
    compute, factor, decimals, pk = engine.compute, indicator.factor, indicator.decimals, indicator.pk
    for kind in kinds or periods.kinds_down_to(indicator.periodicity):
        nums = tables.of(indicator.numerator, kind, first, last, indicator.baseline)
        dens = tables.of(indicator.denominator, kind, first, last, indicator.baseline) if has_den else {}
        for period in periods.between(first, last, kind):
            num = nums.get(period.code, {})
            den = dens.get(period.code, {})
            code, end = period.code, period.end
            for key in sorted(num.keys() | den.keys()):
                d = den.get(key) if has_den else None
                result = compute(numerator=num.get(key, missing), denominator=d, factor=factor, decimals=decimals)
                if has_den and key not in den:
                    result = engine.Result(result.numerator, None, None)
                out.append((pk, None if programme else key, key if programme else None, code, kind, end,
                            result.numerator, result.denominator, result.value))
    return out


def _index_order(v: Values) -> tuple:
    return (v[1] or 0, v[2] or 0, v[4], v[5])


def rebuild_all(*, first: int | None = None, last: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Replace every materialised value; returns how many were written. One transaction per indicator."""
    first = first_year() if first is None else first
    last = last_year() if last is None else last
    indicators = list(Indicator.objects.order_by("id"))
    tables = Tables(region_rows())
    written = 0
    stale = set(IndicatorValue.objects.values_list("indicator_id", flat=True).distinct()) - {i.pk for i in indicators}
    IndicatorValue.objects.filter(indicator_id__in=stale).delete()
    with bulk.write_cache():
        for done, indicator in enumerate(indicators, start=1):
            values = compute_values(indicator, tables, first, last)
            # In the order of the indexes (region or programme, then period): the database appends to its
            # B-trees instead of jumping about them, which is most of the time a rebuild spends writing.
            values.sort(key=_index_order)
            written += bulk.replace_values(indicator.pk, values)
            if progress:
                progress(done, len(indicators))
    return written


def run_job(job_id: int) -> int:
    """Run a queued rebuild, writing its progress to the job row as each indicator is done."""
    job = RebuildJob.objects.get(pk=job_id)
    if job.status == RebuildJob.Status.DONE:
        return job.values_written
    RebuildJob.objects.filter(pk=job_id).update(status=RebuildJob.Status.RUNNING, done=0,
                                                total=Indicator.objects.count())

    def progress(done: int, total: int) -> None:
        RebuildJob.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        written = rebuild_all(progress=progress)
    except Exception:
        RebuildJob.objects.filter(pk=job_id).update(status=RebuildJob.Status.FAILED, finished_at=timezone.now())
        raise
    RebuildJob.objects.filter(pk=job_id).update(status=RebuildJob.Status.DONE, values_written=written,
                                                finished_at=timezone.now())
    return written
