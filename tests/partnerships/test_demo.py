"""The demo's agreements and visits: the five programmes, with real fulfilment and every kind of warning."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from caravan.demo.loader import load_demo
from caravan.partnerships import selectors
from caravan.partnerships.models import Agreement, Visit

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    # The demo dates what must stay true from the day it is loaded: load it on a known day.
    with mock.patch("django.utils.timezone.now", return_value=NOW), django_db_blocker.unblock(), \
            transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def rows_by_code(user) -> dict:
    today = TODAY
    agreements = list(selectors.agreement_list_for_user(user=user, today=today))
    return {r.agreement.code: r for r in selectors.agreement_rows(agreements, today=today)}


def test_the_agreements_of_all_five_programmes(demo):
    assert dict(Agreement.objects.values_list("code", "status")) == {
        "MZ-TJ-2022": "active", "MZ-ZW-2021": "active", "MZ-BH-2023": "active", "MZ-BD-2024": "signed",
        "MZ-LY-2021": "active", "MZ-SC-2021": "active", "LC-SUPPORT-2020": "active", "LC-BV1-BV4-2021": "active",
        "LC-BV2-BV3-2021": "active", "LC-BV2-BT-2022": "active", "LC-BV2-BY-2022": "active", "LC-BV2-BX": "active",
        "SG-MN-KZ": "active", "RU-KZ-EMT-2020": "active", "SD-HB-2018": "active",
    }
    tripartite = Agreement.objects.get(code="SG-MN-KZ")
    assert list(tripartite.parties.order_by("position").values_list("organisation__code", flat=True)) == [
        "cn-pku-shougang", "mn-ncc", "kz-ncrc"]
    assert sorted(Agreement.objects.filter(parent__code="LC-SUPPORT-2020").values_list("code", flat=True)) == [
        "LC-BV1-BV4-2021", "LC-BV2-BT-2022", "LC-BV2-BV3-2021", "LC-BV2-BX", "LC-BV2-BY-2022"]


def test_dormant_expiring_and_behind(demo):
    rows = rows_by_code(get_user_model().objects.get(username="admin"))
    assert sorted(c for c, r in rows.items() if r.health.dormant) == ["MZ-LY-2021"]
    assert sorted(c for c, r in rows.items() if r.health.expiring) == ["MZ-SC-2021"]
    assert rows["MZ-SC-2021"].health.days_left == 60
    # Bat Xat is behind whatever the day (a term target); No. 4 is late in the year with one visit of four.
    assert sorted(c for c, r in rows.items() if r.health.behind) == ["LC-BV1-BV4-2021", "LC-BV2-BX"]
    (commitment, progress), = rows["LC-BV2-BX"].progress
    assert (commitment.metric, progress.actual, progress.target, progress.behind) == ("visits", 2.0, 24.0, True)
    progress_now = {c.metric: (p.actual if p else None) for c, p in rows["SG-MN-KZ"].progress}
    assert progress_now == {"visits": 1.0, "people_trained": None}  # training is counted by its own module


def test_a_second_load_on_the_same_day_changes_nothing_and_a_later_one_moves_the_dates(demo):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        again = load_demo()
    assert (again.created, again.updated, again.audit_events) == ({}, {}, 0)
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(days=1)):
        later = load_demo()
    assert (later.created["agreement"], later.created["visit"]) == (0, 0)
    # Other modules' demos may move their own dates too: look at this module's rows only.
    assert (later.updated["agreement"], later.updated["visit"]) == (3, 16)
    assert Agreement.objects.get(code="MZ-SC-2021").end == TODAY + timedelta(days=61)


def test_the_delegations_tours(demo):
    tajik = Visit.objects.get(title="Tajik delegation's tour of Mazandaran's hospitals")
    tour = list(dict.fromkeys(tajik.stops.order_by("starts_at").values_list("facility__code", flat=True)))
    assert tour == ["IR-MZ-IK-SARI", "IR-MZ-RAZI-QAE", "IR-MZ-FZ-SARI"]
    assert (tajik.language, tajik.time_zone, tajik.agreement.code) == ("fa", "Asia/Tehran", "MZ-TJ-2022")
    shougang = Visit.objects.get(title="Mongolian and Kazakh delegation's tour of Shougang")
    assert [s.topic for s in shougang.stops.order_by("starts_at")] == [
        "Hospital culture wall", "VIP clinic (special needs services)", "Automated pharmacy dispensing",
        "Hospice centre", "Health-management centre",
        "Simulation training centre: laparoscopic and endoscopic simulators", "Signing of the tripartite memorandum",
    ]
    outcome = shougang.outcomes.get()
    assert (outcome.kind, outcome.agreement.code, outcome.agreement.signed_on) == (
        "agreement_signed", "SG-MN-KZ", shougang.end)
    assert sorted(shougang.parties.values_list("organisation__code", "side")) == [
        ("cn-pku-shougang", "host"), ("kz-ncrc", "visiting"), ("kz-upd-hospital", "visiting"), ("mn-ncc", "visiting")]


def test_each_programme_coordinator_sees_their_agreements(demo):
    User = get_user_model()
    seen = {name: sorted(selectors.editable_agreements(User.objects.get(username=f"{name}.coordinator"))
                         .values_list("code", flat=True))
            for name in ("mazandaran", "laocai", "silkroad", "emergency", "haibei")}
    assert seen == {
        "mazandaran": ["MZ-BD-2024", "MZ-BH-2023", "MZ-LY-2021", "MZ-SC-2021", "MZ-TJ-2022", "MZ-ZW-2021"],
        "laocai": ["LC-BV1-BV4-2021", "LC-BV2-BT-2022", "LC-BV2-BV3-2021", "LC-BV2-BX", "LC-BV2-BY-2022",
                   "LC-SUPPORT-2020"],
        "silkroad": ["SG-MN-KZ"],
        "emergency": ["RU-KZ-EMT-2020"],
        "haibei": ["SD-HB-2018"],
    }
