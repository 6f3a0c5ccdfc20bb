"""When did the last visiting expert in a specialty leave a facility? (for the sustainability index)

Postings will come from the deployments module. Until it exists, the answer is
read off the case log: the day of the last case a visiting expert performed in
that specialty at that facility. The deployments module replaces the source by
calling `use(PostingDepartures())` in its AppConfig.ready(); the index and its
pages do not change.
"""

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from django.db.models import Max

from .models import CaseLog, Performer


class DeparturesSource(Protocol):
    def last_departures(self, *, facility_ids: Iterable[int]) -> dict[tuple[int, int], date]:
        """{(facility id, specialty id): the day the last visiting expert in that specialty left}.

        `facility_ids` may be a queryset of ids (a subquery) or a list.
        """
        ...


class CaseLogDepartures:
    """The stand-in: the last visiting-performed case per facility and specialty (one grouped query)."""

    def last_departures(self, *, facility_ids: Iterable[int]) -> dict[tuple[int, int], date]:
        rows = (
            CaseLog.objects.filter(performer=Performer.VISITING, facility_id__in=facility_ids)
            .values("facility_id", "technique__specialty_id")
            .annotate(day=Max("performed_on"))
            .order_by()
        )
        return {(r["facility_id"], r["technique__specialty_id"]): r["day"] for r in rows}


_source: DeparturesSource = CaseLogDepartures()


def use(source: DeparturesSource) -> None:
    """Replace where departures come from (the deployments module's postings)."""
    global _source
    _source = source


def current() -> DeparturesSource:
    return _source
