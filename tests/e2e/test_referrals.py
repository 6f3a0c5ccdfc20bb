"""Referrals in a real browser: a patient referred by a Tajik partner hospital goes through the pre-assessment,
two offers, acceptance, the invitation letter (printed in Persian and Russian), the stay and the follow-ups."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caravan.referrals.models import Referral
from tests.referrals.conftest import world  # noqa: F401 - the referral world fixture

pytestmark = pytest.mark.django_db(transaction=True)


def as_user(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_a_tajik_referral_from_intake_to_follow_up(world, cast, page, login):  # noqa: F811
    today = timezone.localdate().isoformat()
    as_user(page, login, "tj_doctor")
    page.goto(page.base_url + "/referrals/new/")
    page.get_by_label("Agreement").select_option(label="MZ-TJ · Mazandaran–Tajikistan MoU")
    page.get_by_label("Referring partner").select_option(label="Dushanbe City Hospital")
    page.get_by_label("Patient's name in their own script").fill("Шарифов Далер")
    page.get_by_label("Patient's name in Latin letters").fill("Sharifov Daler")
    page.get_by_label("Date of birth").fill("1968-04-12")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Nationality (two-letter code)").fill("TJ")
    page.get_by_label("Passport number").fill("40123")
    page.get_by_label("Diagnosis").fill("Adenocarcinoma of the sigmoid colon")
    page.get_by_label("ICD-10 code").fill("C18.7")
    page.get_by_label("Specialty needed").select_option(label="Oncology")
    page.get_by_label("Preferred language").select_option("tg")
    page.get_by_label("Referring doctor", exact=True).fill("Д-р Нозим Раҳимов")
    page.get_by_role("button", name="Save").click()
    # A passport number that is not Tajik is refused beside its field; nothing is saved.
    expect(page.locator('[data-field-error="passport_number"]')).to_have_text(
        "This is not a passport number of TJ: it looks like 401234567.")
    assert Referral.objects.count() == 0
    page.get_by_label("Passport number").fill("401234567")
    page.get_by_label("Date of birth").fill("1968-04-12")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    detail = page.url
    expect(page.get_by_test_id("status")).to_have_text("Received")

    as_user(page, login, "outsider")
    page.goto(detail)
    expect(page.get_by_test_id("match")).to_contain_text("Fatemeh Zahra Hospital, Sari")
    page.get_by_label("Specialist's pre-assessment").fill("Resectable; stage II.")
    page.get_by_role("button", name="Record the pre-assessment").click()
    expect(page.get_by_test_id("status")).to_have_text("Pre-assessment")
    for hospital, cost in (("Imam Khomeini Hospital, Sari", "4200"), ("Fatemeh Zahra Hospital, Sari", "3900")):
        page.get_by_label("Hospital", exact=True).select_option(label=hospital)
        page.get_by_label("Treatment plan").fill("Laparoscopic resection, then chemotherapy")
        page.get_by_label("Expected stay (days)").fill("12")
        page.get_by_label("Cost estimate").fill(cost)
        page.get_by_role("button", name="Record the offer").click()
        expect(page.get_by_test_id("offers")).to_contain_text(hospital)
    expect(page.get_by_test_id("status")).to_have_text("Offers")

    as_user(page, login, "tj_doctor")
    page.goto(detail)
    page.get_by_test_id("offers").get_by_role("row").filter(has_text="Fatemeh Zahra").get_by_role(
        "button", name="Accept").click()
    expect(page.get_by_test_id("status")).to_have_text("Offer accepted")
    expect(page.get_by_test_id("hospital")).to_have_text("Fatemeh Zahra Hospital, Sari")

    as_user(page, login, "outsider")
    page.goto(detail)
    page.get_by_label("Letter language").select_option("fa")
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_test_id("status")).to_have_text("Letter issued")
    reference = Referral.objects.get().letter_reference
    page.get_by_test_id("letter-link").click()
    expect(page.get_by_test_id("letter-ref")).to_have_text(reference)
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("h1")).to_have_text("دعوت‌نامه برای درمان پزشکی")
    expect(page.get_by_test_id("letter-name")).to_have_text("Шарифов Далер")
    page.goto(detail + "letter/print/?lang=ru")
    expect(page.locator("h1")).to_have_text("Приглашение на лечение")
    assert page.locator("html").get_attribute("dir") == "ltr"

    # The public page says the letter is valid and nothing else.
    page.context.clear_cookies()
    page.goto(page.base_url + f"/referrals/verify/{reference}/")
    expect(page.get_by_test_id("verify-result")).to_have_text("This invitation letter is valid.")
    expect(page.locator("main")).not_to_contain_text("Sharifov")

    as_user(page, login, "fz_clinician")
    page.goto(detail)
    for label in ("Arrived", "Admitted"):
        expect(page.locator("#stay-h")).to_have_text(label)
        page.get_by_label("Day", exact=True).fill(today)
        page.get_by_role("button", name="Record", exact=True).click()
        expect(page.get_by_test_id("status")).to_have_text(label)
    expect(page.locator("#stay-h")).to_have_text("Discharged")
    page.get_by_label("Day", exact=True).fill(today)
    page.get_by_label("Procedures").fill("Laparoscopic sigmoid resection")
    page.get_by_label("Discharge summary").fill("Uneventful recovery.")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Discharged")

    as_user(page, login, "tj_doctor")
    page.goto(detail)
    for days, outcome in ((30, "improved"), (90, "recovered")):
        form = page.get_by_test_id(f"fu-form-{days}")
        form.get_by_label("Done on").fill(today)
        form.get_by_label("Outcome").select_option(outcome)
        form.get_by_role("button", name="Record the follow-up").click()
        expect(page.get_by_test_id(f"outcome-{days}")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Follow-up")

    as_user(page, login, "outsider")
    page.goto(detail)
    page.locator("#id_to").select_option("closed")
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Closed")
    referral = Referral.objects.get()
    assert (referral.status, referral.outcome, referral.receiving_facility_id) == ("closed", "recovered", world.fz.pk)


@pytest.mark.parametrize(("lang", "direction"), [("fa", "rtl"), ("ru", "ltr")])
def test_the_referral_pages_in_persian_and_russian(world, cast, page, login, lang, direction):  # noqa: F811
    from caravan.referrals import services
    from tests.referrals.conftest import intake

    referral = services.referral_create(by=world.tj_doctor, data=intake(world))
    as_user(page, login, "outsider")
    page.goto(page.base_url + f"/referrals/{referral.pk}/")
    page.select_option("#language-select", lang)
    expect(page.locator(f'html[lang="{lang}"]')).to_have_count(1)
    expect(page.get_by_test_id("patient-name")).to_have_text("Шарифов Далер")
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("html").get_attribute("lang") == lang
    page.goto(page.base_url + "/referrals/")
    expect(page.get_by_test_id("board")).to_contain_text(referral.reference)


def test_the_office_keeps_readiness_and_adds_a_report(world, cast, page, login, settings, tmp_path):  # noqa: F811
    from caravan.referrals import services
    from caravan.referrals.models import Capacity
    from tests.referrals.conftest import intake

    settings.MEDIA_ROOT = tmp_path
    referral = services.referral_create(by=world.tj_doctor, data=intake(world))
    as_user(page, login, "outsider")
    page.goto(page.base_url + "/referrals/")
    page.get_by_role("link", name="Ready hospitals").click()
    page.get_by_test_id("hospitals").get_by_role("row").filter(has_text="Fatemeh Zahra").get_by_role(
        "link", name="Edit readiness").click()
    page.locator("#id_ready_cardiac_surgery").check()
    page.locator("#id_monthly_cardiac_surgery").fill("-2")
    page.get_by_role("button", name="Save").click()
    # A negative capacity is refused beside its field; nothing is saved.
    expect(page.locator('[data-field-error="monthly_cardiac_surgery"]')).to_have_text(
        "Cardiac surgery: enter the patients a month as a whole number, 0 or more.")
    assert not Capacity.objects.filter(facility=world.fz, specialty__code="cardiac_surgery").exists()
    page.locator("#id_monthly_cardiac_surgery").fill("3")
    page.locator("#id_interpreters_cardiac_surgery").fill("ru tg")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Readiness of Fatemeh Zahra Hospital, Sari saved.")
    row = Capacity.objects.get(facility=world.fz, specialty__code="cardiac_surgery")
    assert (row.monthly, row.interpreters) == (3, ["ru", "tg"])

    page.goto(page.base_url + f"/referrals/{referral.pk}/")
    expect(page.get_by_test_id("no-documents")).to_be_visible()
    form = page.get_by_test_id("document-form")
    form.get_by_label("Title").fill("Colonoscopy report")
    form.locator('input[type="file"]').set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    form.get_by_role("button", name="Add the document").click()
    expect(page.get_by_test_id("documents")).to_contain_text("Colonoscopy report")
