"""The pages: what each user sees, refusals, query budgets, bad input."""

from datetime import date

import pytest
from django.urls import reverse

from caravan.core.models import AuditEvent
from caravan.core.text import search_blob
from caravan.core.tree import tree_save_path
from caravan.indicators import rebuild
from caravan.indicators.models import DataValue, Indicator, Pin, RebuildJob
from caravan.registry.models import Region, RegionPopulation
from tests.helpers import assert_refused

from .conftest import value


def _dash(code, **params):
    from urllib.parse import urlencode

    return reverse("indicators:region", args=[code]) + ("?" + urlencode(params) if params else "")


def test_home_lists_the_users_regions_and_programmes(built, client_as):
    c = built.cast
    response = client_as(c.analyst).get(reverse("indicators:home"))
    assert response.status_code == 200
    regions = [r.code for r in response.context["regions"]]
    assert regions == ["CN-QH", "CN-QH-HB", "CN-HD"]  # its province, the district, and what merged into it
    assert [n.code for n in response.context["networks"]] == ["shandong-haibei"]
    outsider = client_as(c.outsider).get(reverse("indicators:home"))
    assert [r.code for r in outsider.context["regions"]] == ["IR-MZ"]


def test_region_dashboard_shows_values_the_change_and_the_sub_regions(built, client_as):
    c = built.cast
    response = client_as(c.analyst).get(_dash("CN-QH", period="2024", indicator="beds_per_10k"))
    assert response.status_code == 200
    tiles = {t.indicator.code: t for t in response.context["tiles"]}
    assert (tiles["doctors_per_10k"].value, tiles["doctors_per_10k"].previous) == (0.3, 0.5)
    assert tiles["doctors_per_10k"].change == pytest.approx(-0.2)
    assert tiles["beds_per_10k"].value == 312.0
    html = response.content.decode()
    assert 'data-testid="value-beds_per_10k">312.0' in html
    assert [(r.code, v.value if v else None) for r, v in response.context["table"]] == [
        ("CN-QH-HB", 40.0), ("CN-HD", 250.0)][::-1]
    # Without a period, each tile shows its latest value.
    latest = client_as(c.analyst).get(_dash("CN-QH"))
    assert {t.indicator.code: t.period for t in latest.context["tiles"]}["beds_per_10k"] == "2025"


def test_region_dashboard_query_count_does_not_grow_with_data(built, client_as, django_assert_num_queries):
    c = built.cast
    client = client_as(c.analyst)
    client.get(_dash("CN-QH"))
    with django_assert_num_queries(13):
        client.get(_dash("CN-QH", period="2024"))
    for n in range(5):
        r = Region.objects.create(code=f"CN-QH-X{n}", name=f"X{n}", level=2, parent=c.qinghai,
                                  search_text=search_blob(f"X{n}"))
        tree_save_path(r)
        RegionPopulation.objects.create(region=r, year=2024, population=1000)
    rebuild.rebuild_all(first=2023, last=2025)
    with django_assert_num_queries(13):
        client.get(_dash("CN-QH", period="2024"))


def test_other_networks_regions_are_refused(built, client_as):
    c = built.cast
    assert_refused(client_as, [None, c.outsider], "get", _dash("CN-QH"))
    assert_refused(client_as, [c.analyst], "get", _dash("IR-MZ"))
    # Only the node sees a whole country.
    assert_refused(client_as, [c.analyst, c.outsider], "get", _dash("CN"))
    assert client_as(c.node_admin).get(_dash("CN")).status_code == 200
    assert_refused(client_as, [None, c.outsider], "get", reverse("indicators:programme", args=["shandong-haibei"]))


def test_programme_dashboard(built, client_as):
    c = built.cast
    response = client_as(c.coordinator).get(reverse("indicators:programme", args=["shandong-haibei"]) + "?period=2024")
    tiles = {t.indicator.code: t.value for t in response.context["tiles"]}
    assert (tiles["agreements_active"], tiles["visits"]) == (1.0, 1.0)


