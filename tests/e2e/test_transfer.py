"""Technique transfer in a real browser: log a case, watch a technique turn independent, import a month with
one bad row, and a plan that refuses ECMO before ventilation."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from caravan.registry.models import Equipment, FacilityEquipment
from caravan.transfer.models import Capability, CaseImport, CaseLog, PlanItem
from tests.transfer.conftest import add_cases, make_technique

pytestmark = pytest.mark.django_db(transaction=True)


def day(days_back: int) -> str:
    return (timezone.localdate() - timedelta(days=days_back)).isoformat()


@pytest.fixture
def epidural(cast):
    return make_technique("EPI", "Epidural labour analgesia", "anaesthesiology", 2, 3)


def test_a_clinician_logs_a_case_with_the_keyboard_and_sees_the_technique_turn_independent(
        cast, epidural, page, login):
    # Two cases alone already; the third makes Gangcha independent in labour analgesia.
    add_cases(cast.gangcha, epidural, [timezone.localdate() - timedelta(days=d) for d in (30, 20)])
    login("clinician_a")
    page.goto(page.base_url + "/transfer/cases/new/")
    technique = page.get_by_label("Technique")
    assert technique.evaluate("el => el === document.activeElement") is True
    technique.fill("EPI")
    technique.press("Enter")  # local staff, independent, success and today are the defaults
    page.wait_for_url("**/transfer/cases/new/?facility=*")
    message = page.get_by_role("status").filter(has_text="Logged:")
    assert "Gangcha County People's Hospital is now independent in it." in message.inner_text()
    case = CaseLog.objects.get(performed_on=timezone.localdate())
    assert (case.technique_id, case.performer, case.supervision, case.outcome) == (
        epidural.pk, "local", "independent", "success")

    page.get_by_role("link", name="See what this facility can do").click()
    cell = page.locator('[data-technique="EPI"]')
    assert cell.get_attribute("data-status") == "independent"
    cell.click()
    events = page.get_by_test_id("events")
    assert "3 successful cases by local staff alone within 24 months; complication rate 0.0%." in events.inner_text()


def test_a_visiting_case_with_a_supervision_that_does_not_fit_is_corrected_before_it_is_sent(
        cast, epidural, page, login):
    login("clinician_a")
    page.goto(page.base_url + "/transfer/cases/new/")
    page.get_by_label("Technique").fill("EPI")
    page.get_by_text("Visiting expert", exact=True).click()
    # The form moves "independent" to "observed" by itself: a visiting expert's case is not the hospital's own.
    assert page.locator('input[name="supervision"][value="observed"]').is_checked()
    page.get_by_role("button", name="Log the case").click()
    page.wait_for_url("**/transfer/cases/new/?facility=*")
    assert list(CaseLog.objects.values_list("performer", "supervision")) == [("visiting", "observed")]


def test_importing_a_month_with_one_bad_row(cast, epidural, page, login, tmp_path):
    login("clinician_a")
    page.goto(page.base_url + "/transfer/imports/new/")
    csv = tmp_path / "may.csv"
    csv.write_text(f"date,technique,performer,supervision,outcome\n{day(5)},EPI,local,independent,success\n"
                   f"{day(4)},EPI,local,remote,success\n{day(3)},EPI,local,supervised,complication\n")
    page.get_by_label("CSV or Excel file").set_input_files(str(csv))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/transfer/imports/*/")
    assert page.get_by_test_id("valid-rows").inner_text() == "2"
    errors = page.get_by_test_id("row-errors").locator("tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().split("\t") == [
        "3", "supervision", "“remote” is not allowed here; use one of: observed, assisted, supervised, independent."]
    assert CaseLog.objects.count() == 0  # nothing before confirmation

    page.get_by_role("button", name="Import the 2 valid rows").click()
    progress = page.locator("#import-progress")
    assert progress.get_attribute("data-status") == "queued"
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    page.wait_for_selector('#import-progress[data-status="done"]')  # the page polls the progress with HTMX
    assert "2 cases imported." in page.locator("#import-progress").inner_text()
    assert CaseImport.objects.get().status == "done"
    assert sorted(CaseLog.objects.values_list("supervision", "outcome")) == [
        ("independent", "success"), ("supervised", "complication")]
    assert Capability.objects.get().status == "supervised"


def test_a_plan_refuses_ecmo_before_ventilation_and_says_why(cast, page, login):
    ventilation = make_technique("MV", "Invasive mechanical ventilation", "critical_care", 3, 3,
                                 equipment=["ventilator"])
    make_technique("ECMO", "ECMO", "critical_care", 1, 2, prerequisites=[ventilation], equipment=["ecmo"])
    for code in ("ventilator", "ecmo"):
        FacilityEquipment.objects.create(facility=cast.gangcha, equipment=Equipment.objects.get(code=code))
    login("coordinator")
    page.goto(page.base_url + "/transfer/plans/new/")
    page.get_by_label("Title").fill("Liaocheng to Gangcha: critical care")
    page.get_by_label("Mentor facility").select_option(label="Liaocheng People's Hospital (CN-LC-01)")
    page.get_by_label("Recipient facility").select_option(label="Gangcha County People's Hospital (CN-GC-01)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/transfer/plans/*/")

    page.get_by_role("combobox", name="Technique").fill("ECMO")
    page.get_by_label("Phase", exact=True).select_option("1")
    page.get_by_role("button", name="Add to the plan").click()
    error = page.locator('[data-field-error="phase"]')
    assert error.inner_text() == (
        "ECMO cannot be scheduled in phase 1 yet: first the recipient must be independent in Invasive mechanical "
        "ventilation, or an earlier phase of this plan must schedule it.")
    assert PlanItem.objects.count() == 0

    page.get_by_role("combobox", name="Technique").fill("MV")
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_url("**/transfer/plans/*/#phases")
    page.get_by_role("combobox", name="Technique").fill("ECMO")
    page.get_by_label("Phase", exact=True).select_option("2")
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_url("**/transfer/plans/*/#phases")
    assert page.get_by_test_id("phase-2").locator('tr[data-technique="ECMO"]').count() == 1
    assert list(PlanItem.objects.order_by("phase").values_list("technique__code", "phase")) == [("MV", 1), ("ECMO", 2)]
