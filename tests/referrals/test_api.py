"""Referrals over HTTP: intake, list, detail, transitions, offers, letter, stay, follow-up, verify."""

from datetime import timedelta

from django.utils import timezone

from caravan.core.models import AuditEvent
from caravan.referrals import services
from caravan.referrals.models import Offer, Referral
from tests.helpers import assert_refused

from .conftest import intake, to_offers

R = "/api/v1/referrals"


def payload(world, **changes):
    data = intake(world, birth_date="1968-04-12", specialty="oncology")
    data.update(changes)
    return data


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_intake_over_the_api(world, client_as):
    client = client_as(world.tj_doctor)
    response = post(client, f"{R}/", payload(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["specialty"], body["passport_number"], body["patient_name"]) == (
        "received", "oncology", "••••••567", "Шарифов Далер")


def test_bad_intake_over_the_api_names_the_field(world, client_as):
    client = client_as(world.tj_doctor)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = post(client, f"{R}/", payload(world, birth_date=future, passport_number="AB1"))
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "birth_date": ["The date of birth cannot be in the future."],
        "passport_number": ["This is not a passport number of TJ: it looks like 401234567."]}
    response = post(client, f"{R}/", payload(world, specialty="transplantation"))
    assert response.json()["fields"] == {"specialty": [
        "No hospital of the receiving side is ready for foreign patients in Transplantation."]}
    assert Referral.objects.count() == 0


def test_the_list_costs_a_fixed_number_of_queries(world, referral, client_as, django_assert_num_queries):
    client = client_as(world.office)
    client.get(f"{R}/?page_size=1")
    with django_assert_num_queries(5):
        response = client.get(f"{R}/")
    assert [r["reference"] for r in response.json()["items"]] == [referral.reference]
    for i in range(3):
        services.referral_create(by=world.tj_doctor, data=intake(world, patient_name_latin=f"P{i}"))
    with django_assert_num_queries(5):
        response = client.get(f"{R}/")
    assert response.json()["count"] == 4


def test_the_detail_costs_a_fixed_number_of_queries_and_is_audited(world, referral, cast, client_as,
                                                                  django_assert_num_queries):
    client = client_as(world.office)
    client.get(f"{R}/?page_size=1")
    with django_assert_num_queries(9):
        body = client.get(f"{R}/{referral.pk}").json()
    assert body["passport_number"] == "401234567"
    to_offers(world, referral, cast.sari)
    to_offers(world, referral, world.fz)
    with django_assert_num_queries(9):
        body = client.get(f"{R}/{referral.pk}").json()
    assert [o["facility_name"] for o in body["offers"]] == ["Imam Khomeini Hospital, Sari",
                                                            "Fatemeh Zahra Hospital, Sari"]
    assert AuditEvent.objects.filter(action="read", object_id=str(referral.pk)).count() == 2


def test_reads_are_refused_outside_the_case(world, referral, cast, client_as):
    assert_refused(client_as, [None], "get", f"{R}/{referral.pk}", anonymous_redirects=False)
    assert_refused(client_as, [world.fz_clinician, world.mz_analyst, cast.coordinator], "get",
                   f"{R}/{referral.pk}", statuses=(404,))
    assert_refused(client_as, [world.tj_doctor, cast.coordinator], "get", f"{R}/{referral.pk}/match",
                   statuses=(404,))
    assert client_as(cast.coordinator).get(f"{R}/").json()["count"] == 0
    assert_refused(client_as, [None], "get", f"{R}/", anonymous_redirects=False)