def test_exports_csv_and_excel_of_the_sub_region_table(built, client_as):
    c = built.cast
    url = reverse("indicators:export") + "?indicator=beds_per_10k&region=CN-QH&period=2024&table=subregions"
    response = client_as(c.analyst).get(url + "&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ['Code,Name,Period,Numerator,Denominator,"Hospital beds per 10,000 people"',
                     "CN-HD,Haidong,2024,500.0,20000.0,250.0", "CN-QH-HB,Haibei,2024,120.0,30000.0,40.0"]
    xlsx = client_as(c.analyst).get(url + "&format=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == ["CN-HD", "Haidong", "2024", 500, 20000, 250]
    assert_refused(client_as, [None, c.outsider], "get", url)


def test_print_report(built, client_as):
    response = client_as(built.cast.analyst).get(_dash("CN-QH", period="2024", print=1))
    assert response.templates[0].name == "indicators/print.html"
    assert "Indicator report" in response.content.decode()


def test_pins_show_on_the_home_page(built, client_as):
    c = built.cast
    client = client_as(c.analyst)
    response = client.post(reverse("indicators:pin"), {"indicator": "beds_per_10k", "region": "CN-QH-HB"})
    assert response.status_code == 302
    home = client.get(reverse("indicators:home"))
    assert [(p.indicator.code, p.region.code, p.latest.value) for p in home.context["pins"]] == [
        ("beds_per_10k", "CN-QH-HB", 40.0)]
    pin = Pin.objects.get()
    client.post(reverse("indicators:pin"), {"indicator": "beds_per_10k", "remove": pin.pk})
    assert not Pin.objects.exists()
    assert_refused(client_as, [c.outsider], "post", reverse("indicators:pin"),
                   {"indicator": "beds_per_10k", "region": "CN-QH-HB"})
    assert not Pin.objects.exists()


def test_define_an_indicator_through_the_form(health, client_as):
    c = health.cast
    before = AuditEvent.objects.count()
    data = {"code": "beds_per_doctor", "name": "Beds per doctor", "scope": "region", "numerator": "beds",
            "denominator": "doctors", "factor": 1, "decimals": 0, "periodicity": "year"}
    response = client_as(c.analyst).post(reverse("indicators:indicator_new"), data)
    assert response.status_code == 302
    event = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.changes["numerator"]) == ("create", "indicators.indicator",
                                                                            [None, "beds"])
    response = client_as(c.analyst).post(reverse("indicators:indicator_edit", args=["beds_per_doctor"]),
                                         {**data, "decimals": 2})
    assert response.status_code == 302
    assert AuditEvent.objects.latest("pk").changes == {"decimals": [0, 2]}


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("numerator", "bedz", "There is no source called “bedz”."),
    ("denominator", "agreements_active", "“agreements_active” is not counted the way this indicator is"),
    ("code", "Bad Code!", "Use 2 to 64 lower-case letters"),
    ("code", "doctors_per_10k", "Another indicator already has this code."),
    ("name", "", "This field is required."),
    ("decimals", "9", "Use 0 to 4 decimals."),
])
def test_definition_bad_input_names_the_field(health, client_as, field, bad, message):
    c = health.cast
    data = {"code": "beds_per_doctor", "name": "Beds per doctor", "scope": "region", "numerator": "beds",
            "denominator": "doctors", "factor": 1, "decimals": 0, "periodicity": "year", field: bad}
    count = Indicator.objects.count()
    response = client_as(c.analyst).post(reverse("indicators:indicator_new"), data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert Indicator.objects.count() == count


def test_defining_is_refused_to_other_roles(health, client_as):
    c = health.cast
    data = {"code": "x1", "name": "X", "numerator": "beds", "factor": 1, "periodicity": "year", "scope": "region"}
    assert_refused(client_as, [None, c.clinician_a, c.consultant_b], "post", reverse("indicators:indicator_new"), data)
    assert not Indicator.objects.filter(code="x1").exists()
    # A built-in definition is not editable, and another programme's is not even visible.
    assert_refused(client_as, [c.coordinator], "post", reverse("indicators:indicator_edit", args=["beds_per_10k"]), data)
    client_as(c.coordinator).post(reverse("indicators:indicator_new"), {**data, "code": "mine"})
    assert_refused(client_as, [c.outsider], "get", reverse("indicators:indicator_edit", args=["mine"]))


def test_definition_list_query_count(health, client_as, django_assert_num_queries):
    client = client_as(health.cast.analyst)
    client.get(reverse("indicators:indicator_list"))
    with django_assert_num_queries(6):
        client.get(reverse("indicators:indicator_list"))
    Indicator.objects.create(code="extra", name="Extra", numerator="beds", network=health.cast.network)
    with django_assert_num_queries(6):
        client.get(reverse("indicators:indicator_list"))


def test_enter_and_approve_a_data_value(health, client_as):
    c = health.cast
    url = reverse("indicators:data_value_new")
    data = {"element": "insured_visits", "region": "CN-QH", "period": "2024", "value": "1,200"}
    assert client_as(c.analyst).post(url, data).status_code == 302
    dv = DataValue.objects.get()
    assert (dv.value, dv.status, dv.entered_by) == (1200.0, "pending", c.analyst)
    # The same region and period again asks whether to replace.
    response = client_as(c.analyst).post(url, {**data, "value": "1300"})
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["A value is already recorded for this region and period: replace it?"]
    assert client_as(c.analyst).post(url, {**data, "value": "1300", "replace": "on"}).status_code == 302
    assert DataValue.objects.get().value == 1300.0
    # Analysts enter; coordinators approve.
    assert_refused(client_as, [c.analyst, c.clinician_a], "post", reverse("indicators:data_values"), {"approve": [dv.pk]})
    assert DataValue.objects.get().status == "pending"
    assert_refused(client_as, [c.outsider], "post", reverse("indicators:data_values"), {"approve": [dv.pk]},
                   statuses=(302,))
    assert DataValue.objects.get().status == "pending"
    client_as(c.coordinator).post(reverse("indicators:data_values"), {"approve": [dv.pk]})
    assert DataValue.objects.get().status == "approved"


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("period", "2024-13", "“2024-13” is not a period: write 2024, 2024-Q2 or 2024-03."),
    ("value", "many", "“many” is not a number."),
    ("region", "IR-MZ", "There is no region with the code “IR-MZ”."),
])
def test_data_value_bad_input(health, client_as, field, bad, message):
    data = {"element": "insured_visits", "region": "CN-QH", "period": "2024", "value": "12", field: bad}
    response = client_as(health.cast.analyst).post(reverse("indicators:data_value_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"') or \
        message in str(response.context["form"].errors)
    assert not DataValue.objects.exists()


def test_data_value_for_a_region_that_did_not_exist_then(health, client_as):
    from caravan.core.errors import ValidationFailed
    from caravan.indicators import services

    with pytest.raises(ValidationFailed) as error:
        services.data_value_set(by=health.cast.node_admin, element="insured_visits", region=health.haidong,
                                period="2026", value=1)
    assert error.value.fields == {"region": ["Haidong did not exist in 2026."]}
    assert not DataValue.objects.exists()


def test_data_value_pages_refused_and_counted(health, client_as, django_assert_num_queries):
    c = health.cast
    assert_refused(client_as, [None, c.clinician_a], "post", reverse("indicators:data_value_new"),
                   {"element": "insured_visits", "region": "CN-QH", "period": "2024", "value": "1"})
    assert_refused(client_as, [None], "get", reverse("indicators:data_values"))
    client = client_as(c.coordinator)
    DataValue.objects.create(element="insured_visits", region=c.qinghai, period="2023", value=1)
    client.get(reverse("indicators:data_values"))
    with django_assert_num_queries(8):
        client.get(reverse("indicators:data_values"))
    DataValue.objects.bulk_create([DataValue(element="insured_visits", region=c.haibei_region, period=str(y), value=y)
                                   for y in range(2010, 2020)])
    DataValue.objects.create(element="insured_visits", region=c.mazandaran_region, period="2023", value=1)
    with django_assert_num_queries(8):
        response = client.get(reverse("indicators:data_values"))
    assert len(response.context["rows"]) == 11  # never Mazandaran's


def test_rebuild_starts_a_job_and_shows_progress(health, client_as, django_capture_on_commit_callbacks):
    c = health.cast
    assert_refused(client_as, [None, c.clinician_a], "post", reverse("indicators:rebuild"))
    assert not RebuildJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_as(c.analyst).post(reverse("indicators:rebuild"))
    assert response.status_code == 302 and len(callbacks) == 1
    job = RebuildJob.objects.get()
    progress = client_as(c.analyst).get(reverse("indicators:rebuild_progress", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in progress.content.decode()
    rebuild.run_job(job.pk)
    done = client_as(c.analyst).get(reverse("indicators:rebuild_progress", args=[job.pk])).content.decode()
    assert 'data-status="done"' in done and "hx-trigger" not in done
    assert value("beds_per_10k", region=c.qinghai) == 312.0
    assert_refused(client_as, [None], "get", reverse("indicators:rebuild_progress", args=[job.pk]))


def test_a_period_that_is_not_one_is_ignored(built, client_as):
    response = client_as(built.cast.analyst).get(_dash("CN-QH", period="2024-99", kind="decade"))
    assert (response.status_code, response.context["period"], response.context["kind"]) == (200, None, "year")


def test_merged_region_history(built, client_as):
    response = client_as(built.cast.analyst).get(_dash("CN-HD"))
    assert "Until" in response.content.decode()
    assert [p for p, _v in {t.indicator.code: t for t in response.context["tiles"]}["beds_per_10k"].series] == [
        "2023", "2024"]
    assert date(2025, 7, 1) == built.haidong.valid_to
