"""Load the facts the counting core works on: one query per kind of fact, whatever the number of agreements."""

from datetime import UTC, date, datetime, time, timedelta

from .counting import SessionFact, TrainingFact, person_key
from .models import Attendance, Enrolment, MentoringSession, Session, SessionStatus
from .zones import local_day

# Time zones reach 14 hours from UTC: a session whose local day lies in the period starts
# within a day of it in UTC. The database takes that wider window, Python keeps the local day.
_PAD = timedelta(days=1)


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    """[low, high] in UTC around the local days [start, end]; a whole-term window may run to date.min/max."""
    low_day = start - _PAD if start > date.min + _PAD else date.min
    high_day = end + _PAD if end < date.max - _PAD else date.max
    return datetime.combine(low_day, time.min, tzinfo=UTC), datetime.combine(high_day, time.max, tzinfo=UTC)


def session_facts(*, agreement_ids: list[int], start: date, end: date) -> list[SessionFact]:
    """Held sessions of courses and tele-mentoring series citing the agreements, around [start, end] (two queries)."""
    low, high = _window(start, end)
    courses = Session.objects.filter(
        status=SessionStatus.HELD, course__agreement_id__in=agreement_ids, starts_at__gte=low, starts_at__lte=high,
    ).values_list("course__agreement_id", "course_id", "course__title", "starts_at", "time_zone")
    series = MentoringSession.objects.filter(
        status=SessionStatus.HELD, series__agreement_id__in=agreement_ids, starts_at__gte=low, starts_at__lte=high,
    ).values_list("series__agreement_id", "series_id", "series__title", "starts_at", "time_zone")
    return [
        SessionFact(agreement_id=a, activity=("course", pk), title=title, starts_at=at, time_zone=tz)
        for a, pk, title, at, tz in courses
    ] + [
        SessionFact(agreement_id=a, activity=("series", pk), title=title, starts_at=at, time_zone=tz)
        for a, pk, title, at, tz in series
    ]


def training_facts(*, agreement_ids: list[int], start: date, end: date) -> list[TrainingFact]:
    """Attendance at held sessions and completions in courses citing the agreements (two queries)."""
    low, high = _window(start, end)
    attended = Attendance.objects.filter(
        present=True, session__status=SessionStatus.HELD, session__course__agreement_id__in=agreement_ids,
        session__starts_at__gte=low, session__starts_at__lte=high,
    ).values_list(
        "session__course__agreement_id", "session__course_id", "session__course__title",
        "enrolment__practitioner_id", "enrolment__user_id", "enrolment__name_key", "enrolment__facility_id",
        "session__starts_at", "session__time_zone",
    )
    completed = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, course__agreement_id__in=agreement_ids,
        completed_on__gte=start, completed_on__lte=end,
    ).values_list(
        "course__agreement_id", "course_id", "course__title", "practitioner_id", "user_id", "name_key",
        "facility_id", "completed_on",
    )
    facts = [
        TrainingFact(
            agreement_id=a, course_id=course, course_title=title, day=local_day(at, tz),
            person=person_key(practitioner_id=p, user_id=u, name_key=n, facility_id=f),
        )
        for a, course, title, p, u, n, f, at, tz in attended
    ]
    facts += [
        TrainingFact(
            agreement_id=a, course_id=course, course_title=title, day=day,
            person=person_key(practitioner_id=p, user_id=u, name_key=n, facility_id=f),
        )
        for a, course, title, p, u, n, f, day in completed
    ]
    return facts
