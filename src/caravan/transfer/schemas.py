"""What the technique-transfer API reads and writes.

Techniques travel as their codes, facilities and practitioners as ids; choices
as string codes with the translated label beside the status.
"""

from datetime import date
from typing import Literal

from ninja import Field, Schema

from caravan.core.api_pagination import PageQuery
from caravan.registry.schemas import FacilityRef, InputSchema, TechniqueRef, patch_of

from .models import CapabilityStatus, Outcome, Performer, SpecialtyCentre, Supervision

PerformerCode = Literal[tuple(Performer.values)]
SupervisionCode = Literal[tuple(Supervision.values)]
OutcomeCode = Literal[tuple(Outcome.values)]
StatusCode = Literal[tuple(CapabilityStatus.values)]
HandSetCode = Literal["planned", "training"]
CentreKindCode = Literal[tuple(SpecialtyCentre.Kind.values)]


class PersonRef(Schema):
    id: int
    name: str
    name_latin: str


# ---------------------------------------------------------------- the case log


class CaseIn(InputSchema):
    facility: int = Field(..., description="Id of a facility whose staff you are.")
    technique: str = Field(..., min_length=1, max_length=32, description="Code of the technique.")
    performed_on: date = Field(..., description="The day of the case; not in the future.")
    performer: PerformerCode = "local"
    supervision: SupervisionCode = Field("independent", description="How the local staff took part.")
    outcome: OutcomeCode = "success"
    visiting_practitioner: int | None = Field(None, description="Id of the visiting expert, when one performed.")


class CaseOut(Schema):
    id: int
    facility: FacilityRef
    technique: TechniqueRef
    performed_on: date
    performer: str
    supervision: str
    outcome: str
    visiting_practitioner: int | None = Field(None, alias="visiting_practitioner_id")
    imported_from: int | None = Field(None, alias="source_id")


class CaseQuery(PageQuery):
    facility: int | None = None
    technique: str = Field("", description="Technique code.")
    since: date | None = None
    until: date | None = None


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    facility: FacilityRef
    file_name: str
    status: str
    total_rows: int
    valid_rows: int
    error_rows: int
    imported_rows: int
    percent: int
    errors: list[RowErrorOut]


# ---------------------------------------------------------------- the ledger


class CapabilityOut(Schema):
    id: int
    facility: FacilityRef
    technique: TechniqueRef
    status: str
    status_label: str
    status_on: date
    first_independent_on: date | None
    first_case_on: date | None
    last_case_on: date | None
    cases: int
    visiting_help: bool
    held_back_rate: float | None
    cross_level: bool

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_cross_level(obj) -> bool:
        return obj.technique.min_level < obj.facility.level


class EventOut(Schema):
    on: date
    status: str
    previous: str
    source: str
    reason: str
    details: dict
    case: int | None = Field(None, alias="case_id")
    note: str


