"""Tell the coordinators of an agreement's parties that it expired or is about to: in the app and by e-mail.

A coordinator of a party is a user with the coordinator role in the party's
organisation or in an organisation above it. Each coordinator is told once per
agreement and kind of notice; running again tells no one twice.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from caravan.core.models import Membership
from caravan.core.roles import Role
from caravan.core.selectors import language_of

from .models import Agreement, AgreementParty, Notification


def coordinators_of(agreement_ids: list[int]) -> dict[int, list]:
    """{agreement id: [user, ...]}: the coordinators of each agreement's parties (two queries)."""
    paths: dict[int, set[int]] = defaultdict(set)
    for agreement_id, path in AgreementParty.objects.filter(agreement_id__in=agreement_ids).values_list(
        "agreement_id", "organisation__path"
    ):
        paths[agreement_id].update(int(p) for p in path.strip("/").split("/") if p)
    all_orgs = set().union(*paths.values()) if paths else set()
    by_org: dict[int, list] = defaultdict(list)
    for membership in Membership.objects.filter(
        role=Role.COORDINATOR, organisation_id__in=all_orgs, user__is_active=True
    ).select_related("user__profile").order_by("user_id"):
        by_org[membership.organisation_id].append(membership.user)
    result = {}
    for agreement_id, orgs in paths.items():
        users = {u.pk: u for org in sorted(orgs) for u in by_org.get(org, [])}
        result[agreement_id] = sorted(users.values(), key=lambda u: u.pk)
    return result


def message_for(kind: str, agreement: Agreement) -> tuple[str, str]:
    """(subject, body) of a notice, in the active language."""
    values = {"code": agreement.code, "title": agreement.title}
    if kind == Notification.Kind.EXPIRED:
        subject = _("Agreement %(code)s has expired") % values
        body = _("The agreement %(code)s, “%(title)s”, has passed its end date and is now marked as expired. "
                 "Renew it if the partnership goes on.") % values
    else:
        values["end"] = agreement.end.isoformat() if agreement.end else ""
        subject = _("Agreement %(code)s ends soon") % values
        body = _("The agreement %(code)s, “%(title)s”, ends on %(end)s. Decide with the other parties whether "
                 "to renew it.") % values
    return subject, body


def notify(agreements: list[Agreement], kind: str) -> int:
    """Notify every coordinator of each agreement once; e-mails leave after the transaction commits.

    Returns how many new notices were created.
    """
    recipients = coordinators_of([a.pk for a in agreements])
    existing = set(
        Notification.objects.filter(kind=kind, agreement__in=agreements).values_list("recipient_id", "agreement_id")
    )
    new: list[Notification] = []
    mails: list[tuple] = []
    for agreement in agreements:
        url = reverse("partnerships:agreement_detail", args=[agreement.pk])
        for user in recipients.get(agreement.pk, []):
            if (user.pk, agreement.pk) in existing:
                continue
            new.append(Notification(recipient=user, kind=kind, agreement=agreement))
            if user.email:
                with translation.override(language_of(user)):
                    subject, body = message_for(kind, agreement)
                mails.append((subject, f"{body}\n\n{url}\n", user.email))
    Notification.objects.bulk_create(new, ignore_conflicts=True)

    def send() -> None:
        for subject, body, address in mails:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)

    transaction.on_commit(send)
    return len(new)
