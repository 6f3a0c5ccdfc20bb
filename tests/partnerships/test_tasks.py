"""The daily task: expire agreements past their end, tell the parties' coordinators once, in app and by e-mail."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from caravan.core.models import Membership, Profile
from caravan.core.roles import Role
from caravan.partnerships.models import Agreement, Notification
from caravan.partnerships.notify import coordinators_of
from caravan.partnerships.tasks import partnerships_daily


def test_coordinators_of_the_parties_and_of_the_organisations_above_them(cast, agreement, public_agreement):
    shandong_coordinator = get_user_model().objects.create_user("sd_coordinator", email="sd@example.org")
    Membership.objects.create(user=shandong_coordinator, organisation=cast.shandong, role=Role.COORDINATOR)
    found = coordinators_of([agreement.pk, public_agreement.pk])
    assert {k: [u.username for u in v] for k, v in found.items()} == {
        agreement.pk: ["coordinator", "sd_coordinator"],
        public_agreement.pk: ["coordinator", "outsider"],  # Haibei's coordinator, above Gangcha's hospital
    }


def test_the_daily_task_expires_notifies_and_warns_once(cast, agreement, public_agreement, frozen_today,
                                                        django_capture_on_commit_callbacks):
    cast.coordinator.email = "coordinator@haibei.example"
    cast.coordinator.save()
    Profile.objects.filter(user=cast.coordinator).update(language="zh-hans")
    Agreement.objects.filter(pk=agreement.pk).update(status="active", end=date(2026, 11, 25))
    Agreement.objects.filter(pk=public_agreement.pk).update(status="active", end=date(2027, 1, 15))

    with django_capture_on_commit_callbacks(execute=True):
        outcome = partnerships_daily.call()
    assert outcome == {"expired": 1, "notified": 1, "warned": 2}
    agreement.refresh_from_db()
    assert agreement.status == "expired"
    assert sorted(Notification.objects.values_list("recipient__username", "kind", "agreement__code")) == [
        ("coordinator", "expired", "SD-HB-2018"), ("coordinator", "expiring", "MZ-GC-2024"),
        ("outsider", "expiring", "MZ-GC-2024"),
    ]
    # Only the coordinator has an address; the text is written in their profile's language (Chinese).
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["coordinator@haibei.example"], "协议 SD-HB-2018 已到期"),
        (["coordinator@haibei.example"], "协议 MZ-GC-2024 即将到期"),
    ]
    assert mail.outbox[0].body.endswith(f"/agreements/{agreement.pk}/\n")

    with django_capture_on_commit_callbacks(execute=True):
        assert partnerships_daily.call() == {"expired": 0, "notified": 0, "warned": 0}
    assert (Notification.objects.count(), len(mail.outbox)) == (3, 2)


def test_the_management_command_runs_the_task(cast, agreement, frozen_today, capsys):
    Agreement.objects.filter(pk=agreement.pk).update(status="signed", end=date(2026, 1, 1))
    call_command("agreements_daily")
    assert capsys.readouterr().out == "expired 1, notified 1, warned 0\n"
