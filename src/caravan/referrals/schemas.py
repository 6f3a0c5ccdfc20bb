"""The shapes referrals take over HTTP."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from caravan.core.api_pagination import PageQuery


class ReferralIn(Schema):
    agreement: int
    referring_organisation: int
    patient_name: str = Field(..., max_length=200)
    patient_name_latin: str = Field(..., max_length=200)
    birth_date: date
    sex: str
    nationality: str = Field(..., max_length=2)
    passport_number: str = Field(..., max_length=20)
    diagnosis: str
    icd10: str = Field(..., max_length=10)
    specialty: str = Field(..., description="A specialty code of the registry, e.g. oncology.")
    urgency: str = "routine"
    language: str
    referring_doctor: str = Field(..., max_length=200)
    referring_doctor_email: str = ""


class ReferralQuery(PageQuery):
    status: str = ""
    nationality: str = ""
    specialty: str = ""
    q: str = ""


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    stage_since: str
    nationality: str
    specialty: str
    urgency: str
    received_on: date
    receiving_facility: int | None
    patient_name_latin: str


class OfferOut(Schema):
    id: int
    facility: int
    facility_name: str
    treatment_plan: str
    expected_stay_days: int
    cost_estimate: Decimal
    currency: str
    state: str


class FollowUpOut(Schema):
    id: int
    day_offset: int
    due_on: date
    done_on: date | None
    outcome: str


class ReferralDetailOut(ReferralOut):
    patient_name: str
    birth_date: date | None
    sex: str
    passport_number: str
    diagnosis: str
    icd10: str
    language: str
    referring_doctor: str
    agreement: str
    referring_organisation: int
    receiving_organisation: int
    letter_reference: str | None
    accepted_on: date | None
    arrived_on: date | None
    admitted_on: date | None
    discharged_on: date | None
    outcome: str
    stop_reason: str
    teleconsult_case: int | None
    offers: list[OfferOut]
    documents: list["DocumentOut"]
    follow_ups: list[FollowUpOut]


class TransitionIn(Schema):
    to: str
    reason: str = ""


class OfferIn(Schema):
    facility: int
    treatment_plan: str
    expected_stay_days: int
    cost_estimate: Decimal
    currency: str


class LetterIn(Schema):
    language: str


class StayIn(Schema):
    step: str = Field(..., description="arrived, admitted or discharged")
    day: date
    procedures: str = ""
    summary: str = ""


class FollowUpIn(Schema):
    done_on: date
    outcome: str
    note: str = ""


class CandidateOut(Schema):
    facility: int
    name: str
    eligible: bool
    score: float
    reasons: list[str]
    capacity: int | None
    used: int


class MatchOut(Schema):
    nobody_ready: bool
    candidates: list[CandidateOut]


class VerificationOut(Schema):
    valid: bool


class SpecialtyReadinessIn(Schema):
    specialty: str = Field(..., description="A specialty code of the registry, e.g. oncology.")
    monthly: int = Field(..., description="Foreign patients a month in this specialty (0 or more).")
    interpreters: list[str] = Field(default_factory=list, description="Language codes interpreters cover.")
    accreditation: str = ""


class ReadinessIn(Schema):
    languages: list[str] = Field(default_factory=list, description="Language codes the staff speak.")
    specialties: list[SpecialtyReadinessIn] = Field(
        default_factory=list, description="Every specialty the hospital is ready in; the others stop being ready.")


class SpecialtyReadinessOut(Schema):
    specialty: str
    monthly: int | None
    interpreters: list[str]
    accreditation: str


class ReadinessOut(Schema):
    facility: int
    name: str
    languages: list[str]
    specialties: list[SpecialtyReadinessOut]


class DocumentOut(Schema):
    id: int
    title: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: str


class TeleconsultIn(Schema):
    facility: int = Field(..., description="The office's hospital, ready in the specialty, that asks.")
    question: str


class TeleconsultOut(Schema):
    case: int
