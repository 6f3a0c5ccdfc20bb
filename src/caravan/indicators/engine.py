"""The indicator arithmetic. Pure Python: value = factor × numerator / denominator."""

from dataclasses import dataclass

FACTORS = (1, 100, 1000, 10_000, 100_000)


@dataclass(frozen=True)
class Result:
    numerator: float | None
    denominator: float | None
    value: float | None  # None is "no data": a missing figure or a zero denominator, never an error


def compute(*, numerator: float | None, denominator: float | None, factor: int, decimals: int) -> Result:
    """One value. Without a denominator the numerator is the value (a count, a total)."""
    if numerator is None:
        return Result(None, denominator, None)
    if denominator is None and factor == 1:
        return Result(numerator, None, round(float(numerator), decimals))
    if not denominator:
        return Result(numerator, denominator, None)
    return Result(numerator, denominator, round(factor * float(numerator) / float(denominator), decimals))


def change(latest: float | None, previous: float | None) -> float | None:
    """The change from the previous period, None when either is missing."""
    if latest is None or previous is None:
        return None
    return latest - previous
