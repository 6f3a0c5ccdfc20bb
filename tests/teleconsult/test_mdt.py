"""Remote MDT sessions: scheduling under an agreement, who sees them, attendance, and the recommendation per case
that lands in the case as a signed report."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.partnerships.models import Agreement
from caravan.teleconsult import mdt_selectors, mdt_services, selectors
from caravan.teleconsult.models import Case, MdtItem, MdtParticipant, MdtSession, Notice, Report
from tests.helpers import assert_refused

from .conftest import open_case

pytestmark = pytest.mark.django_db
T = "/api/v1/teleconsult"
JSON = "application/json"
XINING = ZoneInfo("Asia/Shanghai")


def schedule(cast, tele, *, by=None, cases=None, **change):
    data = {"agreement": tele.agreement, "title": "Haibei–Shandong cardiology MDT", "host": cast.liaocheng,
            "starts_at": datetime(2099, 3, 4, 14, 0, tzinfo=XINING), "time_zone": "Asia/Shanghai",
            "facilities": [cast.liaocheng, cast.gangcha], "participants": [cast.consultant_b, tele.backup, cast.clinician_a],
            "cases": cases if cases is not None else [open_case(cast, tele)], **change}
    return mdt_services.session_create(by=by or cast.coordinator, **data)


def test_a_session_is_scheduled_with_its_agenda(cast, tele):
    first, second = open_case(cast, tele), open_case(cast, tele)
    session = schedule(cast, tele, cases=[second, first])
    assert (session.starts_at.isoformat(), session.time_zone) == ("2099-03-04T14:00:00+08:00", "Asia/Shanghai")
    assert list(session.items.values_list("case_id", "position")) == [(second.pk, 0), (first.pk, 1)]
    assert sorted(session.participants.values_list("user__username", flat=True)) == [
        "clinician_a", "consultant_b", "consultant_c"]
    assert sorted(f.pk for f in session.facilities.all()) == sorted([cast.liaocheng.pk, cast.gangcha.pk])
    event = AuditEvent.objects.get(object_type="teleconsult.mdtsession", action="create")
    assert event.changes["cases"] == [None, [second.pk, first.pk]]


def test_participants_see_the_agenda_cases(cast, tele):
    case = open_case(cast, tele)  # assigned to consultant_b
    with pytest.raises(NotFound):
        selectors.case_get_for_user(user=tele.backup, pk=case.pk)
    schedule(cast, tele, cases=[case])
    assert selectors.case_get_for_user(user=tele.backup, pk=case.pk) == case


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": " "}, "title", "Give the session a title."),
    ({"host": "sari"}, "host", "The host must be a facility of a party to the agreement."),
    ({"time_zone": "Mars/Olympus"}, "time_zone",
     "“Mars/Olympus” is not a time zone; use a name such as Asia/Ulaanbaatar."),
    ({"starts_at": None}, "starts_at", "Enter the date and time of the session."),
    ({"facilities": []}, "facilities", "Choose the participating facilities among the agreement's parties."),
    ({"participants": ["outsider"]}, "participants", "Choose participants who work at a party to the agreement."),
])
def test_bad_sessions_are_refused(cast, tele, change, field, message):
    change = {k: ([getattr(cast, u) for u in v] if isinstance(v, list) else getattr(cast, v) if k == "host" else v)
              for k, v in change.items()}
    with pytest.raises(ValidationFailed) as refused:
        schedule(cast, tele, **change)
    assert refused.value.fields == {field: [message]}
    assert MdtSession.objects.count() == 0


def test_a_case_of_another_agreement_is_refused(cast, tele):
    other = Agreement.objects.create(code="OTHER", title="Other", start=tele.agreement.start,
                                     status=Agreement.Status.ACTIVE)
    case = open_case(cast, tele)
    Case.objects.filter(pk=case.pk).update(agreement=other)
    case.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        schedule(cast, tele, cases=[case])
    assert refused.value.fields == {"cases": ["Every case on the agenda must run under the session's agreement."]}
    assert MdtSession.objects.count() == 0


@pytest.mark.parametrize("who", ["clinician_a", "consultant_b", "analyst", "outsider", "admin_a"])
def test_only_coordinators_schedule(cast, tele, who):
    with pytest.raises(PermissionDenied):
        schedule(cast, tele, by=getattr(cast, who))
    assert MdtSession.objects.count() == 0


def test_attendance(cast, tele):
    session = schedule(cast, tele)
    assert mdt_services.attendance_record(by=cast.coordinator, session=session,
                                          present_ids=[cast.consultant_b.pk, tele.backup.pk]) == 2
    assert dict(session.participants.values_list("user__username", "attended")) == {
        "consultant_b": True, "consultant_c": True, "clinician_a": False}
    with pytest.raises(ValidationFailed) as refused:
        mdt_services.attendance_record(by=cast.coordinator, session=session, present_ids=[cast.outsider.pk])
    assert refused.value.fields == {"present": ["Only the session's participants can be marked present."]}
    with pytest.raises(PermissionDenied):
        mdt_services.attendance_record(by=cast.consultant_b, session=session, present_ids=[])
    assert MdtParticipant.objects.filter(attended=True).count() == 2


def test_the_recommendation_lands_in_the_case(cast, tele):
    case = open_case(cast, tele)
    session = schedule(cast, tele, cases=[case])
    item = session.items.get()
    report = mdt_services.decision_record(by=tele.backup, item=item, findings="Discussed with Liaocheng and Gangcha",
                                          impression="Coronary angiography in Xining", recommendation="Transfer")
    case.refresh_from_db()
    item.refresh_from_db()
    assert (report.kind, report.version, report.signed_by, item.decision) == ("mdt", 1, tele.backup, report)
    assert (case.status, case.answered_at) == ("answered", report.signed_at)
    assert Notice.objects.get().recipient == cast.clinician_a
    with pytest.raises(ValidationFailed) as refused:
        mdt_services.decision_record(by=tele.backup, item=item, findings="", impression="Again", recommendation="")
    assert list(refused.value.fields) == ["impression"]
    assert Report.objects.count() == 1


def test_a_recommendation_needs_words_and_a_participant(cast, tele):
    session = schedule(cast, tele, participants=[cast.consultant_b])
    item = session.items.get()
    with pytest.raises(ValidationFailed) as refused:
        mdt_services.decision_record(by=cast.consultant_b, item=item, findings="", impression=" ", recommendation="")
    assert refused.value.fields == {"impression": ["Write the MDT's recommendation."]}
    for user in (tele.backup, cast.clinician_a, cast.outsider):
        with pytest.raises(PermissionDenied):
            mdt_services.decision_record(by=user, item=item, findings="", impression="x", recommendation="")
    assert Report.objects.count() == 0


def test_who_sees_a_session(cast, tele):
    session = schedule(cast, tele, participants=[cast.consultant_b])
    for user in (cast.coordinator, cast.consultant_b, cast.node_admin):
        assert mdt_selectors.session_get_for_user(user=user, pk=session.pk) == session
    for user in (tele.backup, cast.clinician_a, cast.outsider):
        with pytest.raises(NotFound):
            mdt_selectors.session_get_for_user(user=user, pk=session.pk)
    with pytest.raises(PermissionDenied):
        mdt_selectors.session_get_for_user(user=cast.analyst, pk=session.pk)
    assert list(mdt_selectors.session_list_for_user(user=tele.backup)) == []


def test_the_session_page_costs_the_same_with_more_cases(cast, tele, client_as, django_assert_num_queries):
    session = schedule(cast, tele)
    client = client_as(cast.consultant_b)
    url = reverse("teleconsult:mdt_detail", args=[session.pk])
    client.get(url)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    for _ in range(3):
        MdtItem.objects.create(session=session, case=open_case(cast, tele), position=5)
    mdt_services.decision_record(by=cast.consultant_b, item=session.items.first(), findings="", impression="Angio",
                                 recommendation="")
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('data-testid="mdt-item"') == 4 and page.count('data-testid="mdt-decision"') == 1
    assert "2099-03-04 14:00 Asia/Shanghai" in page
    read = AuditEvent.objects.filter(object_type="teleconsult.mdtsession", action="read").order_by("pk").last()
    assert len(read.changes["cases"][1]) == 4


def test_the_list_page(cast, tele, client_as, django_assert_num_queries):
    schedule(cast, tele)
    client = client_as(cast.coordinator)
    client.get(reverse("teleconsult:mdt_list"))
    with django_assert_num_queries(6):
        client.get(reverse("teleconsult:mdt_list"))
    schedule(cast, tele)
    with django_assert_num_queries(6):
        response = client.get(reverse("teleconsult:mdt_list"))
    assert response.content.decode().count('data-testid="mdt-session"') == 2


def test_scheduling_through_the_pages(cast, tele, client_as):
    case = open_case(cast, tele)
    client = client_as(cast.coordinator)
    assert client.get(reverse("teleconsult:mdt_new")).status_code == 200
    url = reverse("teleconsult:mdt_new") + f"?agreement={tele.agreement.pk}"
    data = {"title": "Cardiology MDT", "host": cast.liaocheng.pk, "starts_at": "2099-03-04T14:00",
            "time_zone": "Asia/Ulaanbaatar", "facilities": [cast.liaocheng.pk, cast.gangcha.pk],
            "participants": [cast.consultant_b.pk], "cases": [case.pk]}
    bad = client.post(url, {**data, "time_zone": "Nowhere"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["time_zone"] == [
        "“Nowhere” is not a time zone; use a name such as Asia/Ulaanbaatar."]
    response = client.post(url, data)
    session = MdtSession.objects.get()
    assert response["Location"] == reverse("teleconsult:mdt_detail", args=[session.pk])
    # 14:00 in Ulaanbaatar (UTC+8), whatever the coordinator's own zone.
    assert session.starts_at.isoformat() == "2099-03-04T06:00:00+00:00"
    attendance = reverse("teleconsult:mdt_attendance", args=[session.pk])
    assert client.post(attendance, {"present": [cast.consultant_b.pk]}).status_code == 302
    assert MdtParticipant.objects.get().attended is True
    item = session.items.get()
    decision = reverse("teleconsult:mdt_decision", args=[session.pk, item.pk])
    consultant = client_as(cast.consultant_b)
    response = consultant.post(decision, {"impression": ""})
    assert response.status_code == 400
    assert response.context["items"][0][1].errors["impression"] == ["Write the MDT's recommendation."]
    assert consultant.post(decision, {"impression": "PCI at Liaocheng", "recommendation": "Transfer"}).status_code == 302
    assert Report.objects.get().kind == "mdt"
    assert consultant.post(reverse("teleconsult:mdt_decision", args=[session.pk, 999]), {}).status_code == 404


def test_pages_are_refused_to_others(cast, tele, client_as):
    session = schedule(cast, tele, participants=[cast.consultant_b])
    item = session.items.get()
    others = [None, cast.analyst, cast.outsider, tele.backup]
    assert_refused(client_as, others, "get", reverse("teleconsult:mdt_detail", args=[session.pk]))
    assert_refused(client_as, [None, cast.analyst], "get", reverse("teleconsult:mdt_list"))
    assert_refused(client_as, [None, cast.analyst, cast.outsider, cast.consultant_b, cast.clinician_a], "get",
                   reverse("teleconsult:mdt_new"))
    assert_refused(client_as, [None, cast.analyst, cast.outsider, cast.consultant_b], "get",
                   reverse("teleconsult:mdt_new") + f"?agreement={tele.agreement.pk}")
    assert_refused(client_as, others, "post", reverse("teleconsult:mdt_attendance", args=[session.pk]),
                   {"present": [cast.consultant_b.pk]})
    assert_refused(client_as, others, "post", reverse("teleconsult:mdt_decision", args=[session.pk, item.pk]),
                   {"impression": "x"})
    # A participant who is not a coordinator cannot take attendance (the read is audited, nothing written).
    assert client_as(cast.consultant_b).post(reverse("teleconsult:mdt_attendance", args=[session.pk]),
                                             {"present": [cast.consultant_b.pk]}).status_code == 403
    assert MdtParticipant.objects.get().attended is None
    assert Report.objects.count() == 0 and MdtSession.objects.count() == 1


def test_mdt_over_the_api(cast, tele, client_as, django_assert_num_queries):
    case = open_case(cast, tele)
    payload = {"agreement": tele.agreement.pk, "title": "Tripartite MDT", "host": cast.liaocheng.pk,
               "starts_at": "2099-05-06T10:00:00+06:00", "time_zone": "Asia/Almaty",
               "facilities": [cast.liaocheng.pk], "participants": [cast.consultant_b.pk], "cases": [case.pk]}
    assert_refused(client_as, [None, cast.analyst, cast.outsider, cast.consultant_b], "post", f"{T}/mdt", payload,
                   anonymous_redirects=False, content_type=JSON)
    client = client_as(cast.coordinator)
    bad = client.post(f"{T}/mdt", {**payload, "cases": [999]}, content_type=JSON)
    assert (bad.status_code, bad.json()["fields"]) == (400, {"cases": ["Some of the ids given do not exist."]})
    response = client.post(f"{T}/mdt", payload, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    session = MdtSession.objects.get()
    assert (body["id"], body["starts_at"], body["time_zone"]) == (session.pk, "2099-05-06T04:00:00Z", "Asia/Almaty")
    assert [(i["case"], i["decision"]) for i in body["items"]] == [(case.pk, None)]
    assert client.get(f"{T}/mdt").json()["count"] == 1
    with django_assert_num_queries(9):
        client.get(f"{T}/mdt/{session.pk}")
    item = session.items.get()
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "get", f"{T}/mdt/{session.pk}",
                   anonymous_redirects=False)
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post",
                   f"{T}/mdt/{session.pk}/items/{item.pk}/decision", {"impression": "x"},
                   anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post",
                   f"{T}/mdt/{session.pk}/attendance", {"present": []}, anonymous_redirects=False, content_type=JSON)
    attended = client_as(cast.coordinator).post(f"{T}/mdt/{session.pk}/attendance",
                                                {"present": [cast.consultant_b.pk]}, content_type=JSON).json()
    assert attended["participants"] == [{"user": "consultant_b", "attended": True}]
    decided = client_as(cast.consultant_b).post(f"{T}/mdt/{session.pk}/items/{item.pk}/decision",
                                                {"impression": "Surgery at Liaocheng"}, content_type=JSON)
    assert (decided.status_code, decided.json()["kind"], decided.json()["signed_by"]) == (201, "mdt", "consultant_b")
