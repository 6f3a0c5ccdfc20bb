"""The demo answers the issue: Lao Cai's dashboard, computed from the demo's records, not typed in."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from caravan.demo.loader import load_demo
from caravan.indicators.models import IndicatorValue
from caravan.registry.models import Region

User = get_user_model()


@pytest.fixture(scope="module")
def demo_load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_load, db):
    return demo_load


def _values(code, region, kind="year"):
    return dict(IndicatorValue.objects.filter(indicator__code=code, region__code=region, period_kind=kind)
                .values_list("period", "value"))


def test_lao_cai_dashboard_shows_the_articles_figures(demo, client):
    client.force_login(User.objects.get(username="laocai.analyst"),
                       backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("indicators:region", args=["VN-LC"]) + "?period=2024")
    tiles = {t.indicator.code: t for t in response.context["tiles"]}
    assert tiles["doctors_per_10k"].value == 12.8
    assert (tiles["doctors_per_10k"].numerator, tiles["doctors_per_10k"].denominator) == (1024, 800_000)
    assert tiles["beds_per_10k"].value == 38.1
    assert tiles["communes_meeting_criteria"].value == 98.7
    assert tiles["facilities_emr"].value == 100.0
    assert tiles["insured_visits_citizen_id"].value == 84.21
    html = response.content.decode()
    assert 'data-testid="value-doctors_per_10k">12.8' in html and 'data-testid="value-beds_per_10k">38.1' in html


def test_lao_cai_by_year_before_and_after_the_merger_with_yen_bai(demo):
    doctors = _values("doctors_per_10k", "VN-LC")
    assert {y: doctors[y] for y in ("2020", "2024", "2025")} == {"2020": 11.8, "2024": 12.8, "2025": 11.2}
    # 2025: Lao Cai's 1,024 doctors and Yen Bai's 860 of 812,000 + 866,000 people.
    row = IndicatorValue.objects.get(indicator__code="doctors_per_10k", region__code="VN-LC", period="2025")
    assert (row.numerator, row.denominator) == (1884, 1_678_000)
    assert _values("doctors_per_10k", "VN-YB") == {"2020": 10.4, "2021": 10.3, "2022": 10.2, "2023": 10.1,
                                                   "2024": 10.0}
    assert Region.objects.get(code="VN-YB").merged_into.code == "VN-LC"
    districts = dict(IndicatorValue.objects.filter(indicator__code="beds_per_10k", period="2024",
                                                   region__parent__code="VN-LC").values_list("region__code", "value"))
    assert len(districts) == 9


def test_partnership_indicators_of_all_five_programmes(demo):
    active = dict(IndicatorValue.objects.filter(indicator__code="agreements_active", period="2024")
                  .values_list("network__code", "value"))
    assert set(active) == {"mazandaran", "lao-cai", "beijing-ulaanbaatar-astana", "russia-kazakhstan",
                           "shandong-haibei"}
    assert _values("foreign_patients", "IR-MZ")["2024"] == 1960


def test_the_set_based_rebuild_matches_the_reference_across_the_yen_bai_merger(demo):
    """Every materialised row of the demo (Yen Bai merged into Lao Cai on 1 July 2025, Mazandaran's data values,
    the programmes) is what the period-by-period reference path computes."""
    from caravan.indicators import rebuild

    from .test_setbased import reference, stored

    rebuild.rebuild_all(first=2020, last=2025)
    rows = stored()
    assert rows == reference(2020, 2025)
    yen_bai = Region.objects.get(code="VN-YB").pk
    # Yen Bai has its own years up to 2024; by the end of 2025 it counts toward Lao Cai.
    assert {r[3] for r in rows if r[1] == yen_bai and r[4] == "year"} == {"2020", "2021", "2022", "2023", "2024"}


def test_a_second_load_changes_nothing(demo):
    before = IndicatorValue.objects.count()
    again = load_demo()
    assert again.created == {} and again.updated == {}
    assert IndicatorValue.objects.count() == before
