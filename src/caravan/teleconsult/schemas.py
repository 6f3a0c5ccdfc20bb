"""Shapes of the teleconsultation API. No patient identifier ever leaves: only age, sex and the case's data."""

from datetime import datetime

from ninja import Field, Schema

from caravan.core.api_pagination import PageQuery


class CaseIn(Schema):
    agreement: int = Field(..., description="Id of an agreement in force with the teleconsultation or difficult-cases scope.")
    facility: int = Field(..., description="Id of the requesting facility (yours).")
    patient_local_id: str = Field("", max_length=100, description="Your identifier of the patient; only a keyed hash is kept.")
    patient_age: int | None = Field(None, description="Years.")
    patient_sex: str = Field("", description="female, male or other.")
    question: str = Field("", max_length=5000)
    specialty: str = Field("", description="Code of the specialty wanted (e.g. cardiology).")
    urgency: str = Field("", description="emergency, urgent or routine.")


class CaseQuery(PageQuery):
    status: str = ""
    queue: bool = False


class CaseOut(Schema):
    id: int
    reference: str
    agreement: int = Field(..., alias="agreement_id")
    facility: int = Field(..., alias="facility_id")
    specialty: str
    urgency: str
    status: str
    patient_age: int
    patient_sex: str
    question: str
    due_at: datetime
    assigned_to: str | None
    answered_at: datetime | None
    received_at: datetime | None

    @staticmethod
    def resolve_specialty(obj):
        return obj.specialty.code

    @staticmethod
    def resolve_assigned_to(obj):
        return obj.assigned_to.get_username() if obj.assigned_to_id else None


class AssignIn(Schema):
    consultant: int | None = None


class ReturnIn(Schema):
    reason: str = ""


class ReportIn(Schema):
    findings: str = ""
    impression: str = ""
    recommendation: str = ""
    addendum: bool = False


class ReportOut(Schema):
    id: int
    version: int
    kind: str
    findings: str
    impression: str
    recommendation: str
    signed_by: str
    signed_at: datetime

    @staticmethod
    def resolve_signed_by(obj):
        return obj.signed_by.get_username()


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    format: str
    size: int
    sha256: str
    meta: dict


class FollowUpIn(Schema):
    reason: str = ""


class ScheduleIn(Schema):
    scheduled_for: datetime | None = Field(None, description="With its UTC offset, e.g. 2026-12-01T09:30:00+08:00.")
    consultant: int | None = None


class FollowUpOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    reason: str
    requested_at: datetime
    scheduled_for: datetime | None
    consultant: str | None

    @staticmethod
    def resolve_consultant(obj):
        return obj.consultant.get_username() if obj.consultant_id else None


class NoticeOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_subject(obj):
        from .notify import words

        return words(obj)[0]

    @staticmethod
    def resolve_body(obj):
        from .notify import words

        return words(obj)[1]


class NoticesReadIn(Schema):
    ids: list[int] | None = Field(None, description="Notice ids; none marks all as read.")


class MdtSessionIn(Schema):
    agreement: int
    title: str = ""
    host: int | None = None
    starts_at: datetime | None = Field(None, description="With its UTC offset.")
    time_zone: str = Field("", description="IANA name, e.g. Asia/Ulaanbaatar.")
    facilities: list[int] = []
    participants: list[int] = Field([], description="User ids.")
    cases: list[int] = Field([], description="Case ids, in agenda order.")


class MdtItemOut(Schema):
    id: int
    case: int = Field(..., alias="case_id")
    position: int
    decision: ReportOut | None


class MdtParticipantOut(Schema):
    user: str
    attended: bool | None

    @staticmethod
    def resolve_user(obj):
        return obj.user.get_username()


class MdtSessionOut(Schema):
    id: int
    agreement: int = Field(..., alias="agreement_id")
    title: str
    host: int = Field(..., alias="host_id")
    starts_at: datetime
    time_zone: str


class MdtSessionDetailOut(MdtSessionOut):
    facilities: list[int]
    participants: list[MdtParticipantOut]
    items: list[MdtItemOut]

    @staticmethod
    def resolve_facilities(obj):
        return [f.pk for f in obj.facilities.all()]

    @staticmethod
    def resolve_participants(obj):
        return list(obj.participants.all())

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class AttendanceIn(Schema):
    present: list[int] = Field([], description="User ids of the participants who attended.")
