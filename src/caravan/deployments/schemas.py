"""The shapes the deployments API reads and writes."""

from datetime import date

from ninja import Field, Schema

from caravan.core.api_pagination import PageQuery


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    sending_organisation: int = Field(..., alias="sending_organisation_id")
    receiving_organisation: int = Field(..., alias="receiving_organisation_id")
    agreement: int | None = Field(None, alias="agreement_id")
    team_min: int
    team_max: int


class BatchOut(Schema):
    id: int
    number: int
    start: date
    end: date


class ProgrammeDetailOut(ProgrammeOut):
    batches: list[BatchOut]

    @staticmethod
    def resolve_batches(obj) -> list:
        return list(obj.batches.order_by("number"))


class NeedIn(Schema):
    facility: int
    department: int | None = None
    kind: str = "service"
    title: str
    roles: list[str]
    qualification: str = ""
    priority: int = 3
    language: str = ""
    critical: bool = False


class NeedOut(Schema):
    id: int
    facility: int = Field(..., alias="facility_id")
    kind: str
    title: str
    roles: list[str]
    qualification: str
    priority: int
    language: str
    critical: bool


class WindowIn(Schema):
    start: date
    end: date


class CandidateIn(Schema):
    practitioner: int
    roles: list[str]
    city: str
    status: str = "applied"
    windows: list[WindowIn] = []


class CandidateOut(Schema):
    id: int
    practitioner: int = Field(..., alias="practitioner_id")
    name: str = Field(..., alias="practitioner.name")
    city: str
    roles: list[str]
    status: str
    alumni: bool


class CandidateQuery(PageQuery):
    status: str = ""


class ComposeIn(Schema):
    pins: list[int] = []
    exclusions: list[int] = []


class AssignmentOut(Schema):
    need: int
    role: str
    person: int


class UncoveredOut(Schema):
    need: int
    code: str
    reason: str


class ProposalOut(Schema):
    status: str
    proved_optimal: bool
    gap: float
    covered_priority: int
    team: list[int]
    assignments: list[AssignmentOut]
    uncovered: list[UncoveredOut]
    reasons: list[str]


class PostingOut(Schema):
    id: int
    batch: int = Field(..., alias="batch_id")
    candidate: int = Field(..., alias="candidate_id")
    facility: int = Field(..., alias="facility_id")
    role: str
    post: str
    start: date
    end: date
    status: str


class TransitionIn(Schema):
    status: str


class ExtendIn(Schema):
    new_end: date
    reason: str


class DailyReportIn(Schema):
    region: int
    day: date
    consultations: int
    admissions: int
    procedures: int
    referrals: int
    deaths: int
    by_age_sex: dict[str, int] = {}  # e.g. {"f_18to64": 12, "m_lt1": 2}: consultations by age band and sex


class DailyReportOut(Schema):
    id: int
    region: int = Field(..., alias="affected_id")
    day: date
    consultations: int
    admissions: int
    procedures: int
    referrals: int
    deaths: int
    by_age_sex: dict[str, int]


class AllocationOut(Schema):
    status: str
    moves: int
    counts: dict[int, int]


class StatusIn(Schema):
    status: str


class InspectionIn(Schema):
    facility: int
    visited_on: date
    inspectors: str


class FindingIn(Schema):
    text: str
    severity: str


class FollowUpIn(Schema):
    action: str
    owner: str
    due: date


class InspectionOut(Schema):
    id: int
    facility: int = Field(..., alias="facility_id")
    visited_on: date
    inspectors: str
    status: str
    closed_on: date | None


class FindingOut(Schema):
    id: int
    text: str
    severity: str


class FollowUpOut(Schema):
    id: int
    action: str
    owner: str
    due: date
    done_on: date | None


class DayIn(Schema):
    on: date


class CallIn(Schema):
    opens_on: date
    closes_on: date
    notes: str = ""


class NominationOut(Schema):
    id: int
    candidate: int = Field(..., alias="candidate_id")
    name: str = Field(..., alias="candidate.practitioner.name")
    nominated_on: date
    status: str
    reason: str
    decided_on: date | None


class CallOut(Schema):
    id: int
    batch: int = Field(..., alias="batch_id")
    opens_on: date
    closes_on: date
    notes: str
    nominations: list[NominationOut] = Field([], alias="nomination_rows")  # set by the endpoint, already scoped


class NominateIn(Schema):
    candidate: int


class DecideIn(Schema):
    approve: bool
    reason: str = ""
