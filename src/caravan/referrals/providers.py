"""How referrals count toward agreements: the "patients referred" metric of caravan.core.metrics.

A referral counts once, on the day it was received, toward the agreement it
cites, unless the referring side withdrew it (a patient who never came).
"""

from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _

from caravan.core import metrics

from . import stages as S
from .models import Referral


class PatientsReferred:
    def _counted(self, *, start: date, end: date):
        return Referral.objects.filter(received_on__gte=start, received_on__lte=end).exclude(status=S.WITHDRAWN)

    def totals(self, *, agreement_ids: list[int], start: date, end: date) -> dict[int, float]:
        rows = (self._counted(start=start, end=end).filter(agreement_id__in=agreement_ids).order_by()
                .values("agreement_id").annotate(n=Count("id")).values_list("agreement_id", "n"))
        return {agreement_id: float(n) for agreement_id, n in rows}

    def activities(self, *, agreement_id: int, start: date, end: date) -> list[metrics.Activity]:
        # Anonymous on the agreement's page: the reference, country and specialty, never the patient's name.
        rows = (self._counted(start=start, end=end).filter(agreement_id=agreement_id)
                .select_related("specialty").order_by("-received_on", "id"))
        return [metrics.Activity(day=r.received_on, value=1.0, label=_("Referral %(ref)s: %(country)s, %(specialty)s")
                                 % {"ref": r.reference, "country": r.nationality, "specialty": r.specialty.label})
                for r in rows]


def register() -> None:
    metrics.register("patients_referred", PatientsReferred())
