"""The training API at /api/v1/training/: values, refusals, bad input, query budgets, the public verification."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from caravan.partnerships.models import Agreement, AgreementParty
from caravan.training import certificates, codes, mentoring, services
from caravan.training.models import Attendance, CasePresentation, Course, Enrolment, Session
from tests.helpers import assert_refused, audit_count

pytestmark = pytest.mark.django_db

T = "/api/v1/training"
JSON = "application/json"
FORBIDDEN = {"code": "forbidden", "message": "You do not have permission to do this.", "fields": {}}
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def own_client(user) -> Client:
    """A client of its own (client_as shares one client, so two users at once need this)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def send(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data if data is not None else {}, content_type=JSON)


def invalid(code: str, **fields) -> dict:
    return {"code": code, "message": "Some fields are not valid.", "fields": fields}


# ---------------------------------------------------------------- courses


def test_the_course_list_shape_and_budget(course_setup, client_as, cast, django_assert_num_queries):
    client = client_as(cast.analyst)
    client.get(f"{T}/courses")
    with django_assert_num_queries(6):  # session, user, memberships, networks, then the count and the page
        body = client.get(f"{T}/courses?page_size=10").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item == {
        "id": course_setup.course.pk, "title": "Infection control in district hospitals", "title_local": "县级医院感染控制",
        "provider": {"id": cast.haibei.pk, "name": "Haibei Health Commission"}, "agreement": None,
        "specialty": "infectious_diseases", "mode": "online", "mode_label": "Online", "language": "zh",
        "cme_credits": "4.0", "session_count": 3, "first_session": "2024-03-05T07:00:00Z",
        "last_session": "2099-01-10T06:00:00Z",
    }
    assert client_as(cast.outsider).get(f"{T}/courses").json()["count"] == 0


def test_the_course_detail_gives_each_session_in_utc_and_on_its_own_clocks(course_setup, client_as, cast):
    body = client_as(cast.consultant_b).get(f"{T}/courses/{course_setup.course.pk}").json()
    assert body["can_manage"] is False
    assert body["partners"] == [{"id": cast.gangcha_org.pk, "name": "Gangcha County People's Hospital"}]
    second = body["sessions"][1]
    assert second == {
        "id": course_setup.second.pk, "course": course_setup.course.pk, "title": "Isolation rooms", "title_local": "",
        "starts_at": "2024-03-12T07:00:00Z", "ends_at": "2024-03-12T09:00:00Z", "duration_minutes": 120,
        "time_zone": "Europe/Moscow", "place": "", "status": "planned",
        "local": {"time_zone": "Europe/Moscow", "day": "2024-03-12", "start": "10:00:00", "end": "12:00:00",
                  "offset": "UTC+03:00"},
    }
    assert client_as(cast.outsider).get(f"{T}/courses/{course_setup.course.pk}").json() == NOT_FOUND


