"""Every write to courses: the course, its sessions, enrolment, attendance, assessment and completion.

Each service checks permission first, validates the whole input (every bad
field reported at once, each with its own message), writes inside one
transaction and leaves an audit event with the before and after of what it
changed. Bad input raises ValidationFailed naming the field; nothing is saved.
Certificates are in certificates.py, tele-mentoring in mentoring.py.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.text import fold, search_blob
from caravan.registry.models import SPOKEN_LANGUAGE_CODES

from . import rules, zones
from .models import Attendance, Course, Enrolment, Session, SessionStatus

COURSE_FIELDS = [
    "title", "title_local", "description", "provider", "agreement", "specialty", "mode", "language",
    "cme_credits", "venue", "pass_mark", "certificate_months",
]
SESSION_FIELDS = ["title", "title_local", "starts_at", "ends_at", "time_zone", "place", "status"]
ENROLMENT_FIELDS = ["practitioner", "user", "name", "name_latin", "facility", "organisation", "status"]


class Problems:
    """Collects every field's reason, then raises them together: the user fixes all in one go."""

    def __init__(self):
        self.fields: dict[str, list] = {}
        self.code = "invalid"

    def add(self, field: str, message, *, code: str = "invalid") -> None:
        if not self.fields:
            self.code = code  # the first problem names the error
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(code=self.code, fields=self.fields)


def save_checked(instance, **kwargs) -> None:
    """Save; a constraint the checks missed (a race) still becomes a clear error, not a 500."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed(_("This record conflicts with another; reload and try again."), code="conflict") from None


def _decimal(value, field: str, problems: Problems) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.add(field, _("Enter a number."))
        return None


def check_time_zone(name, problems: Problems, field: str = "time_zone") -> None:
    if not zones.is_known(name):
        problems.add(
            field,
            _("Unknown time zone: %(zone)s. Use a name such as Europe/Moscow or Asia/Almaty.") % {"zone": name or ""},
            code="unknown_time_zone",
        )


def _as_aware(value, zone_name: str):
    """An aware datetime; a naive one is read on the clocks of the session's time zone."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=zones.zone(zone_name))
    return value


def check_times(data: dict, problems: Problems) -> None:
    """Start and end of a session: both given, and the end after the start."""
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is None:
        problems.add("starts_at", _("Enter when the session starts."), code="required")
    if ends_at is None:
        problems.add("ends_at", _("Enter when the session ends."), code="required")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.add("ends_at", _("The session ends before it starts."), code="end_before_start")


def resolve_times(data: dict, *, zone_name: str) -> dict:
    """Aware start and end: naive values are local to the zone, and a duration may stand for the end."""
    data = dict(data)
    known = zones.is_known(zone_name)
    for key in ("starts_at", "ends_at"):
        if key in data and data[key] is not None:
            data[key] = _as_aware(data[key], zone_name if known else "UTC")
    minutes = data.pop("duration_minutes", None)
    if minutes is not None and data.get("ends_at") is None and data.get("starts_at") is not None:
        data["ends_at"] = data["starts_at"] + timedelta(minutes=minutes)
    for key in ("starts_at", "ends_at"):
        if isinstance(data.get(key), datetime):
            data[key] = data[key].astimezone(UTC)  # stored and answered in UTC; the zone is kept beside it
    return data


# ---------------------------------------------------------------- courses


def _visible_agreement(by, agreement) -> bool:
    from caravan.partnerships.selectors import visible_agreements

    return visible_agreements(by).filter(pk=agreement.pk).exists()


def _check_course(by, course: Course, partners: list, problems: Problems) -> None:
    access = access_for(by)
    if not (course.title or "").strip():
        problems.add("title", _("Enter the course's title."), code="required")
    if course.provider_id is None:
        problems.add("provider", _("Choose the organisation that gives the course."), code="required")
    elif not access.visible_organisations().filter(pk=course.provider_id).exists():
        problems.add("provider", _("Unknown organisation."), code="unknown_reference")
    if course.mode not in Course.Mode.values:
        problems.add("mode", _("Choose on site, online or simulation training."), code="unknown_mode")
    if course.language not in SPOKEN_LANGUAGE_CODES:
        problems.add("language", _("Unknown language code: %(codes)s.") % {"codes": course.language},
                     code="unknown_language")
    if course.cme_credits is None:
        problems.add("cme_credits", _("Enter the CME credits (0 when the course gives none)."), code="required")
    elif course.cme_credits < 0:
        problems.add("cme_credits", _("CME credits cannot be below zero."), code="negative_cme_credits")
    if course.pass_mark is not None and not 0 <= course.pass_mark <= 100:
        problems.add("pass_mark", _("The pass mark is a score between 0 and 100."), code="pass_mark_range")
    if course.certificate_months is not None and course.certificate_months < 1:
        problems.add("certificate_months", _("A certificate is valid for at least one month."),
                     code="certificate_months")
    if course.agreement_id is not None and not _visible_agreement(by, course.agreement):
        problems.add("agreement", _("Unknown agreement."), code="unknown_reference")
    if course.venue_id is not None:
        from caravan.registry.selectors import facility_list_for_user

        if not facility_list_for_user(user=by).filter(pk=course.venue_id).exists():
            problems.add("venue", _("Unknown facility."), code="unknown_reference")
    partner_ids = [p.pk for p in partners]
    if partner_ids and access.visible_organisations().filter(pk__in=partner_ids).count() != len(set(partner_ids)):
        problems.add("partners", _("Unknown organisation."), code="unknown_reference")


