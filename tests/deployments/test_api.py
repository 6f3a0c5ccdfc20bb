"""The deployments API at /api/v1/deployments/: values, query budgets, refusals and bad input."""

from datetime import date

from caravan.deployments import fetch, services
from caravan.deployments.models import (
    AffectedRegion,
    Candidate,
    DailyReport,
    Emergency,
    Need,
    Posting,
    TeamMember,
)
from tests.helpers import assert_refused, audit_count

from .conftest import candidate, practitioner

A = "/api/v1/deployments"
JSON = "application/json"


def send(client, method, url, data=None):
    return getattr(client, method)(url, data if data is not None else {}, content_type=JSON)


def _warm(client):
    client.get(f"{A}/programmes/")  # the session's first request has its own costs
    return client


def test_programme_list_and_detail(cast, aid, client_as, django_assert_num_queries):
    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(5):
        response = client.get(f"{A}/programmes/")
    assert response.json() == {"count": 1, "page": 1, "page_size": 25, "items": [{
        "id": aid.programme.pk, "code": "sd-hb", "name": "Shandong → Haibei", "sending_organisation": cast.shandong.pk,
        "receiving_organisation": cast.haibei.pk, "agreement": None, "team_min": 1, "team_max": 15}]}
    response = client.get(f"{A}/programmes/{aid.programme.pk}")
    assert response.json()["batches"] == [{"id": aid.batch.pk, "number": 1, "start": "2025-12-01",
                                           "end": "2026-11-30"}]


def test_candidates_list_at_two_sizes_and_create(cast, aid, client_as, django_assert_num_queries):
    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(6):
        response = client.get(f"{A}/programmes/{aid.programme.pk}/candidates/?status=approved")
    assert [c["name"] for c in response.json()["items"]] == [
        "Liang Lijun", "Sun Ying", "Wang Lipeng", "Zhao Liling", "Zhou Defang"]
    for i in range(3):
        candidate(aid.programme, cast.liaocheng_org, f"Extra {i}", "surgeon")
    with django_assert_num_queries(6):
        response = client.get(f"{A}/programmes/{aid.programme.pk}/candidates/")
    assert response.json()["count"] == 8
    person = practitioner(cast.liaocheng_org, "Ma Li")
    response = send(client, "post", f"{A}/programmes/{aid.programme.pk}/candidates/", {
        "practitioner": person.pk, "roles": ["surgeon"], "city": "Liaocheng",
        "windows": [{"start": "2025-01-01", "end": "2027-01-01"}]})
    assert response.status_code == 201, response.json()
    assert (response.json()["roles"], response.json()["alumni"]) == (["surgeon"], False)


def test_bad_input_names_the_field(cast, aid, client_as):
    client = client_as(cast.coordinator)
    before = (Candidate.objects.count(), Need.objects.count(), audit_count())
    person = practitioner(cast.liaocheng_org, "Ma Li")
    response = send(client, "post", f"{A}/programmes/{aid.programme.pk}/candidates/", {
        "practitioner": person.pk, "roles": ["surgeon"], "city": "Liaocheng",
        "windows": [{"start": "2027-01-01", "end": "2025-01-01"}]})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "windows": ["The end date is before the start date."]})
    response = send(client, "post", f"{A}/programmes/{aid.programme.pk}/candidates/", {
        "practitioner": cast.doctor_outside.pk, "roles": ["surgeon"], "city": "Sari"})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "practitioner": [f"Unknown reference: {cast.doctor_outside.pk}."]})
    response = send(client, "post", f"{A}/batches/{aid.batch.pk}/needs/", {
        "facility": cast.gangcha.pk, "title": "Eye", "roles": []})
    assert (response.status_code, response.json()["fields"]) == (400, {"roles": ["Name at least one role."]})
    response = send(client, "post", f"{A}/batches/{aid.batch.pk}/needs/", {
        "facility": cast.sari.pk, "title": "Eye", "roles": ["ophthalmologist"]})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "facility": [f"Unknown reference: {cast.sari.pk}."]})
    assert (Candidate.objects.count(), Need.objects.count(), audit_count()) == (before[0], before[1], before[2])


