"""The metric registry: how activities recorded by any module count toward agreements.

An agreement's commitment names a metric from the catalogue below and a target
per period. Its fulfilment is never typed in: each module registers a provider
that counts its own activities citing the agreement. The agreements module
asks every provider of a metric and adds the answers up, so a new module plugs
in its activities without any change to agreements.

    from caravan.core import metrics

    class CoursesHeld:
        def totals(self, *, agreement_ids, start, end): ...      # {agreement_id: value}
        def activities(self, *, agreement_id, start, end): ...   # [metrics.Activity, ...]

    metrics.register("courses_held", CoursesHeld())   # in the module's AppConfig.ready()

Providers count activities whose date lies in [start, end] (both inclusive).
"""

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    code: str
    label: Promise
    unit: Promise
    # False for a metric that counts a subset of another one's activities (answered in time is a
    # subset of answered): counting it again would add nothing to "is this agreement active?".
    activity: bool = True


@dataclass(frozen=True)
class Activity:
    """One activity behind a number on an agreement's page."""

    day: date
    label: str
    value: float
    url: str = ""


class Provider(Protocol):
    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]: ...

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[Activity]: ...


CATALOGUE: dict[str, Metric] = {
    m.code: m
    for m in [
        Metric("experts_deployed", _("Experts deployed"), _("experts")),
        Metric("person_months_on_site", _("Person-months on site"), _("person-months")),
        Metric("people_trained", _("People trained"), _("people")),
        Metric("courses_held", _("Courses held"), _("courses")),
        Metric("visits", _("Visits"), _("visits")),
        Metric("patients_referred", _("Patients referred"), _("patients")),
        Metric("consultations_answered", _("Consultations answered"), _("consultations")),
        Metric("consultations_answered_in_time", _("Consultations answered within target time"),
               _("consultations"), activity=False),
        Metric("techniques_transferred", _("Techniques transferred"), _("techniques")),
    ]
}

_providers: dict[str, list[Provider]] = {}


def register(code: str, provider: Provider) -> None:
    """Add a provider for a catalogue metric (called from a module's AppConfig.ready)."""
    if code not in CATALOGUE:
        raise KeyError(f"unknown metric {code!r}; add it to caravan.core.metrics.CATALOGUE first")
    providers = _providers.setdefault(code, [])
    if not any(type(p) is type(provider) for p in providers):
        providers.append(provider)


def providers_of(code: str) -> list[Provider]:
    return list(_providers.get(code, []))


def is_provided(code: str) -> bool:
    """Whether any installed module counts this metric yet (the page says so when none does)."""
    return bool(_providers.get(code))


def totals(code: str, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
    """The metric's value per agreement over [start, end], summed over every provider."""
    result: dict[int, float] = dict.fromkeys(agreement_ids, 0.0)
    for provider in providers_of(code):
        for agreement_id, value in provider.totals(agreement_ids=agreement_ids, start=start, end=end).items():
            result[agreement_id] = result.get(agreement_id, 0.0) + value
    return result


def activities(code: str, *, agreement_id: int, start: date, end: date) -> list[Activity]:
    """Every activity behind the number, newest first."""
    rows: list[Activity] = []
    for provider in providers_of(code):
        rows.extend(provider.activities(agreement_id=agreement_id, start=start, end=end))
    return sorted(rows, key=lambda a: (a.day, a.label), reverse=True)
