"""Whether an agreement is alive: dormant, expiring or behind target. Plain Python, no database."""

from dataclasses import dataclass
from datetime import date, timedelta

# Only agreements in force can be dormant, expiring or behind.
IN_FORCE = frozenset({"signed", "active"})


@dataclass(frozen=True)
class HealthFacts:
    status: str
    start: date
    end: date | None
    activity_in_window: float  # what the metrics counted over the last `dormant_days`
    commitments_behind: int


@dataclass(frozen=True)
class Health:
    dormant: bool
    expiring: bool
    behind: bool
    days_left: int | None  # days until the end date, None without one

    @property
    def well(self) -> bool:
        return not (self.dormant or self.expiring or self.behind)


def assess(facts: HealthFacts, *, today: date, dormant_days: int = 180, expiring_days: int = 90) -> Health:
    """The three warnings an agreement can carry.

    - dormant: active, in force for at least `dormant_days`, and no activity
      citing it in the last `dormant_days`;
    - expiring: in force and its end date falls within `expiring_days` of today;
    - behind: active and at least one commitment is below its pro-rata share.
    """
    in_force = facts.status in IN_FORCE
    days_left = (facts.end - today).days if facts.end else None
    dormant = (
        facts.status == "active"
        and facts.start <= today - timedelta(days=dormant_days)
        and facts.activity_in_window <= 0
    )
    expiring = in_force and days_left is not None and 0 <= days_left <= expiring_days
    behind = facts.status == "active" and facts.commitments_behind > 0
    return Health(dormant=dormant, expiring=expiring, behind=behind, days_left=days_left)
