"""Time zones of sessions: which names exist, and a session's times as a reader in a zone sees them.

Pure functions on datetimes; nothing here touches the database.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name the system's tz database knows."""
    return frozenset(available_timezones() | {"UTC"})


def is_known(name: str | None) -> bool:
    return bool(name) and name in known_zones()


def zone(name: str | None) -> ZoneInfo:
    """The zone of that name, or UTC for a name that is empty or unknown (never an error when showing)."""
    if is_known(name):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def aware(day: date, at: time, zone_name: str) -> datetime:
    """A wall-clock time in a zone as an aware datetime (the earlier one when clocks go back)."""
    return datetime.combine(day, at).replace(tzinfo=zone(zone_name), fold=0)


def offset_label(moment: datetime) -> str:
    """The UTC offset of an aware datetime: "UTC+03:00", "UTC+05:45", "UTC"."""
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WallClock:
    """A session's start and end as read on the clocks of one zone."""

    zone: str
    day: date
    start: time
    end: time
    end_day: date
    offset: str

    @property
    def crosses_midnight(self) -> bool:
        return self.end_day != self.day


def wall_clock(starts_at: datetime, ends_at: datetime, zone_name: str) -> WallClock:
    tz = zone(zone_name)
    start = starts_at.astimezone(tz)
    end = ends_at.astimezone(tz)
    return WallClock(
        zone=zone_name if is_known(zone_name) else "UTC", day=start.date(), start=start.time().replace(tzinfo=None),
        end=end.time().replace(tzinfo=None), end_day=end.date(), offset=offset_label(start),
    )


@dataclass(frozen=True)
class SessionTimes:
    """What a page shows for one session: its own zone's clock, and the viewer's when that differs."""

    session: WallClock
    viewer: WallClock | None


def session_times(starts_at: datetime, ends_at: datetime, *, session_zone: str, viewer_zone: str) -> SessionTimes:
    own = wall_clock(starts_at, ends_at, session_zone)
    theirs = wall_clock(starts_at, ends_at, viewer_zone)
    same = (theirs.day, theirs.start, theirs.offset) == (own.day, own.start, own.offset)
    return SessionTimes(session=own, viewer=None if same else theirs)


def local_day(moment: datetime, zone_name: str) -> date:
    """The calendar day a moment falls on in a zone: what "held on" means for a session."""
    return moment.astimezone(zone(zone_name)).date()
