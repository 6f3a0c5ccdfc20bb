"""The registry in a real browser: search in Persian, create a facility, see a field error."""

import pytest

from caravan.core.models import AuditEvent
from caravan.registry.models import Facility

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_finds_a_facility_by_its_persian_name_typed_with_arabic_letters(cast, page, login):
    login("outsider")
    page.goto(page.base_url + "/registry/facilities/")
    # Arabic yeh (ي) where the stored name has the Persian yeh (ی), as on an Arabic keyboard.
    page.get_by_label("Name or code").fill("امام خميني")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/registry/facilities/?q=*")
    assert page.get_by_test_id("count").inner_text() == "1 facility"
    link = page.locator("#results table a", has_text="Imam Khomeini Hospital, Sari")
    assert link.count() == 1
    link.click()
    assert page.locator("h1").inner_text().startswith("Imam Khomeini Hospital, Sari")
    assert page.get_by_text("بیمارستان امام خمینی ساری").count() >= 1


def test_creating_a_facility_with_a_bad_field_shows_the_error_and_saves_nothing(cast, page, login):
    login("coordinator")
    page.goto(page.base_url + "/registry/facilities/new/")
    before = (Facility.objects.count(), AuditEvent.objects.filter(action="create").count())
    page.get_by_label("Code").fill("CN-GC-01")  # Gangcha's code: already taken
    page.get_by_label("Name", exact=True).fill("Gangcha Maternal and Child Health Centre")
    page.get_by_label("Kind").select_option("specialty_hospital")
    page.get_by_label("Technical level").select_option("3")
    page.get_by_label("Organisation").select_option(label="Gangcha County People's Hospital")
    page.get_by_label("Region").select_option(label="Gangcha (CN-QH-HB-GC)")
    page.get_by_label("Beds").fill("60")
    page.get_by_role("button", name="Save").click()

    error = page.locator('[data-field-error="code"]')
    assert error.inner_text() == "A facility with this code already exists."
    assert page.get_by_label("Code").get_attribute("aria-invalid") == "true"
    assert (Facility.objects.count(), AuditEvent.objects.filter(action="create").count()) == before

    page.get_by_label("Code").fill("CN-GC-02")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/registry/facilities/*/")
    created = Facility.objects.get(code="CN-GC-02")
    assert (created.name, created.level, created.beds, created.region_id) == (
        "Gangcha Maternal and Child Health Centre", 3, 60, cast.gangcha_county.pk,
    )
    assert page.locator("h1").inner_text().startswith("Gangcha Maternal and Child Health Centre")
