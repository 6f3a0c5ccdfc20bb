"""The demo: batches 1-6 of Shandong → Haibei, the composer on batch 7, and Russia → Kazakhstan 2020."""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count

from caravan.core import metrics
from caravan.core.models import AuditEvent
from caravan.demo.loader import LoadResult, load_demo
from caravan.deployments import demo as deployments_demo
from caravan.deployments import fetch
from caravan.deployments.models import Candidate, DailyReport, Emergency, Inspection, Posting, Programme


@pytest.fixture(scope="module")
def demo_load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_load, db):
    return demo_load


def test_batches_one_to_six_and_the_pool(demo):
    programme = Programme.objects.get(code="shandong-haibei-aid")
    assert (programme.agreement.code, programme.sending_organisation.code, programme.receiving_organisation.code) == (
        "SD-HB-2018", "cn-sd-hc", "cn-hb-hc")
    assert list(programme.batches.values_list("number", "start", "end")) == [
        (n, date(2018 + n, 12, 1), date(2019 + n, 11, 30)) for n in range(1, 8)]
    assert Counter(Posting.objects.values_list("batch__number", flat=True)) == {n: 17 for n in range(1, 7)}
    assert (Candidate.objects.filter(programme=programme).count(),
            Candidate.objects.filter(programme=programme, alumni=True).count()) == (102, 102)
    assert Counter(Candidate.objects.values_list("city", flat=True)) == {
        "Liaocheng": 30, "Weihai": 18, "Linyi": 18, "Binzhou": 18, "Tai'an": 18}
    director = Posting.objects.get(batch__number=4, post="Director (posted)")
    assert (director.facility.code, director.start) == ("CN-QH-HB-FPH", date(2022, 7, 1))
    assert set(Posting.objects.filter(batch__number=6).values_list("facility__code", flat=True)) == {
        "CN-QH-HB-FPH", "CN-QH-HB-GCCPH", "CN-QH-HB-HYCPH", "CN-QH-HB-QLCPH", "CN-QH-HB-LUQING", "CN-QH-HB-MYCPH"}
    assert list(Inspection.objects.values_list("facility__code", "status").order_by("visited_on")) == [
        ("CN-QH-HB-GCCPH", "closed"), ("CN-QH-HB-HYCPH", "open")]


def test_the_composer_covers_labour_analgesia_with_three_and_proves_it(demo):
    batch = deployments_demo.next_batch(Programme.objects.get(code="shandong-haibei-aid"))
    people, needs, proposal = fetch.compose_batch(batch)
    assert (len(people), len(needs), proposal.status, proposal.gap) == (90, 12, "optimal", 0.0)
    by_need = {n.label: n for n in needs}
    analgesia = proposal.by_need()[by_need["Labour analgesia service"].id]
    assert sorted(a.role for a in analgesia) == ["anaesthetist", "obstetrician", "sonographer"]
    assert len({a.person for a in analgesia}) == 3
    assert {next(n.label for n in needs if n.id == k): str(v) for k, v in proposal.uncovered.items()} == {
        "Respiratory and high-altitude medicine": "no available radiographer in the pool for 2025-2026",
        "Tibetan-speaking obstetric outreach": "no available obstetrician speaking bo in the pool for 2025-2026",
    }
    assert (len(proposal.team()), proposal.covered_priority) == (13, 34)


def test_the_emergency_team_in_july_2020(demo):
    emergency = Emergency.objects.get(code="covid-kz-2020")
    assert (emergency.members.count(), emergency.regions.count(), emergency.agreement.code) == (
        32, 9, "RU-KZ-EMT-2020")
    placed = dict(emergency.regions.values_list("region__code").annotate(n=Count("members")))
    assert sum(placed.values()) == 32
    assert placed["KZ-ATY"] == max(placed.values())
    assert DailyReport.objects.filter(affected__emergency=emergency).count() == 42
    assert emergency.regions.get(region__code="KZ-ATY").extended_until == date(2020, 9, 15)


def test_postings_count_toward_the_agreement(demo):
    programme = Programme.objects.get(code="shandong-haibei-aid")
    agreement = programme.agreement
    assert metrics.totals("experts_deployed", agreement_ids=[agreement.pk], start=date(2019, 1, 1),
                          end=date(2025, 12, 31)) == {agreement.pk: 102.0}
    months = metrics.totals("person_months_on_site", agreement_ids=[agreement.pk], start=date(2019, 1, 1),
                            end=date(2025, 12, 31))
    assert months == {agreement.pk: 1224.0}
    assert len(metrics.activities("experts_deployed", agreement_id=agreement.pk, start=date(2024, 12, 1),
                                  end=date(2024, 12, 31))) == 17


def test_a_second_load_changes_nothing(demo):
    counts = (Programme.objects.count(), Posting.objects.count(), Candidate.objects.count(),
              Emergency.objects.count(), AuditEvent.objects.count())
    deployments_demo.load(by=None, result=LoadResult())
    assert (Programme.objects.count(), Posting.objects.count(), Candidate.objects.count(),
            Emergency.objects.count(), AuditEvent.objects.count()) == counts
