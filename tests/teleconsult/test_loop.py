"""Closing the loop: the requester is told (in the app and by e-mail, in their language), confirms receipt,
coordinators see who has not; follow-ups are asked for, scheduled and listed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.teleconsult import notify, selectors, services
from caravan.teleconsult.models import Case, FollowUp, Notice
from tests.helpers import assert_refused

from .conftest import open_case

pytestmark = pytest.mark.django_db
T = "/api/v1/teleconsult"
JSON = "application/json"


def answered(cast, tele, **extra):
    case = open_case(cast, tele, **extra)
    services.report_sign(by=case.assigned_to, case=case, findings="", impression="Normal ECG", recommendation="")
    case.refresh_from_db()
    return case


def test_signing_tells_the_requester_in_the_app_and_by_mail(cast, tele, django_capture_on_commit_callbacks):
    cast.clinician_a.email = "clinician@gangcha.example"
    cast.clinician_a.save()
    case = open_case(cast, tele)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_sign(by=cast.consultant_b, case=case, findings="", impression="Normal", recommendation="")
    notice = Notice.objects.get()
    assert (notice.recipient, notice.case, notice.kind, notice.ref, notice.read_at) == (
        cast.clinician_a, case, "report_signed", 1, None)
    [message] = mail.outbox
    assert (message.to, message.subject) == (["clinician@gangcha.example"], f"TC-{case.pk}: the consultant's report is signed")
    assert message.body == (f"Report version 1 of case TC-{case.pk} is signed. Read it and confirm that you have "
                            f"received it.\n\n/teleconsult/cases/{case.pk}/\n")
    assert "Normal" not in message.body  # no clinical content leaves by mail


def test_an_addendum_tells_again(cast, tele):
    case = answered(cast, tele)
    services.report_sign(by=cast.consultant_b, case=case, findings="", impression="LVH", recommendation="",
                         addendum=True)
    assert list(Notice.objects.order_by("ref").values_list("ref", flat=True)) == [1, 2]


def test_the_mail_is_written_in_the_recipients_language(cast, tele, monkeypatch, django_capture_on_commit_callbacks):
    cast.clinician_a.email = "c@example.org"
    cast.clinician_a.save()
    cast.clinician_a.profile.language = "zh-hans"
    cast.clinician_a.profile.save()
    seen = []
    original = notify.words
    monkeypatch.setattr(notify, "words", lambda n: seen.append(translation.get_language()) or original(n))
    case = open_case(cast, tele)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_sign(by=cast.consultant_b, case=case, findings="", impression="x", recommendation="")
    assert seen == ["zh-hans"]
    assert translation.get_language() == "en"  # the request's own language is back
    assert len(mail.outbox) == 1


def test_no_address_no_mail(cast, tele, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answered(cast, tele)
    assert (Notice.objects.count(), len(mail.outbox)) == (1, 0)


def test_confirming_receipt_records_the_time_and_reads_the_notice(cast, tele):
    case = answered(cast, tele)
    before = timezone.now()
    services.case_confirm_receipt(by=cast.clinician_a, case=case)
    case.refresh_from_db()
    assert case.status == "closed" and before <= case.received_at <= timezone.now()
    assert Notice.objects.get().read_at == case.received_at


def test_the_case_page_shows_receipt(cast, tele, client_as):
    case = answered(cast, tele)
    client = client_as(cast.coordinator)
    page = client.get(reverse("teleconsult:case_detail", args=[case.pk])).content.decode()
    assert "Not yet: the requester has not confirmed reading the answer." in page
    services.case_confirm_receipt(by=cast.clinician_a, case=case)
    page = client.get(reverse("teleconsult:case_detail", args=[case.pk])).content.decode()
    assert "Not yet" not in page and 'data-testid="received"' in page


def test_coordinators_see_answered_but_unconfirmed_cases(cast, tele, client_as, django_assert_num_queries):
    first = answered(cast, tele)
    open_case(cast, tele)  # not answered: not listed
    confirmed = answered(cast, tele)
    services.case_confirm_receipt(by=cast.clinician_a, case=confirmed)
    assert list(selectors.cases_awaiting_receipt(user=cast.coordinator)) == [first]
    client = client_as(cast.coordinator)
    url = reverse("teleconsult:awaiting_receipt")
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert [c.pk for c, _ in response.context["rows"]] == [first.pk]
    for _ in range(3):
        answered(cast, tele)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.context["page"].paginator.count == 4
    api = client.get(f"{T}/awaiting-receipt").json()
    assert (api["count"], api["items"][0]["id"]) == (4, first.pk)


def test_awaiting_receipt_is_for_coordinators_only(cast, tele, client_as):
    answered(cast, tele)
    assert_refused(client_as, [None, cast.analyst, cast.clinician_a, cast.consultant_b],
                   "get", reverse("teleconsult:awaiting_receipt"))
    assert_refused(client_as, [None, cast.analyst, cast.clinician_a], "get", f"{T}/awaiting-receipt",
                   anonymous_redirects=False)
    # The other network's coordinator sees an empty list, not Haibei's cases.
    assert client_as(cast.outsider).get(f"{T}/awaiting-receipt").json()["count"] == 0


def test_notices_page_and_api(cast, tele, client_as, django_assert_num_queries):
    case = answered(cast, tele)
    client = client_as(cast.clinician_a)
    client.get(reverse("teleconsult:notices"))
    with django_assert_num_queries(6):
        response = client.get(reverse("teleconsult:notices"))
    assert [(s, b) for _, s, b in response.context["rows"]] == [(
        f"TC-{case.pk}: the consultant's report is signed",
        f"Report version 1 of case TC-{case.pk} is signed. Read it and confirm that you have received it.")]
    second = answered(cast, tele)
    with django_assert_num_queries(6):
        response = client.get(reverse("teleconsult:notices"))
    assert len(response.context["rows"]) == 2
    body = client.get(f"{T}/notices").json()
    assert [(n["case"], n["kind"], n["read_at"]) for n in body["items"]] == [
        (second.pk, "report_signed", None), (case.pk, "report_signed", None)]
    assert client.post(f"{T}/notices/read", {"ids": [Notice.objects.get(case=case).pk]},
                       content_type=JSON).json() == {"marked": 1}
    assert client.post(reverse("teleconsult:notices")).status_code == 302
    assert Notice.objects.filter(read_at__isnull=True).count() == 0
    # Nobody else sees or marks them.
    assert client_as(cast.consultant_b).get(f"{T}/notices").json()["count"] == 0


def test_notices_are_refused_to_anonymous_and_analysts(cast, tele, client_as):
    answered(cast, tele)
    assert_refused(client_as, [None, cast.analyst], "get", reverse("teleconsult:notices"))
    assert_refused(client_as, [None, cast.analyst], "post", reverse("teleconsult:notices"))
    assert_refused(client_as, [None, cast.analyst], "get", f"{T}/notices", anonymous_redirects=False)
    assert Notice.objects.filter(read_at__isnull=True).count() == 1


# --- Follow-ups -------------------------------------------------------------------------------------------------

def test_a_follow_up_is_asked_scheduled_and_listed(cast, tele, client_as):
    case = answered(cast, tele)
    follow_up = services.follow_up_request(by=cast.clinician_a, case=case, reason="Repeat ECG after 3 months")
    when = timezone.now().replace(microsecond=0) + timedelta(days=90)
    services.follow_up_schedule(by=cast.consultant_b, follow_up=follow_up, scheduled_for=when,
                                consultant=tele.backup)
    follow_up.refresh_from_db()
    assert (follow_up.scheduled_for, follow_up.consultant, follow_up.scheduled_by) == (
        when, tele.backup, cast.consultant_b)
    assert list(Notice.objects.order_by("pk").values_list("kind", "ref")) == [
        ("report_signed", 1), ("follow_up", follow_up.pk)]
    events = AuditEvent.objects.filter(object_type="teleconsult.followup").values_list("action", flat=True)
    assert sorted(events) == ["create", "update"]
    page = client_as(cast.clinician_a).get(reverse("teleconsult:case_detail", args=[case.pk])).content.decode()
    assert "Repeat ECG after 3 months" in page and "with consultant_c" in page
    queue = client_as(tele.backup).get(reverse("teleconsult:home") + "?queue=1")
    assert [f.pk for f in queue.context["follow_ups"]] == [follow_up.pk]
    assert client_as(cast.consultant_b).get(reverse("teleconsult:home") + "?queue=1").context["follow_ups"] == []


@pytest.mark.parametrize(("reason", "answer", "message"), [
    ("  ", True, "Say why the patient should be seen again."),
    ("Again", False, "A follow-up can be asked for once the case has an answer."),
])
def test_follow_up_request_refuses_bad_input(cast, tele, reason, answer, message):
    case = answered(cast, tele) if answer else open_case(cast, tele)
    with pytest.raises(ValidationFailed) as refused:
        services.follow_up_request(by=cast.clinician_a, case=case, reason=reason)
    assert refused.value.fields == {"reason": [message]}
    assert FollowUp.objects.count() == 0


def test_follow_up_schedule_refuses_bad_input(cast, tele):
    case = answered(cast, tele)
    follow_up = services.follow_up_request(by=cast.clinician_a, case=case, reason="Again")
    with pytest.raises(ValidationFailed) as refused:
        services.follow_up_schedule(by=cast.coordinator, follow_up=follow_up,
                                    scheduled_for=timezone.now() - timedelta(hours=1), consultant=cast.clinician_a)
    assert refused.value.fields == {
        "scheduled_for": ["The follow-up must be in the future."],
        "consultant": ["Choose the case's consultant or another consultant of a partner facility who reads this "
                       "specialty."]}
    with pytest.raises(ValidationFailed) as refused:
        services.follow_up_schedule(by=cast.coordinator, follow_up=follow_up, scheduled_for=None,
                                    consultant=cast.consultant_b)
    assert refused.value.fields == {"scheduled_for": ["Enter the date and time of the follow-up."]}
    follow_up.refresh_from_db()
    assert follow_up.scheduled_for is None and Notice.objects.filter(kind="follow_up").count() == 0


def test_follow_ups_are_refused_to_others(cast, tele):
    case = answered(cast, tele)
    for user in (cast.consultant_b, tele.backup, cast.outsider, cast.analyst):
        with pytest.raises(PermissionDenied):
            services.follow_up_request(by=user, case=case, reason="Again")
    follow_up = services.follow_up_request(by=cast.clinician_a, case=case, reason="Again")
    when = timezone.now() + timedelta(days=1)
    for user in (cast.clinician_a, tele.backup, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.follow_up_schedule(by=user, follow_up=follow_up, scheduled_for=when,
                                        consultant=cast.consultant_b)
    follow_up.refresh_from_db()
    assert follow_up.scheduled_for is None


def test_follow_up_pages(cast, tele, client_as):
    case = answered(cast, tele)
    client = client_as(cast.clinician_a)
    url = reverse("teleconsult:case_follow_up", args=[case.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert response.context["follow_up_form"].errors["reason"] == ["Say why the patient should be seen again."]
    assert client.post(url, {"reason": "Echo in 6 weeks"}).status_code == 302
    follow_up = FollowUp.objects.get()
    schedule = reverse("teleconsult:follow_up_schedule", args=[case.pk, follow_up.pk])
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post", schedule,
                   {"scheduled_for": "2099-01-05T09:30", "consultant": cast.consultant_b.pk})
    # The requester sees the case (an audited read) but may not schedule: 403, nothing changed.
    wrong = client_as(cast.clinician_a).post(schedule, {"scheduled_for": "2099-01-05T09:30",
                                                        "consultant": cast.consultant_b.pk})
    assert wrong.status_code == 403
    consultant = client_as(cast.consultant_b)
    page = consultant.get(reverse("teleconsult:case_detail", args=[case.pk]))
    assert page.context["schedule_form"] is not None
    response = consultant.post(schedule, {"scheduled_for": "", "consultant": cast.consultant_b.pk})
    assert response.status_code == 400
    assert response.context["schedule_form"].errors["scheduled_for"] == ["Enter the date and time of the follow-up."]
    assert consultant.post(schedule, {"scheduled_for": "2099-01-05T09:30",
                                      "consultant": cast.consultant_b.pk}).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.scheduled_for.isoformat(), follow_up.consultant) == ("2099-01-05T09:30:00+00:00",
                                                                           cast.consultant_b)
    assert consultant.post(reverse("teleconsult:follow_up_schedule", args=[case.pk, 999])).status_code == 404


def test_follow_up_request_page_is_refused_to_others(cast, tele, client_as):
    case = answered(cast, tele)
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post",
                   reverse("teleconsult:case_follow_up", args=[case.pk]), {"reason": "x"})
    # The consultant sees the case but the follow-up is the requester's to ask for.
    response = client_as(cast.consultant_b).post(reverse("teleconsult:case_follow_up", args=[case.pk]),
                                                 {"reason": "x"})
    assert response.status_code == 403
    assert FollowUp.objects.count() == 0


def test_follow_ups_over_the_api(cast, tele, client_as):
    case = answered(cast, tele)
    requester = client_as(cast.clinician_a)
    response = requester.post(f"{T}/cases/{case.pk}/follow-ups", {"reason": ""}, content_type=JSON)
    assert (response.status_code, response.json()["fields"]) == (
        400, {"reason": ["Say why the patient should be seen again."]})
    response = requester.post(f"{T}/cases/{case.pk}/follow-ups", {"reason": "Holter in 1 month"}, content_type=JSON)
    assert response.status_code == 201
    follow_up = FollowUp.objects.get()
    schedule = {"scheduled_for": "2099-03-01T09:00:00+08:00", "consultant": cast.consultant_b.pk}
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post",
                   f"{T}/cases/{case.pk}/follow-ups/{follow_up.pk}/schedule", schedule,
                   anonymous_redirects=False, content_type=JSON)
    assert client_as(cast.clinician_a).post(f"{T}/cases/{case.pk}/follow-ups/{follow_up.pk}/schedule", schedule,
                          content_type=JSON).status_code == 403
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post",
                   f"{T}/cases/{case.pk}/follow-ups", {"reason": "x"}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "get",
                   f"{T}/cases/{case.pk}/follow-ups", anonymous_redirects=False)
    response = client_as(cast.coordinator).post(
        f"{T}/cases/{case.pk}/follow-ups/{follow_up.pk}/schedule",
        {"scheduled_for": "2099-03-01T09:00:00+08:00", "consultant": cast.consultant_b.pk}, content_type=JSON)
    assert response.status_code == 200
    assert (response.json()["scheduled_for"], response.json()["consultant"]) == ("2099-03-01T09:00:00+08:00",
                                                                                 "consultant_b")
    assert FollowUp.objects.get().scheduled_for.isoformat() == "2099-03-01T01:00:00+00:00"
    listed = client_as(cast.clinician_a).get(f"{T}/cases/{case.pk}/follow-ups").json()
    assert [(f["reason"], f["consultant"]) for f in listed] == [("Holter in 1 month", "consultant_b")]
    assert Case.objects.get().status == "answered"


def test_the_case_page_with_follow_ups_costs_the_same(cast, tele, client_as, django_assert_num_queries):
    case = answered(cast, tele)
    client = client_as(cast.clinician_a)
    services.follow_up_request(by=cast.clinician_a, case=case, reason="One")
    client.get(reverse("teleconsult:case_detail", args=[case.pk]))
    # Ten: no message yet, so the prefetch of message authors has nothing to ask.
    with django_assert_num_queries(10):
        client.get(reverse("teleconsult:case_detail", args=[case.pk]))
    for reason in ("Two", "Three"):
        services.follow_up_request(by=cast.clinician_a, case=case, reason=reason)
    with django_assert_num_queries(10):
        response = client.get(reverse("teleconsult:case_detail", args=[case.pk]))
    assert len(response.context["follow_ups"]) == 3