def test_compose_pin_exclude_and_accept(cast, aid, client_as):
    client = client_as(cast.coordinator)
    response = send(client, "post", f"{A}/batches/{aid.batch.pk}/compose", {"exclusions": [aid.cardiologist.pk]})
    data = response.json()
    assert (data["status"], data["proved_optimal"], data["gap"], data["covered_priority"]) == ("optimal", True, 0.0, 5)
    assert data["uncovered"] == [{"need": aid.cardiology.pk, "code": "no_role",
                                  "reason": "no available cardiologist in the pool for 2025-2026"}]
    assert sorted(data["team"]) == sorted([aid.obstetrician.pk, aid.anaesthetist.pk, aid.sonographer.pk])
    response = send(client, "post", f"{A}/batches/{aid.batch.pk}/compose", {"pins": [aid.late_sonographer.pk]})
    assert (response.json()["status"], response.json()["reasons"], response.json()["assignments"]) == (
        "infeasible", ["Sun Ying cannot fill any need: no matching role, availability or language"], [])
    response = send(client, "post", f"{A}/batches/{aid.batch.pk}/accept", {"pins": [aid.late_sonographer.pk]})
    assert response.status_code == 400
    assert Posting.objects.count() == 0
    response = send(client, "post", f"{A}/batches/{aid.batch.pk}/accept", {})
    assert response.status_code == 201
    assert sorted(p["role"] for p in response.json()) == ["anaesthetist", "cardiologist", "obstetrician",
                                                          "sonographer"]


def test_postings_list_transition_and_extend(cast, aid, client_as, django_assert_num_queries):
    _p, _n, proposal = fetch.compose_batch(aid.batch)
    posting = services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)[0]
    client = _warm(client_as(cast.clinician_a))
    with django_assert_num_queries(5):
        assert client.get(f"{A}/postings/").json()["count"] == 4
    client = client_as(cast.coordinator)
    response = send(client, "post", f"{A}/postings/{posting.pk}/transition", {"status": "active"})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "status": ["A Proposed posting cannot become Active."]})
    assert send(client, "post", f"{A}/postings/{posting.pk}/transition", {"status": "confirmed"}).json()[
        "status"] == "confirmed"
    response = send(client, "post", f"{A}/postings/{posting.pk}/extend", {"new_end": "2027-01-31",
                                                                         "reason": "Handover"})
    assert response.json()["end"] == "2027-01-31"


def test_emergency_allocate_and_daily_report(cast, client_as):
    e = Emergency.objects.create(code="e1", event="Outbreak", sending_organisation=cast.shandong,
                                 receiving_organisation=cast.haibei, arrival=date(2020, 7, 6))
    region = AffectedRegion.objects.create(emergency=e, region=cast.haibei_region)
    TeamMember.objects.create(emergency=e, practitioner=cast.doctor_b, skill="intensivist")
    client = client_as(cast.coordinator)
    response = send(client, "post", f"{A}/emergencies/{e.pk}/allocate")
    assert response.json() == {"status": "optimal", "moves": 0, "counts": {str(region.pk): 1}}
    body = {"region": region.pk, "day": "2099-01-01", "consultations": 1, "admissions": 0, "procedures": 0,
            "referrals": 0, "deaths": 0}
    response = send(client, "post", f"{A}/emergencies/{e.pk}/reports", body)
    assert (response.status_code, response.json()["fields"]) == (400, {
        "day": ["A daily report cannot be for a future day."]})
    response = send(client, "post", f"{A}/emergencies/{e.pk}/reports",
                    body | {"day": "2020-07-07", "by_age_sex": {"f_lt1": 2}})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "by_age_sex": ["The consultations by age and sex add up to 2, not to the 1 consultations."]})
    response = send(client, "post", f"{A}/emergencies/{e.pk}/reports",
                    body | {"day": "2020-07-07", "by_age_sex": {"f_lt1": 1}})
    assert (response.status_code, response.json()["consultations"], response.json()["by_age_sex"]) == (
        201, 1, {"f_lt1": 1})
    assert_refused(client_as, [None, cast.consultant_b, cast.outsider, cast.clinician_a], "post",
                   f"{A}/emergencies/{e.pk}/reports", body | {"day": "2020-07-08"}, anonymous_redirects=False,
                   content_type=JSON)
    assert DailyReport.objects.count() == 1


