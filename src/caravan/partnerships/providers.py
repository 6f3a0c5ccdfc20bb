"""How visits count toward agreements: the "visits" metric of caravan.core.metrics.

A visit counts once, on its first day, toward the agreement it cites, when it
was held (planned and cancelled visits are not activities that happened).
"""

from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core import metrics

from .models import Visit


class VisitsHeld:
    def _held(self, *, start: date, end: date):
        return Visit.objects.filter(status=Visit.Status.HELD, start__gte=start, start__lte=end)

    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
        rows = (
            self._held(start=start, end=end).filter(agreement_id__in=agreement_ids)
            .values("agreement_id").annotate(n=Count("id")).values_list("agreement_id", "n")
        )
        return {agreement_id: float(n) for agreement_id, n in rows}

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[metrics.Activity]:
        visits = self._held(start=start, end=end).filter(agreement_id=agreement_id).order_by("-start", "id")
        return [
            metrics.Activity(day=v.start, label=_("Visit: %(title)s") % {"title": v.title}, value=1.0,
                             url=reverse("partnerships:visit_detail", args=[v.pk]))
            for v in visits
        ]


def register() -> None:
    metrics.register("visits", VisitsHeld())