def test_creating_a_course_reports_each_bad_field(cast, client_as):
    client = client_as(cast.coordinator)
    before = (Course.objects.count(), audit_count())
    response = send(client, "post", f"{T}/courses", {
        "title": "Oncology simulation", "provider": cast.haibei.pk, "cme_credits": "-1", "mode": "simulation"})
    assert (response.status_code, response.json()) == (400, invalid(
        "negative_cme_credits", cme_credits=["CME credits cannot be below zero."]))
    response = send(client, "post", f"{T}/courses", {
        "title": "Oncology simulation", "provider": cast.mazandaran.pk, "agreement": 999, "specialty": "alchemy"})
    assert (response.status_code, response.json()) == (400, {
        "code": "unknown_reference", "message": "Some fields are not valid.",
        "fields": {"provider": ["Unknown organisation."]}})
    response = send(client, "post", f"{T}/courses", {"title": "x", "provider": cast.haibei.pk, "mode": "hybrid"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["mode"]
    assert (Course.objects.count(), audit_count()) == before
    response = send(client, "post", f"{T}/courses", {
        "title": "Oncology simulation", "provider": cast.haibei.pk, "mode": "simulation", "cme_credits": "2",
        "partners": [cast.gangcha_org.pk], "specialty": "oncology"})
    assert response.status_code == 201
    assert (response.json()["specialty"], response.json()["can_manage"]) == ("oncology", True)


def test_an_agreement_is_shown_only_to_those_who_see_it(course_setup, client_as, cast):
    agreement = Agreement.objects.create(code="SD-HB", title="Shandong–Haibei", start=date(2018, 5, 1))
    AgreementParty.objects.create(agreement=agreement, organisation=cast.haibei)
    response = send(client_as(cast.coordinator), "patch", f"{T}/courses/{course_setup.course.pk}",
                    {"agreement": agreement.pk})
    assert response.json()["agreement"] == {"id": agreement.pk, "code": "SD-HB", "title": "Shandong–Haibei"}
    # Liaocheng is no party to it and the agreement is not public.
    assert client_as(cast.consultant_b).get(f"{T}/courses/{course_setup.course.pk}").json()["agreement"] is None


def test_course_writes_are_refused_to_others(course_setup, client_as, cast):
    url = f"{T}/courses/{course_setup.course.pk}"
    assert_refused(client_as, [None], "patch", url, {"title": "x"}, anonymous_redirects=False, content_type=JSON)
    for user in (cast.analyst, cast.clinician_a, cast.consultant_b):
        response = send(client_as(user), "patch", url, {"title": "x"})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert send(client_as(cast.outsider), "patch", url, {"title": "x"}).json() == NOT_FOUND
    assert_refused(client_as, [cast.analyst, cast.clinician_a], "post", f"{T}/courses",
                   {"title": "x", "provider": cast.haibei.pk}, content_type=JSON)
    assert Course.objects.get(pk=course_setup.course.pk).title == "Infection control in district hospitals"


# ---------------------------------------------------------------- sessions, attendance, results


def test_a_session_in_local_time_or_by_duration(course_setup, client_as, cast):
    client = client_as(cast.coordinator)
    url = f"{T}/courses/{course_setup.course.pk}/sessions"
    response = send(client, "post", url, {"title": "Online seminar", "starts_at": "2020-07-20T10:00:00",
                                          "duration_minutes": 90, "time_zone": "Europe/Moscow"})
    assert response.status_code == 201
    assert (response.json()["starts_at"], response.json()["ends_at"]) == ("2020-07-20T07:00:00Z",
                                                                          "2020-07-20T08:30:00Z")
    response = send(client, "post", url, {"title": "Back", "starts_at": "2020-07-20T10:00:00+03:00",
                                          "ends_at": "2020-07-20T09:00:00+03:00", "time_zone": "Europe/Moscow"})
    assert response.json() == invalid("end_before_start", ends_at=["The session ends before it starts."])
    response = send(client, "post", url, {"title": "Astana", "starts_at": "2020-07-20T10:00:00+06:00",
                                          "duration_minutes": 60, "time_zone": "Asia/Nur-Sultan-City"})
    assert response.json() == invalid("unknown_time_zone", time_zone=[
        "Unknown time zone: Asia/Nur-Sultan-City. Use a name such as Europe/Moscow or Asia/Almaty."])
    assert Session.objects.filter(course=course_setup.course).count() == 4
    response = send(client, "patch", f"{T}/sessions/{course_setup.second.pk}", {"status": "cancelled"})
    assert response.json()["status"] == "cancelled"


def test_attendance_refuses_a_participant_of_another_course(course_setup, client_as, cast):
    s = course_setup
    other = services.course_create(by=cast.coordinator, data={"title": "Other", "provider": cast.haibei,
                                                              "mode": "online", "language": "zh", "cme_credits": 0})
    stranger = services.enrolment_create(by=cast.coordinator, course=other, data={"name": "Li Wei"})
    client = client_as(cast.coordinator)
    url = f"{T}/sessions/{s.first.pk}/attendance"
    response = send(client, "put", url, {"entries": [{"enrolment": stranger.pk, "present": True}]})
    assert response.json() == invalid("wrong_course", enrolment=[
        "Li Wei is enrolled in another course, not in the course of this session."])
    response = send(client, "put", url, {"entries": [{"enrolment": 99999}]})
    assert response.json() == {"code": "unknown_reference", "message": "Some fields are not valid.",
                               "fields": {"enrolment": ["Unknown participant: 99999."]}}
    assert Attendance.objects.count() == 0
    response = send(client, "put", url, {"entries": [{"enrolment": s.clinician.pk}, {"enrolment": s.doctor.pk,
                                                                                     "present": False}]})
    assert response.json() == [{"enrolment": s.clinician.pk, "present": True},
                               {"enrolment": s.doctor.pk, "present": False}]
    for user in (cast.clinician_a, cast.analyst):
        assert send(client_as(user), "put", url, {"entries": [{"enrolment": s.clinician.pk}]}).json() == FORBIDDEN
    assert send(client_as(cast.outsider), "put", url, {"entries": [{"enrolment": s.clinician.pk}]}).json() == (
        NOT_FOUND)


def test_enrolment_results_and_certificates(course_setup, client_as, cast):
    s = course_setup
    client = own_client(cast.coordinator)
    url = f"{T}/courses/{s.course.pk}/enrolments"
    response = send(client, "post", url, {"practitioner": cast.doctor_b.pk})
    assert response.json() == invalid("already_enrolled", practitioner=[
        "This person is already enrolled in this course."])
    response = send(client, "post", url, {"name": "Ma Lin", "facility": cast.gangcha.pk, "username": "analyst"})
    assert response.status_code == 201
    assert (response.json()["name"], response.json()["facility"]["code"], response.json()["certificate"]) == (
        "Ma Lin", "CN-GC-01", None)
    assert client.get(url).json()["count"] == 3
    assert own_client(cast.clinician_a).get(url).json() == FORBIDDEN

    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.doctor, True)])
    base = f"{T}/enrolments/{s.doctor.pk}"
    assert send(client, "post", f"{base}/assessment", {"score": "59"}).json()["passed"] is False
    assert send(client, "post", f"{base}/completion", {}).json() == invalid("not_passed", passed=[
        "The participant has not passed the assessment."])
    assert send(client, "post", f"{base}/assessment", {"score": "60"}).json()["passed"] is True
    done = send(client, "post", f"{base}/completion", {"on": "2024-03-20"}).json()
    assert (done["status"], done["completed_on"], done["attended"]) == ("completed", "2024-03-20", 1)
    issued = send(client, "post", f"{base}/certificates", {})
    assert issued.status_code == 201
    certificate = issued.json()
    assert (len(certificate["code"]), certificate["revoked"]) == (12, False)
    assert send(own_client(cast.clinician_a), "post", f"{base}/certificates", {}).json() == NOT_FOUND
    revoked = send(client, "post", f"{T}/certificates/{certificate['id']}/revocation", {"reason": "Duplicate."})
    assert revoked.json()["revoked"] is True


