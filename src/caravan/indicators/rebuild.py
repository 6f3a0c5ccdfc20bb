"""Materialise every indicator × region (or programme) × period from scratch.

`compute_all` loads the dated region tree once, asks each source once per
period (a source shared by several indicators is asked once), adds the figures
up the tree of the period's last day and applies the engine. The result is a
sorted list, so two rebuilds over the same records write identical rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from caravan.registry.models import Region

from . import engine, hierarchy, periods, sources
from .models import Indicator, IndicatorValue, RebuildJob

BATCH = 5000


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
    """Every value of one indicator. A region with neither numerator nor denominator gets no row."""
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


def _value(row: Row) -> IndicatorValue:
    return IndicatorValue(
        indicator_id=row.indicator_id, region_id=row.region_id, network_id=row.network_id, period=row.period.code,
        period_kind=row.period.kind, period_end=row.period.end, numerator=row.result.numerator,
        denominator=row.result.denominator, value=row.result.value,
    )


def rebuild_all(*, first: int | None = None, last: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Replace every materialised value; returns how many were written. One transaction per indicator."""
    first = first_year() if first is None else first
    last = last_year() if last is None else last
    indicators = list(Indicator.objects.order_by("id"))
    figures = Figures(region_rows())
    written = 0
    stale = set(IndicatorValue.objects.values_list("indicator_id", flat=True).distinct()) - {i.pk for i in indicators}
    IndicatorValue.objects.filter(indicator_id__in=stale).delete()
    for done, indicator in enumerate(indicators, start=1):
        rows = compute_indicator(indicator, figures, first, last)
        with transaction.atomic():
            IndicatorValue.objects.filter(indicator=indicator).delete()
            IndicatorValue.objects.bulk_create((_value(r) for r in rows), batch_size=BATCH)
        written += len(rows)
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
