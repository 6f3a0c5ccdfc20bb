"""Load what the pure cores (periods, health) need: counts from the metric registry.

Every function here asks each metric provider a bounded number of times —
once per metric and calendar period — whatever the number of agreements, so a
page of agreements costs the same number of queries with 5 rows or 50.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings

from caravan.core import metrics

from . import periods
from .health import Health, HealthFacts, assess
from .models import Agreement, Commitment


def dormant_days() -> int:
    return int(getattr(settings, "CARAVAN_DORMANT_DAYS", 180))


def expiring_days() -> int:
    return int(getattr(settings, "CARAVAN_EXPIRING_DAYS", 90))


def prefetched(agreement: Agreement, relation: str) -> list:
    """A prefetched relation's rows: the list of a `to_attr` prefetch (the lists), else the prefetch cache
    (read without building a new QuerySet per call, as `.all()` does), else a query."""
    as_list = getattr(agreement, f"{relation}_list", None)  # Prefetch(..., to_attr=f"{relation}_list")
    if as_list is not None:
        return as_list
    cached = getattr(agreement, "_prefetched_objects_cache", {}).get(relation)
    return list(cached) if cached is not None else list(getattr(agreement, relation).all())


def _target(commitment: Commitment) -> float:
    return float(commitment.target)


def current_progress(agreements: list[Agreement], *, today: date) -> dict[int, list[periods.Progress]]:
    """Each commitment's progress in its current period, keyed by commitment id.

    The agreements' commitments must be prefetched. Commitments whose metric no
    module provides yet are left out (nothing can be counted for them).
    """
    groups: dict[tuple[str, periods.Window], list[int]] = defaultdict(list)
    for agreement in agreements:
        for commitment in prefetched(agreement, "commitments"):
            if metrics.is_provided(commitment.metric):
                window = periods.current_window(commitment.period, today)
                groups[(commitment.metric, window)].append(agreement.pk)
    counted: dict[tuple[str, periods.Window], dict[int, float]] = {
        (code, window): metrics.totals(code, agreement_ids=sorted(set(ids)), start=window.start, end=window.end)
        for (code, window), ids in groups.items()
    }
    result: dict[int, list[periods.Progress]] = {}
    for agreement in agreements:
        for commitment in prefetched(agreement, "commitments"):
            window = periods.current_window(commitment.period, today)
            totals = counted.get((commitment.metric, window))
            if totals is None:
                continue
            result[commitment.pk] = [periods.progress(
                window, target=_target(commitment), actual=totals.get(agreement.pk, 0.0),
                start=agreement.start, end=agreement.end, today=today,
            )]
    return result


def recent_activity(agreement_ids: list[int], *, today: date, days: int) -> dict[int, float]:
    """How much the providers counted for each agreement over the last `days` days (any metric)."""
    result = dict.fromkeys(agreement_ids, 0.0)
    if not agreement_ids:
        return result
    start = today - timedelta(days=days)
    for code, metric in metrics.CATALOGUE.items():
        if not metric.activity or not metrics.is_provided(code):
            continue
        for agreement_id, value in metrics.totals(code, agreement_ids=agreement_ids, start=start, end=today).items():
            result[agreement_id] = result.get(agreement_id, 0.0) + value
    return result


def health_of(agreements: list[Agreement], *, today: date,
              progress: dict[int, list[periods.Progress]] | None = None) -> dict[int, Health]:
    """The health of each agreement (commitments prefetched), keyed by agreement id."""
    if progress is None:
        progress = current_progress(agreements, today=today)
    days = dormant_days()
    recent = recent_activity([a.pk for a in agreements], today=today, days=days)
    result = {}
    for agreement in agreements:
        behind = sum(
            1 for c in prefetched(agreement, "commitments") for p in progress.get(c.pk, []) if p.behind
        )
        facts = HealthFacts(status=agreement.status, start=agreement.start, end=agreement.end,
                            activity_in_window=recent.get(agreement.pk, 0.0), commitments_behind=behind)
        result[agreement.pk] = assess(facts, today=today, dormant_days=days, expiring_days=expiring_days())
    return result


def commitment_history(agreement: Agreement, commitment: Commitment, *, today: date) -> list[periods.Progress]:
    """Progress of one commitment in each of its periods, newest first (one count per period)."""
    if not metrics.is_provided(commitment.metric):
        return []
    rows = []
    for window in periods.windows(commitment.period, start=agreement.start, end=agreement.end, today=today):
        actual = metrics.totals(commitment.metric, agreement_ids=[agreement.pk], start=window.start,
                                end=window.end).get(agreement.pk, 0.0)
        rows.append(periods.progress(window, target=_target(commitment), actual=actual,
                                     start=agreement.start, end=agreement.end, today=today))
    return rows
