"""The teleconsultation demo: the Gangcha → Liaocheng ECG cases and the Shougang MDT case, loaded once."""

from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from caravan.demo.loader import load_demo
from caravan.teleconsult import demo as teleconsult_demo
from caravan.teleconsult.models import Attachment, Case, Report


@pytest.fixture(scope="module")
def demo_load(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


@pytest.fixture
def demo(demo_load, db):
    return demo_load


def test_the_demo_cases(demo):
    rows = list(Case.objects.order_by("pk").values_list("status", "urgency", "assigned_to__username",
                                                         "specialty__code"))
    assert rows == [
        ("answered", "emergency", "haibei.consultant", "cardiology"),
        ("in_review", "urgent", "haibei.consultant", "cardiology"),
        ("closed", "routine", "haibei.consultant", "cardiology"),
        ("assigned", "routine", "silkroad.consultant", "oncology"),
    ]
    ecgs = Attachment.objects.filter(kind="ecg").order_by("pk")
    assert [(a.format, len(a.meta["leads"]), a.meta["samples"]) for a in ecgs] == [("wfdb", 12, 5000)] * 3
    assert [round(a.meta["heart_rate"] / 4) * 4 for a in ecgs] == [88, 104, 64]
    image = Attachment.objects.get(kind="image")
    assert (image.meta["modality"], image.meta["deidentified"]) == ("CT", True)
    assert Report.objects.count() == 2
    assert demo.created["teleconsult case"] == 4


def test_the_shougang_mdt(demo):
    from caravan.teleconsult.models import MdtSession

    session = MdtSession.objects.get()
    assert (session.agreement.code, session.host.code, session.time_zone) == ("SG-MN-KZ", "CN-BJ-PKUSG", "Asia/Shanghai")
    assert [session.starts_at.astimezone(ZoneInfo(z)).strftime("%H:%M")
            for z in ("Asia/Shanghai", "Asia/Ulaanbaatar", "Asia/Almaty")] == ["14:00", "14:00", "11:00"]
    assert sorted(f.code for f in session.facilities.all()) == ["CN-BJ-PKUSG", "KZ-AST-NCRC", "MN-UB-NCC"]
    assert sorted(session.participants.values_list("user__username", flat=True)) == [
        "silkroad.clinician", "silkroad.consultant", "silkroad.coordinator"]
    assert [i.case.specialty.code for i in session.items.all()] == ["oncology"]
    assert demo.created["MDT session"] == 1


def test_a_second_load_changes_nothing(demo):
    from caravan.demo.loader import LoadResult

    again = LoadResult()
    teleconsult_demo.load(by=None, result=again)
    assert (again.created["teleconsult case"], again.created["MDT session"]) == (0, 0)
    assert Case.objects.count() == 4