class CapabilityDetailOut(CapabilityOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class CapabilityQuery(PageQuery):
    facility: int | None = None
    technique: str = Field("", description="Technique code.")
    status: StatusCode | None = None
    region: int | None = Field(None, description="Facilities in this region or below it.")


class StatusIn(InputSchema):
    facility: int
    technique: str = Field(..., min_length=1, max_length=32)
    status: HandSetCode = Field(..., description="Only planned and training are set by hand.")
    on: date | None = None
    note: str = Field("", max_length=500)


class MatrixCellOut(Schema):
    code: str
    name: str
    status: str
    cross_level: bool
    capability: int | None


class MatrixRowOut(Schema):
    specialty: str
    label: str
    techniques: list[MatrixCellOut]


class MatrixOut(Schema):
    facility: FacilityRef
    counts: dict[str, int]
    specialties: list[MatrixRowOut]


# ---------------------------------------------------------------- plans


class PlanIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    mentor: int = Field(..., description="Id of the mentor facility.")
    recipient: int = Field(..., description="Id of the recipient facility.")
    agreement: int | None = Field(None, description="Id of the agreement the plan implements.")
    notes: str = ""
    phase_1_target: date | None = None
    phase_2_target: date | None = None
    phase_3_target: date | None = None


class PlanPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    agreement: int | None = None
    notes: str | None = None
    phase_1_target: date | None = None
    phase_2_target: date | None = None
    phase_3_target: date | None = None


class PlanOut(Schema):
    id: int
    title: str
    mentor: FacilityRef
    recipient: FacilityRef
    agreement: int | None = Field(None, alias="agreement_id")
    notes: str


class PlanItemIn(InputSchema):
    technique: str = Field(..., min_length=1, max_length=32)
    phase: int = Field(..., description="1, 2 or 3.")
    priority: int = Field(1, description="1 is the most urgent within the phase.")
    mentors: list[int] = Field(default_factory=list, description="Practitioner ids.")
    trainees: list[int] = Field(default_factory=list, description="Practitioner ids of the recipient's staff.")
    note: str = Field("", max_length=300)


class PlanItemChange(InputSchema):
    phase: int
    priority: int
    mentors: list[int]
    trainees: list[int]
    note: str = Field("", max_length=300)


PlanItemPatch = patch_of(PlanItemChange, "PlanItemPatch")


class PlanItemOut(Schema):
    id: int
    technique: TechniqueRef
    phase: int
    priority: int
    mentors: list[PersonRef]
    trainees: list[PersonRef]
    note: str
    status: str

    @staticmethod
    def resolve_mentors(obj):
        return list(obj.mentors.all())

    @staticmethod
    def resolve_trainees(obj):
        return list(obj.trainees.all())

    @staticmethod
    def resolve_status(obj) -> str:
        """The recipient's status in the technique (set by plan_view, or annotated by plan_item_get_for_user)."""
        capability = getattr(obj, "capability", None)
        if capability is not None:
            return capability.status
        return getattr(obj, "recipient_status", None) or ""


class PhaseOut(Schema):
    number: int
    target_date: date | None
    independent: int
    in_progress: int
    percent: int
    items: list[PlanItemOut]


class PlanDetailOut(PlanOut):
    phases: list[PhaseOut]


# ---------------------------------------------------------------- reports


class CrossLevelQuery(Schema):
    region: int | None = None
    baseline: int = Field(2020, ge=1990, le=2100, description="Count from 1 January of this year.")
    specialty: str = ""
    level: int | None = Field(None, ge=1, le=4)


class LevelCount(Schema):
    level: int
    label: str
    techniques_added: int
    cases_performed: int


class NamedCount(Schema):
    id: int | None = None
    name: str
    count: int


class CrossLevelOut(Schema):
    baseline: date
    total: int
    cases_performed: int
    by_level: list[LevelCount]
    by_year: dict[str, dict[str, int]]
    by_facility: list[NamedCount]
    by_region: list[NamedCount]
    by_specialty: list[NamedCount]


class PeriodQuery(Schema):
    region: int | None = None
    facility: int | None = None
    specialty: str = ""
    technique: str = ""
    since: date | None = None
    until: date | None = None
    granularity: Literal["month", "quarter", "year"] = "year"
    cross_level_only: bool = False


class PeriodOut(Schema):
    period: str
    cases: int
    local: int
    visiting: int
    complications: int


class TransferredQuery(Schema):
    start: date | None = None
    end: date | None = None


class PlanCount(Schema):
    plan: int
    title: str
    mentor: str
    recipient: str
    agreement: str | None
    techniques: int
    transferred: int


class AgreementCount(Schema):
    agreement: int
    code: str
    title: str
    plans: int
    techniques: int
    transferred: int


class TransferredOut(Schema):
    per_plan: list[PlanCount]
    per_agreement: list[AgreementCount]


class SustainabilityIndexOut(Schema):
    months: int
    sustained: int
    eligible: int
    share: float | None


class ServiceOut(Schema):
    capability: int
    facility: str
    technique: str
    independent_since: date
    last_expert_left: date | None
    last_case: date | None
    performed: dict[str, bool | None]
    status: str


class SustainabilityOut(Schema):
    programme: str
    as_of: date
    index: list[SustainabilityIndexOut]
    services: list[ServiceOut]


# ---------------------------------------------------------------- centres and studios


class CentreIn(InputSchema):
    kind: CentreKindCode = "centre"
    name: str = Field(..., min_length=1, max_length=200)
    name_local: str = Field("", max_length=200)
    facility: int
    specialty: str | None = Field(None, description="Specialty code.")
    partner: int | None = Field(None, description="Id of the organisation it was built with.")
    opened_on: date | None = None
    people_served: int | None = Field(None, ge=0)
    served_as_of: date | None = None
    description: str = ""


CentrePatch = patch_of(CentreIn, "CentrePatch")


class CentreOut(Schema):
    id: int
    kind: str
    name: str
    name_local: str
    facility: FacilityRef
    specialty: str | None
    partner: int | None = Field(None, alias="partner_id")
    opened_on: date | None
    people_served: int | None
    served_as_of: date | None
    description: str

    @staticmethod
    def resolve_specialty(obj):
        return obj.specialty.code if obj.specialty_id else None


class StudioIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    name_local: str = Field("", max_length=200)
    department: int
    founder: int
    founded_on: date
    techniques: list[str] = Field(default_factory=list, description="Technique codes.")
    description: str = ""


class LeadOut(Schema):
    practitioner: PersonRef
    start: date
    end: date | None


class TraineeOut(Schema):
    practitioner: PersonRef
    since: date
    note: str


class StudioOut(Schema):
    id: int
    name: str
    name_local: str
    facility: FacilityRef
    department: str
    founder: PersonRef
    founded_on: date
    techniques: list[str]
    leads: list[LeadOut]
    trainee_count: int

    @staticmethod
    def resolve_facility(obj):
        return obj.department.facility

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.name

    @staticmethod
    def resolve_techniques(obj) -> list[str]:
        return [t.code for t in obj.techniques.all()]

    @staticmethod
    def resolve_leads(obj):
        return list(obj.leads.all())


class StudioDetailOut(StudioOut):
    trainees: list[TraineeOut]

    @staticmethod
    def resolve_trainees(obj):
        return list(obj.trainees.all())


class PersonIn(InputSchema):
    practitioner: int
    start: date
    note: str = Field("", max_length=300)
