"""Background work for agreements (run by `caravan worker`; enqueue the daily task once a day)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import fetch, notify, services
from .models import Agreement, Notification


@task()
def partnerships_daily() -> dict:
    """Expire agreements past their end date and tell the parties' coordinators; warn of those ending soon.

    Idempotent: an agreement expires once and each coordinator is told once per
    agreement and kind of notice, so running it twice in a day changes nothing.
    """
    today = timezone.localdate()
    due = list(Agreement.objects.filter(status__in=["signed", "active"], end__lt=today).order_by("id"))
    expired = [a for a in due if services.agreement_expire(agreement=a, today=today)]
    expired_ids = [a.pk for a in expired]
    # Agreements that expired earlier but whose coordinators were not told (a failed run) are told now.
    told = list(Agreement.objects.filter(status="expired", end__gte=today - timedelta(days=7)).exclude(
        pk__in=expired_ids).order_by("id"))
    notified = notify.notify(expired + told, Notification.Kind.EXPIRED)
    horizon = today + timedelta(days=fetch.expiring_days())
    ending = list(Agreement.objects.filter(status__in=["signed", "active"], end__gte=today,
                                           end__lte=horizon).order_by("id"))
    warned = notify.notify(ending, Notification.Kind.EXPIRING)
    return {"expired": len(expired), "notified": notified, "warned": warned}
