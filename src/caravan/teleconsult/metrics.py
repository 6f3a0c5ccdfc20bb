"""Consultations answered, counted toward agreement commitments through the metric registry."""

from datetime import date

from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.urls import reverse

from caravan.core import metrics

from .models import Case


class ConsultationsAnswered:
    """A case counts on the day its first report was signed, for the agreement it runs under."""

    def _answered(self, start: date, end: date):
        return Case.objects.filter(answered_at__isnull=False).annotate(day=TruncDate("answered_at")).filter(
            day__gte=start, day__lte=end)

    def totals(self, *, agreement_ids, start, end):
        rows = (self._answered(start, end).filter(agreement_id__in=agreement_ids).values("agreement_id")
                .annotate(n=Count("pk")).values_list("agreement_id", "n"))
        return {agreement_id: float(n) for agreement_id, n in rows}

    def activities(self, *, agreement_id, start, end):
        # Only the reference and specialty: an agreement's page must not show patient data.
        rows = (self._answered(start, end).filter(agreement_id=agreement_id).select_related("specialty")
                .order_by("-answered_at"))
        return [metrics.Activity(day=c.day, label=f"{c.reference} · {c.specialty.label}", value=1.0,
                                 url=reverse("teleconsult:case_detail", args=[c.pk])) for c in rows]


class ConsultationsAnsweredInTime(ConsultationsAnswered):
    """The subset answered within the response-time target of the case's urgency under its agreement.

    `due_at` is that target, fixed when the case was opened from the agreement's targets (the defaults
    without them), exactly as routing and escalation read it; a later change of the agreement's targets
    therefore never rewrites whether an old case was answered in time.
    """

    def _answered(self, start: date, end: date):
        return super()._answered(start, end).filter(answered_at__lte=F("due_at"))


def register() -> None:
    metrics.register("consultations_answered", ConsultationsAnswered())
    metrics.register("consultations_answered_in_time", ConsultationsAnsweredInTime())
