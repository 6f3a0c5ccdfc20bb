"""Load what the pure rules work on, in a fixed number of queries per batch."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from caravan.registry.models import Technique

from .models import Capability, CapabilityEvent, CaseLog, CaseYear
from .rules import CaseFact, ManualStep

Pair = tuple[int, int]  # (facility id, technique id)


@dataclass
class LedgerInputs:
    """For a batch of (facility, technique) pairs: their cases, hand-set steps, thresholds and current rows."""

    cases: dict[Pair, list[CaseFact]] = field(default_factory=lambda: defaultdict(list))
    manual: dict[Pair, list[ManualStep]] = field(default_factory=lambda: defaultdict(list))
    thresholds: dict[int, int] = field(default_factory=dict)
    capabilities: dict[Pair, Capability] = field(default_factory=dict)
    log_events: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    # The per-year case counts as stored: pair -> {year: (row id, cases)}.
    years: dict[Pair, dict[int, tuple[int, int]]] = field(default_factory=lambda: defaultdict(dict))


def ledger_inputs(pairs: Iterable[Pair]) -> LedgerInputs:
    """At most five queries whatever the number of pairs (callers batch them by facility)."""
    wanted = set(pairs)
    inputs = LedgerInputs()
    if not wanted:
        return inputs
    facility_ids = {f for f, _t in wanted}
    technique_ids = {t for _f, t in wanted}
    rows = (
        CaseLog.objects.filter(facility_id__in=facility_ids, technique_id__in=technique_ids)
        .order_by("facility_id", "technique_id", "performed_on", "id")
        .values_list("facility_id", "technique_id", "performed_on", "performer", "supervision", "outcome", "id")
    )
    for facility_id, technique_id, day, performer, supervision, outcome, pk in rows.iterator(chunk_size=5000):
        pair = (facility_id, technique_id)
        if pair in wanted:
            inputs.cases[pair].append(CaseFact(day, performer, supervision, outcome, pk))
    inputs.thresholds = dict(
        Technique.objects.filter(pk__in=technique_ids).values_list("pk", "cases_for_independence")
    )
    for capability in Capability.objects.filter(facility_id__in=facility_ids, technique_id__in=technique_ids):
        pair = (capability.facility_id, capability.technique_id)
        if pair in wanted:
            inputs.capabilities[pair] = capability
    stored = CaseYear.objects.filter(facility_id__in=facility_ids, technique_id__in=technique_ids).values_list(
        "pk", "facility_id", "technique_id", "year", "cases")
    for pk, facility_id, technique_id, year, cases in stored:
        pair = (facility_id, technique_id)
        if pair in wanted:
            inputs.years[pair][year] = (pk, cases)
    capability_pairs = {c.pk: pair for pair, c in inputs.capabilities.items()}
    events = (
        CapabilityEvent.objects.filter(capability_id__in=list(capability_pairs))
        .order_by("on", "id")
        .values_list("capability_id", "source", "on", "status", "previous", "reason", "details", "case_id")
    )
    for capability_id, source, on, status, previous, reason, details, case_id in events:
        if source == CapabilityEvent.Source.MANUAL:
            inputs.manual[capability_pairs[capability_id]].append(ManualStep(on, status))
        else:
            inputs.log_events[capability_id].append((on, status, previous, reason, details, case_id))
    return inputs
