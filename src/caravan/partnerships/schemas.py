"""What the agreements API reads and writes.

Choices travel as codes with their translated label beside them
("status_label"). Organisations, agreements, facilities and departments are
sent as ids. A metric is sent as a free code so that an unknown one is refused
with its own message by the service, not by the schema.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from caravan.core.api_pagination import PageQuery
from caravan.registry.schemas import InputSchema, OrganisationRef, patch_of

from .models import Agreement, AgreementParty, Commitment, Scope, Visit, VisitOutcome, VisitParty

KindCode = Literal[tuple(Agreement.Kind.values)]
StatusCode = Literal[tuple(Agreement.Status.values)]
RoleCode = Literal[tuple(AgreementParty.Role.values)]
PeriodCode = Literal[tuple(Commitment.Period.values)]
ScopeCode = Literal[tuple(Scope.values)]
VisitStatusCode = Literal[tuple(Visit.Status.values)]
SideCode = Literal[tuple(VisitParty.Side.values)]
OutcomeCode = Literal[tuple(VisitOutcome.Kind.values)]


class AgreementRef(Schema):
    id: int
    code: str
    title: str


# ---------------------------------------------------------------- input


class PartyIn(InputSchema):
    organisation: int = Field(..., description="Id of the organisation.")
    role: RoleCode = "partner"
    signatory_name: str = Field("", max_length=200)
    signatory_title: str = Field("", max_length=200)
    signed: bool = False


class CommitmentIn(InputSchema):
    metric: str = Field(..., description="A code of the metric catalogue, e.g. visits, people_trained.")
    target: Decimal = Field(..., description="Zero or more, at most one decimal.")
    period: PeriodCode = "year"
    note: str = Field("", max_length=300)


CommitmentPatch = patch_of(CommitmentIn, "CommitmentPatch")


class AgreementIn(InputSchema):
    kind: KindCode = "mou"
    code: str = Field(..., max_length=64, description="The reference code, unique on the node.")
    title: str = Field(..., max_length=300)
    title_local: str = Field("", max_length=300)
    summary: str = ""
    parent: int | None = Field(None, description="Id of the framework agreement this one implements.")
    start: date
    end: date | None = None
    public: bool = Field(False, description="Whether users outside the parties may see the agreement.")
    parties: list[PartyIn] = Field(..., description="Two or more; each organisation once.")
    scopes: list[ScopeCode] = []
    commitments: list[CommitmentIn] = []


AgreementPatch = patch_of(AgreementIn, "AgreementPatch")


class TransitionIn(InputSchema):
    to: Literal["signed", "active", "terminated"]
    signed_on: date | None = None
    reason: str = Field("", description="Needed to terminate.")


class RenewIn(InputSchema):
    code: str = Field(..., max_length=64)
    title: str = Field("", max_length=300, description="Empty keeps the current title.")
    start: date
    end: date | None = None


class PartyPatch(InputSchema):
    role: RoleCode | None = None
    signatory_name: str | None = Field(None, max_length=200)
    signatory_title: str | None = Field(None, max_length=200)
    signed: bool | None = None


class AgreementQuery(PageQuery):
    q: str = Field("", description="Part of the title, code or a party's name.")
    status: StatusCode | None = None
    kind: KindCode | None = None
    scope: ScopeCode | None = None
    country: int | None = Field(None, description="Id of a country region: agreements with a party there.")
    organisation: int | None = Field(None, description="Agreements this organisation is a party to.")
    expiring: bool = Field(False, description="Only agreements in force that end within 90 days.")


class NetworkQuery(Schema):
    status: StatusCode | None = None
    scope: ScopeCode | None = None
    country: int | None = None
    region: int | None = Field(None, description="A province (or any region): agreements with a party there.")


class ReadIn(InputSchema):
    ids: list[int] | None = Field(None, description="Notification ids; none marks all as read.")


# ---------------------------------------------------------------- output


class PartyOut(Schema):
    id: int
    organisation: OrganisationRef
    country: str
    role: str
    role_label: str
    signatory_name: str
    signatory_title: str
    signed: bool

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.organisation.country.name if obj.organisation.country_id else ""


class HealthOut(Schema):
    dormant: bool
    expiring: bool
    behind: bool
    days_left: int | None


class ProgressOut(Schema):
    period: str
    start: date
    end: date
    target: float
    actual: float
    due: float | None
    percent: int
    behind: bool

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.window.key

    @staticmethod
    def resolve_start(obj) -> date:
        return obj.window.start

    @staticmethod
    def resolve_end(obj) -> date:
        return obj.window.end


class CommitmentOut(Schema):
    id: int
    metric: str
    metric_label: str
    target: float
    period: str
    period_label: str
    note: str

    @staticmethod
    def resolve_metric_label(obj) -> str:
        info = obj.metric_info
        return str(info.label) if info else obj.metric

    @staticmethod
    def resolve_period_label(obj) -> str:
        return obj.get_period_display()


class CurrentProgressOut(Schema):
    commitment: CommitmentOut
    progress: ProgressOut | None


class AgreementOut(Schema):
    id: int
    code: str
    kind: str
    kind_label: str
    title: str
    title_local: str
    status: str
    status_label: str
    start: date
    end: date | None
    public: bool
    parties: list[PartyOut]
    scopes: list[str]
    health: HealthOut
    progress: list[CurrentProgressOut]


class DocumentOut(Schema):
    id: int
    language: str
    language_label: str
    title: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    url: str


class AgreementDetailOut(AgreementOut):
    summary: str
    parent: AgreementRef | None
    predecessor: AgreementRef | None
    successor: AgreementRef | None
    signed_on: date | None
    terminated_on: date | None
    termination_reason: str
    commitments: list[CommitmentOut]
    documents: list[DocumentOut]


class ActivityOut(Schema):
    day: date
    label: str
    value: float
    url: str


class CommitmentReportOut(Schema):
    commitment: CommitmentOut
    counted: bool = Field(..., description="Whether any installed module counts this metric.")
    periods: list[ProgressOut]
    selected_period: str | None
    activities: list[ActivityOut]


class NodeOut(Schema):
    id: int
    name: str
    country: str
    agreements: int


class EdgeAgreementOut(Schema):
    id: int
    code: str
    title: str
    status: str


class EdgeOut(Schema):
    """Two organisations and every drawn agreement between them, most recent first."""

    source: int
    target: int
    count: int
    agreements: list[EdgeAgreementOut]


class NetworkOut(Schema):
    agreements: int
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    agreement: AgreementRef | None
    created_at: datetime
    read_at: datetime | None


# ---------------------------------------------------------------- visits


class StopIn(InputSchema):
    starts_at: datetime = Field(..., description="With an offset, or local to the visit's time zone.")
    ends_at: datetime | None = None
    facility: int | None = None
    department: int | None = None
    place: str = Field("", max_length=200)
    host_person: str = Field("", max_length=200)
    topic: str = Field(..., max_length=300)
    topic_local: str = Field("", max_length=300)


class ParticipantIn(InputSchema):
    name: str = Field(..., max_length=200)
    position: str = Field("", max_length=200)
    organisation: int | None = None
    side: SideCode = "visiting"


class OutcomeIn(InputSchema):
    kind: OutcomeCode
    agreement: int | None = None
    description: str = ""


class VisitIn(InputSchema):
    title: str = Field(..., max_length=300)
    title_local: str = Field("", max_length=300)
    purpose: str = ""
    agreement: int | None = Field(None, description="Id of the agreement the visit counts toward.")
    start: date
    end: date
    time_zone: str = Field("UTC", description="IANA zone of the places visited, e.g. Asia/Tehran.")
    language: str = Field("en", description="The visitors' language; the printed itinerary uses it.")
    status: VisitStatusCode = "planned"
    visiting: list[int] = Field(..., description="Ids of the visiting organisations.")
    hosts: list[int] = Field(..., description="Ids of the host organisations.")
    participants: list[ParticipantIn] = []
    stops: list[StopIn] = []
    outcomes: list[OutcomeIn] = []


VisitPatch = patch_of(VisitIn, "VisitPatch")


class VisitQuery(PageQuery):
    q: str = ""
    status: VisitStatusCode | None = None
    agreement: int | None = None


class VisitPartyOut(Schema):
    organisation: OrganisationRef
    side: str


class StopOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime | None
    facility: OrganisationRef | None
    department: OrganisationRef | None
    place: str
    host_person: str
    topic: str
    topic_local: str


class ParticipantOut(Schema):
    id: int
    name: str
    position: str
    organisation: OrganisationRef | None
    side: str


class OutcomeOut(Schema):
    id: int
    kind: str
    kind_label: str
    agreement: AgreementRef | None
    description: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class VisitOut(Schema):
    id: int
    title: str
    title_local: str
    agreement: AgreementRef | None
    start: date
    end: date
    time_zone: str
    language: str
    status: str
    status_label: str
    parties: list[VisitPartyOut]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class VisitDetailOut(VisitOut):
    purpose: str
    participants: list[ParticipantOut]
    stops: list[StopOut]
    outcomes: list[OutcomeOut]