def test_the_pathway_over_the_api(world, referral, cast, client_as):
    office = client_as(world.office)
    match = office.get(f"{R}/{referral.pk}/match").json()
    assert [c["name"] for c in match["candidates"] if c["eligible"]] == [
        "Imam Khomeini Hospital, Sari", "Fatemeh Zahra Hospital, Sari"]
    offer = {"facility": cast.sari.pk, "treatment_plan": "Resection", "expected_stay_days": 10,
             "cost_estimate": "-1", "currency": "USD"}
    response = post(office, f"{R}/{referral.pk}/offers", offer)
    assert response.status_code == 400
    assert response.json()["fields"] == {"cost_estimate": ["The cost estimate cannot be negative."]}
    response = post(office, f"{R}/{referral.pk}/letter", {"language": "en"})
    assert response.json()["fields"] == {"language": ["The invitation letter is issued once an offer is accepted."]}
    offer["cost_estimate"] = "4200"
    response = post(office, f"{R}/{referral.pk}/offers", offer)
    assert response.status_code == 201
    offer_id = response.json()["id"]
    doctor = client_as(world.tj_doctor)
    response = post(doctor, f"{R}/{referral.pk}/offers/{offer_id}/acceptance")
    assert response.json()["status"] == "accepted"
    office = client_as(world.office)
    body = post(office, f"{R}/{referral.pk}/letter", {"language": "zh"}).json()
    assert body["status"] == "letter_issued"
    assert client_as(None).get(f"{R}/verify/{body['letter_reference']}").json() == {"valid": True}
    assert client_as(None).get(f"{R}/verify/INV-NOPE").status_code == 404
    today = timezone.localdate().isoformat()
    office = client_as(world.office)
    for step in ("arrived", "admitted"):
        assert post(office, f"{R}/{referral.pk}/stay", {"step": step, "day": today}).status_code == 200
    body = post(office, f"{R}/{referral.pk}/stay", {"step": "discharged", "day": today, "summary": "Well."}).json()
    assert [f["day_offset"] for f in body["follow_ups"]] == [30, 90]
    body = post(client_as(world.tj_doctor), f"{R}/{referral.pk}/follow-ups/{body['follow_ups'][0]['id']}",
                {"done_on": today, "outcome": "recovered"}).json()
    assert (body["status"], body["outcome"]) == ("follow_up", "recovered")


def test_writes_are_refused_outside_the_case(world, referral, cast, client_as):
    offer = to_offers(world, referral, cast.sari)
    outsiders = [world.mz_analyst, cast.coordinator, world.fz_clinician]
    for path, data in [
        (f"{R}/{referral.pk}/transitions", {"to": "declined", "reason": "x"}),
        (f"{R}/{referral.pk}/offers", {"facility": world.fz.pk, "treatment_plan": "x", "expected_stay_days": 2,
                                       "cost_estimate": "1", "currency": "USD"}),
        (f"{R}/{referral.pk}/offers/{offer.pk}/acceptance", {}),
        (f"{R}/{referral.pk}/letter", {"language": "en"}),
        (f"{R}/{referral.pk}/stay", {"step": "arrived", "day": "2026-01-01"}),
    ]:
        assert_refused(client_as, [None], "post", path, data, anonymous_redirects=False,
                       content_type="application/json")
        assert_refused(client_as, outsiders, "post", path, data, content_type="application/json")
    assert_refused(client_as, [world.tj_doctor], "post", f"{R}/{referral.pk}/transitions",
                   {"to": "declined", "reason": "x"}, content_type="application/json")
    assert_refused(client_as, [cast.analyst], "post", f"{R}/", payload(world), content_type="application/json")
    referral.refresh_from_db()
    assert referral.status == "offers"
    assert Offer.objects.count() == 1
    assert Referral.objects.count() == 1


def test_a_full_month_is_refused_over_the_api(world, referral, client_as):
    other = services.referral_create(by=world.tj_doctor, data=intake(world, patient_name_latin="Other"))
    services.offer_accept(by=world.office, referral=other, offer_id=to_offers(world, other, world.fz).pk)
    offer = to_offers(world, referral, world.fz)
    response = post(client_as(world.tj_doctor), f"{R}/{referral.pk}/offers/{offer.pk}/acceptance")
    assert response.status_code == 400
    assert response.json()["code"] == "capacity_used_up"
    assert response.json()["fields"] == {"offer": [
        "Fatemeh Zahra Hospital, Sari has no capacity left this month for foreign patients in Oncology."]}
