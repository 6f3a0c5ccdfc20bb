"""Reads of emergencies, scoped to the people who manage them."""

from django.db.models import Count, Prefetch

from caravan.core.errors import NotFound

from .models import AffectedRegion, DailyReport, Emergency, PressureUpdate
from .scope import managed_q


def emergency_list_for_user(*, user):
    return (Emergency.objects.filter(managed_q(user)).select_related("sending_organisation", "receiving_organisation")
            .annotate(member_count=Count("members", distinct=True)).order_by("-arrival", "id"))


def emergency_get_for_user(*, user, pk: int) -> Emergency:
    emergency = (Emergency.objects.filter(managed_q(user))
                 .select_related("sending_organisation", "receiving_organisation", "agreement").filter(pk=pk).first())
    if emergency is None:
        raise NotFound()
    return emergency


def regions_of(*, emergency: Emergency) -> list[AffectedRegion]:
    """Regions with their pressure history and how many members work there (three queries)."""
    return list(
        emergency.regions.select_related("region", "facility")
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("pressure", queryset=PressureUpdate.objects.order_by("day", "id")))
        .order_by("id"))


def reports_of(*, emergency: Emergency):
    return (DailyReport.objects.filter(affected__emergency=emergency).select_related("affected__region")
            .order_by("day", "affected_id"))


def affected_get(*, emergency: Emergency, pk) -> AffectedRegion:
    row = emergency.regions.select_related("emergency__sending_organisation",
                                           "emergency__receiving_organisation").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row
