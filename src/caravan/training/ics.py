"""Calendar files (RFC 5545) for sessions, written by hand: the format is small and strict.

Times are written in UTC ("20200720T070000Z"), so no VTIMEZONE is needed and
every calendar program shows them in its own zone. TEXT values are escaped
(backslash, semicolon, comma, newline), lines end in CRLF and are folded at 75
octets without splitting a UTF-8 character. Pure functions; no database.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Caravan//Training and seminars//EN"
_LIMIT = 75  # octets per line, CRLF not counted (RFC 5545, 3.1)


def escape_text(value: str | None) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash first, then ; and , and line breaks."""
    if not value:
        return ""
    text = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(moment: datetime) -> str:
    """An aware datetime as a UTC DATE-TIME: 20200720T070000Z."""
    if moment.tzinfo is None:
        raise ValueError("calendar times must be aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> list[str]:
    """One content line as physical lines of at most 75 octets; continuations start with a space."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = _LIMIT
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size = " ", 1  # the leading space of a continuation counts toward its 75
        current += ch
        size += width
    pieces.append(current)
    return pieces


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    stamp: datetime | None = None


def _event_lines(event: Event, *, now: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(event.stamp or now)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        # URL is a URI value, not TEXT: it is written as it is, never escaped.
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[Event], *, name: str = "", now: datetime | None = None) -> str:
    """A whole VCALENDAR with one VEVENT per event, CRLF line ends, folded."""
    now = now or datetime.now(UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines.extend(_event_lines(event, now=now))
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in fold(line))
