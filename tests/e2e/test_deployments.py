"""Composing an aid team in a real browser: propose, pin a person, re-solve, accept."""

import pytest

from caravan.deployments.models import Posting
from tests.deployments.conftest import aid, candidate  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_composes_a_batch_pins_a_person_and_accepts(cast, aid, page, login):  # noqa: F811
    # A second cardiologist: the composer prefers the first one until the coordinator pins her.
    chen = candidate(aid.programme, cast.liaocheng_org, "Chen Yu", "cardiologist", city="Liaocheng")
    login("coordinator")
    page.goto(page.base_url + f"/deployments/programmes/{aid.programme.pk}/")
    page.get_by_test_id("compose-link").click()
    page.wait_for_url(f"**/deployments/batches/{aid.batch.pk}/compose/")
    page.get_by_test_id("propose").click()
    proposal = page.get_by_test_id("proposal")
    assert proposal.get_attribute("data-status") == "optimal"
    assert page.get_by_test_id("proof").inner_text() == "This team is proved optimal."
    cardiology = page.locator(f'[data-testid="need-result"][data-need="{aid.cardiology.pk}"]')
    assert cardiology.get_by_test_id("member").get_attribute("data-person") == str(aid.cardiologist.pk)
    analgesia = page.locator(f'[data-testid="need-result"][data-need="{aid.analgesia.pk}"]')
    assert analgesia.get_by_test_id("member").count() == 3

    page.get_by_label("Pin into the team").select_option(str(chen.pk))
    page.get_by_test_id("propose").click()
    cardiology = page.locator(f'[data-testid="need-result"][data-need="{aid.cardiology.pk}"]')
    cardiology.locator(f'[data-person="{chen.pk}"]').wait_for()
    assert page.get_by_label("Pin into the team").evaluate("el => [...el.selectedOptions].map(o => o.value)") == [
        str(chen.pk)]

    page.get_by_test_id("accept").click()
    page.wait_for_url(f"**/deployments/programmes/{aid.programme.pk}/")
    rows = page.locator('[data-testid="batch"][data-number="1"] [data-testid="posting-row"]')
    rows.first.wait_for()
    assert rows.count() == 4
    assert "Chen Yu" in page.locator('[data-testid="batch"][data-number="1"]').inner_text()
    assert sorted(Posting.objects.values_list("candidate__practitioner__name_latin", flat=True)) == [
        "Chen Yu", "Wang Lipeng", "Zhao Liling", "Zhou Defang"]


def test_a_coordinator_allocates_an_emergency_team_by_pressure(cast, page, login):
    from datetime import date

    from caravan.deployments.models import AffectedRegion, Emergency, PressureUpdate, TeamMember
    from tests.deployments.conftest import practitioner

    emergency = Emergency.objects.create(code="e1", event="Outbreak", sending_organisation=cast.shandong,
                                         receiving_organisation=cast.haibei, arrival=date(2020, 7, 6))
    hot = AffectedRegion.objects.create(emergency=emergency, region=cast.haibei_region)
    calm = AffectedRegion.objects.create(emergency=emergency, region=cast.gangcha_county)
    PressureUpdate.objects.create(affected=hot, day=date(2020, 7, 6), cases_per_100k=300, icu_occupancy=90)
    PressureUpdate.objects.create(affected=calm, day=date(2020, 7, 6), cases_per_100k=100, icu_occupancy=90)
    for i in range(4):
        TeamMember.objects.create(emergency=emergency, practitioner=practitioner(cast.liaocheng_org, f"M{i}"),
                                  skill="epidemiologist")
    login("coordinator")
    page.goto(page.base_url + f"/deployments/emergencies/{emergency.pk}/")
    page.get_by_test_id("allocate").click()
    page.get_by_role("status").filter(has_text="Team allocated").wait_for()
    assert page.locator('[data-region="CN-QH-HB"] [data-testid="members"]').inner_text() == "3"
    assert page.locator('[data-region="CN-QH-HB-GC"] [data-testid="members"]').inner_text() == "1"
