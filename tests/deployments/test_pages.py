"""The talent pool, call-for-candidates and inspection pages: what they show and do, refusals, bad input, queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caravan.core.models import Membership
from caravan.core.roles import Role
from caravan.deployments.models import (
    Availability,
    Call,
    Candidate,
    Finding,
    FollowUp,
    Inspection,
    Nomination,
)
from tests.helpers import assert_refused, audit_count

from .conftest import candidate


def url(name, *args):
    return reverse(f"deployments:{name}", args=args)


def _warm(client):
    client.get(url("home"))  # the session's first request has its own costs
    return client


# ---------------------------------------------------------------- the talent pool


def test_pool_filters_by_status_role_city_and_name(cast, aid, client_as, django_assert_num_queries):
    candidate(aid.programme, cast.liaocheng_org, "Qin Hao", "sonographer", city="Jinan", status="applied")
    client = _warm(client_as(cast.coordinator))

    def names(**query):
        response = client.get(url("pool", aid.programme.pk), query)
        assert response.status_code == 200
        return [c.practitioner.name_latin for c, _roles in response.context["rows"]]

    assert names(role="sonographer") == ["Qin Hao", "Sun Ying", "Zhao Liling"]
    assert names(role="sonographer", city="Jinan") == ["Qin Hao"]
    assert names(status="applied") == ["Qin Hao"]
    assert names(q="zhao") == ["Zhao Liling"]
    assert names(role="surgeon") == []
    assert names(role="no-such-role") == ["Liang Lijun", "Qin Hao", "Sun Ying", "Wang Lipeng", "Zhao Liling",
                                          "Zhou Defang"]  # an unknown filter value is ignored, not an error
    with django_assert_num_queries(9):
        client.get(url("pool", aid.programme.pk), {"role": "sonographer", "city": "Jinan"})
    for i in range(3):
        candidate(aid.programme, cast.liaocheng_org, f"Extra {i}", "sonographer", city="Jinan")
    with django_assert_num_queries(9):
        response = client.get(url("pool", aid.programme.pk), {"role": "sonographer", "city": "Jinan"})
    assert response.context["page"].paginator.count == 4


def test_candidate_page_edits_roles_and_windows(cast, aid, client_as, django_assert_num_queries):
    c = aid.sonographer
    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(6):
        response = client.get(url("candidate", c.pk))
    assert [(w.start, w.end) for w in response.context["windows"]] == [(date(2025, 6, 1), date(2027, 6, 30))]
    for i in range(3):
        Availability.objects.create(candidate=c, start=date(2028 + i, 1, 1), end=date(2028 + i, 6, 30))
    with django_assert_num_queries(6):
        response = client.get(url("candidate", c.pk))
    assert len(response.context["windows"]) == 4

    response = client.post(url("candidate", c.pk), {"action": "roles", "roles-roles": ["sonographer", "radiographer"]})
    assert response.status_code == 302
    response = client.post(url("candidate", c.pk), {"action": "window_add", "window-start": "2031-01-01",
                                                    "window-end": "2031-12-31"})
    assert response.status_code == 302
    first = Availability.objects.filter(candidate=c).order_by("start").first()
    response = client.post(url("candidate", c.pk), {"action": "window_edit", "window": first.pk,
                                                    "edit-start": "2025-05-01", "edit-end": "2027-06-30"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.roles == ["sonographer", "radiographer"]
    assert [(w.start, w.end) for w in Availability.objects.filter(candidate=c).order_by("start")][::4] == [
        (date(2025, 5, 1), date(2027, 6, 30)), (date(2031, 1, 1), date(2031, 12, 31))]


def test_candidate_page_bad_input_names_the_field_and_changes_nothing(cast, aid, client_as):
    c = aid.sonographer
    window = c.windows.get()
    client = client_as(cast.coordinator)
    before = (audit_count(), Availability.objects.count())
    response = client.post(url("candidate", c.pk), {"action": "roles"})
    assert response.status_code == 400
    assert response.context["roles_form"].errors == {"roles": ["Name at least one role."]}
    response = client.post(url("candidate", c.pk), {"action": "window_add", "window-start": "2031-12-31",
                                                    "window-end": "2031-01-01"})
    assert response.context["add_form"].errors == {"end": ["The end date is before the start date."]}
    response = client.post(url("candidate", c.pk), {"action": "window_add", "window-end": "2031-01-01"})
    assert response.context["add_form"].errors == {"start": ["Give a start date."]}
    response = client.post(url("candidate", c.pk), {"action": "window_edit", "window": window.pk,
                                                    "edit-start": "2026-01-01", "edit-end": "2025-01-01"})
    assert response.status_code == 400
    assert response.context["edit_form"].errors == {"end": ["The end date is before the start date."]}
    assert 'data-field-error="edit-end"' in response.content.decode()
    # Another candidate's window is not found through this candidate.
    other = aid.obstetrician.windows.get()
    response = client.post(url("candidate", c.pk), {"action": "window_edit", "window": other.pk,
                                                    "edit-start": "2025-01-01", "edit-end": "2026-01-01"})
    assert response.status_code == 404
    c.refresh_from_db()
    window.refresh_from_db()
    other.refresh_from_db()
    assert (c.roles, window.start, other.start) == (["sonographer"], date(2025, 6, 1), date(2025, 6, 1))
    assert (audit_count(), Availability.objects.count()) == before


# ---------------------------------------------------------------- the call for candidates


@pytest.fixture
def hospital(cast):
    """A coordinator at Liaocheng People's Hospital, on the sending side: nominates the hospital's own people."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("liaocheng_coord", password="x")
    Membership.objects.create(user=user, organisation=cast.liaocheng_org, role=Role.COORDINATOR)
    return user


