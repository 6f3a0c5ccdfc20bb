"""The rules of the ledger, as pure functions over the case log (no database here).

    derive(cases, rules=..., as_of=..., manual=...)   -> the status history of one facility × technique
    sustainability(services, departures, as_of=...)   -> which transferred services still run
    schedule_problems(...)                             -> why a plan may not schedule a technique yet

Statuses climb planned → training → supervised → independent; lapsed drops out
of that ladder and a later case climbs it again from the bottom of the log.

* A case where local staff observed or assisted a visiting expert: training.
* A case performed by local staff (supervised, or already alone): supervised.
* Independent: the technique's required number of successful cases performed
  by local staff alone, within the window (counted back from each case), while
  the complication rate (complications and deaths) of the local cases in that
  window is at or below the threshold. Above it, independence is held back.
* Lapsed: an independent capability with no case for `lapse_months`.
* Coordinators set planned and training by hand; a hand-set status never moves
  a capability down the ladder.
"""

import calendar
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

PLANNED, TRAINING, SUPERVISED, INDEPENDENT, LAPSED = "planned", "training", "supervised", "independent", "lapsed"
LOCAL, VISITING = "local", "visiting"
OBSERVED, ASSISTED = "observed", "assisted"
SUCCESS = "success"

# Height on the ladder; lapsed counts as the bottom, so any case or hand-set status climbs from it.
RANK = {None: 0, LAPSED: 0, PLANNED: 1, TRAINING: 2, SUPERVISED: 3, INDEPENDENT: 4}


class Reason:
    """Why a status changed: stored as a code with its figures, worded in the reader's language on display."""

    MANUAL = "manual"
    FIRST_OBSERVED = "first_observed"
    FIRST_LOCAL = "first_local"
    INDEPENDENCE = "independence"
    LAPSE = "lapse"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CaseFact:
    day: date
    performer: str
    supervision: str
    outcome: str
    case_id: int | None = None


@dataclass(frozen=True)
class ManualStep:
    day: date
    status: str


@dataclass(frozen=True)
class RuleSettings:
    cases_for_independence: int
    window_months: int = 24
    max_complication_rate: float = 0.10
    lapse_months: int = 12


@dataclass(frozen=True)
class Step:
    """One effective change of status."""

    day: date
    status: str
    previous: str | None
    reason: str
    details: dict = field(default_factory=dict, compare=True, hash=False)
    case_id: int | None = None
    manual: bool = False


@dataclass(frozen=True)
class LedgerOutcome:
    steps: tuple[Step, ...]
    status: str | None
    status_on: date | None
    first_independent_on: date | None
    first_case_on: date | None
    last_case_on: date | None
    cases: int
    visiting_help: bool
    held_back_rate: float | None


class _Window:
    """The local cases of the last `months`, with running counts of successes alone and of complications."""

    def __init__(self, months: int):
        self.months = months
        self.cases: deque[CaseFact] = deque()
        self.successes = 0
        self.complications = 0

    def clear(self) -> None:
        self.cases.clear()
        self.successes = self.complications = 0

    def add(self, case: CaseFact) -> None:
        self.cases.append(case)
        self.successes += _counts_for_independence(case)
        self.complications += case.outcome != SUCCESS
        start = add_months(case.day, -self.months)
        while self.cases and self.cases[0].day < start:
            old = self.cases.popleft()
            self.successes -= _counts_for_independence(old)
            self.complications -= old.outcome != SUCCESS

    @property
    def rate(self) -> float:
        return self.complications / len(self.cases) if self.cases else 0.0


def _counts_for_independence(case: CaseFact) -> bool:
    return case.performer == LOCAL and case.supervision == INDEPENDENT and case.outcome == SUCCESS


