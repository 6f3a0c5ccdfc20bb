"""The agreements API at /api/v1/agreements/: values, query budgets, refusals and bad input."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caravan.partnerships import services, visit_services
from caravan.partnerships.models import Agreement, AgreementDocument, Commitment, Notification, Visit
from tests.helpers import assert_refused, audit_count

from .conftest import agreement_data, party, visit_data
from .test_services import PDF

A = "/api/v1/agreements"
JSON = "application/json"
# The session, the user, their memberships; the region, its organisations, the organisations above; the
# agreements and their parties.
NETWORK_QUERIES = 8
FORBIDDEN = {"code": "forbidden", "message": "You do not have permission to do this.", "fields": {}}
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


def invalid(code="invalid", **fields) -> dict:
    return {"code": code, "message": "Some fields are not valid.", "fields": fields}


def send(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data if data is not None else {}, content_type=JSON)


def body(cast, **overrides) -> dict:
    data = {
        "kind": "mou", "code": "TRI-2019", "title": "Tripartite cancer MoU", "start": "2019-09-03",
        "end": "2024-09-02", "scopes": ["continuing_education", "research"],
        "parties": [{"organisation": cast.haibei.pk, "role": "lead", "signatory_name": "Director Ma"},
                    {"organisation": cast.shandong.pk}, {"organisation": cast.gangcha_org.pk, "role": "recipient"}],
        "commitments": [{"metric": "visits", "target": 2, "period": "year"},
                        {"metric": "people_trained", "target": "40", "period": "term", "note": "Oncologists"}],
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- create and read


def test_create_a_tripartite_agreement_and_read_it_back(cast, client_as):
    response = send(client_as(cast.coordinator), "post", f"{A}/", body(cast))
    assert response.status_code == 201, response.json()
    data = response.json()
    agreement = Agreement.objects.get(code="TRI-2019")
    assert (data["id"], data["status"], data["status_label"], data["kind_label"]) == (
        agreement.pk, "draft", "Draft", "Memorandum of understanding")
    assert [(p["organisation"]["name"], p["role"], p["signatory_name"]) for p in data["parties"]] == [
        ("Haibei Health Commission", "lead", "Director Ma"),
        ("Shandong Provincial Health Commission", "partner", ""),
        ("Gangcha County People's Hospital", "recipient", ""),
    ]
    assert [(c["metric"], c["target"], c["period"], c["note"]) for c in data["commitments"]] == [
        ("visits", 2.0, "year", ""), ("people_trained", 40.0, "term", "Oncologists")]
    assert data["scopes"] == ["continuing_education", "research"]
    assert data["health"] == {"dormant": False, "expiring": False, "behind": False, "days_left": data["health"][
        "days_left"]}
    assert (data["predecessor"], data["successor"], data["documents"]) == (None, None, [])


@pytest.mark.parametrize(("overrides", "fields"), [
    ({"parties": "one"}, {"parties": ["An agreement needs at least two parties."]}),
    ({"parties": "twice"}, {"parties": ["Haibei Health Commission is listed more than once; each party appears once."]}),
    ({"end": "2019-01-01"}, {"end": ["The end date must be on or after the start date."]}),
    ({"commitments": [{"metric": "visits", "target": -1, "period": "year"}]},
     {"commitments.target": ["A commitment's target cannot be below zero."]}),
    ({"commitments": [{"metric": "selfies", "target": 1}]},
     {"commitments.metric": ["The metric “selfies” does not exist; choose one from the catalogue."]}),
])
def test_bad_input_is_refused_with_its_own_message(cast, client_as, overrides, fields):
    if overrides.get("parties") == "one":
        overrides["parties"] = [{"organisation": cast.haibei.pk}]
    elif overrides.get("parties") == "twice":
        overrides["parties"] = [{"organisation": cast.haibei.pk}, {"organisation": cast.haibei.pk}]
    before = audit_count()
    response = send(client_as(cast.coordinator), "post", f"{A}/", body(cast, **overrides))
    assert (response.status_code, response.json()) == (400, invalid(**fields))
    assert (Agreement.objects.count(), audit_count()) == (0, before)


def test_an_organisation_the_caller_cannot_see_is_unknown(cast, client_as):
    response = send(client_as(cast.coordinator), "post", f"{A}/", body(cast, parties=[
        {"organisation": cast.haibei.pk}, {"organisation": cast.mazandaran.pk}]))
    assert (response.status_code, response.json()) == (400, invalid(
        "unknown_reference", parties=[f"Unknown organisation: {cast.mazandaran.pk}."]))


def test_creating_is_refused_to_others(cast, client_as):
    assert_refused(client_as, [None], "post", f"{A}/", body(cast), anonymous_redirects=False, content_type=JSON)
    response = send(client_as(cast.analyst), "post", f"{A}/", body(cast))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert Agreement.objects.count() == 0


def test_the_list_is_scoped_and_its_queries_do_not_grow(cast, agreement, public_agreement, client_as,
                                                        django_assert_num_queries):
    client = client_as(cast.outsider)
    client.get(f"{A}/visits")
    with django_assert_num_queries(9):
        data = client.get(f"{A}/").json()
    assert (data["count"], [a["code"] for a in data["items"]]) == (1, ["MZ-GC-2024"])
    for i in range(10):
        services.agreement_create(by=cast.node_admin, data=agreement_data(
            cast, code=f"P-{i}", public=True, commitments=[{"metric": "visits", "target": 1, "period": "month"}]))
    # session, user, memberships, COUNT, page, parties, scopes, commitments, visits this month,
    # visits in the last 180 days.
    with django_assert_num_queries(10):
        data = client.get(f"{A}/?page_size=20").json()
    assert (data["count"], [len(a["progress"]) for a in data["items"]]) == (11, [0] + [1] * 10)


def test_a_hidden_agreement_is_404(cast, agreement, client_as):
    for url in (f"{A}/{agreement.pk}", f"{A}/{agreement.pk}/fulfilment"):
        response = client_as(cast.outsider).get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_filters(cast, agreement, public_agreement, client_as):
    client = client_as(cast.node_admin)
    assert [a["code"] for a in client.get(f"{A}/?scope=research").json()["items"]] == ["MZ-GC-2024"]
    assert [a["code"] for a in client.get(f"{A}/?q=shandong").json()["items"]] == ["SD-HB-2018"]
    response = client.get(f"{A}/?status=alive")
    assert response.status_code == 422


# ---------------------------------------------------------------- changes


def test_patch_transition_party_and_renew(cast, agreement, client_as, frozen_today):
    client = client_as(cast.coordinator)
    response = send(client, "patch", f"{A}/{agreement.pk}", {"title": "Renamed", "public": True})
    assert (response.status_code, response.json()["title"], response.json()["public"]) == (200, "Renamed", True)
    response = send(client, "post", f"{A}/{agreement.pk}/transition", {"to": "active"})
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["parties", "signed_on"]
    for p in agreement.parties.all():
        response = send(client, "patch", f"{A}/{agreement.pk}/parties/{p.pk}",
                        {"signatory_name": "Director", "signed": True})
        assert (response.status_code, response.json()["signed"]) == (200, True)
    response = send(client, "post", f"{A}/{agreement.pk}/transition", {"to": "active", "signed_on": "2018-05-10"})
    assert (response.status_code, response.json()["status"], response.json()["signed_on"]) == (
        200, "active", "2018-05-10")
    response = send(client, "post", f"{A}/{agreement.pk}/renew", {"code": "SD-HB-2028", "start": "2028-05-01"})
    assert (response.status_code, response.json()["predecessor"]["code"]) == (201, "SD-HB-2018")
    assert client.get(f"{A}/{agreement.pk}").json()["successor"]["code"] == "SD-HB-2028"
    response = send(client, "post", f"{A}/{agreement.pk}/transition", {"to": "terminated"})
    assert response.json() == invalid("transition",
                                      termination_reason=["Give the reason for terminating the agreement."])


def test_changes_are_refused_to_others(cast, agreement, client_as):
    for method, url, data in [("patch", f"{A}/{agreement.pk}", {"title": "x"}),
                              ("post", f"{A}/{agreement.pk}/transition", {"to": "terminated", "reason": "x"}),
                              ("post", f"{A}/{agreement.pk}/commitments", {"metric": "visits", "target": 1,
                                                                            "period": "month"})]:
        assert_refused(client_as, [None], method, url, data, anonymous_redirects=False, content_type=JSON)
        assert send(client_as(cast.analyst), method, url, data).json() == FORBIDDEN
        assert send(client_as(cast.outsider), method, url, data).json() == NOT_FOUND
    agreement.refresh_from_db()
    assert (agreement.title, agreement.status, agreement.commitments.count()) == (
        "Shandong–Haibei strategic agreement", "draft", 1)


def test_commitments(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    response = send(client, "post", f"{A}/{agreement.pk}/commitments", {"metric": "courses_held", "target": 3})
    assert (response.status_code, response.json()["metric_label"], response.json()["period"]) == (
        201, "Courses held", "year")
    cid = response.json()["id"]
    response = send(client, "patch", f"{A}/{agreement.pk}/commitments/{cid}", {"target": -4})
    assert response.json() == invalid(target=["A commitment's target cannot be below zero."])
    response = send(client, "post", f"{A}/{agreement.pk}/commitments", {"metric": "laughs", "target": 3})
    assert response.json() == invalid(metric=["The metric “laughs” does not exist; choose one from the catalogue."])
    assert client.delete(f"{A}/{agreement.pk}/commitments/{cid}").status_code == 204
    assert list(Commitment.objects.values_list("metric", flat=True)) == ["visits"]


def test_fulfilment_lists_periods_and_the_activities_behind_them(cast, agreement, client_as):
    visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement, start=date(2025, 3, 1),
                                                                      end=date(2025, 3, 2)))
    cid = agreement.commitments.get().pk
    data = client_as(cast.analyst).get(f"{A}/{agreement.pk}/fulfilment?commitment={cid}&period=2025").json()
    (report,) = data
    assert (report["counted"], report["selected_period"]) == (True, "2025")
    assert [(p["period"], p["actual"]) for p in report["periods"] if p["period"] in ("2025", "2024")] == [
        ("2025", 1.0), ("2024", 0.0)]
    assert [(a["day"], a["label"]) for a in report["activities"]] == [
        ("2025-03-01", "Visit: Shandong delegation to Haibei")]


# ---------------------------------------------------------------- documents


def test_documents_upload_list_download_and_refusals(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    response = client.post(f"{A}/{agreement.pk}/documents", {"language": "zh", "file": SimpleUploadedFile("m.pdf", PDF)})
    assert response.status_code == 201, response.json()
    document = AgreementDocument.objects.get()
    assert response.json()["url"] == f"{A}/{agreement.pk}/documents/{document.pk}/file"
    served = client_as(cast.analyst).get(response.json()["url"])
    assert (served.status_code, b"".join(served.streaming_content)) == (200, PDF)
    assert client_as(cast.outsider).get(response.json()["url"]).status_code == 404
    client = client_as(cast.coordinator)  # the test client is shared: sign the coordinator in again
    response = client.post(f"{A}/{agreement.pk}/documents", {"language": "en",
                                                             "file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\n")})
    assert response.json() == invalid(file=["Upload the signed text as a PDF or an image (PNG, JPEG or WebP)."])
    response = client_as(cast.analyst).post(f"{A}/{agreement.pk}/documents",
                                            {"language": "en", "file": SimpleUploadedFile("m.pdf", PDF)})
    assert response.json() == FORBIDDEN
    assert AgreementDocument.objects.count() == 1


# ---------------------------------------------------------------- network and notifications


def test_network(cast, agreement, public_agreement, client_as):
    data = client_as(cast.outsider).get(f"{A}/network").json()
    assert data == {
        "agreements": 1,
        "nodes": [{"id": cast.gangcha_org.pk, "name": "Gangcha County People's Hospital", "country": "",
                   "agreements": 1},
                  {"id": cast.mazandaran.pk, "name": "Mazandaran University of Medical Sciences", "country": "",
                   "agreements": 1}],
        "edges": [{"source": cast.mazandaran.pk, "target": cast.gangcha_org.pk, "count": 1,
                   "agreements": [{"id": public_agreement.pk, "code": "MZ-GC-2024",
                                   "title": "Mazandaran–Gangcha twinning", "status": "draft"}]}],
    }


@pytest.mark.parametrize("extra", [0, 5])
def test_the_network_of_a_province(cast, agreement, public_agreement, client_as, django_assert_num_queries, extra):
    for i in range(extra):
        services.agreement_create(by=cast.node_admin, data=agreement_data(
            cast, code=f"EXTRA-{i}", parties=[party(cast.haibei), party(cast.shandong)]))
    client = client_as(cast.coordinator)
    client.get(f"{A}/network")
    with django_assert_num_queries(NETWORK_QUERIES):
        data = client.get(f"{A}/network?region={cast.haibei_region.pk}").json()
    pairs = {(e["source"], e["target"]): [a["code"] for a in e["agreements"]] for e in data["edges"]}
    assert pairs == {
        (cast.haibei.pk, cast.shandong.pk): [*(f"EXTRA-{i}" for i in range(extra)), "SD-HB-2018"],
        (cast.mazandaran.pk, cast.gangcha_org.pk): ["MZ-GC-2024"],
    }
    assert data["agreements"] == 2 + extra
    assert client.get(f"{A}/network?region={cast.mazandaran_region.pk}&status=active").json()["edges"] == []
    assert client_as(None).get(f"{A}/network?region={cast.haibei_region.pk}").status_code == 401


def test_notifications(cast, agreement, client_as):
    Agreement.objects.filter(pk=agreement.pk).update(end=date(2027, 1, 1))
    agreement.refresh_from_db()
    note = Notification.objects.create(recipient=cast.coordinator, kind="expiring", agreement=agreement)
    client = client_as(cast.coordinator)
    data = client.get(f"{A}/notifications").json()
    assert [(n["id"], n["kind"], n["message"]) for n in data["items"]] == [
        (note.pk, "expiring", "The agreement SD-HB-2018, “Shandong–Haibei strategic agreement”, ends on 2027-01-01. "
                              "Decide with the other parties whether to renew it.")]
    assert send(client, "post", f"{A}/notifications/read", {}).json() == {"marked": 1}
    assert client_as(cast.outsider).get(f"{A}/notifications").json()["count"] == 0


# ---------------------------------------------------------------- visits


def visit_body(cast, agreement) -> dict:
    return {
        "title": "Tour of Shougang", "start": "2019-09-02", "end": "2019-09-03", "time_zone": "Asia/Shanghai",
        "language": "ru", "status": "held", "agreement": agreement.pk, "visiting": [cast.shandong.pk],
        "hosts": [cast.haibei.pk],
        "stops": [{"starts_at": "2019-09-02T09:00", "place": "Culture wall", "topic": "Hospital history"},
                  {"starts_at": "2019-09-02T10:00+08:00", "ends_at": "2019-09-02T11:00+08:00",
                   "facility": cast.gangcha.pk, "topic": "VIP clinic"}],
        "participants": [{"name": "Dr Bold", "position": "Director"}],
        "outcomes": [{"kind": "agreement_signed", "agreement": agreement.pk}],
    }


def test_a_visit_with_local_times_and_its_calendar(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    response = send(client, "post", f"{A}/visits", visit_body(cast, agreement))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert [(s["starts_at"], s["topic"]) for s in data["stops"]] == [
        ("2019-09-02T01:00:00Z", "Hospital history"), ("2019-09-02T02:00:00Z", "VIP clinic")]
    assert (data["outcomes"][0]["kind_label"], data["participants"][0]["side"]) == ("Agreement signed", "visiting")
    ics = client.get(f"{A}/visits/{data['id']}/calendar.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert ics.content.decode().count("BEGIN:VEVENT") == 3
    response = send(client, "patch", f"{A}/visits/{data['id']}", {"status": "cancelled"})
    assert response.json()["status_label"] == "Cancelled"
    assert client.get(f"{A}/visits/{data['id']}/calendar.ics").status_code == 404


def test_visit_bad_input_and_refusals(cast, agreement, visit, client_as):
    response = send(client_as(cast.coordinator), "post", f"{A}/visits",
                    {**visit_body(cast, agreement), "end": "2019-09-01", "stops": []})
    assert response.json() == invalid(end=["The last day must be on or after the first day."])
    assert Visit.objects.count() == 1
    for method, url, data in [("get", f"{A}/visits/{visit.pk}", None), ("patch", f"{A}/visits/{visit.pk}",
                                                                        {"title": "x"})]:
        assert_refused(client_as, [None], method, url, data, anonymous_redirects=False, content_type=JSON)
        assert send(client_as(cast.outsider), method, url, data).json() == NOT_FOUND
    assert send(client_as(cast.analyst), "patch", f"{A}/visits/{visit.pk}", {"title": "x"}).json() == FORBIDDEN
    assert client_as(cast.analyst).delete(f"{A}/visits/{visit.pk}/stops/1").json() == FORBIDDEN
    visit.refresh_from_db()
    assert visit.title == "Shandong delegation to Haibei"


def test_the_openapi_document_lists_the_agreement_endpoints(cast, client_as):
    paths = client_as(cast.coordinator).get("/api/v1/openapi.json").json()["paths"]
    mine = sorted(p for p in paths if p.startswith("/api/v1/agreements"))
    assert mine == sorted([
        "/api/v1/agreements/", "/api/v1/agreements/{agreement_id}", "/api/v1/agreements/{agreement_id}/transition",
        "/api/v1/agreements/{agreement_id}/renew", "/api/v1/agreements/{agreement_id}/parties/{party_id}",
        "/api/v1/agreements/{agreement_id}/fulfilment", "/api/v1/agreements/{agreement_id}/commitments",
        "/api/v1/agreements/{agreement_id}/commitments/{commitment_id}",
        "/api/v1/agreements/{agreement_id}/documents",
        "/api/v1/agreements/{agreement_id}/documents/{document_id}/file",
        "/api/v1/agreements/{agreement_id}/documents/{document_id}", "/api/v1/agreements/network",
        "/api/v1/agreements/notifications", "/api/v1/agreements/notifications/read", "/api/v1/agreements/visits",
        "/api/v1/agreements/visits/calendar.ics", "/api/v1/agreements/visits/{visit_id}",
        "/api/v1/agreements/visits/{visit_id}/stops", "/api/v1/agreements/visits/{visit_id}/participants",
        "/api/v1/agreements/visits/{visit_id}/outcomes", "/api/v1/agreements/visits/{visit_id}/{item}/{item_id}",
        "/api/v1/agreements/visits/{visit_id}/calendar.ics",
    ])


# ---------------------------------------------------------------- deletion


def test_a_draft_is_deleted_through_the_api_and_a_signed_one_is_refused(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    signed = services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code="SIGNED"))
    Agreement.objects.filter(pk=signed.pk).update(status="signed", signed_on=date(2018, 5, 10))
    before = audit_count()
    response = client.delete(f"{A}/{signed.pk}")
    assert (response.status_code, response.json()) == (400, invalid(
        "not_deletable", status=["Only a draft can be deleted; terminate a signed agreement instead."]))
    assert audit_count() == before
    for method, user, expected in [("delete", cast.analyst, FORBIDDEN), ("delete", cast.outsider, NOT_FOUND)]:
        assert send(client_as(user), method, f"{A}/{agreement.pk}").json() == expected
    assert_refused(client_as, [None], "delete", f"{A}/{agreement.pk}", anonymous_redirects=False)
    response = client_as(cast.coordinator).delete(f"{A}/{agreement.pk}")
    assert response.status_code == 204
    assert list(Agreement.objects.values_list("code", flat=True)) == ["SIGNED"]
    assert audit_count() == before + 1
    assert client_as(cast.coordinator).get(f"{A}/{agreement.pk}").status_code == 404
