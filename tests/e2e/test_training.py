"""Training in a real browser: a course with sessions across time zones, its certificate verified in public,
fulfilment moving on the agreement it cites, and a tele-mentoring case approved by the hub."""

from datetime import date
from decimal import Decimal

import pytest

from caravan.core.models import Profile
from caravan.partnerships.models import Agreement, AgreementParty, Commitment
from caravan.training import codes
from caravan.training.models import Certificate, Course
from tests.training.conftest import make_series_setup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def series_setup(cast):
    return make_series_setup(cast)


def _agreement(cast) -> Agreement:
    agreement = Agreement.objects.create(code="SD-HB-2018", title="Shandong–Haibei strategic cooperation",
                                         start=date(2018, 5, 1), status="active", signed_on=date(2018, 5, 18))
    AgreementParty.objects.create(agreement=agreement, organisation=cast.shandong, role="supporter", signed=True)
    AgreementParty.objects.create(agreement=agreement, organisation=cast.haibei, role="recipient", signed=True)
    Commitment.objects.create(agreement=agreement, metric="courses_held", target=Decimal("4"), period="term")
    return agreement


def test_a_course_across_time_zones_ends_in_a_certificate_anyone_can_verify(cast, page, login, browser):
    agreement = _agreement(cast)
    Profile.objects.filter(user=cast.coordinator).update(time_zone="Asia/Almaty")
    login("coordinator")
    page.goto(page.base_url + "/training/")
    page.get_by_role("link", name="Add a course").click()
    page.get_by_label("Title", exact=True).fill("Online seminars on COVID-19")
    page.get_by_label("Provider").select_option(label="Haibei Health Commission")
    page.get_by_label("Agreement").select_option(label="SD-HB-2018 · Shandong–Haibei strategic cooperation")
    page.get_by_label("Mode").select_option("online")
    page.get_by_label("Language of teaching").select_option("ru")
    page.get_by_label("CME credits").fill("-1")
    page.get_by_role("button", name="Save").click()
    assert page.locator('[data-field-error="cme_credits"]').inner_text() == "CME credits cannot be below zero."
    assert Course.objects.count() == 0
    page.get_by_label("CME credits").fill("6")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/training/courses/*/")
    course = Course.objects.get()
    assert course.agreement_id == agreement.pk

    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Topic", exact=True).fill("Clinical picture and diagnosis")
    page.get_by_label("Day").fill("2020-07-20")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("09:00")
    page.get_by_label("Time zone").fill("Europe/Moscow")
    page.get_by_role("button", name="Save").click()
    assert page.locator('[data-field-error="end"]').inner_text() == "The session ends before it starts."
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/training/courses/{course.pk}/#sessions")
    # Moscow's clocks, and the coordinator's own (Almaty, UTC+6 in 2020).
    assert "10:00–12:00 Europe/Moscow · UTC+03:00" in page.get_by_test_id("session-time").inner_text()
    assert "13:00–15:00 Asia/Almaty · UTC+06:00" in page.get_by_test_id("viewer-time").inner_text()

    page.get_by_role("link", name="Enrol a participant").click()
    page.get_by_label("Name", exact=True).fill("Айжан Серикова")
    page.get_by_label("Name in Latin letters").fill("Aizhan Serikova")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/#participants")
    page.get_by_role("link", name="Attendance").click()
    page.get_by_label("Айжан Серикова (Aizhan Serikova)").check()
    page.get_by_role("button", name="Record attendance").click()
    page.wait_for_url("**/#sessions")
    page.get_by_role("link", name="Айжан Серикова").click()
    page.get_by_label("Score (out of 100)").fill("82")
    page.get_by_label("Result", exact=True).select_option("yes")
    page.get_by_role("button", name="Record the result").click()
    page.get_by_role("button", name="Mark completed").click()
    assert page.get_by_test_id("status").inner_text().startswith("Completed")
    page.get_by_role("button", name="Issue the certificate").click()
    certificate = Certificate.objects.get()
    page.get_by_role("link", name=certificate.code).click()
    assert page.get_by_test_id("holder").inner_text() == "Айжан Серикова (Aizhan Serikova)"
    assert page.get_by_test_id("code").inner_text() == codes.display(certificate.code)

    # The agreement's page counts the course as held, with the course behind the number.
    page.goto(page.base_url + f"/agreements/{agreement.pk}/")
    assert "Course: Online seminars on COVID-19" in page.get_by_test_id("activities").first.inner_text()

    # Anyone, without logging in, checks the code; an unknown code says so and nothing more.
    public = browser.new_context(locale="en-US").new_page()
    public.goto(page.base_url + "/training/verify/")
    public.get_by_label("Verification code").fill(codes.display(certificate.code).lower())
    public.get_by_role("button", name="Verify").click()
    assert public.get_by_role("heading", name="This certificate is valid.").count() == 1
    assert public.get_by_test_id("verify-name").inner_text() == "Айжан Серикова (Aizhan Serikova)"
    assert public.get_by_test_id("verify-course").inner_text() == "Online seminars on COVID-19"
    public.get_by_label("Verification code").fill("2345-6789-ABCD")
    public.get_by_role("button", name="Verify").click()
    assert public.get_by_test_id("verify-unknown").inner_text() == (
        "No certificate has this code. Check the code and try again.")
    assert public.locator("#main-nav").count() == 0
    public.context.close()


def test_a_spoke_presents_a_case_and_the_hub_approves_it(cast, series_setup, page, login, browser):
    m = series_setup
    login("menyuan_clinician")
    page.goto(page.base_url + f"/training/mentoring-sessions/{m.past.pk}/")
    page.get_by_text("Present a case").click()
    page.get_by_label("Title").fill("Breathlessness two days after arrival")
    page.get_by_label("De-identified case summary").fill("Woman, DOB 03.04.1997, SpO2 71% on air.")
    page.get_by_role("button", name="Send to the hub for approval").click()
    assert page.locator('[data-field-error="summary"]').inner_text() == (
        "This looks like a date of birth (“DOB 03.04.1997”). Remove it: the case is shown to other sites.")
    page.get_by_label("De-identified case summary").fill("Woman, 27 years, SpO2 71% on air, crackles at both bases.")
    page.get_by_role("button", name="Send to the hub for approval").click()
    page.wait_for_url("**/#cases")
    assert "Waiting for the hub's approval" in page.get_by_test_id("case").inner_text()

    hub = browser.new_context(locale="en-US").new_page()
    hub.goto(page.base_url + "/login/")
    hub.get_by_label("Username").fill("coordinator")
    from tests.conftest import PASSWORD

    hub.get_by_label("Password").fill(PASSWORD)
    hub.get_by_role("button", name="Log in").click()
    hub.wait_for_url(page.base_url + "/")
    hub.goto(page.base_url + f"/training/mentoring-sessions/{m.past.pk}/")
    hub.get_by_role("button", name="Approve").click()
    hub.wait_for_url("**/#cases")
    hub.get_by_label("People present at Haibei First People's Hospital").fill("8")
    hub.locator(f'tr[data-site="{m.hub.pk}"]').get_by_role("button", name="Save").click()
    hub.wait_for_url("**/#attendance")
    assert hub.locator(f'tr[data-site="{m.hub.pk}"] [data-testid="head-count"]').inner_text() == "8"
    hub.context.close()

    # Gangcha, another spoke, now sees the approved case.
    page.context.clear_cookies()
    login("clinician_a")
    page.goto(page.base_url + f"/training/mentoring-sessions/{m.past.pk}/")
    assert "Breathlessness two days after arrival" in page.get_by_test_id("case").inner_text()
