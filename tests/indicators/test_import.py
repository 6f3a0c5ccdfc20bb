"""Bulk CSV import of data values: preview with row-level errors, all rows or none, replace when asked."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caravan.indicators.models import DataValue
from tests.helpers import assert_refused

URL = "indicators:data_value_import"
GOOD = "element,region,period,value\ninsured_visits,CN-QH,2024,1000\ninsured_visits,CN-QH-HB,2024-Q2,250.5\n"
BAD = (
    "element,region,period,value\n"
    "insured_visits,CN-QH,2024,1000\n"
    "insured_visits,IR-MZ,2024,5\n"  # another network's region: as if it did not exist
    "insured_visits,CN-QH,2024-13,5\n"
    "insured_visits,CN-QH,2023,lots\n"
    "visits_by_bus,CN-QH,2023,4\n"
    "insured_visits,CN-QH,2024,1001\n"  # the same region and period twice
    "insured_visits,CN-HD,2026,3\n"  # Haidong was merged in 2025
)


def _upload(text):
    return SimpleUploadedFile("values.csv", text.encode(), content_type="text/csv")


def test_preview_then_import_every_row(health, client_as):
    client = client_as(health.cast.analyst)
    preview = client.post(reverse(URL), {"file": _upload(GOOD)})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert [(r.line, r.errors, r.replaces) for r in result.rows] == [(2, [], None), (3, [], None)]
    assert not DataValue.objects.exists()
    done = client.post(reverse(URL), {"text": GOOD, "confirm": "1"})
    assert done.status_code == 302
    assert sorted(DataValue.objects.values_list("region__code", "period", "value", "status")) == [
        ("CN-QH", "2024", 1000.0, "pending"), ("CN-QH-HB", "2024-Q2", 250.5, "pending")]


def test_each_bad_row_is_named_and_nothing_is_imported(health, client_as):
    client = client_as(health.cast.analyst)
    preview = client.post(reverse(URL), {"file": _upload(BAD)})
    errors = {r.line: r.errors for r in preview.context["result"].rows}
    assert errors == {
        2: [],
        3: ["There is no region with the code “IR-MZ”."],
        4: ["“2024-13” is not a period: write 2024, 2024-Q2 or 2024-03."],
        5: ["“lots” is not a number."],
        6: ["There is no data element called “visits_by_bus”."],
        7: ["Line 2 already gives this region and period."],
        8: ["Haidong did not exist in 2026."],
    }
    assert "Correct the file" in preview.content.decode()
    forced = client.post(reverse(URL), {"text": BAD, "confirm": "1"})
    assert forced.status_code == 400
    assert forced.context["form"].errors["file"] == ["6 rows have errors; nothing was imported."]
    assert not DataValue.objects.exists()


def test_a_value_already_recorded_is_replaced_only_when_asked(health, client_as):
    c = health.cast
    DataValue.objects.create(element="insured_visits", region=c.qinghai, period="2024", value=7, status="approved")
    client = client_as(c.analyst)
    preview = client.post(reverse(URL), {"file": _upload(GOOD)})
    assert [r.replaces for r in preview.context["result"].rows] == [7.0, None]
    asked = client.post(reverse(URL), {"text": GOOD, "confirm": "1"})
    assert asked.status_code == 400
    assert asked.context["form"].errors["replace"] == [
        "1 rows already have a value for that region and period: replace them?"]
    assert DataValue.objects.count() == 1 and DataValue.objects.get().value == 7.0
    assert client.post(reverse(URL), {"text": GOOD, "confirm": "1", "replace": "on"}).status_code == 302
    assert sorted(DataValue.objects.values_list("period", "value", "status")) == [
        ("2024", 1000.0, "pending"), ("2024-Q2", 250.5, "pending")]


def test_a_file_without_the_columns(health, client_as):
    response = client_as(health.cast.analyst).post(reverse(URL), {"file": _upload("a,b\n1,2\n")})
    assert response.context["result"].file_errors == [
        "The file needs the columns element, region, period, value; missing: element, region, period, value."]


def test_import_refused_to_other_roles_and_anonymous(health, client_as):
    c = health.cast
    assert_refused(client_as, [None, c.clinician_a, c.consultant_b], "post", reverse(URL),
                   {"text": GOOD, "confirm": "1"})
    assert not DataValue.objects.exists()


def test_preview_query_count_does_not_grow_with_rows(health, client_as, django_assert_num_queries):
    client = client_as(health.cast.analyst)
    client.post(reverse(URL), {"file": _upload(GOOD)})
    with django_assert_num_queries(9):
        client.post(reverse(URL), {"file": _upload(GOOD)})
    many = "element,region,period,value\n" + "".join(f"insured_visits,CN-QH,{y},{y}\n" for y in range(1950, 2030))
    with django_assert_num_queries(9):
        client.post(reverse(URL), {"file": _upload(many)})
