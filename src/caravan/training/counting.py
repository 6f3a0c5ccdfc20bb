"""How training counts toward agreements: courses held and people trained, in plain Python.

`fetch.py` loads the facts (one query per kind), these functions count them.
A session's day is the calendar day in the session's own time zone, so an
evening seminar in Almaty counts on the day its participants saw it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from .zones import local_day


@dataclass(frozen=True)
class SessionFact:
    """A held session of a course or of a tele-mentoring series that cites an agreement."""

    agreement_id: int
    activity: tuple[str, int]  # ("course", id) or ("series", id)
    title: str
    starts_at: datetime
    time_zone: str


@dataclass(frozen=True)
class Held:
    """A course (or series) held in the period, on the day of its first session there."""

    agreement_id: int
    activity: tuple[str, int]
    title: str
    day: date


def courses_held(facts: list[SessionFact], *, start: date, end: date) -> list[Held]:
    """Each course or series with at least one held session whose local day lies in [start, end]."""
    first: dict[tuple[int, tuple[str, int]], Held] = {}
    for fact in facts:
        day = local_day(fact.starts_at, fact.time_zone)
        if not start <= day <= end:
            continue
        key = (fact.agreement_id, fact.activity)
        if key not in first or day < first[key].day:
            first[key] = Held(agreement_id=fact.agreement_id, activity=fact.activity, title=fact.title, day=day)
    return sorted(first.values(), key=lambda h: (h.agreement_id, h.day, h.activity))


def person_key(*, practitioner_id: int | None, user_id: int | None, name_key: str, facility_id: int | None) -> tuple:
    """Who a participant is, across courses: the registry's practitioner, else the login, else the name at a site."""
    if practitioner_id is not None:
        return ("practitioner", practitioner_id)
    if user_id is not None:
        return ("user", user_id)
    return ("name", name_key, facility_id)


@dataclass(frozen=True)
class TrainingFact:
    """One moment a person was trained: attending a held session (its local day) or completing a course."""

    agreement_id: int
    course_id: int
    course_title: str
    person: tuple
    day: date


@dataclass(frozen=True)
class Trained:
    """A person counted once per agreement and period, under the course where the period first saw them."""

    agreement_id: int
    person: tuple
    course_id: int
    course_title: str
    day: date


def people_trained(facts: list[TrainingFact], *, start: date, end: date) -> list[Trained]:
    """Distinct people per agreement who attended or completed a course on a day in [start, end]."""
    first: dict[tuple[int, tuple], Trained] = {}
    for fact in facts:
        if not start <= fact.day <= end:
            continue
        key = (fact.agreement_id, fact.person)
        current = first.get(key)
        if current is None or (fact.day, fact.course_id) < (current.day, current.course_id):
            first[key] = Trained(agreement_id=fact.agreement_id, person=fact.person, course_id=fact.course_id,
                                 course_title=fact.course_title, day=fact.day)
    return list(first.values())


def totals(agreement_ids: list[int], rows: list[Held] | list[Trained]) -> dict[int, float]:
    """How many rows each agreement has (zero for those with none)."""
    result = dict.fromkeys(agreement_ids, 0.0)
    for row in rows:
        if row.agreement_id in result:
            result[row.agreement_id] += 1.0
    return result


@dataclass(frozen=True)
class CourseCount:
    course_id: int
    course_title: str
    day: date
    people: int


def trained_by_course(rows: list[Trained]) -> list[CourseCount]:
    """People trained grouped by the course that counted them, newest first; the counts add up to the total."""
    groups: dict[int, list[Trained]] = {}
    for row in rows:
        groups.setdefault(row.course_id, []).append(row)
    counts = [
        CourseCount(course_id=course_id, course_title=group[0].course_title, day=min(r.day for r in group),
                    people=len(group))
        for course_id, group in groups.items()
    ]
    return sorted(counts, key=lambda c: (c.day, c.course_id), reverse=True)
