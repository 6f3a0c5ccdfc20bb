"""Which ready hospitals can take a referred patient, ranked and explained. Plain Python, no database.

A hospital is a candidate when it is declared ready for foreign patients in the
specialty and has capacity left this month. Among candidates, fit is scored:
speaking the patient's language beats needing an interpreter, which beats
neither; accreditation and spare capacity break ties. Every hospital looked at
carries its reasons, so the page can say why one is or is not proposed.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Need:
    specialty: str
    language: str


@dataclass(frozen=True)
class Hospital:
    facility_id: int
    name: str
    ready_for: frozenset[str]
    capacity: int | None  # patients a month in the specialty; None: none declared
    used: int  # accepted this month in the specialty
    languages: frozenset[str] = frozenset()
    interpreters: frozenset[str] = frozenset()
    accredited: bool = False


# Reason codes; the views turn them into sentences in the reader's language.
NOT_READY = "not_ready"
NO_CAPACITY_DECLARED = "no_capacity_declared"
CAPACITY_USED_UP = "capacity_used_up"
SPEAKS_LANGUAGE = "speaks_language"
INTERPRETER = "interpreter"
NO_LANGUAGE = "no_language"
ACCREDITED = "accredited"
CAPACITY_LEFT = "capacity_left"


@dataclass
class Candidate:
    hospital: Hospital
    eligible: bool
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def left(self) -> int:
        if self.hospital.capacity is None:
            return 0
        return max(self.hospital.capacity - self.hospital.used, 0)


@dataclass
class Match:
    need: Need
    candidates: list[Candidate]

    @property
    def eligible(self) -> list[Candidate]:
        return [c for c in self.candidates if c.eligible]

    @property
    def nobody_ready(self) -> bool:
        """No hospital at all is ready for foreign patients in the specialty (not merely full this month)."""
        return not any(self.need.specialty in c.hospital.ready_for for c in self.candidates)


def assess(need: Need, hospital: Hospital) -> Candidate:
    reasons: list[str] = []
    if need.specialty not in hospital.ready_for:
        return Candidate(hospital, False, 0.0, [NOT_READY])
    eligible = True
    if hospital.capacity is None:
        eligible = False
        reasons.append(NO_CAPACITY_DECLARED)
    elif hospital.used >= hospital.capacity:
        eligible = False
        reasons.append(CAPACITY_USED_UP)
    else:
        reasons.append(CAPACITY_LEFT)
    score = 0.0
    if need.language in hospital.languages:
        score += 3
        reasons.append(SPEAKS_LANGUAGE)
    elif need.language in hospital.interpreters:
        score += 2
        reasons.append(INTERPRETER)
    else:
        reasons.append(NO_LANGUAGE)
    if hospital.accredited:
        score += 1
        reasons.append(ACCREDITED)
    if eligible and hospital.capacity:
        # Share of the month's capacity still free, in [0, 1): prefers hospitals that are less busy.
        score += (hospital.capacity - hospital.used) / (hospital.capacity + 1)
    return Candidate(hospital, eligible, round(score, 4) if eligible else 0.0, reasons)


def rank(need: Need, hospitals: list[Hospital]) -> Match:
    """Every hospital assessed; candidates first by score, then the others, each group by name."""
    assessed = [assess(need, h) for h in hospitals]
    assessed.sort(key=lambda c: (not c.eligible, -c.score, c.hospital.name, c.hospital.facility_id))
    return Match(need, assessed)