def test_every_endpoint_refuses_strangers(cast, aid, client_as):
    _p, _n, proposal = fetch.compose_batch(aid.batch)
    posting = services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)[0]
    strangers = [None, cast.consultant_b, cast.outsider]
    kw = {"anonymous_redirects": False, "content_type": JSON}
    for url in (f"{A}/programmes/{aid.programme.pk}", f"{A}/programmes/{aid.programme.pk}/candidates/",
                f"{A}/batches/{aid.batch.pk}/needs/"):
        assert_refused(client_as, strangers, "get", url, **kw)
    for url, body in ((f"{A}/batches/{aid.batch.pk}/compose", {}), (f"{A}/batches/{aid.batch.pk}/accept", {}),
                      (f"{A}/batches/{aid.batch.pk}/needs/", {"facility": cast.gangcha.pk, "title": "x",
                                                              "roles": ["surgeon"]}),
                      (f"{A}/programmes/{aid.programme.pk}/candidates/", {"practitioner": cast.doctor_b.pk,
                                                                          "roles": ["surgeon"], "city": "x"})):
        assert_refused(client_as, strangers + [cast.clinician_a], "post", url, body, **kw)
    assert_refused(client_as, strangers + [cast.clinician_a], "post", f"{A}/postings/{posting.pk}/transition",
                   {"status": "confirmed"}, **kw)
    assert client_as(cast.outsider).get(f"{A}/postings/").json()["count"] == 0
    assert client_as(None).get(f"{A}/programmes/").status_code == 401
    posting.refresh_from_db()
    assert (posting.status, Posting.objects.count()) == ("proposed", 4)


def test_candidate_approval_and_an_inspection_through_the_api(cast, aid, client_as):
    client = client_as(cast.coordinator)
    nominee = candidate(aid.programme, cast.liaocheng_org, "Ma Li", "surgeon", status="nominated")
    response = send(client, "post", f"{A}/candidates/{nominee.pk}/status", {"status": "approved"})
    assert response.json()["status"] == "approved"
    response = send(client, "post", f"{A}/candidates/{nominee.pk}/status", {"status": "hired"})
    assert (response.status_code, response.json()["fields"]) == (400, {"status": ["Unknown status."]})
    response = send(client, "post", f"{A}/programmes/{aid.programme.pk}/inspections", {
        "facility": cast.gangcha.pk, "visited_on": "2026-03-01", "inspectors": "Liaocheng QC group"})
    inspection = response.json()
    assert (response.status_code, inspection["status"]) == (201, "open")
    response = send(client, "post", f"{A}/inspections/{inspection['id']}/findings", {"text": "Consent forms",
                                                                                     "severity": "major"})
    finding = response.json()
    response = send(client, "post", f"{A}/findings/{finding['id']}/actions", {"action": "Revise", "owner": "Head",
                                                                              "due": "2026-04-01"})
    action = response.json()
    response = send(client, "post", f"{A}/inspections/{inspection['id']}/close", {"on": "2026-04-02"})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "closed_on": ["Some follow-up actions are still open."]})
    assert send(client, "post", f"{A}/actions/{action['id']}/done", {"on": "2026-03-20"}).json()[
        "done_on"] == "2026-03-20"
    response = send(client, "post", f"{A}/inspections/{inspection['id']}/close", {"on": "2026-04-02"})
    assert (response.json()["status"], response.json()["closed_on"]) == ("closed", "2026-04-02")
    kw = {"anonymous_redirects": False, "content_type": JSON}
    for url, body in ((f"{A}/candidates/{nominee.pk}/status", {"status": "applied"}),
                      (f"{A}/programmes/{aid.programme.pk}/inspections", {"facility": cast.gangcha.pk,
                                                                          "visited_on": "2026-03-01",
                                                                          "inspectors": "x"}),
                      (f"{A}/inspections/{inspection['id']}/findings", {"text": "x", "severity": "minor"}),
                      (f"{A}/findings/{finding['id']}/actions", {"action": "x", "owner": "x", "due": "2026-05-01"}),
                      (f"{A}/actions/{action['id']}/done", {"on": "2026-03-21"}),
                      (f"{A}/inspections/{inspection['id']}/close", {"on": "2026-04-03"})):
        assert_refused(client_as, [None, cast.consultant_b, cast.outsider, cast.clinician_a], "post", url, body, **kw)
    nominee.refresh_from_db()
    assert nominee.status == "approved"


