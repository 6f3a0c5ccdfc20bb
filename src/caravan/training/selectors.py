"""Every read of courses a user can reach, already scoped to that user.

Who sees a course: users who can see its provider or one of its participating
organisations (the registry's rule: they share a network), and anyone enrolled
in it with their own login. Only its managers (see rules.py) see who enrolled,
attended and scored what; a participant sees their own record. A missing course
and one the user may not see raise the same NotFound.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.models import Organisation
from caravan.core.text import fold

from . import rules, zones
from .models import Attendance, Certificate, Course, Enrolment, Session, SessionStatus


def visible_courses(user) -> QuerySet[Course]:
    """The courses the user may see (unfiltered, unordered)."""
    access = access_for(user)
    if not access.is_authenticated:
        return Course.objects.none()
    if access.is_node_admin:
        return Course.objects.all()
    organisations = access.visible_organisation_ids()
    partnered = Course.partners.through.objects.filter(organisation_id__in=organisations).values("course_id")
    enrolled = Enrolment.objects.filter(user=user).values("course_id")
    return Course.objects.filter(Q(provider_id__in=organisations) | Q(pk__in=partnered) | Q(pk__in=enrolled))


def managed_courses(user) -> QuerySet[Course]:
    """The courses the user manages: coordinator or administrator of the provider or of a participating organisation."""
    access = access_for(user)
    if not access.is_authenticated:
        return Course.objects.none()
    if access.is_node_admin:
        return Course.objects.all()
    editable = access.editable_organisations().values("pk")
    partnered = Course.partners.through.objects.filter(organisation_id__in=editable).values("course_id")
    return Course.objects.filter(Q(provider_id__in=editable) | Q(pk__in=partnered))


def may_create_courses(*, user) -> bool:
    return rules.may_create_courses(access_for(user))


def course_manageable_by(*, user, course: Course) -> bool:
    """Whether the user manages a course loaded by course_get_for_user (no query)."""
    return rules.manages_course(access_for(user), course)


def viewer_zone(user) -> str:
    """The time zone the user reads times in (their profile's), UTC when none is known."""
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    name = getattr(profile, "time_zone", "") or "UTC"
    return name if zones.is_known(name) else "UTC"


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class CourseFilters:
    q: str = ""
    mode: str = ""
    specialty: str = ""  # specialty code
    agreement: int | None = None
    provider: int | None = None
    mine: bool = False  # only courses the user is enrolled in


def course_list_for_user(*, user, filters: CourseFilters | None = None) -> QuerySet[Course]:
    """Visible courses, filtered, with their sessions counted and dated; one query per page, however long."""
    f = filters or CourseFilters()
    qs = visible_courses(user).select_related("provider", "agreement", "specialty")
    for word in fold(f.q).split():
        qs = qs.filter(search_text__contains=word)
    if f.mode:
        qs = qs.filter(mode=f.mode)
    if f.specialty:
        qs = qs.filter(specialty__code=f.specialty)
    if f.agreement:
        qs = qs.filter(agreement_id=f.agreement)
    if f.provider:
        qs = qs.filter(provider_id=f.provider)
    if f.mine:
        qs = qs.filter(pk__in=Enrolment.objects.filter(user=user).values("course_id"))
    return qs.annotate(
        session_count=Count("sessions", distinct=True),
        first_session=Min("sessions__starts_at"),
        last_session=Max("sessions__starts_at"),
    ).order_by(F("last_session").desc(nulls_last=True), "title", "id")


# ---------------------------------------------------------------- one course


def _course_queryset(user) -> QuerySet[Course]:
    return visible_courses(user).select_related("provider", "agreement", "specialty", "venue").prefetch_related(
        Prefetch("partners", queryset=Organisation.objects.order_by("name")),
    )


def course_get_for_user(*, user, pk: int) -> Course:
    """One visible course with its provider, partners, agreement, specialty and venue, or NotFound."""
    course = _course_queryset(user).filter(pk=pk).first()
    if course is None:
        raise NotFound()
    return course


@dataclass(frozen=True)
class SessionRow:
    session: object
    times: zones.SessionTimes


def session_rows(sessions, *, viewer: str) -> list[SessionRow]:
    """Each session with its time on its own clocks and, when different, on the viewer's."""
    return [
        SessionRow(session=s, times=zones.session_times(s.starts_at, s.ends_at, session_zone=s.time_zone,
                                                        viewer_zone=viewer))
        for s in sessions
    ]


def course_sessions(*, course: Course) -> QuerySet[Session]:
    """A visible course's sessions in time order."""
    return Session.objects.filter(course=course).order_by("starts_at", "id")


def _attended_count():
    return Count("attendance", filter=Q(attendance__present=True, attendance__session__status=SessionStatus.HELD))


def _live_certificates() -> Prefetch:
    return Prefetch("certificates", queryset=Certificate.objects.filter(revoked_at__isnull=True),
                    to_attr="live_certificates")


def course_roster(*, user, course: Course) -> QuerySet[Enrolment]:
    """Everyone enrolled, with sessions attended and the valid certificate; empty unless the user manages the course."""
    if not course_manageable_by(user=user, course=course):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(course=course)
        .select_related("facility", "organisation")
        .annotate(attended=_attended_count())
        .prefetch_related(_live_certificates())
        .order_by("name", "id")
    )