def test_my_enrolments(course_setup, client_as, cast):
    body = client_as(cast.clinician_a).get(f"{T}/me/enrolments").json()
    assert [(e["name"], e["status"]) for e in body["items"]] == [("才让卓玛", "enrolled")]
    assert client_as(cast.analyst).get(f"{T}/me/enrolments").json()["count"] == 0


def test_the_calendar_endpoint(course_setup, client_as, cast):
    response = client_as(cast.analyst).get(f"{T}/courses/{course_setup.course.pk}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.decode().count("BEGIN:VEVENT") == 3


# ---------------------------------------------------------------- public verification


def test_verification_is_public_and_an_unknown_code_says_so(course_setup, client, cast):
    s = course_setup
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.clinician, True)])
    services.enrolment_assess(by=cast.coordinator, enrolment=s.clinician, score=70)
    services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician)
    certificate = certificates.certificate_issue(by=cast.coordinator, enrolment=s.clinician,
                                                 valid_until=date(2099, 1, 1))
    body = client.get(f"{T}/certificates/verify/{codes.display(certificate.code)}").json()
    assert body == {"code": codes.display(certificate.code), "holder_name": "才让卓玛 (Cairang Zhuoma)",
                    "course_title": "Infection control in district hospitals",
                    "issued_on": certificate.issued_on.isoformat(), "valid_until": "2099-01-01", "state": "valid"}
    for code in ("2345-6789-ABCD", "nonsense"):
        response = client.get(f"{T}/certificates/verify/{code}")
        assert (response.status_code, response.json()) == (404, {
            "code": "not_found", "message": "No certificate has this code. Check the code and try again.",
            "fields": {}})


