"""The "techniques_transferred" metric: techniques of plans citing an agreement that became independent.

A technique counts once per recipient facility, on the day the recipient first
became independent in it, when that day lies in the period asked for.
"""

from datetime import date

from django.db.models import Count, F
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core import metrics

from .models import Capability


def _transferred(agreement_ids: list[int], start: date, end: date):
    return Capability.objects.filter(
        first_independent_on__gte=start, first_independent_on__lte=end,
        technique__plan_items__plan__agreement_id__in=agreement_ids,
        technique__plan_items__plan__recipient_id=F("facility_id"),
    )


class TechniquesTransferred:
    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
        rows = (
            _transferred(agreement_ids, start, end)
            .values("technique__plan_items__plan__agreement_id")
            .annotate(n=Count("id", distinct=True))
            .order_by()
        )
        return {r["technique__plan_items__plan__agreement_id"]: float(r["n"]) for r in rows}

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[metrics.Activity]:
        rows = (
            _transferred([agreement_id], start, end)
            .values_list("pk", "first_independent_on", "technique__name", "facility__name")
            .distinct()
            .order_by("-first_independent_on", "pk")
        )
        return [
            metrics.Activity(
                day=day, value=1.0, url=reverse("transfer:capability_detail", args=[pk]),
                label=_("%(technique)s at %(facility)s became independent") % {"technique": technique,
                                                                               "facility": facility},
            )
            for pk, day, technique, facility in rows
        ]


def register() -> None:
    metrics.register("techniques_transferred", TechniquesTransferred())
