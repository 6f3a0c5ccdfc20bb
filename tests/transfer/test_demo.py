"""The demo answers the two questions of the issue, each on one page.

The demo log ends on 31 October 2026 and statuses are computed on the day it
loads: these numbers hold for loads between then and October 2027, when the
services still running would lapse for want of new cases.
"""

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from caravan.core.models import Network
from caravan.demo.loader import load_demo
from caravan.registry.models import Region
from caravan.transfer import reports
from caravan.transfer.models import Capability, CaseLog, PlanItem, SpecialtyCentre, Studio, TransferPlan

User = get_user_model()


@pytest.fixture(scope="module")
def demo_load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_load, db):
    return demo_load


def test_the_transfer_demo_rows(demo):
    assert {k: demo.created[k] for k in ("logged case", "case import", "capability", "transfer plan", "plan item",
                                         "specialty centre", "studio")} == {
        "logged case": 16390, "case import": 19, "capability": 44, "transfer plan": 8, "plan item": 22,
        "specialty centre": 7, "studio": 5,
    }
    assert CaseLog.objects.count() == 16390
    assert Counter(Capability.objects.values_list("status", flat=True)) == {
        "independent": 38, "lapsed": 3, "training": 2, "supervised": 1,
    }
    assert (TransferPlan.objects.count(), PlanItem.objects.count(), SpecialtyCentre.objects.count(),
            Studio.objects.count()) == (8, 22, 7, 5)


def test_each_lao_cai_level_added_its_cross_level_techniques_since_2020(demo, client):
    analyst = User.objects.get(username="laocai.analyst")
    lao_cai = Region.objects.get(code="VN-LC")
    report = reports.cross_level_report(user=analyst, filters=reports.CrossLevelFilters(region=lao_cai))
    assert [(str(label), added, cases) for _lv, label, added, cases in report.by_level] == [
        ("Provincial", 9, 1309), ("District", 12, 3142),
    ]
    assert report.by_year == [(2021, {2: 1}), (2022, {2: 2, 3: 4}), (2023, {2: 2, 3: 6}), (2024, {2: 3, 3: 1}),
                              (2025, {2: 1, 3: 1})]
    assert [(f["facility__code"], f["n"]) for f in report.by_facility[:2]] == [("VN-LC-KV-BT", 4),
                                                                               ("VN-LC-BVDK1", 4)]
    client.force_login(analyst, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("transfer:report_cross_level"), {"region": lao_cai.pk, "baseline": 2020},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "21 cross-level techniques added since 2020 (Lao Cai)." in page


def test_which_services_shandong_teams_started_still_run_a_year_after_they_left(demo):
    analyst = User.objects.get(username="haibei.analyst")
    network = Network.objects.get(code="shandong-haibei")
    report = reports.sustainability_report(user=analyst, network=network, as_of=date(2026, 11, 26))
    assert [(i.months, i.sustained, i.eligible) for i in report.index] == [(6, 5, 6), (12, 4, 6)]
    assert [(r.technique_code, r.standing.performed[12], r.status) for r in report.rows] == [
        ("CN-LAB-EPI", True, "independent"), ("CN-IVT", False, "lapsed"), ("CN-ESD", True, "independent"),
        ("CN-PHACO", True, "independent"), ("CN-BRONCH", False, "lapsed"), ("CN-NCPAP", True, "independent"),
    ]


def test_plans_cite_the_agreements_of_the_agreements_demo(demo):
    cited = dict(TransferPlan.objects.filter(agreement__isnull=False).values_list("recipient__code", "agreement__code"))
    assert cited == {"VN-LC-KV-BT": "LC-BV2-BT-2022", "VN-LC-KV-BY": "LC-BV2-BY-2022", "VN-LC-KV-BX": "LC-BV2-BX",
                     "CN-QH-HB-GCCPH": "SD-HB-2018"}
