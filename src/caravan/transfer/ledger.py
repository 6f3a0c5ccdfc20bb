"""Bring the capability ledger in line with the case log: fetch → rules.derive → write.

The derived rows are not audited one by one: the case log writes that caused
them are, and every status change is kept with its evidence as a
CapabilityEvent. Recomputing twice changes nothing the second time.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from . import conf
from .fetch import LedgerInputs, Pair, ledger_inputs
from .models import Capability, CapabilityEvent, CaseYear
from .rules import LedgerOutcome, derive

# Pairs recomputed together: a batch is loaded in four queries and written in a few more.
BATCH = 500
CAPABILITY_FIELDS = [
    "status", "status_on", "first_independent_on", "first_case_on", "last_case_on", "cases", "visiting_help",
    "held_back_rate",
]


def _fields_of(outcome: LedgerOutcome) -> dict:
    return {
        "status": outcome.status, "status_on": outcome.status_on,
        "first_independent_on": outcome.first_independent_on, "first_case_on": outcome.first_case_on,
        "last_case_on": outcome.last_case_on, "cases": outcome.cases, "visiting_help": outcome.visiting_help,
        "held_back_rate": outcome.held_back_rate,
    }


def _log_steps(outcome: LedgerOutcome) -> list[tuple]:
    return [
        (s.day, s.status, s.previous or "", s.reason, s.details, s.case_id) for s in outcome.steps if not s.manual
    ]


def recompute(pairs: Iterable[Pair], *, as_of: date | None = None, progress=None) -> int:
    """Recompute the capabilities of (facility, technique) pairs; returns how many capabilities changed.

    `progress(done, total)` is called after each batch. A pair with neither
    cases nor hand-set steps left loses its capability row.
    """
    as_of = as_of or timezone.localdate()
    ordered = sorted(set(pairs))
    changed = 0
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start:start + BATCH]
        with transaction.atomic():
            changed += _recompute_batch(ledger_inputs(batch), batch, as_of)
        if progress is not None:
            progress(min(start + BATCH, len(ordered)), len(ordered))
    return changed


def _recount_years(inputs: LedgerInputs, batch: list[Pair]) -> None:
    """Bring the per-year case counts of the batch's pairs in line with their log (a query per kind of change)."""
    gone: list[int] = []
    changed: list[CaseYear] = []
    new: list[CaseYear] = []
    for pair in batch:
        counted: dict[int, int] = {}
        for case in inputs.cases.get(pair, []):
            counted[case.day.year] = counted.get(case.day.year, 0) + 1
        stored = inputs.years.get(pair, {})
        gone.extend(pk for year, (pk, _n) in stored.items() if year not in counted)
        for year, n in counted.items():
            if year not in stored:
                new.append(CaseYear(facility_id=pair[0], technique_id=pair[1], year=year, cases=n))
            elif stored[year][1] != n:
                changed.append(CaseYear(pk=stored[year][0], cases=n))
    if gone:
        CaseYear.objects.filter(pk__in=gone).delete()
    if changed:
        CaseYear.objects.bulk_update(changed, ["cases"], batch_size=BATCH)
    if new:
        CaseYear.objects.bulk_create(new, batch_size=BATCH)


def _recompute_batch(inputs: LedgerInputs, batch: list[Pair], as_of: date) -> int:
    _recount_years(inputs, batch)
    to_create: list[tuple[Capability, LedgerOutcome]] = []
    to_update: list[Capability] = []
    new_events: list[tuple[Capability, LedgerOutcome]] = []
    stale_event_owners: list[int] = []
    to_delete: list[int] = []
    for pair in batch:
        threshold = inputs.thresholds.get(pair[1])
        if threshold is None:
            continue  # the technique is gone
        outcome = derive(inputs.cases.get(pair, []), rules=conf.rules_for(threshold), as_of=as_of,
                         manual=inputs.manual.get(pair, []))
        capability = inputs.capabilities.get(pair)
        if outcome.status is None:
            if capability is not None:
                to_delete.append(capability.pk)
            continue
        fields = _fields_of(outcome)
        if capability is None:
            capability = Capability(facility_id=pair[0], technique_id=pair[1], **fields)
            to_create.append((capability, outcome))
            continue
        steps = _log_steps(outcome)
        if any(getattr(capability, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(capability, key, value)
            to_update.append(capability)
        if inputs.log_events.get(capability.pk, []) != steps:
            stale_event_owners.append(capability.pk)
            new_events.append((capability, outcome))
    if to_delete:
        Capability.objects.filter(pk__in=to_delete).delete()
    if to_create:
        Capability.objects.bulk_create([c for c, _o in to_create], batch_size=BATCH)
        new_events.extend(to_create)
    if to_update:
        now = timezone.now()
        for capability in to_update:
            capability.updated_at = now
        Capability.objects.bulk_update(to_update, [*CAPABILITY_FIELDS, "updated_at"], batch_size=BATCH)
    if stale_event_owners:
        CapabilityEvent.objects.filter(capability_id__in=stale_event_owners,
                                       source=CapabilityEvent.Source.LOG).delete()
    events = [
        CapabilityEvent(capability=capability, on=s.day, status=s.status, previous=s.previous or "",
                        source=CapabilityEvent.Source.LOG, reason=s.reason, details=s.details, case_id=s.case_id)
        for capability, outcome in new_events for s in outcome.steps if not s.manual
    ]
    CapabilityEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(to_create) + len(to_delete) + len({c.pk for c in to_update} | set(stale_event_owners))


def recompute_facility_sweep(*, as_of: date | None = None, facility_ids: Iterable[int] | None = None) -> int:
    """Recompute every capability (or those of some facilities): catches lapses that only time brings."""
    from .models import CaseLog  # local: the sweep is the only caller that scans the whole log

    capabilities = Capability.objects.all()
    cases = CaseLog.objects.all()
    if facility_ids is not None:
        capabilities = capabilities.filter(facility_id__in=list(facility_ids))
        cases = cases.filter(facility_id__in=list(facility_ids))
    pairs = set(capabilities.values_list("facility_id", "technique_id"))
    pairs |= set(cases.order_by().values_list("facility_id", "technique_id").distinct())
    return recompute(pairs, as_of=as_of)
