"""What the training API reads and writes.

Times travel as ISO 8601. Answers give them in UTC and, beside them, on the
clocks of the session's own time zone ("local"). A request may send a time
with an offset, or without one: it is then read on the clocks of the
session's time zone. Related rows are sent as ids (specialties by code,
logins by username) and come back as small objects with their names.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from caravan.core.api_pagination import PageQuery
from caravan.registry.models import SPOKEN_LANGUAGES

from . import zones
from .models import CasePresentation, Course, SessionStatus

ModeCode = Literal[tuple(Course.Mode.values)]
StatusCode = Literal[tuple(SessionStatus.values)]
LanguageCode = Literal[tuple(code for code, _label in SPOKEN_LANGUAGES)]


class InputSchema(Schema):
    """A request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class FacilityRef(Schema):
    id: int
    code: str
    name: str


class AgreementRef(Schema):
    id: int
    code: str
    title: str


class LocalTimes(Schema):
    time_zone: str
    day: date
    start: time
    end: time
    offset: str = Field(..., description='The UTC offset of the start, e.g. "UTC+03:00".')


def local_times(obj) -> dict:
    clock = zones.wall_clock(obj.starts_at, obj.ends_at, obj.time_zone)
    return {"time_zone": clock.zone, "day": clock.day, "start": clock.start, "end": clock.end,
            "offset": clock.offset}


def agreement_ref(obj) -> dict | None:
    """The cited agreement, only when the API marked it visible to the caller (`agreement_visible`)."""
    if obj.agreement_id is None or not getattr(obj, "agreement_visible", False):
        return None
    return {"id": obj.agreement_id, "code": obj.agreement.code, "title": obj.agreement.title}


# ---------------------------------------------------------------- courses


class CourseQuery(PageQuery):
    q: str = ""
    mode: ModeCode | None = None
    specialty: str = Field("", description="A specialty code.")
    agreement: int | None = None
    provider: int | None = None
    mine: bool = Field(False, description="Only courses you are enrolled in with your login.")


class CourseIn(InputSchema):
    title: str = Field(..., max_length=300)
    title_local: str = Field("", max_length=300)
    description: str = ""
    provider: int = Field(..., description="The id of the organisation that gives the course.")
    partners: list[int] = Field(default_factory=list, description="Ids of participating organisations.")
    agreement: int | None = Field(None, description="The id of the agreement the course counts toward.")
    specialty: str | None = Field(None, description="A specialty code.")
    mode: ModeCode = "onsite"
    language: LanguageCode = "en"
    cme_credits: Decimal = Field(Decimal(0), max_digits=5, decimal_places=1,
                                 description="Continuing medical education credits; 0 or more.")
    venue: int | None = Field(None, description="The id of the facility where it is taught.")
    pass_mark: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    certificate_months: int | None = Field(None, ge=0, le=600)


class CoursePatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    title_local: str | None = Field(None, max_length=300)
    description: str | None = None
    provider: int | None = None
    partners: list[int] | None = None
    agreement: int | None = None
    specialty: str | None = None
    mode: ModeCode | None = None
    language: LanguageCode | None = None
    cme_credits: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    venue: int | None = None
    pass_mark: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    certificate_months: int | None = Field(None, ge=0, le=600)


class CourseOut(Schema):
    id: int
    title: str
    title_local: str
    provider: Ref
    agreement: AgreementRef | None
    specialty: str | None
    mode: str
    mode_label: str
    language: str
    cme_credits: Decimal
    session_count: int
    first_session: datetime | None
    last_session: datetime | None

    @staticmethod
    def resolve_specialty(obj) -> str | None:
        return obj.specialty.code if obj.specialty_id else None

    @staticmethod
    def resolve_mode_label(obj) -> str:
        return str(obj.get_mode_display())

    @staticmethod
    def resolve_session_count(obj) -> int:
        count = getattr(obj, "session_count", None)
        return len(obj.sessions.all()) if count is None else count

    @staticmethod
    def resolve_first_session(obj) -> datetime | None:
        if hasattr(obj, "first_session"):
            return obj.first_session
        return min((s.starts_at for s in obj.sessions.all()), default=None)

    @staticmethod
    def resolve_last_session(obj) -> datetime | None:
        if hasattr(obj, "last_session"):
            return obj.last_session
        return max((s.starts_at for s in obj.sessions.all()), default=None)

    @staticmethod
    def resolve_agreement(obj) -> dict | None:
        return agreement_ref(obj)


