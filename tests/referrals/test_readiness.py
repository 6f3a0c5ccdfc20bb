"""The international office keeps its hospitals' readiness: service, page and API."""

import pytest
from django.urls import reverse

from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.referrals import readiness, selectors
from caravan.referrals.models import Capacity
from tests.helpers import assert_refused

R = "/api/v1/referrals"


def state(facility):
    """The stored readiness of a hospital, as plain values."""
    facility.refresh_from_db()
    return (sorted(facility.languages), sorted(facility.foreign_patient_specialties.values_list("code", flat=True)),
            sorted((c.specialty.code, c.monthly, c.interpreters, c.accreditation)
                   for c in Capacity.objects.filter(facility=facility).select_related("specialty")))


SARI_BEFORE = (["en", "fa"], ["oncology"], [("oncology", 2, ["tg"], "national")])
CHANGE = {"languages": ["fa", "en", "ar"], "specialties": [
    {"specialty": "oncology", "monthly": 4, "interpreters": ["tg", "ru"], "accreditation": "JCI"},
    {"specialty": "cardiac_surgery", "monthly": 1, "interpreters": [], "accreditation": ""}]}
SARI_AFTER = (["ar", "en", "fa"], ["cardiac_surgery", "oncology"],
              [("cardiac_surgery", 1, [], ""), ("oncology", 4, ["ru", "tg"], "JCI")])


def test_the_office_replaces_a_hospitals_readiness_and_the_matcher_reads_it(world, referral, cast):
    assert state(cast.sari) == SARI_BEFORE
    result = readiness.readiness_set(by=world.office, facility=cast.sari, data=CHANGE)
    assert [(s.code, s.monthly) for s in result.ready] == [("cardiac_surgery", 1), ("oncology", 4)]
    assert state(cast.sari) == SARI_AFTER
    event = AuditEvent.objects.filter(object_id=str(cast.sari.pk), object_type="registry.facility").get()
    assert event.changes == {
        "languages": [["fa", "en"], ["ar", "en", "fa"]],
        "ready.oncology": [{"monthly": 2, "interpreters": ["tg"], "accreditation": "national"},
                           {"monthly": 4, "interpreters": ["ru", "tg"], "accreditation": "JCI"}],
        "ready.cardiac_surgery": [None, {"monthly": 1, "interpreters": [], "accreditation": ""}]}
    sari = next(c for c in selectors.match_for_referral(referral=referral).candidates
                if c.hospital.facility_id == cast.sari.pk)
    assert (sari.hospital.capacity, sorted(sari.hospital.interpreters), sari.reasons) == (
        4, ["ru", "tg"], ["capacity_left", "interpreter", "accredited"])


def test_a_specialty_left_out_stops_being_ready(world, cast):
    readiness.readiness_set(by=world.office, facility=cast.sari, data={"languages": ["fa"], "specialties": []})
    assert state(cast.sari) == (["fa"], [], [])


def test_bad_readiness_names_the_field_and_changes_nothing(world, cast):
    bad = {"languages": ["fa", "xx"], "specialties": [
        {"specialty": "oncology", "monthly": -1, "interpreters": ["tg", "zz"], "accreditation": "A" * 101},
        {"specialty": "astrology", "monthly": 2}]}
    with pytest.raises(ValidationFailed) as caught:
        readiness.readiness_set(by=world.office, facility=cast.sari, data=bad)
    assert caught.value.fields == {
        "languages": ["Unknown language code: xx."],
        "specialties": ["Unknown specialty: astrology."],
        "monthly_oncology": ["Oncology: enter the patients a month as a whole number, 0 or more."],
        "interpreters_oncology": ["Unknown language code: zz."],
        "accreditation_oncology": ["At most 100 characters."]}
    with pytest.raises(ValidationFailed) as caught:
        readiness.readiness_set(by=world.office, facility=cast.sari, data={"specialties": [
            {"specialty": "oncology", "monthly": "two"}, {"specialty": "oncology", "monthly": 1}]})
    assert caught.value.fields == {
        "monthly_oncology": ["Oncology: enter the patients a month as a whole number, 0 or more."],
        "specialties": ["Oncology is listed twice."]}
    assert state(cast.sari) == SARI_BEFORE
    assert AuditEvent.objects.filter(object_type="registry.facility").count() == 0


def test_only_the_hospitals_office_may_change_its_readiness(world, cast):
    for user in (world.fz_clinician, world.mz_analyst, world.tj_lead, cast.coordinator):
        with pytest.raises(PermissionDenied):
            readiness.readiness_set(by=user, facility=cast.sari, data=CHANGE)
        with pytest.raises(NotFound):
            readiness.readiness_get_for_user(user=user, facility_id=cast.sari.pk)
    assert state(cast.sari) == SARI_BEFORE


# ------------------------------------------------------------------ the pages


