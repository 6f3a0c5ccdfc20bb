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