class SessionIn(InputSchema):
    title: str = Field(..., max_length=300)
    title_local: str = Field("", max_length=300)
    starts_at: datetime
    ends_at: datetime | None = Field(None, description="The end; or send duration_minutes instead.")
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    time_zone: str = Field(..., max_length=64, description="An IANA time zone name, e.g. Europe/Moscow.")
    place: str = Field("", max_length=300)
    status: StatusCode = "planned"


class SessionPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    title_local: str | None = Field(None, max_length=300)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    time_zone: str | None = Field(None, max_length=64)
    place: str | None = Field(None, max_length=300)
    status: StatusCode | None = None


class SessionOut(Schema):
    id: int
    course: int
    title: str
    title_local: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    time_zone: str
    local: LocalTimes
    place: str
    status: str

    @staticmethod
    def resolve_course(obj) -> int:
        return obj.course_id

    @staticmethod
    def resolve_local(obj) -> dict:
        return local_times(obj)


class CourseDetailOut(CourseOut):
    description: str
    partners: list[Ref]
    venue: FacilityRef | None
    pass_mark: Decimal | None
    certificate_months: int | None
    can_manage: bool = False
    sessions: list[SessionOut]

    @staticmethod
    def resolve_partners(obj) -> list:
        return list(obj.partners.all())

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(obj.sessions.all())


# ---------------------------------------------------------------- enrolment


class EnrolmentIn(InputSchema):
    practitioner: int | None = Field(None, description="A practitioner of the registry; or send name.")
    name: str = Field("", max_length=200)
    name_latin: str = Field("", max_length=200)
    facility: int | None = None
    username: str | None = Field(None, max_length=150, description="The participant's own Caravan login.")


class CertificateOut(Schema):
    id: int
    code: str
    issued_on: date
    valid_until: date | None
    revoked: bool

    @staticmethod
    def resolve_revoked(obj) -> bool:
        return obj.revoked_at is not None


class EnrolmentOut(Schema):
    id: int
    course: int
    name: str
    name_latin: str
    practitioner: int | None
    facility: FacilityRef | None
    status: str
    score: Decimal | None
    passed: bool | None
    completed_on: date | None
    attended: int = 0
    certificate: CertificateOut | None

    @staticmethod
    def resolve_course(obj) -> int:
        return obj.course_id

    @staticmethod
    def resolve_practitioner(obj) -> int | None:
        return obj.practitioner_id

    @staticmethod
    def resolve_attended(obj) -> int:
        return getattr(obj, "attended", 0) or 0

    @staticmethod
    def resolve_certificate(obj):
        live = getattr(obj, "live_certificates", None)
        if live is None:
            live = list(obj.certificates.filter(revoked_at__isnull=True))
        return live[0] if live else None


class AttendanceEntry(InputSchema):
    enrolment: int
    present: bool = True


class AttendanceIn(InputSchema):
    entries: list[AttendanceEntry] = Field(..., min_length=1)


class AttendanceOut(Schema):
    enrolment: int
    present: bool

    @staticmethod
    def resolve_enrolment(obj) -> int:
        return obj.enrolment_id


class AssessmentIn(InputSchema):
    score: Decimal = Field(..., max_digits=5, decimal_places=1)
    passed: bool | None = Field(None, description="Leave out when the course's pass mark decides.")
    on: date | None = None


class CompletionIn(InputSchema):
    on: date | None = None


class CertificateIn(InputSchema):
    issued_on: date | None = None
    valid_until: date | None = Field(None, description="Leave out to use the course's validity.")


class RevocationIn(InputSchema):
    reason: str = Field(..., max_length=2000)


class VerificationOut(Schema):
    """All that anyone learns from a certificate's code."""

    code: str
    holder_name: str
    course_title: str
    issued_on: date
    valid_until: date | None
    state: Literal["valid", "expired", "revoked"]

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.display_code