def test_verification_through_the_api_is_limited_too(client, settings):
    settings.CARAVAN_CERTIFICATE_LOOKUPS_PER_MINUTE = 2
    statuses = [client.get(f"{T}/certificates/verify/2345-6789-ABCD").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    response = client.get(f"{T}/certificates/verify/2345-6789-ABCD")
    assert (response.json()["code"], response["Retry-After"]) == ("rate_limited", "60")


# ---------------------------------------------------------------- tele-mentoring


def test_series_cases_and_attendance_through_the_api(series_setup, client_as, cast):
    m = series_setup
    hub = own_client(cast.coordinator)
    body = hub.get(f"{T}/series/{m.series.pk}").json()
    assert ([s["code"] for s in body["spokes"]], body["can_manage"], len(body["sessions"])) == (
        ["CN-GC-01", "CN-MY-01"], True, 2)
    spoke = own_client(m.menyuan_clinician)
    url = f"{T}/mentoring-sessions/{m.past.pk}/presentations"
    response = send(spoke, "post", url, {"site": m.menyuan.pk, "title": "PPH", "summary": "MRN 8812345, PPH 1.2 L"})
    assert response.json() == invalid("identifier", summary=[
        "This looks like a medical record number (“MRN 8812345”). Remove it: the case is shown to other sites."])
    response = send(spoke, "post", url, {"site": m.menyuan.pk, "title": "PPH", "summary": "G2P2, PPH 1.2 L."})
    assert (response.status_code, response.json()["status"]) == (201, "submitted")
    case_id = response.json()["id"]
    assert own_client(cast.clinician_a).get(f"{T}/mentoring-sessions/{m.past.pk}").json()["presentations"] == []
    assert send(spoke, "post", f"{T}/presentations/{case_id}/review", {"approve": True}).json() == FORBIDDEN
    assert send(hub, "post", f"{T}/presentations/{case_id}/review", {"approve": True}).json()["status"] == "approved"
    seen = own_client(cast.clinician_a).get(f"{T}/mentoring-sessions/{m.past.pk}").json()
    assert [p["title"] for p in seen["presentations"]] == ["PPH"]
    assert CasePresentation.objects.get().status == "approved"

    response = send(own_client(m.menyuan_coordinator), "put",
                    f"{T}/mentoring-sessions/{m.past.pk}/attendance/{m.menyuan.pk}", {"head_count": 9})
    assert response.json() == {"site": {"id": m.menyuan.pk, "code": "CN-MY-01",
                                        "name": "Menyuan County People's Hospital"}, "hub": False, "head_count": 9}
    response = send(own_client(m.menyuan_coordinator), "put",
                    f"{T}/mentoring-sessions/{m.past.pk}/attendance/{cast.gangcha.pk}", {"head_count": 9})
    assert response.json() == FORBIDDEN
    detail = hub.get(f"{T}/mentoring-sessions/{m.past.pk}").json()
    assert [(a["site"]["code"], a["hub"], a["head_count"]) for a in detail["attendance"]] == [
        ("CN-HB-FPH", True, None), ("CN-GC-01", False, None), ("CN-MY-01", False, 9)]
    assert detail["status"] == "held"
    assert own_client(cast.outsider).get(f"{T}/series/{m.series.pk}").json() == NOT_FOUND


def test_a_series_with_the_hub_among_its_spokes_is_refused(series_setup, client_as, cast):
    m = series_setup
    response = send(client_as(cast.coordinator), "post", f"{T}/series", {
        "title": "Paediatrics", "hub": m.hub.pk, "spokes": [m.hub.pk, m.menyuan.pk], "time_zone": "Asia/Shanghai"})
    assert response.json() == invalid("hub_is_spoke", spokes=["The hub cannot also be one of its spokes."])
    response = send(client_as(cast.coordinator), "post", f"{T}/series/{m.series.pk}/sessions", {
        "lecture_title": "Neonatal resuscitation", "starts_at": "2024-06-01T09:00:00", "duration_minutes": 60})
    assert (response.status_code, response.json()["starts_at"], response.json()["time_zone"]) == (
        201, "2024-06-01T01:00:00Z", "Asia/Shanghai")
    assert Enrolment.objects.count() == 0
    assert mentoring is not None
