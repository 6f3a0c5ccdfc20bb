"""Periods of a commitment and progress against its target: plain Python, no database.

A commitment counts activities per calendar year, per calendar month or over
the agreement's whole term. Calendar periods are the same for every agreement,
so a list of agreements asks each metric provider once per period, whatever
the number of rows. The whole term counts every activity citing the agreement.
"""

import calendar
import math
from dataclasses import dataclass
from datetime import date

YEAR = "year"
MONTH = "month"
TERM = "term"

# The whole term counts every activity citing the agreement, whenever it was dated.
EVER = (date(1900, 1, 1), date(9999, 12, 31))


@dataclass(frozen=True)
class Window:
    """One period: its key ("2025", "2025-03" or "term") and its first and last day."""

    key: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def year_window(year: int) -> Window:
    return Window(str(year), date(year, 1, 1), date(year, 12, 31))


def month_window(year: int, month: int) -> Window:
    last = calendar.monthrange(year, month)[1]
    return Window(f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, last))


def term_window() -> Window:
    return Window(TERM, *EVER)


def current_window(period: str, today: date) -> Window:
    """The period that contains `today` (the term for a whole-term commitment)."""
    if period == YEAR:
        return year_window(today.year)
    if period == MONTH:
        return month_window(today.year, today.month)
    return term_window()


def windows(period: str, *, start: date, end: date | None, today: date, months: int = 12) -> list[Window]:
    """The periods of a commitment from the agreement's start to today (or its end), newest first.

    Monthly commitments show the last `months` months only: a five-year term
    would otherwise list sixty rows.
    """
    last = min(today, end) if end else today
    if period == TERM:
        return [term_window()]
    if last < start:
        return [current_window(period, start)]
    if period == YEAR:
        return [year_window(y) for y in range(last.year, start.year - 1, -1)]
    rows: list[Window] = []
    year, month = last.year, last.month
    while (year, month) >= (start.year, start.month) and len(rows) < months:
        rows.append(month_window(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return rows


def window_for_key(period: str, key: str) -> Window | None:
    """The window a key names, or None when the key does not fit the period."""
    try:
        if period == TERM:
            return term_window() if key == TERM else None
        if period == YEAR:
            return year_window(int(key)) if len(key) == 4 else None
        if period == MONTH and len(key) == 7 and key[4] == "-":
            month = int(key[5:])
            return month_window(int(key[:4]), month) if 1 <= month <= 12 else None
    except ValueError:
        return None
    return None


def expected_share(window: Window, *, start: date, end: date | None, today: date) -> float | None:
    """The share of the target due by `today` in `window`, from 0 to 1.

    A period's target is for the whole period; the agreement owes only the part
    of it during which it was in force and that has already passed. A whole-term
    commitment without an end date has no share due (None).
    """
    if window.key == TERM:
        if end is None:
            return None
        total = (end - start).days + 1
        elapsed = (min(today, end) - start).days + 1
        return min(1.0, max(0.0, elapsed / total))
    first = max(window.start, start)
    last = min(window.end, today, end) if end else min(window.end, today)
    if last < first:
        return 0.0
    return ((last - first).days + 1) / window.days


@dataclass(frozen=True)
class Progress:
    """How far one commitment got in one period."""

    window: Window
    target: float
    actual: float
    due: float | None  # what should have been done by now (None: nothing can be said)

    @property
    def percent(self) -> int:
        """The actual as a whole percentage of the target (0 when the target is 0)."""
        if self.target <= 0:
            return 100 if self.actual > 0 else 0
        return int(self.actual * 100 // self.target)

    @property
    def bar(self) -> int:
        """The width of the progress bar, 0 to 100."""
        return min(100, self.percent)

    @property
    def behind(self) -> bool:
        # Rounded down, so that the first days of a period never count as behind.
        return self.due is not None and self.actual < math.floor(self.due)


def progress(window: Window, *, target: float, actual: float, start: date, end: date | None,
             today: date) -> Progress:
    share = expected_share(window, start=start, end=end, today=today)
    return Progress(window=window, target=target, actual=actual,
                    due=None if share is None else target * share)