def _open_call(aid, days=10):
    today = timezone.localdate()
    return Call.objects.create(batch=aid.batch, opens_on=today - timedelta(days=days), closes_on=today + timedelta(
        days=days))


def test_the_coordinator_opens_a_call(cast, aid, client_as, django_assert_num_queries):
    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(6):
        response = client.get(url("call", aid.batch.pk))
    assert response.context["call"] is None
    response = client.post(url("call", aid.batch.pk), {"action": "open", "call-opens_on": "2025-06-01",
                                                       "call-closes_on": "2025-08-31", "call-notes": "Two sonographers"})
    assert response.status_code == 302
    call = Call.objects.get(batch=aid.batch)
    assert (call.opens_on, call.closes_on, call.notes) == (date(2025, 6, 1), date(2025, 8, 31), "Two sonographers")


def test_a_bad_call_names_the_field(cast, aid, client_as):
    client = client_as(cast.coordinator)
    before = audit_count()
    for data, errors in (
        ({"call-opens_on": "2025-08-01", "call-closes_on": "2025-06-01"},
         {"closes_on": ["The call cannot close before it opens."]}),
        ({"call-closes_on": "2025-06-01"}, {"opens_on": ["Give the day the call opens."]}),
        ({"call-opens_on": "2025-06-01", "call-closes_on": "2026-01-31"},
         {"closes_on": ["The call must close by the start of the rotation."]}),
    ):
        response = client.post(url("call", aid.batch.pk), {"action": "open", **data})
        assert response.status_code == 400
        assert response.context["open_form"].errors == errors
    _open_call(aid)
    response = client.post(url("call", aid.batch.pk), {"action": "open", "call-opens_on": "2025-06-01",
                                                       "call-closes_on": "2025-07-01"})
    assert response.context["open_form"].errors == {"opens_on": ["This batch already has a call for candidates."]}
    assert (Call.objects.count(), audit_count()) == (1, before)


