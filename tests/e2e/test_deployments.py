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


def test_a_coordinator_records_an_inspection_through_to_closure(cast, aid, page, login):  # noqa: F811
    from caravan.deployments.models import FollowUp, Inspection

    login("coordinator")
    page.goto(page.base_url + f"/deployments/programmes/{aid.programme.pk}/inspections/")
    page.get_by_label("Host facility").select_option(str(cast.gangcha.pk))
    page.get_by_label("Visited on").fill("2026-04-10")
    page.get_by_label("Inspectors").fill("Dr Kong")
    page.get_by_role("button", name="Record the visit").click()
    page.get_by_test_id("status").wait_for()
    page.get_by_label("Finding", exact=True).fill("Epidural trolley incomplete")
    page.get_by_label("Severity").select_option("major")
    page.get_by_role("button", name="Add the finding").click()
    page.get_by_test_id("finding").wait_for()
    page.get_by_label("Action", exact=True).fill("Restock weekly")
    page.get_by_label("Owner").fill("Head nurse")
    page.get_by_label("Due").fill("2026-05-01")
    page.get_by_role("button", name="Add the action").click()
    page.get_by_test_id("action").wait_for()
    # Closing with an open action is refused beside the field.
    page.get_by_label("Closed on").fill("2026-05-02")
    page.get_by_role("button", name="Close", exact=True).click()
    page.locator('[data-field-error="close-closed_on"]').wait_for()
    assert page.locator('[data-field-error="close-closed_on"]').inner_text() == "Some follow-up actions are still open."
    page.get_by_label("Done on").fill("2026-04-28")
    page.get_by_role("button", name="Mark done").click()
    page.get_by_test_id("action").filter(has_text="done").wait_for()
    page.get_by_label("Closed on").fill("2026-05-02")
    page.get_by_role("button", name="Close", exact=True).click()
    page.get_by_test_id("status").filter(has_text="Closed").wait_for()
    visit = Inspection.objects.get()
    assert (visit.status, FollowUp.objects.get().done_on.isoformat()) == ("closed", "2026-04-28")


def test_a_call_for_candidates_opens_nominates_and_decides(cast, aid, page, login):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    from caravan.deployments.models import Candidate, Nomination

    newcomer = candidate(aid.programme, cast.liaocheng_org, "Qin Hao", "sonographer", status="applied")
    today = timezone.localdate()
    login("coordinator")
    page.goto(page.base_url + f"/deployments/batches/{aid.batch.pk}/call/")
    page.get_by_test_id("no-call").wait_for()
    page.get_by_label("Opens on").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Closes on").fill((today + timedelta(days=1)).isoformat())
    # The rotation of the fixture's batch already started: the call must close by then, and says so.
    page.get_by_role("button", name="Open the call").click()
    page.locator('[data-field-error="call-closes_on"]').wait_for()
    aid.batch.start = today + timedelta(days=30)
    aid.batch.end = today + timedelta(days=395)
    aid.batch.save()
    page.get_by_role("button", name="Open the call").click()
    page.get_by_test_id("call-dates").wait_for()
    page.get_by_label("Candidate").select_option(str(newcomer.pk))
    page.get_by_role("button", name="Nominate").click()
    row = page.get_by_test_id("nomination-row")
    row.wait_for()
    row.get_by_role("button", name="Approve").click()
    page.get_by_test_id("nomination-row").filter(has_text="Approved").wait_for()
    assert Nomination.objects.get().status == "approved"
    assert Candidate.objects.get(pk=newcomer.pk).status == "approved"
