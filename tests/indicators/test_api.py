"""The indicators API at /api/v1/indicators/: values, refusals, query budgets, bad input."""

import pytest

from caravan.indicators.models import DataValue, Indicator, IndicatorValue
from tests.helpers import assert_refused

A = "/api/v1/indicators"
JSON = "application/json"


def test_definitions_list_and_detail(built, client_as, django_assert_num_queries):
    client = client_as(built.cast.analyst)
    client.get(f"{A}/")
    with django_assert_num_queries(7):
        body = client.get(f"{A}/?page_size=200").json()
    assert body["count"] == Indicator.objects.count() == 21
    first = body["items"][0]
    assert (first["code"], first["name"], first["factor"]) == ("agreements_active", "Active agreements", 1)
    Indicator.objects.create(code="mine", name="Mine", numerator="beds", network=built.cast.network)
    with django_assert_num_queries(7):
        assert client.get(f"{A}/?page_size=200").json()["count"] == 22
    assert client.get(f"{A}/doctors_per_10k").json()["denominator"] == "population"
    assert_refused(client_as, [built.cast.outsider], "get", f"{A}/mine")
    assert_refused(client_as, [None], "get", f"{A}/", anonymous_redirects=False)


def test_values_by_region_and_period(built, client_as, django_assert_num_queries):
    c = built.cast
    client = client_as(c.analyst)
    url = f"{A}/beds_per_10k/values?region=CN-QH&kind=year"
    client.get(url)
    with django_assert_num_queries(10):
        body = client.get(url).json()
    assert [(v["region"], v["period"], v["value"]) for v in body["items"]] == [
        ("CN-QH", "2023", 390.0), ("CN-QH", "2024", 312.0), ("CN-QH", "2025", 301.7)]
    every = client.get(f"{A}/beds_per_10k/values?period=2024").json()
    # Only the regions the analyst sees: Qinghai's subtree and Haidong, never Mazandaran or China.
    assert [v["region"] for v in every["items"]] == ["CN-HD", "CN-QH", "CN-QH-HB", "CN-QH-HB-GC"]
    with django_assert_num_queries(9):
        client.get(f"{A}/beds_per_10k/values?period=2025")
    zero = client_as(c.outsider).get(f"{A}/beds_per_10k/values?region=IR-MZ&period=2024").json()["items"][0]
    assert (zero["numerator"], zero["denominator"], zero["value"]) == (450.0, 0.0, None)
    programme = client_as(c.analyst).get(f"{A}/agreements_active/values?period=2024").json()["items"]
    assert [(v["programme"], v["value"]) for v in programme] == [("shandong-haibei", 1.0)]


def test_values_refusals_and_bad_input(built, client_as):
    c = built.cast
    assert_refused(client_as, [c.outsider], "get", f"{A}/beds_per_10k/values?region=CN-QH")
    assert_refused(client_as, [None], "get", f"{A}/beds_per_10k/values", anonymous_redirects=False)
    client = client_as(c.analyst)
    bad = client.get(f"{A}/beds_per_10k/values?period=2024-13")
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"period": ["“2024-13” is not a period: write 2024, 2024-Q2 or 2024-03."]}
    assert client.get(f"{A}/beds_per_10k/values?kind=decade").json()["fields"] == {
        "kind": ["Choose year, quarter or month."]}
    assert client.get(f"{A}/no_such/values").status_code == 404


def test_define_through_the_api(health, client_as):
    c = health.cast
    body = {"code": "beds_per_doctor", "name": "Beds per doctor", "numerator": "beds", "denominator": "doctorz"}
    bad = client_as(c.analyst).post(f"{A}/", body, content_type=JSON)
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"denominator": ["There is no source called “doctorz”."]}
    assert not Indicator.objects.filter(code="beds_per_doctor").exists()
    good = client_as(c.analyst).post(f"{A}/", {**body, "denominator": "doctors"}, content_type=JSON)
    assert good.status_code == 201 and good.json()["code"] == "beds_per_doctor"
    assert_refused(client_as, [c.clinician_a], "post", f"{A}/", {**body, "code": "x2"}, content_type=JSON)
    assert_refused(client_as, [None], "post", f"{A}/", {**body, "code": "x2"}, content_type=JSON,
                   anonymous_redirects=False)


CSV = "element,region,period,value\ninsured_visits,CN-QH,2024,1000\ninsured_visits,CN-QH,2024-13,5\n"


def test_import_through_the_api(health, client_as):
    client = client_as(health.cast.analyst)
    dry = client.post(f"{A}/data-values/import", {"csv": CSV, "dry_run": True}, content_type=JSON)
    assert dry.status_code == 200
    assert [r["errors"] for r in dry.json()["rows"]] == [
        [], ["“2024-13” is not a period: write 2024, 2024-Q2 or 2024-03."]]
    refused = client.post(f"{A}/data-values/import", {"csv": CSV}, content_type=JSON)
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"line 3": ["“2024-13” is not a period: write 2024, 2024-Q2 or 2024-03."]}
    assert not DataValue.objects.exists()
    good = CSV.splitlines()[0] + "\n" + CSV.splitlines()[1] + "\n"
    done = client.post(f"{A}/data-values/import", {"csv": good}, content_type=JSON)
    assert (done.status_code, done.json()["imported"]) == (201, 1)
    again = client.post(f"{A}/data-values/import", {"csv": good}, content_type=JSON)
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    assert client.post(f"{A}/data-values/import", {"csv": good, "replace": True}, content_type=JSON).status_code == 201
    assert DataValue.objects.count() == 1
    listed = client.get(f"{A}/data-values").json()
    assert [(v["region"], v["period"], v["status"]) for v in listed["items"]] == [("CN-QH", "2024", "pending")]
    assert client_as(health.cast.outsider).get(f"{A}/data-values").json()["count"] == 0


@pytest.mark.parametrize("user", ["clinician_a", "consultant_b"])
def test_import_refused_to_other_roles(health, client_as, user):
    assert_refused(client_as, [getattr(health.cast, user)], "post", f"{A}/data-values/import", {"csv": CSV},
                   content_type=JSON)
    assert not DataValue.objects.exists()
    assert not IndicatorValue.objects.exists()


def test_data_value_list_query_count(health, client_as, django_assert_num_queries):
    c = health.cast
    client = client_as(c.coordinator)
    DataValue.objects.create(element="insured_visits", region=c.qinghai, period="2023", value=1)
    client.get(f"{A}/data-values")
    with django_assert_num_queries(8):
        client.get(f"{A}/data-values")
    DataValue.objects.bulk_create([DataValue(element="insured_visits", region=c.haibei_region, period=str(y), value=y)
                                   for y in range(2010, 2020)])
    with django_assert_num_queries(8):
        assert client.get(f"{A}/data-values").json()["count"] == 11