def test_hospitals_nominate_and_the_coordinator_approves_or_declines(cast, aid, hospital, client_as,
                                                                    django_assert_num_queries):
    call = _open_call(aid)
    newcomer = candidate(aid.programme, cast.liaocheng_org, "Qin Hao", "sonographer", status="applied")
    second = candidate(aid.programme, cast.liaocheng_org, "Ma Lin", "surgeon", status="applied")
    client = _warm(client_as(hospital))
    with django_assert_num_queries(9):
        response = client.get(url("call", aid.batch.pk))
    assert response.context["manager"] is False
    assert client.post(url("call", aid.batch.pk), {"action": "nominate",
                                                   "nominate-candidate": newcomer.pk}).status_code == 302
    assert client.post(url("call", aid.batch.pk), {"action": "nominate",
                                                   "nominate-candidate": second.pk}).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.status == "nominated"
    # The hospital cannot decide.
    first = Nomination.objects.get(candidate=newcomer)
    assert client.post(url("call", aid.batch.pk), {"action": "approve", "nomination": first.pk}).status_code == 403

    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(9):
        response = client.get(url("call", aid.batch.pk))
    assert [n.candidate.practitioner.name_latin for n in response.context["nominations"]] == ["Qin Hao", "Ma Lin"]
    response = client.post(url("call", aid.batch.pk), {"action": "decline", "nomination": first.pk})
    assert response.status_code == 400
    assert response.context["decide_form"].errors == {"reason": ["Say why the nomination is declined."]}
    assert client.post(url("call", aid.batch.pk), {"action": "approve", "nomination": first.pk}).status_code == 302
    other = Nomination.objects.get(candidate=second)
    assert client.post(url("call", aid.batch.pk), {"action": "decline", "nomination": other.pk,
                                                   "decide-reason": "No surgeon needed this year"}).status_code == 302
    first.refresh_from_db()
    other.refresh_from_db()
    newcomer.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, newcomer.status) == ("approved", "approved")
    assert (other.status, other.reason, second.status) == ("declined", "No surgeon needed this year", "applied")
    response = client.post(url("call", aid.batch.pk), {"action": "approve", "nomination": other.pk})
    assert response.context["decide_form"].errors == {"reason": ["This nomination is already decided."]}
    assert (Nomination.objects.get(pk=other.pk).status, call.nominations.count()) == ("declined", 2)
    for i in range(3):
        extra = candidate(aid.programme, cast.liaocheng_org, f"Extra {i}", "surgeon", status="applied")
        Nomination.objects.create(call=call, candidate=extra, nominated_on=call.opens_on)
    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(9):
        response = client.get(url("call", aid.batch.pk))
    assert len(response.context["nominations"]) == 5


