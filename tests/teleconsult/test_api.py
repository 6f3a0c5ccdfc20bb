"""The teleconsultation API at /api/v1/teleconsult/: values, query budgets, refusals and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caravan.teleconsult.models import Attachment, Case, Report
from tests.helpers import assert_refused

from .conftest import ACCEPTANCE, open_case

T = "/api/v1/teleconsult"
JSON = "application/json"
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}

pytestmark = pytest.mark.django_db


def payload(cast, tele, **change):
    return {"agreement": tele.agreement.pk, "facility": cast.gangcha.pk, "patient_local_id": "GC-9",
            "patient_age": 70, "patient_sex": "male", "question": "Wide QRS tachycardia?", "specialty": "cardiology",
            "urgency": "emergency", **change}


def test_open_a_case_over_the_api(cast, tele, client_as):
    response = client_as(cast.clinician_a).post(f"{T}/cases", payload(cast, tele), content_type=JSON)
    assert response.status_code == 201
    case = Case.objects.get()
    body = response.json()
    assert {k: body[k] for k in ("id", "reference", "specialty", "urgency", "status", "assigned_to", "patient_age")} == {
        "id": case.pk, "reference": f"TC-{case.pk}", "specialty": "cardiology", "urgency": "emergency",
        "status": "assigned", "assigned_to": "consultant_b", "patient_age": 70}
    assert "patient_local_id" not in body and "patient_key" not in body


@pytest.mark.parametrize(("change", "fields"), [
    ({"question": ""}, {"question": ["Say what you want the consultant to answer."]}),
    ({"specialty": ""}, {"specialty": ["Choose the specialty you want to consult."]}),
    ({"specialty": "astrology"}, {"specialty": ["“astrology” is not a specialty."]}),
    ({"urgency": "later"}, {"urgency": ["There is no urgency “later”; choose one of: emergency, urgent, routine."]}),
])
def test_bad_cases_are_refused(cast, tele, client_as, change, fields):
    response = client_as(cast.clinician_a).post(f"{T}/cases", payload(cast, tele, **change), content_type=JSON)
    assert (response.status_code, response.json()["fields"]) == (400, fields)
    assert Case.objects.count() == 0


def test_the_list_costs_the_same_at_two_sizes(cast, tele, client_as, django_assert_num_queries):
    open_case(cast, tele)
    client = client_as(cast.coordinator)
    client.get(f"{T}/cases")
    with django_assert_num_queries(5):
        assert client.get(f"{T}/cases").json()["count"] == 1
    for _ in range(4):
        open_case(cast, tele)
    with django_assert_num_queries(5):
        assert client.get(f"{T}/cases").json()["count"] == 5


def test_refusals(cast, tele, client_as):
    case = open_case(cast, tele)
    others = [None, cast.analyst, cast.outsider]
    assert_refused(client_as, others, "get", f"{T}/cases/{case.pk}", anonymous_redirects=False)
    assert_refused(client_as, [None, cast.analyst], "get", f"{T}/cases", anonymous_redirects=False)
    assert client_as(cast.outsider).get(f"{T}/cases").json()["count"] == 0
    assert_refused(client_as, [None, cast.analyst], "post", f"{T}/cases", payload(cast, tele),
                   anonymous_redirects=False, content_type=JSON)
    response = client_as(cast.outsider).post(f"{T}/cases", payload(cast, tele), content_type=JSON)
    assert (response.status_code, response.json()["fields"]) == (
        400, {"facility": ["You do not open cases for this facility."]})
    assert Case.objects.count() == 1
    for path, data in [("assign", {"consultant": cast.consultant_b.pk}), ("review", {}), ("return", {"reason": "x"}),
                       ("confirm", {}), ("reports", {"impression": "x"})]:
        assert_refused(client_as, [*others, _user_backup(tele)], "post", f"{T}/cases/{case.pk}/{path}", data,
                       anonymous_redirects=False, content_type=JSON)
    assert Case.objects.values_list("status", flat=True).get() == "assigned"
    assert Report.objects.count() == 0
    response = client_as(cast.outsider).get(f"{T}/cases/{case.pk}")
    assert response.json() == NOT_FOUND


def _user_backup(tele):
    return tele.backup


def test_a_report_by_someone_not_assigned_is_forbidden(cast, tele, client_as):
    case = open_case(cast, tele)
    response = client_as(cast.coordinator).post(f"{T}/cases/{case.pk}/reports", {"impression": "x"},
                                                content_type=JSON)
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_review_report_confirm(cast, tele, client_as):
    case = open_case(cast, tele)
    consultant = client_as(cast.consultant_b)
    assert consultant.post(f"{T}/cases/{case.pk}/review").json()["status"] == "in_review"
    response = consultant.post(f"{T}/cases/{case.pk}/reports", {"findings": "VT", "impression": "Ventricular tachycardia",
                                                                "recommendation": "Cardiovert"}, content_type=JSON)
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("version", "kind", "signed_by")} == {
        "version": 1, "kind": "report", "signed_by": "consultant_b"}
    requester = client_as(cast.clinician_a)
    assert [r["impression"] for r in requester.get(f"{T}/cases/{case.pk}/reports").json()] == ["Ventricular tachycardia"]
    assert requester.post(f"{T}/cases/{case.pk}/confirm").json()["status"] == "closed"


def test_attachments_over_the_api(cast, tele, client_as):
    case = open_case(cast, tele)
    client = client_as(cast.clinician_a)
    files = [SimpleUploadedFile(n, (ACCEPTANCE / "wfdb" / n).read_bytes()) for n in ("test01_00s.hea", "test01_00s.dat")]
    response = client.post(f"{T}/cases/{case.pk}/attachments", {"files": files})
    assert response.status_code == 201
    assert response.json()["meta"]["leads"] == ["ECG 1", "ECG 2", "ECG 3", "ECG 4"]
    bad = client.post(f"{T}/cases/{case.pk}/attachments",
                      {"files": [SimpleUploadedFile("e.dcm", b"")]})
    assert (bad.status_code, bad.json()["fields"]) == (400, {"file": ["The file is empty."]})
    assert [a["name"] for a in client.get(f"{T}/cases/{case.pk}/attachments").json()] == ["test01_00s.zip"]
    assert Attachment.objects.count() == 1