# ---------------------------------------------------------------- tele-mentoring


class SeriesQuery(PageQuery):
    q: str = ""


class SeriesIn(InputSchema):
    title: str = Field(..., max_length=300)
    title_local: str = Field("", max_length=300)
    description: str = ""
    hub: int = Field(..., description="The id of the hub facility.")
    spokes: list[int] = Field(default_factory=list, description="Ids of the spoke facilities.")
    agreement: int | None = None
    specialty: str | None = None
    language: LanguageCode = "en"
    time_zone: str = Field("UTC", max_length=64)


class SeriesPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    title_local: str | None = Field(None, max_length=300)
    description: str | None = None
    hub: int | None = None
    spokes: list[int] | None = None
    agreement: int | None = None
    specialty: str | None = None
    language: LanguageCode | None = None
    time_zone: str | None = Field(None, max_length=64)


class SeriesOut(Schema):
    id: int
    title: str
    title_local: str
    hub: FacilityRef
    agreement: AgreementRef | None
    language: str
    time_zone: str
    session_count: int = 0
    spoke_count: int = 0

    @staticmethod
    def resolve_session_count(obj) -> int:
        count = getattr(obj, "session_count", None)
        return len(obj.sessions.all()) if count is None else count

    @staticmethod
    def resolve_spoke_count(obj) -> int:
        count = getattr(obj, "spoke_count", None)
        return len(obj.spokes.all()) if count is None else count

    @staticmethod
    def resolve_agreement(obj) -> dict | None:
        return agreement_ref(obj)


class MentoringSessionIn(InputSchema):
    lecture_title: str = Field(..., max_length=300)
    lecture_speaker: str = Field("", max_length=200)
    lecture_summary: str = ""
    starts_at: datetime
    ends_at: datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    time_zone: str | None = Field(None, max_length=64, description="Defaults to the series' time zone.")
    status: StatusCode = "planned"


class MentoringSessionPatch(InputSchema):
    lecture_title: str | None = Field(None, max_length=300)
    lecture_speaker: str | None = Field(None, max_length=200)
    lecture_summary: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    time_zone: str | None = Field(None, max_length=64)
    status: StatusCode | None = None


class MentoringSessionOut(Schema):
    id: int
    series: int
    lecture_title: str
    lecture_speaker: str
    lecture_summary: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    local: LocalTimes
    status: str

    @staticmethod
    def resolve_series(obj) -> int:
        return obj.series_id

    @staticmethod
    def resolve_local(obj) -> dict:
        return local_times(obj)


class SeriesDetailOut(SeriesOut):
    description: str
    spokes: list[FacilityRef]
    can_manage: bool = False
    sessions: list[MentoringSessionOut]

    @staticmethod
    def resolve_spokes(obj) -> list:
        return [spoke.facility for spoke in obj.spokes.all()]

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(obj.sessions.all())


class PresentationIn(InputSchema):
    site: int = Field(..., description="The id of the presenting site (the hub or a spoke).")
    title: str = Field(..., max_length=300)
    summary: str
    question: str = ""


class PresentationPatch(InputSchema):
    title: str | None = Field(None, max_length=300)
    summary: str | None = None
    question: str | None = None


class ReviewIn(InputSchema):
    approve: bool
    note: str = ""


class PresentationOut(Schema):
    id: int
    session: int
    site: FacilityRef
    title: str
    summary: str
    question: str
    status: Literal[tuple(CasePresentation.Status.values)]
    review_note: str

    @staticmethod
    def resolve_session(obj) -> int:
        return obj.session_id


class SiteCountIn(InputSchema):
    head_count: int = Field(..., description="People present at the site; 0 or more.")


class SiteCountOut(Schema):
    site: FacilityRef
    hub: bool
    head_count: int | None


class MentoringSessionDetailOut(MentoringSessionOut):
    presentations: list[PresentationOut]
    attendance: list[SiteCountOut]

    @staticmethod
    def resolve_presentations(obj) -> list:
        return obj.presentations_visible

    @staticmethod
    def resolve_attendance(obj) -> list:
        return obj.attendance_lines