def _course_state(course: Course) -> dict:
    state = audit.snapshot(course, COURSE_FIELDS)
    state["partners"] = sorted(course.partners.values_list("pk", flat=True)) if course.pk else []
    return state


def _partners_of(data: dict, provider) -> list:
    """The participating organisations, without repeats and without the provider itself."""
    seen: dict[int, object] = {}
    for org in data.get("partners") or []:
        if provider is None or org.pk != provider.pk:
            seen.setdefault(org.pk, org)
    return list(seen.values())


def require_course_manager(by, course: Course) -> None:
    if not rules.manages_course(access_for(by), course):
        raise PermissionDenied()


def _course_search_text(course: Course) -> str:
    return search_blob(course.title, course.title_local, course.provider.name, course.provider.name_local)


@transaction.atomic
def course_create(*, by, data: dict) -> Course:
    """Create a course given by `provider`; the user must manage the provider or a participating organisation."""
    access = access_for(by)
    if not rules.may_create_courses(access):
        raise PermissionDenied()
    course = Course()
    for field in COURSE_FIELDS:
        if field in data:
            setattr(course, field, data[field])
    if course.cme_credits is None and "cme_credits" not in data:
        course.cme_credits = Decimal(0)
    partners = _partners_of(data, course.provider)
    problems = Problems()
    _check_course(by, course, partners, problems)
    problems.raise_if_any()
    if not any(access.can_edit_organisation(org) for org in [course.provider, *partners]):
        raise PermissionDenied()
    course.search_text = _course_search_text(course)
    save_checked(course)
    course.partners.set(partners)
    audit.record(actor=by, action=audit.Action.CREATE, obj=course, organisation=course.provider,
                 changes=audit.diff({}, _course_state(course)))
    return course


@transaction.atomic
def course_update(*, by, course: Course, data: dict) -> Course:
    """Change a course; a change of provider or partners must leave the user managing it."""
    course = Course.objects.select_for_update().select_related("provider").get(pk=course.pk)
    access = access_for(by)
    require_course_manager(by, course)
    before = _course_state(course)
    for field in COURSE_FIELDS:
        if field in data:
            setattr(course, field, data[field])
    partners = _partners_of(data, course.provider) if "partners" in data else _partners_of(
        {"partners": list(course.partners.all())}, course.provider)
    problems = Problems()
    _check_course(by, course, partners, problems)
    problems.raise_if_any()
    if not any(access.can_edit_organisation(org) for org in [course.provider, *partners]):
        # The user would lock themselves out of the course they are editing.
        raise PermissionDenied()
    course.search_text = _course_search_text(course)
    save_checked(course)
    course.partners.set(partners)
    changes = audit.diff(before, _course_state(course))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=course, organisation=course.provider, changes=changes)
    return course


# ---------------------------------------------------------------- sessions


def check_status(session, problems: Problems) -> None:
    """A known status, and never "held" for a session that has not started."""
    if session.status not in SessionStatus.values:
        problems.add("status", _("Choose planned, held or cancelled."), code="unknown_status")
    elif (session.status == SessionStatus.HELD and session.starts_at is not None
          and session.starts_at > timezone.now()):
        problems.add("status", _("A session cannot have been held before it starts."), code="held_in_future")


def _check_session(session: Session, problems: Problems) -> None:
    if not (session.title or "").strip():
        problems.add("title", _("Enter the session's topic."), code="required")
    check_time_zone(session.time_zone, problems)
    check_times({"starts_at": session.starts_at, "ends_at": session.ends_at}, problems)
    check_status(session, problems)


def _locked_course(course: Course) -> Course:
    return Course.objects.select_for_update().select_related("provider").get(pk=course.pk)