def test_the_call_for_candidates_over_the_api(cast, aid, client_as, django_assert_num_queries):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from caravan.core.models import Membership
    from caravan.core.roles import Role
    from caravan.deployments.models import Call, Nomination

    hospital = get_user_model().objects.create_user("liaocheng_coord", password="x")
    Membership.objects.create(user=hospital, organisation=cast.liaocheng_org, role=Role.COORDINATOR)
    today = timezone.localdate()
    Need.objects.filter(batch=aid.batch).delete()
    aid.batch.start, aid.batch.end = today + timedelta(days=30), today + timedelta(days=395)
    aid.batch.save()
    url = f"{A}/batches/{aid.batch.pk}/call"
    client = client_as(cast.coordinator)
    assert client.get(url).status_code == 404  # no call yet
    before = audit_count()
    response = send(client, "post", url, {"opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1))
                                          .isoformat()})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "closes_on": ["The call cannot close before it opens."]})
    assert (Call.objects.count(), audit_count()) == (0, before)
    assert_refused(client_as, [None, cast.consultant_b, cast.outsider, hospital], "post", url,
                   {"opens_on": today.isoformat(), "closes_on": today.isoformat()}, anonymous_redirects=False,
                   content_type=JSON)
    client = client_as(cast.coordinator)  # assert_refused signed the shared client in as each stranger
    response = send(client, "post", url, {"opens_on": today.isoformat(),
                                          "closes_on": (today + timedelta(days=7)).isoformat()})
    assert (response.status_code, response.json()["nominations"]) == (201, [])

    newcomer = candidate(aid.programme, cast.liaocheng_org, "Qin Hao", "sonographer", status="applied")
    hospital_client = client_as(hospital)
    response = send(hospital_client, "post", f"{url}/nominations", {"candidate": 999999})
    assert (response.status_code, response.json()["fields"]) == (400, {"candidate": ["Unknown reference: 999999."]})
    response = send(hospital_client, "post", f"{url}/nominations", {"candidate": newcomer.pk})
    assert (response.status_code, response.json()["status"], response.json()["name"]) == (201, "pending", "Qin Hao")
    nomination = Nomination.objects.get()
    decide = f"{url}/nominations/{nomination.pk}/decide"
    assert_refused(client_as, [None, cast.consultant_b, cast.outsider, hospital], "post", decide,
                   {"approve": True}, anonymous_redirects=False, content_type=JSON)
    client = _warm(client_as(cast.coordinator))
    response = send(client, "post", decide, {"approve": False})
    assert (response.status_code, response.json()["fields"]) == (400, {
        "reason": ["Say why the nomination is declined."]})
    response = send(client, "post", decide, {"approve": False, "reason": "Already in batch 2"})
    assert (response.status_code, response.json()["status"], response.json()["reason"]) == (
        200, "declined", "Already in batch 2")
    for i in range(3):
        extra = candidate(aid.programme, cast.liaocheng_org, f"Extra {i}", "surgeon", status="applied")
        Nomination.objects.create(call=Call.objects.get(), candidate=extra, nominated_on=today)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert [n["name"] for n in response.json()["nominations"]] == ["Qin Hao", "Extra 0", "Extra 1", "Extra 2"]
    assert_refused(client_as, [None, cast.consultant_b, cast.outsider], "get", url, anonymous_redirects=False)
    newcomer.refresh_from_db()
    assert newcomer.status == "applied"