def test_a_closed_call_or_someone_elses_candidate_cannot_be_nominated(cast, aid, hospital, client_as):
    from caravan.core.models import Organisation

    call = _open_call(aid)
    other_hospital = Organisation.objects.create(code="jinan-h", name="Jinan Hospital", kind=cast.liaocheng_org.kind,
                                                 parent=cast.shandong)
    stranger = candidate(aid.programme, other_hospital, "Li Na", "surgeon", status="applied")
    client = client_as(hospital)
    before = audit_count()
    response = client.post(url("call", aid.batch.pk), {"action": "nominate", "nominate-candidate": stranger.pk})
    assert response.status_code == 400  # not among the hospital's choices
    assert list(response.context["nominate_form"].errors) == ["candidate"]
    Call.objects.filter(pk=call.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    own = candidate(aid.programme, cast.liaocheng_org, "Qin Hao", "sonographer", status="applied")
    response = client.post(url("call", aid.batch.pk), {"action": "nominate", "nominate-candidate": own.pk})
    assert response.context["nominate_form"].errors == {"candidate": ["The call is not open today."]}
    assert (Nomination.objects.count(), audit_count(), Candidate.objects.get(pk=own.pk).status) == (
        0, before, "applied")


# ---------------------------------------------------------------- inspections


def test_inspections_list_and_record_a_visit(cast, aid, client_as, django_assert_num_queries):
    client = _warm(client_as(cast.coordinator))
    with django_assert_num_queries(7):
        response = client.get(url("inspections", aid.programme.pk))
    assert response.context["inspections"] == []
    response = client.post(url("inspections", aid.programme.pk), {
        "facility": cast.gangcha.pk, "visited_on": "2026-04-10", "inspectors": "Dr Kong, Dr Liu"})
    visit = Inspection.objects.get()
    assert response["Location"] == url("inspection", visit.pk)
    for i in range(3):
        v = Inspection.objects.create(programme=aid.programme, facility=cast.gangcha, visited_on=date(2026, 5, i + 1),
                                      inspectors="x")
        Finding.objects.create(inspection=v, text="f", severity="minor")
    with django_assert_num_queries(7):
        response = client.get(url("inspections", aid.programme.pk))
    assert [(i.visited_on.day, i.finding_count) for i in response.context["inspections"]] == [
        (3, 1), (2, 1), (1, 1), (10, 0)]


def test_a_bad_visit_names_the_field(cast, aid, client_as):
    client = client_as(cast.coordinator)
    before = audit_count()
    response = client.post(url("inspections", aid.programme.pk), {"facility": cast.gangcha.pk,
                                                                   "visited_on": "2026-04-10"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"inspectors": ["Name the inspectors."]}
    response = client.post(url("inspections", aid.programme.pk), {"facility": cast.gangcha.pk, "inspectors": "x"})
    assert response.context["form"].errors == {"visited_on": ["Give the day of the visit."]}
    assert (Inspection.objects.count(), audit_count()) == (0, before)


def test_an_inspection_from_findings_to_closure(cast, aid, client_as, django_assert_num_queries):
    visit = Inspection.objects.create(programme=aid.programme, facility=cast.gangcha, visited_on=date(2026, 4, 10),
                                      inspectors="Dr Kong")
    client = _warm(client_as(cast.coordinator))
    page = url("inspection", visit.pk)
    assert client.post(page, {"action": "finding", "finding-text": "Epidural trolley incomplete",
                              "finding-severity": "major"}).status_code == 302
    finding = Finding.objects.get()
    assert client.post(page, {"action": "action", "finding": finding.pk, "action-action": "Restock weekly",
                              "action-owner": "Head nurse", "action-due": "2026-05-01"}).status_code == 302
    action = FollowUp.objects.get()
    response = client.post(page, {"action": "close", "close-closed_on": "2026-05-02"})
    assert response.status_code == 400
    assert response.context["close_form"].errors == {"closed_on": ["Some follow-up actions are still open."]}
    assert client.post(page, {"action": "done", "followup": action.pk,
                              "done-done_on": "2026-04-28"}).status_code == 302
    with django_assert_num_queries(7):
        response = client.get(page)
    assert [(f.text, [(a.action, a.done_on) for a in f.actions.all()]) for f in response.context["findings"]] == [
        ("Epidural trolley incomplete", [("Restock weekly", date(2026, 4, 28))])]
    for i in range(3):
        f = Finding.objects.create(inspection=visit, text=f"f{i}", severity="minor")
        FollowUp.objects.create(finding=f, action="a", owner="o", due=date(2026, 6, 1), done_on=date(2026, 5, 1))
    with django_assert_num_queries(7):
        response = client.get(page)
    assert len(response.context["findings"]) == 4
    assert client.post(page, {"action": "close", "close-closed_on": "2026-05-02"}).status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.closed_on) == ("closed", date(2026, 5, 2))


def test_bad_findings_and_actions_name_the_field(cast, aid, client_as):
    visit = Inspection.objects.create(programme=aid.programme, facility=cast.gangcha, visited_on=date(2026, 4, 10),
                                      inspectors="Dr Kong")
    finding = Finding.objects.create(inspection=visit, text="f", severity="minor")
    client = client_as(cast.coordinator)
    page = url("inspection", visit.pk)
    before = audit_count()
    response = client.post(page, {"action": "finding", "finding-text": "Missing gloves"})
    assert response.status_code == 400
    assert response.context["finding_form"].errors == {"severity": ["Choose a severity."]}
    response = client.post(page, {"action": "action", "finding": finding.pk, "action-action": "Buy gloves",
                                  "action-owner": "Stores", "action-due": "2026-04-01"})
    assert response.context["action_form"].errors == {"due": ["The due date cannot be before the visit."]}
    assert 'data-field-error="action-due"' in response.content.decode()
    response = client.post(page, {"action": "action", "finding": finding.pk, "action-action": "Buy gloves",
                                  "action-due": "2026-05-01"})
    assert response.context["action_form"].errors == {"owner": ["Name who owns the action."]}
    response = client.post(page, {"action": "close", "close-closed_on": "2026-04-01"})
    assert response.context["close_form"].errors == {"closed_on": ["An inspection cannot close before the visit."]}
    assert client.post(page, {"action": "action", "finding": 999999, "action-action": "x", "action-owner": "y",
                              "action-due": "2026-05-01"}).status_code == 404
    assert (Finding.objects.count(), FollowUp.objects.count(), audit_count()) == (1, 0, before)
    assert Inspection.objects.get().status == "open"


# ---------------------------------------------------------------- refusals


def test_the_new_pages_refuse_anonymous_wrong_role_and_outsiders(cast, aid, hospital, client_as):
    call = _open_call(aid)
    newcomer = candidate(aid.programme, cast.liaocheng_org, "Qin Hao", "sonographer", status="applied")
    nomination = Nomination.objects.create(call=call, candidate=newcomer, nominated_on=call.opens_on)
    visit = Inspection.objects.create(programme=aid.programme, facility=cast.gangcha, visited_on=date(2026, 4, 10),
                                      inspectors="Dr Kong")
    finding = Finding.objects.create(inspection=visit, text="f", severity="minor")
    window = aid.sonographer.windows.get()
    strangers = [None, cast.consultant_b, cast.outsider, cast.clinician_a, cast.analyst]
    for name, args in (("candidate", [aid.sonographer.pk]), ("call", [aid.batch.pk]),
                       ("inspections", [aid.programme.pk]), ("inspection", [visit.pk])):
        assert_refused(client_as, strangers, "get", url(name, *args))
    # The sending hospital sees the call, not the pool's edit pages or the inspections.
    assert_refused(client_as, [hospital], "get", url("candidate", aid.sonographer.pk))
    assert_refused(client_as, [hospital], "get", url("inspection", visit.pk))
    writes = [
        ("candidate", [aid.sonographer.pk], {"action": "roles", "roles-roles": ["surgeon"]}),
        ("candidate", [aid.sonographer.pk], {"action": "window_edit", "window": window.pk,
                                             "edit-start": "2020-01-01", "edit-end": "2030-01-01"}),
        ("call", [aid.batch.pk], {"action": "approve", "nomination": nomination.pk}),
        ("call", [aid.batch.pk], {"action": "nominate", "nominate-candidate": aid.cardiologist.pk}),
        ("inspections", [aid.programme.pk], {"facility": cast.gangcha.pk, "visited_on": "2026-04-10",
                                             "inspectors": "x"}),
        ("inspection", [visit.pk], {"action": "finding", "finding-text": "x", "finding-severity": "minor"}),
        ("inspection", [visit.pk], {"action": "action", "finding": finding.pk, "action-action": "x",
                                    "action-owner": "y", "action-due": "2026-05-01"}),
        ("inspection", [visit.pk], {"action": "close", "close-closed_on": "2026-05-01"}),
    ]
    for name, args, data in writes:
        assert_refused(client_as, strangers, "post", url(name, *args), data)
    assert_refused(client_as, [hospital], "post", url("call", aid.batch.pk),
                   {"action": "approve", "nomination": nomination.pk})
    assert_refused(client_as, [hospital], "post", url("call", aid.batch.pk),
                   {"action": "open", "call-opens_on": "2025-06-01", "call-closes_on": "2025-07-01"})
    aid.sonographer.refresh_from_db()
    window.refresh_from_db()
    nomination.refresh_from_db()
    visit.refresh_from_db()
    assert (aid.sonographer.roles, window.start, nomination.status, visit.status) == (
        ["sonographer"], date(2025, 6, 1), "pending", "open")
    assert (Nomination.objects.count(), Inspection.objects.count(), Finding.objects.count(),
            FollowUp.objects.count()) == (1, 1, 1, 0)
