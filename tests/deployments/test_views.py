"""The deployments pages: what a coordinator sees, what they can do, who is refused, how many queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caravan.deployments import fetch, services
from caravan.deployments.models import AffectedRegion, Batch, DailyReport, Emergency, Need, Posting
from tests.helpers import assert_refused, audit_count

from .conftest import candidate


def url(name, *args):
    return reverse(f"deployments:{name}", args=args)


def _accept(cast, aid):
    _p, _n, proposal = fetch.compose_batch(aid.batch)
    return services.proposal_accept(by=cast.coordinator, batch=aid.batch, proposal=proposal)


def _more(cast, aid, n):
    """n more batches, candidates and postings, to check that query counts do not grow with the rows."""
    for i in range(n):
        batch = Batch.objects.create(programme=aid.programme, number=10 + i, start=date(2030 + i, 1, 1),
                                     end=date(2030 + i, 12, 31))
        need = Need.objects.create(batch=batch, facility=cast.gangcha, title=f"Need {i}", roles=["surgeon"])
        c = candidate(aid.programme, cast.liaocheng_org, f"Extra {i}", "surgeon")
        Posting.objects.create(batch=batch, candidate=c, need=need, facility=cast.gangcha, role="surgeon",
                               start=batch.start, end=batch.end)


# ---------------------------------------------------------------- reading pages


def test_home_lists_the_programmes_the_user_coordinates(cast, aid, client_as, django_assert_num_queries):
    client = client_as(cast.coordinator)
    with django_assert_num_queries(10):
        response = client.get(url("home"))
    assert response.status_code == 200
    assert [p.code for p in response.context["programmes"]] == ["sd-hb"]
    assert client_as(cast.outsider).get(url("home")).context["programmes"] == []


def test_home_reminds_of_rotations_ending_within_30_days(cast, aid, client_as):
    postings = _accept(cast, aid)
    today = timezone.localdate()
    soon, later, proposed = postings[0], postings[1], postings[2]
    Posting.objects.filter(pk=soon.pk).update(status="active", end=today + timedelta(days=10))
    Posting.objects.filter(pk=later.pk).update(status="active", end=today + timedelta(days=45))
    Posting.objects.filter(pk=proposed.pk).update(end=today + timedelta(days=5))
    response = client_as(cast.coordinator).get(url("home"))
    assert [p.pk for p in response.context["ending"]] == [soon.pk]
    assert client_as(cast.outsider).get(url("home")).context["ending"] == []


def test_programme_page_lists_batches_and_who_served_where(cast, aid, client_as, django_assert_num_queries):
    _accept(cast, aid)
    client = client_as(cast.coordinator)
    client.get(url("home"))  # the session's first request has its own costs
    with django_assert_num_queries(8):
        response = client.get(url("programme", aid.programme.pk))
    assert [(b.number, len(b.postings.all())) for b in response.context["batches"]] == [(1, 4)]
    _more(cast, aid, 3)
    with django_assert_num_queries(8):
        response = client.get(url("programme", aid.programme.pk))
    assert [(b.number, len(b.postings.all())) for b in response.context["batches"]] == [
        (1, 4), (10, 1), (11, 1), (12, 1)]
    assert "Zhou Defang" in response.content.decode()


def test_pool_page(cast, aid, client_as, django_assert_num_queries):
    client = client_as(cast.coordinator)
    client.get(url("home"))
    with django_assert_num_queries(9):
        response = client.get(url("pool", aid.programme.pk))
    assert response.context["page"].paginator.count == 5
    _more(cast, aid, 3)
    with django_assert_num_queries(9):
        response = client.get(url("pool", aid.programme.pk))
    assert [c.practitioner.name_latin for c, _roles in response.context["rows"]] == [
        "Extra 0", "Extra 1", "Extra 2", "Liang Lijun", "Sun Ying", "Wang Lipeng", "Zhao Liling", "Zhou Defang"]


def test_needs_page_lists_and_adds_a_need(cast, aid, client_as, django_assert_num_queries):
    client = client_as(cast.coordinator)
    with django_assert_num_queries(10):
        response = client.get(url("needs", aid.batch.pk))
    assert [n.title for n, _roles in response.context["rows"]] == ["Labour analgesia", "Cardiology"]
    response = client.post(url("needs", aid.batch.pk), {"title": "Eye care", "facility": cast.gangcha.pk,
                                                        "kind": "service", "roles": ["ophthalmologist"],
                                                        "priority": 4})
    assert response.status_code == 302
    assert Need.objects.get(title="Eye care").roles == ["ophthalmologist"]


def test_a_need_with_no_roles_is_refused_on_the_page(cast, aid, client_as):
    before = (Need.objects.count(), audit_count())
    response = client_as(cast.coordinator).post(url("needs", aid.batch.pk), {
        "title": "Eye care", "facility": cast.gangcha.pk, "kind": "service", "priority": 4})
    assert response.status_code == 400
    assert response.context["form"].errors == {"roles": ["Name at least one role."]}
    assert (Need.objects.count(), audit_count()) == before


def test_compose_page_proposes_explains_pins_and_accepts(cast, aid, client_as, django_assert_num_queries):
    client = client_as(cast.coordinator)
    with django_assert_num_queries(12):
        response = client.get(url("compose", aid.batch.pk))
    assert response.context["proposal"] is None
    # Only the analgesia service is open: exclude the sonographer and it cannot be covered.
    response = client.post(url("compose", aid.batch.pk), {"action": "propose", "exclude": [aid.sonographer.pk]})
    rows = {r["need"].label: r for r in response.context["need_rows"]}
    assert rows["Labour analgesia"]["reason"] == "no available sonographer in the pool for 2025-2026"
    assert [p.name for _role, p in rows["Cardiology"]["members"]] == ["Liang Lijun"]
    assert response.context["proposal"].status == "optimal"
    assert "This team is proved optimal." in response.content.decode()
    # Pin someone who cannot go: the reason, not a team.
    response = client.post(url("compose", aid.batch.pk), {"action": "propose", "pin": [aid.late_sonographer.pk]})
    assert response.context["reasons"] == ["Sun Ying cannot fill any need: no matching role, availability or "
                                           "language"]
    response = client.post(url("compose", aid.batch.pk), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == url("programme", aid.programme.pk)
    assert Posting.objects.filter(batch=aid.batch, status="proposed").count() == 4


def test_posting_pages_for_the_coordinator_and_the_host_staff(cast, aid, client_as, django_assert_num_queries):
    posting = _accept(cast, aid)[0]
    for user, manager in ((cast.coordinator, True), (cast.clinician_a, False)):
        client = client_as(user)
        client.get(url("home"))
        with django_assert_num_queries(6):
            response = client.get(url("postings"))
        assert response.context["page"].paginator.count == 4
        with django_assert_num_queries(6):
            response = client.get(url("posting", posting.pk))
        assert response.context["manager"] is manager
    _more(cast, aid, 2)
    client = client_as(cast.coordinator)
    client.get(url("home"))
    with django_assert_num_queries(6):
        response = client.get(url("postings"))
    assert response.context["page"].paginator.count == 6


def test_posting_actions(cast, aid, client_as):
    posting = _accept(cast, aid)[0]
    client = client_as(cast.coordinator)
    assert client.post(url("posting_action", posting.pk), {"action": "confirmed"}).status_code == 302
    response = client.post(url("posting_action", posting.pk), {"action": "extend", "extend-new_end": "2026-01-01",
                                                               "extend-reason": "x"})
    assert response.status_code == 400
    assert response.context["extend_form"].errors == {"new_end": ["The new end must be after the current end."]}
    response = client.post(url("posting_action", posting.pk), {"action": "handover",
                                                               "handover-notes": "Keep the Tuesday ward round."})
    posting.refresh_from_db()
    assert (posting.status, posting.handover_notes) == ("confirmed", "Keep the Tuesday ward round.")


# ---------------------------------------------------------------- emergencies


@pytest.fixture
def emergency(cast):
    e = Emergency.objects.create(code="e1", event="Outbreak", sending_organisation=cast.shandong,
                                 receiving_organisation=cast.haibei, arrival=date(2020, 7, 6))
    region = AffectedRegion.objects.create(emergency=e, region=cast.haibei_region)
    return e, region


def test_emergency_page_records_a_daily_report_and_exports_csv(cast, emergency, client_as,
                                                                django_assert_num_queries):
    e, region = emergency
    client = client_as(cast.coordinator)
    client.get(url("home"))
    with django_assert_num_queries(8):
        assert client.get(url("emergency", e.pk)).status_code == 200
    data = {"report-region": region.pk, "report-day": "2020-07-07", "report-consultations": 40,
            "report-admissions": 9, "report-procedures": 6, "report-referrals": 2, "report-deaths": 0,
            "report-f_18to64": 22, "report-m_18to64": 15, "report-m_lt1": 3}
    # A breakdown by age and sex that does not add up to the consultations is refused, with both figures.
    response = client.post(url("emergency", e.pk), data | {"report-m_lt1": 4})
    assert response.status_code == 400
    assert response.context["form"].errors == {"__all__": [
        "The consultations by age and sex add up to 41, not to the 40 consultations."]}
    response = client.post(url("emergency", e.pk), data | {"report-f_lt1": -1})
    assert response.context["form"].errors == {"f_lt1": ["A count cannot be negative."]}
    assert DailyReport.objects.count() == 0
    assert client.post(url("emergency", e.pk), data).status_code == 302
    assert DailyReport.objects.get().by_age_sex == {"f_18to64": 22, "m_lt1": 3, "m_18to64": 15}
    response = client.post(url("emergency", e.pk), data | {"report-day": "2020-07-08", "report-deaths": -2})
    assert response.status_code == 400
    assert response.context["form"].errors == {"deaths": ["A count cannot be negative."]}
    assert DailyReport.objects.count() == 1
    client = client_as(cast.coordinator)  # a fresh session, without the messages of the writes above
    client.get(url("home"))
    with django_assert_num_queries(8):
        response = client.get(url("emergency", e.pk))
    assert response.context["summary"][0][0] == date(2020, 7, 7)
    DailyReport.objects.create(affected=region, day=date(2020, 7, 8), consultations=5, admissions=0, procedures=0,
                               referrals=0, deaths=0)  # not broken down: empty cells, not zeros
    response = client.get(url("emergency_csv", e.pk))
    assert response.content.decode().splitlines() == [
        "day,region,consultations,admissions,procedures,referrals,deaths,"
        "f_lt1,f_1to4,f_5to17,f_18to64,f_65plus,m_lt1,m_1to4,m_5to17,m_18to64,m_65plus",
        "2020-07-07,CN-QH-HB,40,9,6,2,0,0,0,0,22,0,3,0,0,15,0",
        "2020-07-08,CN-QH-HB,5,0,0,0,0,,,,,,,,,,"]


# ---------------------------------------------------------------- refusals


def test_every_page_refuses_anonymous_wrong_role_and_outsiders(cast, aid, emergency, client_as):
    posting = _accept(cast, aid)[0]
    e, _region = emergency
    strangers = [None, cast.consultant_b, cast.outsider]
    for name, args in (("programme", [aid.programme.pk]), ("pool", [aid.programme.pk]), ("needs", [aid.batch.pk]),
                       ("compose", [aid.batch.pk]), ("emergency", [e.pk]), ("emergency_csv", [e.pk]),
                       ("posting", [posting.pk])):
        assert_refused(client_as, strangers, "get", url(name, *args))
    # The host's clinician may read the posting at their hospital, not manage the programme.
    assert_refused(client_as, [cast.clinician_a, cast.analyst], "get", url("compose", aid.batch.pk))
    assert_refused(client_as, [None, cast.consultant_b, cast.outsider, cast.clinician_a], "post",
                   url("posting_action", posting.pk), {"action": "confirmed"})
    assert_refused(client_as, strangers + [cast.clinician_a], "post", url("compose", aid.batch.pk),
                   {"action": "accept"})
    assert_refused(client_as, strangers, "post", url("needs", aid.batch.pk), {"title": "x", "roles": ["surgeon"]})
    assert_refused(client_as, [None], "get", url("home"))
    posting.refresh_from_db()
    assert posting.status == "proposed"
    assert Posting.objects.count() == 4