@transaction.atomic
def session_create(*, by, course: Course, data: dict) -> Session:
    """Add a session to a course. Naive times are read in the session's time zone."""
    course = _locked_course(course)
    require_course_manager(by, course)
    zone_name = data.get("time_zone") or "UTC"
    data = resolve_times({**data, "time_zone": zone_name}, zone_name=zone_name)
    session = Session(course=course)
    for field in SESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    problems = Problems()
    _check_session(session, problems)
    problems.raise_if_any()
    save_checked(session)
    audit.record(actor=by, action=audit.Action.CREATE, obj=session, organisation=course.provider,
                 changes=audit.diff({}, audit.snapshot(session, ["course", *SESSION_FIELDS])))
    return session


@transaction.atomic
def session_update(*, by, session: Session, data: dict) -> Session:
    """Change a session's topic, times, zone, place or status (planned, held, cancelled)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    course = _locked_course(session.course)
    require_course_manager(by, course)
    before = audit.snapshot(session, SESSION_FIELDS)
    zone_name = data.get("time_zone", session.time_zone)
    data = resolve_times(data, zone_name=zone_name)
    for field in SESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    problems = Problems()
    _check_session(session, problems)
    problems.raise_if_any()
    save_checked(session)
    changes = audit.diff(before, audit.snapshot(session, SESSION_FIELDS))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=session, organisation=course.provider, changes=changes)
    return session


# ---------------------------------------------------------------- enrolment


def _visible(queryset, pk) -> bool:
    return queryset.filter(pk=pk).exists()


def _check_enrolment(by, course: Course, data: dict, problems: Problems) -> None:
    from caravan.registry.selectors import facility_list_for_user, practitioner_list_for_user

    practitioner, facility, user = data.get("practitioner"), data.get("facility"), data.get("user")
    if practitioner is not None and not _visible(practitioner_list_for_user(user=by), practitioner.pk):
        problems.add("practitioner", _("Unknown practitioner."), code="unknown_reference")
    if facility is not None and not _visible(facility_list_for_user(user=by), facility.pk):
        problems.add("facility", _("Unknown facility."), code="unknown_reference")
    if practitioner is None and not (data.get("name") or "").strip():
        problems.add("name", _("Choose a practitioner or enter the participant's name."), code="required")
    if problems.fields:
        return
    enrolled = Enrolment.objects.filter(course=course)
    if practitioner is not None and enrolled.filter(practitioner=practitioner).exists():
        problems.add("practitioner", _("This person is already enrolled in this course."), code="already_enrolled")
    elif practitioner is None and enrolled.filter(
        practitioner__isnull=True, name_key=fold(data.get("name")), facility=facility,
    ).exists():
        problems.add("name", _("This person is already enrolled in this course."), code="already_enrolled")
    if user is not None and enrolled.filter(user=user).exists():
        problems.add("user", _("This login is already enrolled in this course."), code="already_enrolled")


@transaction.atomic
def enrolment_create(*, by, course: Course, data: dict) -> Enrolment:
    """Enrol a practitioner of the registry, or a person named here, in a course (once per person)."""
    course = _locked_course(course)
    require_course_manager(by, course)
    problems = Problems()
    _check_enrolment(by, course, data, problems)
    problems.raise_if_any()
    practitioner, facility = data.get("practitioner"), data.get("facility")
    if practitioner is not None:
        name, name_latin = practitioner.name, practitioner.name_latin
        organisation = practitioner.organisation
    else:
        name, name_latin = data["name"].strip(), (data.get("name_latin") or "").strip()
        organisation = facility.organisation if facility is not None else None
    enrolment = Enrolment(
        course=course, practitioner=practitioner, user=data.get("user"), name=name, name_latin=name_latin,
        name_key=fold(name), facility=facility, organisation=organisation,
    )
    save_checked(enrolment)
    audit.record(actor=by, action=audit.Action.CREATE, obj=enrolment, organisation=course.provider,
                 changes=audit.diff({}, audit.snapshot(enrolment, ["course", *ENROLMENT_FIELDS])))
    return enrolment


def locked_enrolment(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().select_related("course__provider").get(pk=enrolment.pk)


@transaction.atomic
def enrolment_withdraw(*, by, enrolment: Enrolment) -> Enrolment:
    """Mark an enrolment withdrawn; a completed one stays completed."""
    enrolment = locked_enrolment(enrolment)
    require_course_manager(by, enrolment.course)
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise ValidationFailed.field("status", _("A completed enrolment cannot be withdrawn."), code="completed")
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return enrolment
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=enrolment, organisation=enrolment.course.provider,
                 changes={"status": [Enrolment.Status.ENROLLED, Enrolment.Status.WITHDRAWN]})
    return enrolment


# ---------------------------------------------------------------- attendance


@transaction.atomic
def attendance_record(*, by, session: Session, entries: list[tuple[Enrolment, bool]],
                      now: datetime | None = None) -> list[Attendance]:
    """Record who was present at a session (one row per participant, changed in place when sent again).

    Recording attendance is what makes a planned session held. A session that
    was cancelled or has not started yet takes no attendance, and every
    participant must be enrolled in the session's own course.
    """
    now = now or timezone.now()
    session = Session.objects.select_for_update().get(pk=session.pk)
    course = _locked_course(session.course)
    require_course_manager(by, course)
    problems = Problems()
    if session.status == SessionStatus.CANCELLED:
        problems.add("session", _("This session was cancelled; it has no attendance."), code="cancelled")
    elif session.starts_at > now:
        problems.add("session", _("This session has not started yet; record attendance once it has begun."),
                     code="not_started")
    strangers = [e for e, _present in entries if e.course_id != course.pk]
    if strangers:
        problems.add(
            "enrolment",
            _("%(name)s is enrolled in another course, not in the course of this session.") % {
                "name": strangers[0].name},
            code="wrong_course",
        )
    problems.raise_if_any()
    existing = {a.enrolment_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
    changes: dict[str, list] = {}
    rows = []
    for enrolment, present in entries:
        row = existing.get(enrolment.pk)
        if row is None:
            row = Attendance.objects.create(session=session, enrolment=enrolment, present=present)
            changes[f"attendance.{enrolment.pk}"] = [None, present]
        elif row.present != present:
            changes[f"attendance.{enrolment.pk}"] = [row.present, present]
            row.present = present
            row.save(update_fields=["present"])
        rows.append(row)
    if session.status == SessionStatus.PLANNED and entries:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])
        changes["status"] = [SessionStatus.PLANNED, SessionStatus.HELD]
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=session, organisation=course.provider, changes=changes)
    return rows


# ---------------------------------------------------------------- assessment and completion


@transaction.atomic
def enrolment_assess(*, by, enrolment: Enrolment, score, passed: bool | None = None,
                     on: date | None = None) -> Enrolment:
    """Record an assessment result: the score (0 to 100) and whether it passed.

    With a pass mark the course decides: passed is score >= pass mark, and a
    contradicting `passed` is refused. Without one, `passed` must be given.
    """
    enrolment = locked_enrolment(enrolment)
    course = enrolment.course
    require_course_manager(by, course)
    problems = Problems()
    value = _decimal(score, "score", problems)
    if value is None and "score" not in problems.fields:
        problems.add("score", _("Enter a score between 0 and 100."), code="required")
    elif value is not None and not 0 <= value <= 100:
        problems.add("score", _("Enter a score between 0 and 100."), code="score_range")
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        problems.add("status", _("This participant has withdrawn from the course."), code="withdrawn")
    if not problems.fields:
        if course.pass_mark is not None:
            by_mark = value >= course.pass_mark
            if passed is not None and passed != by_mark:
                problems.add("passed", _("With a pass mark of %(mark)s, a score of %(score)s does not give that result.")
                             % {"mark": course.pass_mark, "score": value}, code="contradicts_pass_mark")
            passed = by_mark
        elif passed is None:
            problems.add("passed", _("Say whether the participant passed: this course has no pass mark."),
                         code="required")
    problems.raise_if_any()
    fields = ["score", "passed", "assessed_on"]
    before = audit.snapshot(enrolment, fields)
    enrolment.score, enrolment.passed, enrolment.assessed_on = value, passed, on or timezone.localdate()
    enrolment.save(update_fields=fields)
    changes = audit.diff(before, audit.snapshot(enrolment, fields))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=enrolment, organisation=course.provider,
                     changes=changes)
    return enrolment


@transaction.atomic
def enrolment_complete(*, by, enrolment: Enrolment, on: date | None = None) -> Enrolment:
    """Mark an enrolment completed: the participant attended a held session and passed any assessment."""
    enrolment = locked_enrolment(enrolment)
    course = enrolment.course
    require_course_manager(by, course)
    problems = Problems()
    if enrolment.status == Enrolment.Status.COMPLETED:
        problems.add("status", _("This enrolment is already completed."), code="already_completed")
    elif enrolment.status == Enrolment.Status.WITHDRAWN:
        problems.add("status", _("This participant has withdrawn from the course."), code="withdrawn")
    elif not enrolment.attendance.filter(present=True, session__status=SessionStatus.HELD).exists():
        problems.add("attendance", _("The participant has not attended any session yet."), code="no_attendance")
    elif course.pass_mark is not None and enrolment.passed is not True:
        problems.add("passed", _("The participant has not passed the assessment."), code="not_passed")
    problems.raise_if_any()
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_on = on or timezone.localdate()
    enrolment.save(update_fields=["status", "completed_on"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=enrolment, organisation=course.provider,
                 changes={"status": [Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED],
                          "completed_on": [None, enrolment.completed_on.isoformat()]})
    return enrolment
