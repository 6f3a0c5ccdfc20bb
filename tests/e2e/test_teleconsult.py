"""Teleconsultation in a real browser: Gangcha opens a case with MIT-BIH record 100, the coordinator assigns it,
a Liaocheng consultant reads the ECG on paper and signs a report, and the requester sees it and confirms."""

import re

import pytest

from caravan.teleconsult.models import Attachment, Case, Report
from tests.teleconsult.conftest import ACCEPTANCE, _media, tele  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_as(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_a_case_with_record_100_goes_to_a_consultant_and_back(cast, tele, page, login):  # noqa: F811
    sign_in_as(page, login, "clinician_a")
    page.goto(page.base_url + "/teleconsult/")
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Agreement").select_option(str(tele.agreement.pk))
    page.get_by_label("Requesting facility").select_option(str(cast.gangcha.pk))
    page.get_by_label("Patient's local identifier").fill("GC-2024-0100")
    page.get_by_label("Age (years)").fill("69")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Specialty wanted").select_option(str(tele.cardiology.pk))
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Clinical question").fill("Irregular pulse on the ward. Please read the Holter strip.")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r".*/teleconsult/cases/\d+/$"))
    case = Case.objects.get()
    assert page.get_by_test_id("consultant").inner_text() == "consultant_b"

    page.get_by_label("ECG or DICOM file(s)").set_input_files(
        [str(ACCEPTANCE / "wfdb" / "100.hea"), str(ACCEPTANCE / "wfdb" / "100.dat")])
    page.get_by_role("button", name="Attach").click()
    page.get_by_role("link", name="100.zip").wait_for()
    assert Attachment.objects.get().meta["r_peaks"] == 2273

    # The coordinator hands the case to the other cardiologist.
    sign_in_as(page, login, "coordinator")
    page.goto(page.base_url + f"/teleconsult/cases/{case.pk}/")
    page.get_by_label("Consultant").select_option(str(tele.backup.pk))
    page.get_by_role("button", name="Assign").click()
    page.get_by_test_id("consultant").filter(has_text="consultant_c").wait_for()

    sign_in_as(page, login, "consultant_c")
    page.goto(page.base_url + "/teleconsult/?queue=1")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="100.zip").click()
    rate = page.get_by_test_id("heart-rate")
    rate.filter(has_text=re.compile(r"^\d+$")).wait_for()
    assert rate.inner_text() == "75"
    canvas = page.get_by_test_id("ecg-canvas")
    # 10 s at 25 mm/s is 250 mm of paper, whatever the screen.
    assert canvas.evaluate("c => c.style.width") == "250mm"
    box = canvas.bounding_box()
    canvas.click(position={"x": 100, "y": 40})
    canvas.click(position={"x": 100 + box["width"] / 10, "y": 40})  # one tenth of the strip: 1 s
    # Clicks land on whole pixels (0.26 mm each at this zoom): the reading is 1 s to within 2 px.
    caliper = page.get_by_test_id("caliper")
    assert abs(int(caliper.get_attribute("data-ms")) - 1000) <= 21
    assert caliper.inner_text().endswith(" ms · 0.00 mV")

    page.go_back()
    page.get_by_role("button", name="Start review").click()
    page.get_by_test_id("status").filter(has_text="In review").wait_for()
    page.get_by_label("Findings").fill("Sinus rhythm 75/min with isolated atrial and ventricular premature beats.")
    page.get_by_label("Impression").fill("Sinus rhythm with occasional APBs and one PVC; no sustained arrhythmia.")
    page.get_by_label("Recommendation").fill("No treatment needed; check electrolytes.")
    page.get_by_role("button", name="Sign the report").click()
    page.get_by_test_id("status").filter(has_text="Answered").wait_for()

    sign_in_as(page, login, "clinician_a")
    page.goto(page.base_url + f"/teleconsult/cases/{case.pk}/")
    assert page.get_by_test_id("impression").inner_text() == (
        "Sinus rhythm with occasional APBs and one PVC; no sustained arrhythmia.")
    page.get_by_role("button", name="Confirm receipt").click()
    page.get_by_test_id("status").filter(has_text="Closed").wait_for()
    case.refresh_from_db()
    assert (case.status, Report.objects.get().signed_by) == ("closed", tele.backup)
