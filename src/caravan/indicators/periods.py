"""Reporting periods: a year ("2024"), a quarter ("2024-Q2") or a month ("2024-03"). Pure Python."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

YEAR, QUARTER, MONTH = "year", "quarter", "month"
KINDS = (YEAR, QUARTER, MONTH)
_PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str
    code: str

    def previous(self) -> "Period":
        if self.kind == YEAR:
            return year(self.start.year - 1)
        if self.kind == QUARTER:
            q = (self.start.month - 1) // 3 + 1
            return quarter(self.start.year - 1, 4) if q == 1 else quarter(self.start.year, q - 1)
        return month(self.start.year - 1, 12) if self.start.month == 1 else month(self.start.year, self.start.month - 1)


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), YEAR, f"{y}")


def quarter(y: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period(date(y, first, 1), date(y, first + 2, calendar.monthrange(y, first + 2)[1]), QUARTER, f"{y}-Q{q}")


def month(y: int, m: int) -> Period:
    return Period(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), MONTH, f"{y}-{m:02d}")


def parse(code: str) -> Period:
    """The period a code names; ValueError for anything else (a 13th month, a fifth quarter, a year 0)."""
    match = _PATTERN.match((code or "").strip())
    if not match:
        raise ValueError(code)
    y = int(match.group(1))
    if y < 1900 or y > 2200:
        raise ValueError(code)
    if match.group(2):
        return quarter(y, int(match.group(2)))
    if match.group(3):
        m = int(match.group(3))
        if not 1 <= m <= 12:
            raise ValueError(code)
        return month(y, m)
    return year(y)


def between(first_year: int, last_year: int, kind: str) -> list[Period]:
    """Every period of `kind` in the years [first_year, last_year], in order."""
    out: list[Period] = []
    for y in range(first_year, last_year + 1):
        if kind == YEAR:
            out.append(year(y))
        elif kind == QUARTER:
            out.extend(quarter(y, q) for q in range(1, 5))
        else:
            out.extend(month(y, m) for m in range(1, 13))
    return out


def kinds_down_to(finest: str) -> tuple[str, ...]:
    """An indicator computed monthly is also computed by quarter and year."""
    return KINDS[: KINDS.index(finest) + 1]


# --- Figures over time: how the values of shorter periods make a longer one.

SUM, LAST = "sum", "last"  # a flow (visits) adds its months up; a stock (communes) takes the latest figure


def parts(period: Period) -> list[Period]:
    """The periods one step finer that make up `period`: a year's quarters, a quarter's months; none for a month."""
    y = period.start.year
    if period.kind == YEAR:
        return [quarter(y, q) for q in range(1, 5)]
    if period.kind == QUARTER:
        return [month(y, m) for m in range(period.start.month, period.start.month + 3)]
    return []


def combine(values: dict[str, float], period: Period, over_time: str) -> float | None:
    """A region's figure for `period` from the values recorded for it and the periods inside it.

    A value recorded for the period itself wins over its parts (as a region's own figure wins over its
    sub-regions'); otherwise a flow is the sum of the parts that have a figure and a stock is the figure of
    the latest part that has one, the one nearest the period's end. None when nothing inside has a figure.
    """
    if period.code in values:
        return values[period.code]
    found = [f for f in (combine(values, p, over_time) for p in parts(period)) if f is not None]
    if not found:
        return None
    return sum(found) if over_time == SUM else found[-1]