def derive(cases: Iterable[CaseFact], *, rules: RuleSettings, as_of: date,
           manual: Sequence[ManualStep] = ()) -> LedgerOutcome:
    """The status history of one facility in one technique, from its cases and hand-set steps, as of a day.

    Cases after `as_of` are ignored. Same input, same output: the ledger can be
    recomputed at any time.
    """
    ordered = sorted((c for c in cases if c.day <= as_of), key=lambda c: (c.day, c.case_id or 0))
    # Hand-set steps on a day come before that day's cases: a coordinator plans, then the work starts.
    timeline = sorted(
        [(m.day, 0, i, m) for i, m in enumerate(manual) if m.day <= as_of]
        + [(c.day, 1, i, c) for i, c in enumerate(ordered)],
        key=lambda item: item[:3],
    )
    steps: list[Step] = []
    status: str | None = None
    last_case: date | None = None
    window = _Window(rules.window_months)
    held_back: float | None = None
    first_independent: date | None = None

    def move(day: date, new: str, reason: str, *, details=None, case_id=None, by_hand=False) -> None:
        nonlocal status
        steps.append(Step(day, new, status, reason, details or {}, case_id, by_hand))
        status = new

    def lapse_before(day: date) -> None:
        if status == INDEPENDENT and last_case is not None:
            lapse_day = add_months(last_case, rules.lapse_months)
            if lapse_day <= day:
                move(lapse_day, LAPSED, Reason.LAPSE, details={"months": rules.lapse_months})
                # Independence is earned again from the cases after the gap.
                window.clear()

    for day, kind, _index, item in timeline:
        lapse_before(day)
        if kind == 0:
            if RANK[item.status] > RANK[status]:
                move(day, item.status, Reason.MANUAL, by_hand=True)
            continue
        case: CaseFact = item
        last_case = day
        if case.performer == LOCAL:
            window.add(case)
        if case.supervision in (OBSERVED, ASSISTED) or case.performer == VISITING:
            reached, reason = TRAINING, Reason.FIRST_OBSERVED
        else:
            reached, reason = SUPERVISED, Reason.FIRST_LOCAL
        if RANK[reached] > RANK[status]:
            move(day, reached, reason, case_id=case.case_id)
        if status != INDEPENDENT and window.successes >= rules.cases_for_independence:
            rate = window.rate
            if rate > rules.max_complication_rate:
                held_back = rate
            else:
                held_back = None
                move(day, INDEPENDENT, Reason.INDEPENDENCE, case_id=case.case_id, details={
                    "cases": window.successes, "window_months": rules.window_months, "rate": round(rate, 4),
                })
                if first_independent is None:
                    first_independent = day
        elif status == INDEPENDENT:
            held_back = None
    lapse_before(as_of)

    visiting_help = first_independent is not None and any(
        c.performer == VISITING and c.day <= first_independent for c in ordered
    )
    return LedgerOutcome(
        steps=tuple(steps),
        status=status,
        status_on=steps[-1].day if steps else None,
        first_independent_on=first_independent,
        first_case_on=ordered[0].day if ordered else None,
        last_case_on=ordered[-1].day if ordered else None,
        cases=len(ordered),
        visiting_help=visiting_help,
        held_back_rate=round(held_back, 4) if held_back is not None and status != INDEPENDENT else None,
    )


# ---------------------------------------------------------------- sustainability


@dataclass(frozen=True)
class TransferredService:
    """A technique a facility became independent in with visiting help."""

    capability_id: int
    facility_id: int
    technique_id: int
    specialty_id: int
    independent_on: date
    last_case_on: date | None


@dataclass(frozen=True)
class ServiceStanding:
    service: TransferredService
    departed_on: date | None
    # months after the departure → True (still performed), False (stopped) or None (too early to tell)
    performed: dict[int, bool | None]


@dataclass(frozen=True)
class SustainabilityIndex:
    months: int
    sustained: int
    eligible: int

    @property
    def share(self) -> float | None:
        return self.sustained / self.eligible if self.eligible else None


@dataclass(frozen=True)
class Sustainability:
    rows: tuple[ServiceStanding, ...]
    index: tuple[SustainabilityIndex, ...]


def sustainability(services: Iterable[TransferredService], departures: dict[tuple[int, int], date], *,
                   as_of: date, marks: Sequence[int] = (6, 12), grace_months: int = 3) -> Sustainability:
    """Of the services transferred with visiting help, the share still performed `marks` months after the
    last visiting expert in the specialty left the facility.

    A service counts as still performed at month M when it had a case in the
    `grace_months` before that mark or later (a running service does at least
    one case a quarter). It is eligible for mark M once the mark has passed.
    """
    rows = []
    sustained = dict.fromkeys(marks, 0)
    eligible = dict.fromkeys(marks, 0)
    for service in services:
        departed = departures.get((service.facility_id, service.specialty_id))
        performed: dict[int, bool | None] = {}
        for months in marks:
            if departed is None or add_months(departed, months) > as_of:
                performed[months] = None
                continue
            since = add_months(departed, months - grace_months)
            still = service.last_case_on is not None and service.last_case_on >= since
            performed[months] = still
            eligible[months] += 1
            sustained[months] += still
        rows.append(ServiceStanding(service, departed, performed))
    return Sustainability(
        rows=tuple(rows),
        index=tuple(SustainabilityIndex(m, sustained[m], eligible[m]) for m in marks),
    )


# ---------------------------------------------------------------- plan prerequisites


@dataclass(frozen=True)
class ScheduleProblem:
    field: str
    kind: str  # "prerequisite" or "equipment"
    names: tuple[str, ...]


def schedule_problems(*, phase: int, prerequisites: dict[int, str], independent: set[int],
                      scheduled: dict[int, int], equipment_needed: dict[int, str],
                      equipment_present: set[int]) -> list[ScheduleProblem]:
    """What stops a plan from scheduling a technique in `phase` at its recipient.

    `prerequisites` and `equipment_needed` map ids to names; `independent` is
    the techniques the recipient is independent in, `scheduled` the plan's
    other techniques and their phases. A prerequisite is met when the recipient
    is independent in it or the plan schedules it in an earlier phase.
    """
    problems = []
    missing = sorted(
        name for pk, name in prerequisites.items()
        if pk not in independent and not (pk in scheduled and scheduled[pk] < phase)
    )
    if missing:
        problems.append(ScheduleProblem("phase", "prerequisite", tuple(missing)))
    absent = sorted(name for pk, name in equipment_needed.items() if pk not in equipment_present)
    if absent:
        problems.append(ScheduleProblem("technique", "equipment", tuple(absent)))
    return problems