def my_enrolments(*, user, course: Course | None = None) -> QuerySet[Enrolment]:
    """The user's own enrolments (in one course, or all), with attendance counted and certificates."""
    if not access_for(user).is_authenticated:
        return Enrolment.objects.none()
    qs = Enrolment.objects.filter(user=user)
    if course is not None:
        qs = qs.filter(course=course)
    return (
        qs.select_related("course__provider")
        .annotate(attended=_attended_count())
        .prefetch_related(_live_certificates())
        .order_by("-enrolled_at", "id")
    )


def enrolment_get_for_manager(*, user, pk: int) -> Enrolment:
    """An enrolment in a course the user manages, with its course loaded for the rules, or NotFound."""
    enrolment = (
        Enrolment.objects.filter(pk=pk, course__in=managed_courses(user).values("pk"))
        .select_related("course__provider", "facility")
        .prefetch_related(Prefetch("course__partners", queryset=Organisation.objects.order_by("name")))
        .annotate(attended=_attended_count())
        .prefetch_related(_live_certificates())
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def session_get_for_user(*, user, pk: int) -> Session:
    """A session of a visible course, with the course loaded for the rules, or NotFound."""
    session = (
        Session.objects.filter(pk=pk, course__in=visible_courses(user).values("pk"))
        .select_related("course__provider")
        .prefetch_related(Prefetch("course__partners", queryset=Organisation.objects.order_by("name")))
        .first()
    )
    if session is None:
        raise NotFound()
    return session


@dataclass(frozen=True)
class SheetLine:
    enrolment: Enrolment
    present: bool | None  # None: nothing recorded yet


def attendance_sheet(*, user, session: Session) -> list[SheetLine]:
    """Every participant of the session's course (withdrawn ones only if recorded), with what was recorded.

    Empty unless the user manages the course. Two queries.
    """
    if not course_manageable_by(user=user, course=session.course):
        return []
    recorded = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    enrolments = Enrolment.objects.filter(course_id=session.course_id).select_related("facility").order_by("name", "id")
    return [
        SheetLine(enrolment=e, present=recorded.get(e.pk))
        for e in enrolments
        if e.status != Enrolment.Status.WITHDRAWN or e.pk in recorded
    ]


def my_attendance(*, user, course: Course) -> dict[int, bool]:
    """{session id: present} for the user's own enrolment in a course."""
    return dict(
        Attendance.objects.filter(enrolment__course=course, enrolment__user=user).values_list("session_id", "present")
    )


# ---------------------------------------------------------------- certificates


def certificate_get_for_user(*, user, pk: int) -> Certificate:
    """A certificate the user may print: its holder's own, or one of a course they manage; else NotFound."""
    access = access_for(user)
    if not access.is_authenticated:
        raise NotFound()
    qs = Certificate.objects.select_related("enrolment__course__provider")
    qs = qs.filter(Q(enrolment__user=user) | Q(enrolment__course__in=managed_courses(user).values("pk")))
    certificate = qs.filter(pk=pk).first()
    if certificate is None:
        raise NotFound()
    return certificate


# ---------------------------------------------------------------- calendars and choices


def sessions_for_calendar(*, user, course: Course | None = None, since: datetime | None = None) -> QuerySet[Session]:
    """Sessions of the visible courses (or of one), from `since` on, for a calendar file."""
    qs = Session.objects.filter(course__in=visible_courses(user).values("pk")).select_related("course")
    if course is not None:
        qs = qs.filter(course=course)
    if since is not None:
        qs = qs.filter(ends_at__gte=since)
    return qs.order_by("starts_at", "id")


def agreement_choices(*, user):
    """Agreements the user may cite: those they can see."""
    from caravan.partnerships.selectors import visible_agreements

    return visible_agreements(user).order_by("code")


def organisation_choices(*, user) -> QuerySet[Organisation]:
    access = access_for(user)
    if not access.is_authenticated:
        return Organisation.objects.none()
    return access.visible_organisations().order_by("name")


def practitioners_visible(*, user):
    from caravan.registry.selectors import practitioner_list_for_user

    return practitioner_list_for_user(user=user)


def practitioner_choices(*, user, course: Course):
    """Practitioners a manager may enrol: visible ones from the provider's and partners' organisations."""
    from caravan.registry.selectors import practitioner_list_for_user

    q = Q(pk__in=[])
    for org in [course.provider, *course.partners.all()]:
        q |= Q(organisation__path__startswith=org.path)
    return practitioner_list_for_user(user=user).filter(q)


def enrolments_managed(*, user, ids: list[int]) -> dict[int, Enrolment]:
    """{id: enrolment} for those of `ids` in courses the user manages (whatever the course)."""
    rows = Enrolment.objects.filter(pk__in=ids, course__in=managed_courses(user).values("pk"))
    return {e.pk: e for e in rows}


def login_by_username(*, user, username: str):
    """An active login that belongs to an organisation the user can see, or None."""
    from django.contrib.auth import get_user_model

    access = access_for(user)
    if not access.is_authenticated or not username:
        return None
    qs = get_user_model().objects.filter(username=username, is_active=True)
    if not access.is_node_admin:
        qs = qs.filter(memberships__organisation__in=access.visible_organisation_ids())
    return qs.distinct().first()
