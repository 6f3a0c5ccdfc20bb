"""Indicators in a real browser: Lao Cai's dashboard, a new indicator, a CSV import with one bad row."""

from datetime import date

import pytest

from caravan.core.models import Organisation
from caravan.core.text import search_blob
from caravan.core.tree import tree_save_path
from caravan.indicators import rebuild, services
from caravan.indicators.models import DataValue, Indicator
from caravan.registry.models import Appointment, Facility, Practitioner, Region, RegionPopulation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _patient(page):
    # The 2-core machine is shared: wait longer for elements rather than fail on a busy moment.
    page.set_default_timeout(30_000)


@pytest.fixture
def lao_cai(cast):
    """A Lao Cai in 2024 from records, at the article's ratios: 128 doctors and 381 beds for 100,000 people."""
    vn = Region.objects.create(code="VN", name="Viet Nam", level=0, search_text=search_blob("Viet Nam"))
    tree_save_path(vn)
    province = Region.objects.create(code="VN-LC", name="Lao Cai", name_local="Tỉnh Lào Cai", level=1, parent=vn,
                                     search_text=search_blob("Lao Cai"))
    tree_save_path(province)
    org = Organisation.objects.create(code="lc-bvdk1", name="Lao Cai Provincial General Hospital No. 1",
                                      kind=Organisation.Kind.HOSPITAL, parent=cast.haibei)
    tree_save_path(org)
    org.networks.add(cast.network)
    hospital = Facility.objects.create(code="VN-LC-BVDK1", name="Lao Cai Provincial General Hospital No. 1",
                                       organisation=org, region=province, level=2, beds=381)
    RegionPopulation.objects.create(region=province, year=2024, population=100_000)
    doctors = Practitioner.objects.bulk_create([
        Practitioner(name=f"Nguyễn Văn {n}", name_latin=f"Nguyen Van {n}", sex="male", title="junior",
                     profession="doctor", organisation=org) for n in range(128)])
    Appointment.objects.bulk_create([Appointment(practitioner=d, facility=hospital, position="Physician",
                                                 start=date(2015, 1, 1)) for d in doctors])
    services.builtin_sync()
    rebuild.rebuild_all(first=2023, last=2024)
    return province


def test_the_lao_cai_dashboard_shows_doctors_and_beds_per_ten_thousand(lao_cai, page, login):
    login("analyst")
    page.goto(page.base_url + "/indicators/")
    page.get_by_role("link", name="Lao Cai").click()
    page.wait_for_url("**/indicators/regions/VN-LC/")
    page.get_by_label("Period", exact=True).select_option("2024")
    page.get_by_role("button", name="Show").first.click()
    page.wait_for_url("**/indicators/regions/VN-LC/?*period=2024*")
    assert page.get_by_test_id("value-doctors_per_10k").inner_text().startswith("12.8")
    assert page.get_by_test_id("value-beds_per_10k").inner_text().startswith("38.1")
    # The charts are drawn from the page's own data by the vendored ECharts.
    page.locator("[data-line][data-indicator='beds_per_10k'] svg").wait_for()


def test_a_coordinator_defines_an_indicator_and_a_bad_source_is_named(cast, page, login):
    services.builtin_sync()
    login("coordinator")
    page.goto(page.base_url + "/indicators/definitions/")
    page.get_by_role("link", name="New indicator").click()
    page.get_by_label("Code").fill("beds_per_doctor")
    page.get_by_label("Name", exact=True).fill("Beds per doctor")
    page.get_by_label("Numerator").select_option("beds")
    # A source that is not in the list (an old bookmark, a hand-edited form) is named in the answer.
    page.locator("#id_denominator").evaluate(
        "el => { const o = document.createElement('option'); o.value = 'doctorz'; o.text = 'doctorz';"
        " el.appendChild(o); el.value = 'doctorz'; }")
    page.get_by_role("button", name="Save").click()
    error = page.locator("[data-field-error='denominator']")
    error.wait_for()
    assert error.inner_text() == "There is no source called “doctorz”."
    assert not Indicator.objects.filter(code="beds_per_doctor").exists()
    page.get_by_label("Denominator").select_option("doctors")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/indicators/definitions/")
    assert "beds_per_doctor" in page.get_by_test_id("definitions").inner_text()
    assert Indicator.objects.get(code="beds_per_doctor").denominator == "doctors"


def test_importing_data_values_with_one_bad_row_imports_nothing_until_it_is_fixed(cast, page, login, tmp_path):
    bad = tmp_path / "values.csv"
    bad.write_text("element,region,period,value\ninsured_visits,CN-QH,2024,1000\n"
                   "insured_visits,CN-QH-HB,2024,many\n", encoding="utf-8")
    good = tmp_path / "fixed.csv"
    good.write_text("element,region,period,value\ninsured_visits,CN-QH,2024,1000\n"
                    "insured_visits,CN-QH-HB,2024,400\n", encoding="utf-8")
    login("analyst")
    page.goto(page.base_url + "/indicators/data/import/")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    row = page.locator("[data-line='3']")
    row.wait_for()
    assert "“many” is not a number." in row.inner_text()
    assert page.get_by_role("button", name="Import 2 rows").count() == 0
    assert not DataValue.objects.exists()
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Import 2 rows").click()
    page.wait_for_url("**/indicators/data/")
    assert sorted(DataValue.objects.values_list("region__code", "value", "status")) == [
        ("CN-QH", 1000.0, "pending"), ("CN-QH-HB", 400.0, "pending")]
    assert "CN-QH-HB" in page.get_by_test_id("data-values").inner_text()
