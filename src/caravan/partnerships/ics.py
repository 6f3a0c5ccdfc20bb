"""iCalendar (RFC 5545) text for visits: plain Python, no database.

Written by hand because the format is small: escape TEXT values (section
3.3.11), give times in UTC with a trailing Z (3.3.5, form #2), fold lines
longer than 75 octets without splitting a UTF-8 character (3.1), end every
line with CRLF.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped; line breaks become \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "\\n")


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC: 20250501T013000Z. Naive datetimes are refused: their zone is unknown."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def day_stamp(day: date) -> str:
    return day.strftime("%Y%m%d")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, each continuation starting with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current = b""
    limit = MAX_OCTETS
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            pieces.append(current.decode("utf-8"))
            current = b""
            limit = MAX_OCTETS - 1  # the leading space of a continuation line counts
        current += octets
    pieces.append(current.decode("utf-8"))
    return (CRLF + " ").join(pieces)


@dataclass(frozen=True)
class Event:
    uid: str
    stamp: datetime
    summary: str
    start: datetime | date
    end: datetime | date | None = None  # for all-day events: the last day (inclusive)
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


def _event_lines(event: Event) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{utc_stamp(event.stamp)}"]
    if isinstance(event.start, datetime):
        lines.append(f"DTSTART:{utc_stamp(event.start)}")
        if isinstance(event.end, datetime):
            lines.append(f"DTEND:{utc_stamp(event.end)}")
    else:
        # All-day: DTEND is the day after the last day (the end is exclusive).
        last = event.end if isinstance(event.end, date) else event.start
        lines.append(f"DTSTART;VALUE=DATE:{day_stamp(event.start)}")
        lines.append(f"DTEND;VALUE=DATE:{day_stamp(last + timedelta(days=1))}")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[Event], *, name: str = "") -> str:
    """A whole VCALENDAR object, CRLF line endings, lines folded."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Caravan//Visits//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