def form_data(**changes):
    data = {"languages": ["fa", "en", "ar"], "ready_oncology": "on", "monthly_oncology": "4",
            "interpreters_oncology": "tg, ru", "accreditation_oncology": "JCI", "ready_cardiac_surgery": "on",
            "monthly_cardiac_surgery": "1"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_hospitals_list_and_the_readiness_page(world, cast, client_as, django_assert_num_queries):
    client = client_as(world.office)
    client.get(reverse("referrals:home"))
    # Session, user, access (two), the count, the page, the ready specialties prefetched.
    with django_assert_num_queries(7):
        response = client.get(reverse("referrals:hospitals"))
    assert [f.name for f in response.context["page"].object_list] == [
        "Fatemeh Zahra Hospital, Sari", "Imam Khomeini Hospital, Sari"]
    url = reverse("referrals:hospital_readiness", args=[cast.sari.pk])
    # Session, user, access (two), the hospital, its ready specialties, its capacities, the specialties.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["ready_oncology"].value(), form["monthly_oncology"].value(), form["interpreters_oncology"].value(),
            form["ready_cardiology"].value()) == (True, 2, "tg", False)
    response = client.post(url, form_data())
    assert response.status_code == 302
    assert state(cast.sari) == SARI_AFTER


def test_bad_readiness_through_the_page_names_the_field(world, cast, client_as):
    url = reverse("referrals:hospital_readiness", args=[cast.sari.pk])
    response = client_as(world.office).post(url, form_data(monthly_oncology="-3", interpreters_oncology="tg qq"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "monthly_oncology": ["Oncology: enter the patients a month as a whole number, 0 or more."],
        "interpreters_oncology": ["Unknown language code: qq."]}
    assert 'data-field-error="monthly_oncology"' in response.content.decode()
    assert state(cast.sari) == SARI_BEFORE


def test_the_readiness_pages_are_refused_outside_the_office(world, cast, client_as):
    url = reverse("referrals:hospital_readiness", args=[cast.sari.pk])
    assert_refused(client_as, [None, world.fz_clinician, world.mz_analyst, world.tj_lead, cast.coordinator],
                   "post", url, form_data())
    assert_refused(client_as, [None, world.fz_clinician, cast.coordinator], "get", url)
    assert_refused(client_as, [None], "get", reverse("referrals:hospitals"))
    # Another network's coordinator keeps their own hospitals' readiness, not Mazandaran's.
    others = client_as(cast.coordinator).get(reverse("referrals:hospitals")).context["page"].object_list
    assert [f.name for f in others] == ["Gangcha County People's Hospital"]
    assert state(cast.sari) == SARI_BEFORE


# ------------------------------------------------------------------ the API


def test_readiness_over_the_api(world, cast, client_as, django_assert_num_queries):
    client = client_as(world.office)
    path = f"{R}/hospitals/{cast.sari.pk}/readiness"
    client.get(f"{R}/?page_size=1")
    with django_assert_num_queries(7):
        body = client.get(path).json()
    assert body == {"facility": cast.sari.pk, "name": "Imam Khomeini Hospital, Sari", "languages": ["fa", "en"],
                    "specialties": [{"specialty": "oncology", "monthly": 2, "interpreters": ["tg"],
                                     "accreditation": "national"}]}
    response = client.put(path, CHANGE, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["specialties"] == [
        {"specialty": "cardiac_surgery", "monthly": 1, "interpreters": [], "accreditation": ""},
        {"specialty": "oncology", "monthly": 4, "interpreters": ["ru", "tg"], "accreditation": "JCI"}]
    assert state(cast.sari) == SARI_AFTER


def test_bad_readiness_over_the_api_names_the_field(world, cast, client_as):
    path = f"{R}/hospitals/{cast.sari.pk}/readiness"
    response = client_as(world.office).put(path, {"languages": ["fa"], "specialties": [
        {"specialty": "oncology", "monthly": -2}, {"specialty": "palmistry", "monthly": 1}]},
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "monthly_oncology": ["Oncology: enter the patients a month as a whole number, 0 or more."],
        "specialties": ["Unknown specialty: palmistry."]}
    response = client_as(world.office).put(path, {"specialties": [{"specialty": "oncology"}]},
                                           content_type="application/json")
    assert response.status_code == 422
    assert state(cast.sari) == SARI_BEFORE


def test_readiness_over_the_api_is_refused_outside_the_office(world, cast, client_as):
    path = f"{R}/hospitals/{cast.sari.pk}/readiness"
    assert_refused(client_as, [None], "put", path, CHANGE, anonymous_redirects=False, content_type="application/json")
    assert_refused(client_as, [world.fz_clinician, world.mz_analyst, world.tj_lead, cast.coordinator], "put", path,
                   CHANGE, statuses=(404,), content_type="application/json")
    assert_refused(client_as, [world.fz_clinician, cast.coordinator], "get", path, statuses=(404,))
    assert state(cast.sari) == SARI_BEFORE
