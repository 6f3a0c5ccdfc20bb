"""The referral pages: board, intake, detail and its steps, letter, export, figures, public verification."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caravan.core.models import AuditEvent
from caravan.referrals import services
from caravan.referrals.models import Offer, Referral
from tests.helpers import assert_refused

from .conftest import intake, to_offers


def url(name, *args):
    return reverse(f"referrals:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def many(world, n):
    for i in range(n):
        services.referral_create(by=world.tj_doctor, data=intake(world, patient_name_latin=f"Patient {i}"))


def test_the_board_shows_every_open_stage_with_a_fixed_number_of_queries(world, referral, client_as,
                                                                         django_assert_num_queries):
    client = client_as(world.office)
    client.get(url("home"))
    with django_assert_num_queries(15):
        response = client.get(url("home"))
    assert response.status_code == 200
    assert re.findall(r'data-testid="count-(\w+)">(\d+)<', html(response))[:3] == [
        ("received", "1"), ("pre_assessment", "0"), ("offers", "0")]
    many(world, 4)
    with django_assert_num_queries(15):
        response = client.get(url("home"))
    assert 'data-testid="count-received">5<' in html(response)


def test_the_board_filters_by_htmx(world, referral, client_as):
    client = client_as(world.office)
    response = client.get(url("home"), {"status": "received", "nationality": "tj"}, HTTP_HX_REQUEST="true")
    assert "<html" not in html(response)
    assert referral.reference in html(response)
    response = client.get(url("home"), {"nationality": "ZW"}, HTTP_HX_REQUEST="true")
    assert referral.reference not in html(response)


def test_the_board_shows_nothing_to_the_other_network(world, referral, cast, client_as):
    response = client_as(cast.coordinator).get(url("home"))
    assert referral.reference not in html(response)
    assert_refused(client_as, [None], "get", url("home"))


def test_the_detail_page_with_a_fixed_number_of_queries_and_an_audited_read(world, referral, cast, client_as,
                                                                           django_assert_num_queries):
    client = client_as(world.office)
    client.get(url("home"))
    with django_assert_num_queries(14):
        response = client.get(url("detail", referral.pk))
    assert response.status_code == 200
    text = html(response)
    assert "Шарифов Далер" in text and 'data-testid="passport" dir="ltr">401234567<' not in text
    assert 'data-testid="passport">401234567<' in text
    to_offers(world, referral, cast.sari)
    to_offers(world, referral, world.fz)
    with django_assert_num_queries(14):
        client.get(url("detail", referral.pk))
    assert AuditEvent.objects.filter(action="read", object_id=str(referral.pk)).count() == 2


def test_passports_are_masked_for_hospital_staff(world, referral, client_as):
    to_offers(world, referral, world.fz)
    response = client_as(world.fz_clinician).get(url("detail", referral.pk))
    assert 'data-testid="passport">••••••567<' in html(response)


def test_the_detail_page_is_refused_outside_the_case(world, referral, cast, client_as):
    assert_refused(client_as, [None, world.fz_clinician, world.mz_analyst, cast.coordinator, cast.admin_a],
                   "get", url("detail", referral.pk))


def test_intake_through_the_form(world, cast, client_as):
    client = client_as(world.tj_doctor)
    assert client.get(url("create")).status_code == 200
    data = intake(world, birth_date="1968-04-12")
    response = client.post(url("create"), data)
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", referral.pk)


def test_bad_intake_through_the_form_names_the_field(world, client_as):
    client = client_as(world.tj_doctor)
    data = intake(world, birth_date=(date.today() + timedelta(days=1)).isoformat(), passport_number="X1")
    response = client.post(url("create"), data)
    assert response.status_code == 400
    errors = dict(re.findall(r'data-field-error="(\w+)">([^<]+)<', html(response)))
    assert errors == {"birth_date": "The date of birth cannot be in the future.",
                      "passport_number": "This is not a passport number of TJ: it looks like 401234567."}
    assert Referral.objects.count() == 0


def test_intake_is_refused_without_a_case_role(world, cast, client_as):
    assert_refused(client_as, [None, cast.analyst, world.mz_analyst], "get", url("create"))
    assert_refused(client_as, [None, cast.analyst], "post", url("create"), intake(world, birth_date="1968-04-12"))
    assert Referral.objects.count() == 0


def test_the_steps_through_the_pages(world, referral, cast, client_as):
    office = client_as(world.office)
    response = office.post(url("pre_assess", referral.pk), {"pre_assessment": "Resectable."})
    assert response.status_code == 302
    response = office.post(url("offer_add", referral.pk), {
        "facility": world.fz.pk, "treatment_plan": "Resection", "expected_stay_days": 10, "cost_estimate": "-5",
        "currency": "USD"})
    assert response.status_code == 400
    assert 'data-field-error="cost_estimate">The cost estimate cannot be negative.<' in html(response)
    response = office.post(url("letter_issue", referral.pk), {"language": "fa"})
    assert response.status_code == 400
    assert "The invitation letter is issued once an offer is accepted." in html(response)
    response = office.post(url("offer_add", referral.pk), {
        "facility": world.fz.pk, "treatment_plan": "Resection", "expected_stay_days": 10, "cost_estimate": "3900",
        "currency": "USD"})
    assert response.status_code == 302
    offer = Offer.objects.get()
    doctor = client_as(world.tj_doctor)
    assert doctor.post(url("offer_accept", referral.pk, offer.pk)).status_code == 302
    office = client_as(world.office)
    assert office.post(url("letter_issue", referral.pk), {"language": "fa"}).status_code == 302
    referral.refresh_from_db()
    letter = office.get(url("letter", referral.pk))
    text = html(letter)
    assert 'dir="rtl"' in text and "دعوت‌نامه" in text and "Шарифов Далер" in text
    assert url("verify", referral.letter_reference) in text
    ru = html(office.get(url("letter", referral.pk), {"lang": "ru"}))
    assert "Приглашение на лечение" in ru and 'dir="ltr"' in ru
    today = timezone.localdate()
    staff = client_as(world.fz_clinician)
    assert staff.post(url("stay", referral.pk, "arrived"), {"day": today.isoformat()}).status_code == 302
    assert staff.post(url("stay", referral.pk, "admitted"), {"day": today.isoformat()}).status_code == 302
    response = staff.post(url("stay", referral.pk, "discharged"), {"day": today.isoformat()})
    assert response.status_code == 400
    assert 'data-field-error="summary">Write the discharge summary.<' in html(response)
    assert staff.post(url("stay", referral.pk, "discharged"), {"day": today.isoformat(),
                                                               "summary": "Well."}).status_code == 302
    fu = referral.follow_ups.get(day_offset=30)
    doctor = client_as(world.tj_doctor)
    assert doctor.post(url("follow_up", referral.pk, fu.pk), {"done_on": today.isoformat(),
                                                             "outcome": "recovered"}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("follow_up", "recovered")


def test_the_steps_are_refused_outside_the_case(world, referral, cast, client_as):
    offer = to_offers(world, referral, cast.sari)
    outsiders = [None, cast.coordinator, world.mz_analyst]
    assert_refused(client_as, outsiders, "post", url("pre_assess", referral.pk), {"pre_assessment": "x"})
    assert_refused(client_as, outsiders, "post", url("offer_accept", referral.pk, offer.pk))
    assert_refused(client_as, outsiders, "post", url("letter_issue", referral.pk), {"language": "en"})
    assert_refused(client_as, outsiders, "post", url("stay", referral.pk, "arrived"), {"day": "2026-01-01"})
    assert_refused(client_as, outsiders, "post", url("move", referral.pk), {"to": "declined", "reason": "x"})
    assert_refused(client_as, outsiders, "get", url("export", referral.pk))
    # The referring doctor may not decline nor record offers: those are the office's.
    assert_refused(client_as, [world.tj_doctor], "post", url("move", referral.pk), {"to": "declined", "reason": "x"})
    assert_refused(client_as, [world.tj_doctor], "post", url("offer_add", referral.pk), {
        "facility": world.fz.pk, "treatment_plan": "x", "expected_stay_days": 3, "cost_estimate": "1",
        "currency": "USD"})
    referral.refresh_from_db()
    assert referral.status == "offers"


def test_the_letter_is_refused_before_it_is_issued_and_to_hospital_staff(world, accepted, client_as):
    response = client_as(world.office).get(url("letter", accepted.pk))
    assert response.status_code == 404
    services.letter_issue(by=world.office, referral=accepted, language="en")
    assert_refused(client_as, [None, world.mz_analyst], "get", url("letter", accepted.pk))


def test_the_export_for_the_patient(world, accepted, client_as):
    client = client_as(world.tj_lead)
    response = client.get(url("export", accepted.pk), {"format": "json"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["referral"]["passport_number"] == "401234567"
    assert "Шарифов Далер" in html(client.get(url("export", accepted.pk)))
    assert_refused(client_as, [world.tj_doctor], "get", url("export", accepted.pk), {"format": "json"})


def test_the_public_verification_says_only_validity(world, accepted, client, cast):
    services.letter_issue(by=world.office, referral=accepted, language="en")
    accepted.refresh_from_db()
    response = client.get(url("verify", accepted.letter_reference))
    text = html(response)
    assert response.status_code == 200 and 'data-testid="verify-result"' in text
    assert "This invitation letter is valid." in text
    assert "Sharifov" not in text and "Imam Khomeini" not in text and "401234567" not in text
    assert response["Cache-Control"] == "no-store, private"
    assert 'data-testid="verify-unknown"' in html(client.get(url("verify", "INV-NOPE")))
    services.referral_advance(by=world.office, referral=accepted, to="withdrawn", reason="Visa refused.")
    assert "no longer valid" in html(client.get(url("verify", accepted.letter_reference)))


def test_verification_is_limited_per_address(db, client):
    from django.core.cache import cache

    cache.clear()
    statuses = [client.get(url("verify", f"INV-{i}")).status_code for i in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    cache.clear()


def test_the_figures_page_and_its_csv(world, accepted, cast, client_as, django_assert_num_queries):
    client = client_as(world.mz_analyst)
    client.get(url("home"))
    # Four for the session and access; the user's organisations; one GROUP BY each for country, specialty, and
    # outcome with the waits; two for each hospital table (the totals, then the busiest hospitals' months); one for
    # their names.
    with django_assert_num_queries(13):
        response = client.get(url("figures"))
    assert response.status_code == 200
    month = timezone.localdate().strftime("%Y-%m")
    assert response.context["data"]["country"][0]["name"] == "TJ"
    assert response.context["data"]["country"][0]["total"] == 1
    many(world, 3)
    with django_assert_num_queries(13):
        response = client.get(url("figures"))
    assert response.context["data"]["total"][-1] == 4
    csv_text = html(client.get(url("figures"), {"format": "csv"}))
    lines = csv_text.splitlines()
    assert lines[0].split(",")[-2:] == [month, "total"]
    assert lines[1].endswith(",4,4")
    assert "capacity_used,Imam Khomeini Hospital, Sari" not in csv_text
    assert '"Imam Khomeini Hospital, Sari"' in csv_text


def test_the_figures_are_empty_for_the_other_network(world, accepted, cast, client_as):
    response = client_as(cast.analyst).get(url("figures"))
    assert response.context["data"]["total"][-1] == 0
    assert_refused(client_as, [None], "get", url("figures"))


@pytest.mark.parametrize("lang", ["fa", "ru"])
def test_pages_in_persian_and_russian(world, referral, client_as, lang):
    client = client_as(world.office)
    client.cookies["django_language"] = lang
    for page in (url("home"), url("detail", referral.pk), url("figures")):
        assert client.get(page, HTTP_ACCEPT_LANGUAGE=lang).status_code == 200


def test_documents_download_only_inside_the_case(world, referral, cast, client_as, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    doc = services.document_add(by=world.tj_doctor, referral=referral,
                                upload=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50))
    response = client_as(world.office).get(url("document", referral.pk, doc.pk))
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert_refused(client_as, [None, world.mz_analyst, cast.coordinator], "get", url("document", referral.pk, doc.pk))
