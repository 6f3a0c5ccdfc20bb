"""The ledger's tunable rules, read from Django settings with the defaults below.

    CARAVAN_TRANSFER_WINDOW_MONTHS        independent cases count within this many months (24)
    CARAVAN_TRANSFER_MAX_COMPLICATION_RATE  above this share of complications, independence waits (0.10)
    CARAVAN_TRANSFER_LAPSE_MONTHS         an independent technique lapses after this long without a case (12)
    CARAVAN_TRANSFER_SUSTAINED_GRACE_MONTHS  a service "still runs" at a mark with a case this close to it (3)
"""

from django.conf import settings

from .rules import RuleSettings


def window_months() -> int:
    return int(getattr(settings, "CARAVAN_TRANSFER_WINDOW_MONTHS", 24))


def max_complication_rate() -> float:
    return float(getattr(settings, "CARAVAN_TRANSFER_MAX_COMPLICATION_RATE", 0.10))


def lapse_months() -> int:
    return int(getattr(settings, "CARAVAN_TRANSFER_LAPSE_MONTHS", 12))


def sustained_grace_months() -> int:
    return int(getattr(settings, "CARAVAN_TRANSFER_SUSTAINED_GRACE_MONTHS", 3))


def rules_for(cases_for_independence: int) -> RuleSettings:
    return RuleSettings(
        cases_for_independence=cases_for_independence,
        window_months=window_months(),
        max_complication_rate=max_complication_rate(),
        lapse_months=lapse_months(),
    )
