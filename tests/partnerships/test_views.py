"""The agreement and visit pages: content, query budgets, forms, refusals."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caravan.core.models import AuditEvent
from caravan.partnerships import services, visit_services
from caravan.partnerships.models import Agreement, AgreementDocument, Notification, Visit, VisitStop
from tests.helpers import assert_refused, audit_count

from .conftest import agreement_data, party, visit_data
from .test_services import PDF

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"partnerships:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def count_line(response) -> str:
    return re.search(r'data-testid="count">([^<]*)<', html(response)).group(1).strip()


def field_errors(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'data-field-error="([^"]+)">([^<]*)<', html(response)):
        found.setdefault(name, []).append(message.replace("&#x27;", "'"))
    return found


def section_errors(response, section: str) -> list[str]:
    block = re.search(rf'data-section-error="{section}">(.*?)</div>\s*\n', html(response), re.S)
    return [m.replace("&#x27;", "'") for m in re.findall(r"<div>([^<]*)</div>", block.group(1))] if block else []


def settled(client):
    client.get(url("notification_list"))
    return client


# ---------------------------------------------------------------- list


def test_the_list_shows_agreements_with_progress_and_health(cast, agreement, public_agreement, client_as):
    Agreement.objects.filter(pk=agreement.pk).update(status="active", end=date(2026, 12, 31))
    response = client_as(cast.coordinator).get(url("agreement_list"))
    assert response.status_code == 200
    assert count_line(response) == "2 agreements"
    assert re.findall(r'data-code="([^"]+)"', html(response)) == ["MZ-GC-2024", "SD-HB-2018"]
    assert 'data-health="expiring"' in html(response)
    outsider = client_as(cast.outsider).get(url("agreement_list") + "?q=haibei")
    assert count_line(outsider) == "0 agreements"


@pytest.mark.parametrize("extra", [0, 30])
def test_the_list_costs_the_same_queries_whatever_the_rows(cast, client_as, django_assert_num_queries, extra):
    for i in range(1 + extra):
        services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code=f"L-{i:02d}"))
    client = settled(client_as(cast.coordinator))
    # session, user, memberships, COUNT, page, parties, scopes, commitments, visits this year,
    # visits in the last 180 days, profile (menu), country choices.
    with django_assert_num_queries(12):
        response = client.get(url("agreement_list"))
    assert count_line(response) == ("1 agreement" if extra == 0 else "31 agreements")


def test_the_list_is_for_signed_in_users(cast, client_as):
    assert_refused(client_as, [None], "get", url("agreement_list"))


# ---------------------------------------------------------------- detail


def test_the_detail_shows_parties_commitments_and_activities(cast, agreement, client_as):
    visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement, start=date(2026, 3, 2),
                                                                      end=date(2026, 3, 3)))
    response = client_as(cast.analyst).get(url("agreement_detail", agreement.pk) + "?period=2026")
    page = html(response)
    assert response.status_code == 200
    assert page.count('data-testid="party-row"') == 2
    assert 'data-metric="visits"' in page
    assert "Visit: Shandong delegation to Haibei" in page
    assert url("agreement_edit", agreement.pk) not in page  # the analyst sees, but does not edit


def test_a_private_agreement_is_a_404_for_others(cast, agreement, client_as):
    for user in (cast.outsider, cast.clinician_a, cast.consultant_b):
        assert client_as(user).get(url("agreement_detail", agreement.pk)).status_code == 404
    assert_refused(client_as, [None], "get", url("agreement_detail", agreement.pk))


# ---------------------------------------------------------------- create


def form_post(cast, **overrides) -> dict:
    data = {
        "kind": "mou", "code": "TRI-2019", "title": "Tripartite cancer MoU", "title_local": "", "summary": "",
        "start": "2019-09-03", "end": "2024-09-02", "scopes": ["continuing_education", "difficult_cases"],
        "parties-TOTAL_FORMS": "4", "parties-INITIAL_FORMS": "0",
        "parties-0-organisation": cast.haibei.pk, "parties-0-role": "lead",
        "parties-1-organisation": cast.shandong.pk, "parties-1-role": "partner",
        "parties-2-organisation": cast.gangcha_org.pk, "parties-2-role": "partner",
        "parties-3-organisation": "", "parties-3-role": "partner",
        "commitments-TOTAL_FORMS": "3", "commitments-INITIAL_FORMS": "0",
        "commitments-0-metric": "visits", "commitments-0-target": "2", "commitments-0-period": "year",
        "commitments-1-metric": "people_trained", "commitments-1-target": "40", "commitments-1-period": "term",
        "commitments-2-metric": "", "commitments-2-target": "", "commitments-2-period": "year",
    }
    data.update(overrides)
    return data


def test_a_tripartite_agreement_is_created_with_its_commitments(cast, client_as):
    client = client_as(cast.coordinator)
    assert client.get(url("agreement_create")).status_code == 200
    response = client.post(url("agreement_create"), form_post(cast))
    agreement = Agreement.objects.get(code="TRI-2019")
    assert response.status_code == 302 and response["Location"] == url("agreement_detail", agreement.pk)
    assert agreement.parties.count() == 3
    assert list(agreement.commitments.values_list("metric", "period")) == [("visits", "year"),
                                                                          ("people_trained", "term")]


@pytest.mark.parametrize(("overrides", "where", "expected"), [
    ({"parties-1-organisation": "", "parties-2-organisation": ""}, "parties",
     ["An agreement needs at least two parties."]),
    ({"parties-1-organisation": "__haibei__"}, "parties",
     ["Haibei Health Commission is listed more than once; each party appears once."]),
    ({"end": "2019-01-01"}, "end", ["The end date must be on or after the start date."]),
    ({"commitments-0-target": "-3"}, "commitments", ["A commitment's target cannot be below zero."]),
])
def test_bad_agreements_are_shown_beside_their_field_and_nothing_is_saved(cast, client_as, overrides, where,
                                                                            expected):
    if overrides.get("parties-1-organisation") == "__haibei__":
        overrides["parties-1-organisation"] = cast.haibei.pk
    before = audit_count()
    response = client_as(cast.coordinator).post(url("agreement_create"), form_post(cast, **overrides))
    assert response.status_code == 400
    found = field_errors(response).get(where) or section_errors(response, where)
    assert found == expected
    assert (Agreement.objects.count(), audit_count()) == (0, before)


def test_creating_is_refused_to_those_who_coordinate_nothing(cast, client_as):
    assert_refused(client_as, [None, cast.analyst, cast.clinician_a], "post", url("agreement_create"),
                   form_post(cast))
    assert_refused(client_as, [None, cast.analyst], "get", url("agreement_create"))
    assert Agreement.objects.count() == 0


# ---------------------------------------------------------------- edit and lifecycle


def test_edit_and_its_refusals(cast, agreement, client_as):
    data = {"kind": "cooperation", "code": "SD-HB-2018", "title": "Renamed", "start": "2018-05-01",
            "end": "2028-04-30", "scopes": ["training"], "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "2",
            "parties-0-organisation": cast.haibei.pk, "parties-0-role": "lead",
            "parties-1-organisation": cast.shandong.pk, "parties-1-role": "supporter"}
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "post", url("agreement_edit", agreement.pk), data)
    response = client_as(cast.coordinator).post(url("agreement_edit", agreement.pk), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, list(agreement.scopes.values_list("area", flat=True))) == ("Renamed", ["training"])


def test_activation_without_signatures_is_refused_on_the_page(cast, agreement, client_as):
    response = client_as(cast.coordinator).post(url("agreement_transition", agreement.pk), {"to": "active"})
    assert response.status_code == 400
    assert "Enter the date the agreement was signed." in html(response)
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "post", url("agreement_transition", agreement.pk),
                   {"to": "terminated", "reason": "x"})


def test_signing_then_renewing(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    response = client.post(url("agreement_transition", agreement.pk), {"to": "signed", "signed_on": "2018-05-10"})
    assert response.status_code == 302
    response = client.post(url("agreement_renew", agreement.pk), {"code": "SD-HB-2028", "start": "2028-05-01"})
    successor = Agreement.objects.get(code="SD-HB-2028")
    assert (response.status_code, successor.predecessor_id) == (302, agreement.pk)
    assert 'data-testid="successor"' in html(client.get(url("agreement_detail", agreement.pk)))


def test_a_commitment_below_zero_is_refused_on_the_detail_page(cast, agreement, client_as):
    response = client_as(cast.coordinator).post(url("commitment_create", agreement.pk), {
        "new-metric": "people_trained", "new-target": "-1", "new-period": "year"})
    assert response.status_code == 400
    assert field_errors(response) == {"target": ["A commitment's target cannot be below zero."]}
    assert agreement.commitments.count() == 1
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "post", url("commitment_create", agreement.pk),
                   {"new-metric": "visits", "new-target": "1", "new-period": "month"})


# ---------------------------------------------------------------- documents


def test_a_pdf_is_uploaded_and_served_only_to_those_who_see_the_agreement(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    response = client.post(url("document_upload", agreement.pk), {
        "language": "zh", "title": "签署文本", "file": SimpleUploadedFile("mou.pdf", PDF)})
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    download = url("document_download", agreement.pk, document.pk)
    served = client_as(cast.analyst).get(download)
    assert (served.status_code, served["Content-Type"], b"".join(served.streaming_content)) == (
        200, "application/pdf", PDF)
    assert served["X-Content-Type-Options"] == "nosniff"
    assert_refused(client_as, [None, cast.outsider, cast.clinician_a], "get", download)


def test_an_upload_that_is_not_a_pdf_or_image_is_refused(cast, agreement, client_as):
    response = client_as(cast.coordinator).post(url("document_upload", agreement.pk), {
        "language": "en", "file": SimpleUploadedFile("mou.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert field_errors(response) == {"file": ["Upload the signed text as a PDF or an image (PNG, JPEG or WebP)."]}
    assert AgreementDocument.objects.count() == 0
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "post", url("document_upload", agreement.pk),
                   {"language": "en", "file": SimpleUploadedFile("a.pdf", PDF)})


# ---------------------------------------------------------------- network and notifications


def test_the_network_page_carries_the_graph_and_a_table(cast, agreement, public_agreement, client_as):
    response = client_as(cast.coordinator).get(url("network") + "?scope=research")
    page = html(response)
    assert count_line(response) == "1 agreement between 2 organisations."
    assert 'id="graph-data"' in page and "echarts.min.js" in page
    assert page.count('data-testid="edge-row"') == 1
    assert url("agreement_detail", public_agreement.pk) in page
    assert_refused(client_as, [None], "get", url("network"))


@pytest.mark.parametrize("extra", [0, 6])
def test_the_network_of_a_province_draws_a_line_per_pair(cast, agreement, public_agreement, client_as,
                                                         django_assert_num_queries, extra):
    for i in range(extra):
        services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code=f"N-{i}"))
    client = settled(client_as(cast.coordinator))
    # session, user, the chosen province (form), memberships; its path, its organisations, the organisations
    # above them; agreements, parties; profile (menu), country and province choices.
    with django_assert_num_queries(12):
        response = client.get(url("network") + f"?region={cast.qinghai.pk}")
    assert count_line(response) == f"{2 + extra} agreements between 4 organisations."
    page = html(response)
    assert page.count('data-testid="edge-row"') == 2
    if extra:
        # Seven agreements between Haibei and Shandong: five are named, the rest are in the list of those
        # between them.
        between = url("agreement_list") + f"?organisation={cast.haibei.pk}&amp;partner={cast.shandong.pk}"
        assert between in page
        listed = client.get(url("agreement_list") + f"?organisation={cast.haibei.pk}&partner={cast.shandong.pk}")
        assert count_line(listed) == f"{1 + extra} agreements"
    else:
        assert url("agreement_detail", agreement.pk) in page
    outside = client.get(url("network") + f"?region={cast.mazandaran_region.pk}")
    assert count_line(outside) == "1 agreement between 2 organisations."


def test_notifications_are_listed_and_marked_read(cast, agreement, client_as):
    Notification.objects.create(recipient=cast.coordinator, kind="expired", agreement=agreement)
    Notification.objects.create(recipient=cast.admin_a, kind="expired", agreement=agreement)
    client = client_as(cast.coordinator)
    page = html(client.get(url("notification_list")))
    assert page.count('data-testid="notification"') == 1
    assert client.post(url("notifications_read")).status_code == 302
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("recipient__username", flat=True)) == [
        "admin_a"]
    assert_refused(client_as, [None], "post", url("notifications_read"))


# ---------------------------------------------------------------- visits


def test_a_visit_is_recorded_and_its_itinerary_added_in_local_time(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    response = client.post(url("visit_create"), {
        "title": "Quality inspection", "start": "2026-06-02", "end": "2026-06-03", "time_zone": "Asia/Shanghai",
        "language": "zh-hans", "status": "held", "agreement": agreement.pk, "visiting": [cast.shandong.pk],
        "hosts": [cast.haibei.pk]})
    visit = Visit.objects.get()
    assert response.status_code == 302
    response = client.post(url("visit_stop_add", visit.pk), {
        "stop-starts_at": "2026-06-02T09:30", "stop-facility": cast.gangcha.pk, "stop-topic": "Obstetrics"})
    assert response.status_code == 302
    assert VisitStop.objects.get().starts_at.isoformat() == "2026-06-02T01:30:00+00:00"
    page = html(client.get(url("visit_detail", visit.pk)))
    assert "09:30" in page


def test_a_stop_outside_the_days_is_refused_beside_its_field(cast, visit, client_as):
    response = client_as(cast.coordinator).post(url("visit_stop_add", visit.pk), {
        "stop-starts_at": "2026-07-01T09:30", "stop-place": "Hall", "stop-topic": "Talk"})
    assert response.status_code == 400
    assert field_errors(response) == {"starts_at": ["The stop must fall within the days of the visit."]}
    assert VisitStop.objects.count() == 0


def test_the_printed_itinerary_is_in_the_visitors_language(cast, visit, client_as):
    visit_services.visit_update(by=cast.coordinator, visit=visit, data={"language": "fa"})
    response = client_as(cast.coordinator).get(url("visit_print", visit.pk))
    assert (response.status_code, response["Content-Language"]) == (200, "fa")
    assert '<html lang="fa" dir="rtl">' in html(response)
    assert "print.css" in html(response)


def test_the_calendar_exports(cast, visit, client_as):
    visit_services.visit_stop_add(by=cast.coordinator, visit=visit, data={
        "starts_at": visit_services.datetime(2026, 6, 2, 10, 0, tzinfo=visit_services.ZoneInfo("Asia/Shanghai")),
        "place": "Gangcha, County hospital", "topic": "Tour; ECG room"})
    response = client_as(cast.analyst).get(url("visit_ics", visit.pk))
    body = response.content.decode()
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert "DTSTART:20260602T020000Z\r\n" in body
    assert "LOCATION:Gangcha\\, County hospital\r\n" in body
    assert "SUMMARY:Shandong delegation to Haibei: Tour\\; ECG room\r\n" in body
    everything = client_as(cast.coordinator).get(url("visit_calendar")).content.decode()
    assert everything.count("BEGIN:VEVENT") == 2
    assert_refused(client_as, [None, cast.outsider], "get", url("visit_ics", visit.pk))


def test_visit_pages_are_refused_to_others(cast, visit, client_as):
    for name in ("visit_detail", "visit_print", "visit_edit"):
        assert_refused(client_as, [None, cast.outsider, cast.consultant_b], "get", url(name, visit.pk))
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "post", url("visit_stop_add", visit.pk),
                   {"stop-starts_at": "2026-06-02T09:30", "stop-place": "x", "stop-topic": "y"})
    assert_refused(client_as, [None, cast.analyst], "get", url("visit_create"))
    assert VisitStop.objects.count() == 0


def test_the_visit_list(cast, visit, public_agreement, client_as):
    visit_services.visit_create(by=cast.node_admin, data=visit_data(
        cast, public_agreement, title="Sari to Gangcha", visiting=[cast.mazandaran], hosts=[cast.gangcha_org]))
    assert count_line(client_as(cast.coordinator).get(url("visit_list"))) == "2 visits"
    assert count_line(client_as(cast.outsider).get(url("visit_list"))) == "1 visit"
    assert_refused(client_as, [None], "get", url("visit_list"))


def test_agreement_pages_for_a_third_party(cast, agreement, client_as):
    services.agreement_update(by=cast.coordinator, agreement=agreement, data={
        "parties": [party(cast.haibei, "lead"), party(cast.shandong, "supporter"), party(cast.gangcha_org)]})
    assert client_as(cast.clinician_a).get(url("agreement_detail", agreement.pk)).status_code == 200


def test_the_detail_costs_a_fixed_number_of_queries_plus_one_per_period_shown(
        cast, client_as, frozen_today, django_assert_num_queries):
    agreement = services.agreement_create(by=cast.coordinator, data=agreement_data(cast, start=date(2024, 1, 1)))
    client = settled(client_as(cast.coordinator))
    for i in range(3):
        visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement, title=f"Visit {i}"))
    # session, user, memberships; the agreement, parties, scopes, commitments, documents; may-edit check;
    # this year's visits and the last 180 days' (health); one count per year shown (2026, 2025, 2024);
    # the activities behind 2026; implementing agreements; visits citing it; profile (menu).
    with django_assert_num_queries(18):
        response = client.get(url("agreement_detail", agreement.pk))
    assert [p.window.key for p in response.context["reports"][0].history] == ["2026", "2025", "2024"]
    assert len(response.context["reports"][0].activities) == 3


# ---------------------------------------------------------------- deletion


@pytest.mark.parametrize("extra_parties", [0, 2])
def test_a_draft_is_deleted_after_its_confirmation_page(cast, client_as, django_assert_num_queries, extra_parties):
    parties = [party(cast.haibei, "lead"), party(cast.shandong)]
    parties += [party(o) for o in (cast.gangcha_org, cast.liaocheng_org)[:extra_parties]]
    agreement = services.agreement_create(by=cast.coordinator, data=agreement_data(cast, parties=parties))
    client = settled(client_as(cast.coordinator))
    # session, user, memberships; the agreement, its parties, scopes, commitments and documents; may edit;
    # implementing agreements, visits citing it; profile (menu).
    with django_assert_num_queries(12):
        page = client.get(url("agreement_delete", agreement.pk))
    assert page.status_code == 200 and "Delete the draft" in html(page)
    assert url("agreement_delete", agreement.pk) in html(client.get(url("agreement_detail", agreement.pk)))
    before = audit_count()
    response = client.post(url("agreement_delete", agreement.pk))
    assert (response.status_code, response["Location"]) == (302, url("agreement_list"))
    assert not Agreement.objects.filter(pk=agreement.pk).exists()
    assert audit_count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id, event.changes["code"]) == ("delete", str(agreement.pk), ["SD-HB-2018", None])


def test_deleting_is_refused_to_those_who_do_not_edit_the_agreement(cast, agreement, client_as):
    for method in ("get", "post"):
        assert_refused(client_as, [None, cast.analyst, cast.outsider, cast.clinician_a], method,
                       url("agreement_delete", agreement.pk))
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_a_signed_agreement_a_framework_in_use_and_a_cited_one_stay(cast, agreement, client_as):
    client = client_as(cast.coordinator)
    Agreement.objects.filter(pk=agreement.pk).update(status="signed", signed_on=date(2018, 5, 10))
    response = client.post(url("agreement_delete", agreement.pk))
    assert response.status_code == 400
    assert "Only a draft can be deleted; terminate a signed agreement instead." in html(response)
    assert "Delete the draft" not in html(client.get(url("agreement_delete", agreement.pk)))
    framework = services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code="FW", kind="mou"))
    services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code="IMPL", parent=framework))
    response = client.post(url("agreement_delete", framework.pk))
    assert "Other agreements implement this one; delete or move them first." in html(response)
    cited = services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code="CITED"))
    visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, cited))
    response = client.post(url("agreement_delete", cited.pk))
    assert "Visits cite this agreement; change them first." in html(response)
    assert Agreement.objects.filter(code__in=["SD-HB-2018", "FW", "CITED"]).count() == 3
    assert not AuditEvent.objects.filter(action="delete").exists()
