"""Postings count toward agreements: "experts deployed" and "person-months on site".

A posting counts when its programme cites the agreement, it was at least
confirmed (not proposed, not withdrawn), and it started within the period.
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core import metrics

from .models import Posting

COUNTED = (Posting.Status.CONFIRMED, Posting.Status.ACTIVE, Posting.Status.COMPLETED)


def _postings(agreement_ids: list[int], start: date, end: date):
    return Posting.objects.filter(batch__programme__agreement_id__in=agreement_ids, status__in=COUNTED,
                                  start__gte=start, start__lte=end)


class _Postings:
    def value(self, posting) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
        out: dict[int, float] = {}
        for posting in _postings(agreement_ids, start, end).only("start", "end", "batch__programme__agreement_id"
                                                                  ).select_related("batch__programme"):
            key = posting.batch.programme.agreement_id
            out[key] = round(out.get(key, 0.0) + self.value(posting), 1)
        return out

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[metrics.Activity]:
        rows = _postings([agreement_id], start, end).select_related("candidate__practitioner", "facility")
        return [
            metrics.Activity(day=p.start, value=self.value(p), url=reverse("deployments:posting", args=[p.pk]),
                             label=_("%(person)s posted at %(facility)s") % {"person": p.candidate.practitioner,
                                                                            "facility": p.facility.name})
            for p in rows.order_by("-start", "pk")
        ]


class ExpertsDeployed(_Postings):
    def value(self, posting) -> float:
        return 1.0


class PersonMonthsOnSite(_Postings):
    def value(self, posting) -> float:
        return posting.months


def register() -> None:
    metrics.register("experts_deployed", ExpertsDeployed())
    metrics.register("person_months_on_site", PersonMonthsOnSite())
