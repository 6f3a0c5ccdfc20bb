"""Sessions as calendar events (see ics.py for the file format)."""

from collections.abc import Callable

from . import ics
from .models import SessionStatus


def course_events(sessions, *, url_of: Callable[[object], str]) -> list[ics.Event]:
    """One event per course session; `url_of(course)` gives the course page's absolute address."""
    return [
        ics.Event(
            uid=f"training-session-{s.pk}@caravan", starts_at=s.starts_at, ends_at=s.ends_at,
            summary=f"{s.course.title}: {s.title}",
            description="\n".join(part for part in (s.title_local, s.course.title_local) if part),
            location=s.place, url=url_of(s.course), cancelled=s.status == SessionStatus.CANCELLED,
        )
        for s in sessions
    ]


def series_events(sessions, *, url_of: Callable[[object], str]) -> list[ics.Event]:
    """One event per tele-mentoring session; `url_of(session)` gives its page's absolute address."""
    return [
        ics.Event(
            uid=f"mentoring-session-{s.pk}@caravan", starts_at=s.starts_at, ends_at=s.ends_at,
            summary=f"{s.series.title}: {s.lecture_title}",
            description=s.lecture_speaker, url=url_of(s), cancelled=s.status == SessionStatus.CANCELLED,
        )
        for s in sessions
    ]
