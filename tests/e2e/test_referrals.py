"""Referrals in a real browser: a patient referred by a Tajik partner hospital goes through the pre-assessment,
two offers, acceptance, the invitation letter, the stay and the follow-ups, in English, Persian and Russian.

Every user on the way reads the pages in the walk's language (their profile's language, applied at login), and
every label, button, status and message is looked up in the real catalogue from the msgid the template or form
uses, so an untranslated or renamed string shows up as a failure, never as English that happens to match."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import expect

from caravan.core.formats import format_day, format_number
from caravan.core.models import Profile
from caravan.referrals.models import Referral
from tests.referrals.conftest import world  # noqa: F401 - the referral world fixture

pytestmark = pytest.mark.django_db(transaction=True)

DIRECTION = {"en": "ltr", "fa": "rtl", "ru": "ltr"}
# The letter's own wording, written in its template rather than the catalogue: the letter's language is the
# letter's, whatever the reader's.
LETTER_HEADING = {"en": "Letter of invitation for medical treatment", "fa": "دعوت‌نامه برای درمان پزشکی",
                  "ru": "Приглашение на лечение"}
BIRTH = date(1968, 4, 12)
# What each reader types for the date of birth: a Persian reader types the Jalali day in Persian digits
# (1347/01/23); the others get the browser's date picker, which takes an ISO day.
BIRTH_TYPED = {"en": BIRTH.isoformat(), "fa": "۱۳۴۷/۰۱/۲۳", "ru": BIRTH.isoformat()}


def t(lang: str, msgid: str, **values) -> str:
    """The text the page shows for this msgid in `lang`, from the same catalogue the server uses."""
    with translation.override(lang):
        text = gettext(msgid)
    return text % values if values else text


def tc(lang: str, context: str, msgid: str) -> str:
    """As t(), for a msgid with a context (a word that is a verb on a button and a noun elsewhere)."""
    with translation.override(lang):
        return pgettext(context, msgid)


def nt(lang: str, singular: str, plural: str, count: int, **values) -> str:
    with translation.override(lang):
        return ngettext(singular, plural, count) % values


def as_user(page, login, username):
    page.context.clear_cookies()
    login(username)


def open_as(page, login, username, url, lang):
    """Log in (the profile's language becomes the page's) and open `url`, checking its language and direction."""
    as_user(page, login, username)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[lang])


@pytest.mark.parametrize("lang", ["en", "fa", "ru"])
def test_a_tajik_referral_from_intake_to_follow_up(world, cast, page, login, lang):  # noqa: F811
    today = timezone.localdate().isoformat()
    users = (world.tj_doctor, world.office, world.fz_clinician)
    assert Profile.objects.filter(user__in=users).update(language=lang) == len(users)

    as_user(page, login, "tj_doctor")
    page.goto(page.base_url + "/referrals/new/")
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[lang])
    birth = page.get_by_label(t(lang, "Date of birth"))
    if lang == "fa":
        # Persian readers get a Jalali text field instead of the Gregorian date picker.
        expect(birth).to_have_attribute("data-calendar", "jalali")
        expect(birth).to_have_attribute("type", "text")
    else:
        expect(birth).to_have_attribute("type", "date")
    page.get_by_label(t(lang, "Agreement")).select_option(label="MZ-TJ · Mazandaran–Tajikistan MoU")
    page.get_by_label(t(lang, "Referring partner")).select_option(label="Dushanbe City Hospital")
    page.get_by_label(t(lang, "Patient's name in their own script")).fill("Шарифов Далер")
    page.get_by_label(t(lang, "Patient's name in Latin letters")).fill("Sharifov Daler")
    birth.fill(BIRTH_TYPED[lang])
    page.get_by_label(t(lang, "Sex")).select_option("male")
    page.get_by_label(t(lang, "Nationality (two-letter code)")).fill("TJ")
    page.get_by_label(t(lang, "Passport number")).fill("40123")
    page.get_by_label(t(lang, "Diagnosis")).fill("Adenocarcinoma of the sigmoid colon")
    page.get_by_label(t(lang, "ICD-10 code")).fill("C18.7")
    page.get_by_label(t(lang, "Specialty needed")).select_option(label=t(lang, "Oncology"))
    page.get_by_label(t(lang, "Preferred language")).select_option("tg")
    page.get_by_label(t(lang, "Referring doctor"), exact=True).fill("Д-р Нозим Раҳимов")
    page.get_by_role("button", name=t(lang, "Save")).click()
    # A passport number that is not Tajik is refused beside its field, in the reader's language; nothing is saved.
    expect(page.locator('[data-field-error="passport_number"]')).to_have_text(t(
        lang, "This is not a passport number of %(country)s: it looks like %(example)s.",
        country="TJ", example="401234567"))
    assert Referral.objects.count() == 0
    page.get_by_label(t(lang, "Passport number")).fill("401234567")
    birth.fill(BIRTH_TYPED[lang])
    page.get_by_role("button", name=t(lang, "Save")).click()
    page.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    detail = page.url
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Received"))
    expect(page.get_by_text(nt(lang, "In this stage for %(n)s day.", "In this stage for %(n)s days.", 0,
                               n=format_number(0, lang)))).to_be_visible()
    # The date of birth typed above is shown back in the reader's calendar (Jalali, Persian digits for fa).
    expect(page.locator("main")).to_contain_text(format_day(BIRTH, lang))
    reference = Referral.objects.get().reference

    open_as(page, login, "outsider", page.base_url + "/referrals/", lang)
    expect(page.get_by_test_id("board")).to_contain_text(reference)
    open_as(page, login, "outsider", detail, lang)
    expect(page.get_by_test_id("patient-name")).to_have_text("Шарифов Далер")
    expect(page.get_by_test_id("match")).to_contain_text("Fatemeh Zahra Hospital, Sari")
    page.get_by_label(t(lang, "Specialist's pre-assessment")).fill("Resectable; stage II.")
    page.get_by_role("button", name=t(lang, "Record the pre-assessment")).click()
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Pre-assessment"))
    for hospital, cost in (("Imam Khomeini Hospital, Sari", "4200"), ("Fatemeh Zahra Hospital, Sari", "3900")):
        page.get_by_label(t(lang, "Hospital"), exact=True).select_option(label=hospital)
        page.get_by_label(t(lang, "Treatment plan")).fill("Laparoscopic resection, then chemotherapy")
        page.get_by_label(t(lang, "Expected stay (days)")).fill("12")
        page.get_by_label(t(lang, "Cost estimate")).fill(cost)
        page.get_by_role("button", name=t(lang, "Record the offer")).click()
        row = page.get_by_test_id("offers").get_by_role("row").filter(has_text=hospital)
        expect(row).to_contain_text(f"{format_number(Decimal(cost), lang, digits=2)} USD")
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Offers"))

    open_as(page, login, "tj_doctor", detail, lang)
    page.get_by_test_id("offers").get_by_role("row").filter(has_text="Fatemeh Zahra").get_by_role(
        "button", name=t(lang, "Accept")).click()
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Offer accepted"))
    expect(page.get_by_test_id("hospital")).to_have_text("Fatemeh Zahra Hospital, Sari")

    open_as(page, login, "outsider", detail, lang)
    page.get_by_label(t(lang, "Letter language")).select_option(lang)
    page.get_by_role("button", name=t(lang, "Issue the letter")).click()
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Letter issued"))
    letter = Referral.objects.get().letter_reference
    page.get_by_test_id("letter-link").click()
    # The letter is printed in the language it was issued in, and can be printed in the other letter languages.
    for letter_lang in [lang] + [other for other in LETTER_HEADING if other != lang]:
        if letter_lang != lang:
            page.goto(detail + f"letter/print/?lang={letter_lang}")
        expect(page.locator("h1")).to_have_text(LETTER_HEADING[letter_lang])
        expect(page.get_by_test_id("letter-ref")).to_have_text(letter)
        expect(page.get_by_test_id("letter-name")).to_have_text("Шарифов Далер")
        assert page.locator("html").get_attribute("dir") == DIRECTION[letter_lang]

    # The public page, read in the walk's language through the language switcher, says the letter is valid and
    # nothing else.
    page.context.clear_cookies()
    page.goto(page.base_url + "/referrals/verify/")
    if lang != "en":
        page.select_option("#language-select", lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[lang])
    page.goto(page.base_url + f"/referrals/verify/{letter}/")
    expect(page.locator("h1")).to_have_text(t(lang, "Verify an invitation letter"))
    expect(page.get_by_test_id("verify-result")).to_have_text(t(lang, "This invitation letter is valid."))
    expect(page.locator("main")).not_to_contain_text("Sharifov")
    expect(page.locator("main")).not_to_contain_text("Шарифов")

    open_as(page, login, "fz_clinician", detail, lang)
    for msgid in ("Arrived", "Admitted"):
        expect(page.locator("#stay-h")).to_have_text(t(lang, msgid))
        # ISO days are accepted in every language, the Persian Jalali text field included.
        page.get_by_label(t(lang, "Day"), exact=True).fill(today)
        page.get_by_role("button", name=tc(lang, "verb", "Record"), exact=True).click()
        expect(page.get_by_test_id("status")).to_have_text(t(lang, msgid))
    expect(page.locator("#stay-h")).to_have_text(t(lang, "Discharged"))
    page.get_by_label(t(lang, "Day"), exact=True).fill(today)
    page.get_by_label(t(lang, "Procedures")).fill("Laparoscopic sigmoid resection")
    page.get_by_label(t(lang, "Discharge summary")).fill("Uneventful recovery.")
    page.get_by_role("button", name=tc(lang, "verb", "Record"), exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Discharged"))

    open_as(page, login, "tj_doctor", detail, lang)
    for days, msgid in ((30, "Improved"), (90, "Recovered")):
        form = page.get_by_test_id(f"fu-form-{days}")
        form.get_by_label(t(lang, "Done on")).fill(today)
        form.get_by_label(t(lang, "Outcome")).select_option(label=t(lang, msgid))
        form.get_by_role("button", name=t(lang, "Record the follow-up")).click()
        expect(page.get_by_test_id(f"outcome-{days}")).to_have_text(t(lang, msgid))
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Follow-up"))

    open_as(page, login, "outsider", detail, lang)
    page.get_by_label(t(lang, "Move to")).select_option(label=t(lang, "Closed"))
    page.get_by_role("button", name=t(lang, "Change"), exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text(t(lang, "Closed"))
    referral = Referral.objects.get()
    assert (referral.status, referral.outcome, referral.receiving_facility_id) == ("closed", "recovered", world.fz.pk)
    assert (referral.birth_date, referral.passport_number, referral.letter_language) == (BIRTH, "401234567", lang)
    assert list(referral.follow_ups.values_list("day_offset", "outcome", "done_on")) == [
        (30, "improved", timezone.localdate()), (90, "recovered", timezone.localdate())]


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
