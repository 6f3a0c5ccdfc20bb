"""The registry API at /api/v1/registry/: values, query budgets, refusals and bad input."""

from datetime import date

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from caravan.core import services as core_services
from caravan.core.text import search_blob
from caravan.registry.models import (
    Appointment,
    Department,
    Equipment,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    RegionPopulation,
    Specialty,
    Technique,
)
from tests.helpers import assert_refused, audit_count

R = "/api/v1/registry"
JSON = "application/json"
UNAUTHENTICATED = {"code": "unauthenticated", "message": "Log in or send a valid API token.", "fields": {}}
FORBIDDEN = {"code": "forbidden", "message": "You do not have permission to do this.", "fields": {}}
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


def invalid(error_code: str, /, **fields) -> dict:
    return {"code": error_code, "message": "Some fields are not valid.", "fields": fields}


def send(client, method: str, url: str, data=None, **extra):
    return getattr(client, method)(url, data if data is not None else {}, content_type=JSON, **extra)


def settled(client_as, user):
    """A logged-in client whose session has been written once, so later requests read it only."""
    client = client_as(user)
    client.get(f"{R}/specialties?page_size=1")
    return client


def region_ref(region) -> dict:
    return {"id": region.pk, "code": region.code, "name": region.name}


def org_ref(org) -> dict:
    return {"id": org.pk, "name": org.name}


def make_facility(cast, code: str, name: str, **extra) -> Facility:
    defaults = {"organisation": cast.gangcha_org, "region": cast.gangcha_county, "level": 4,
                "kind": Facility.Kind.HEALTH_STATION}
    defaults.update(extra)
    return Facility.objects.create(code=code, name=name, search_text=search_blob(name, code), **defaults)


# ================================================================ pagination and errors


def test_page_shape_and_page_past_the_end(cast, client_as):
    client = client_as(cast.clinician_a)
    body = client.get(f"{R}/regions?page_size=2").json()
    assert (body["count"], body["page"], body["page_size"]) == (6, 1, 2)
    assert [r["code"] for r in body["items"]] == ["CN", "IR"]
    body = client.get(f"{R}/regions?page_size=2&page=3").json()
    assert [r["code"] for r in body["items"]] == ["CN-QH-HB", "CN-QH-HB-GC"]
    assert client.get(f"{R}/regions?page_size=2&page=4").json() == {
        "count": 6, "page": 4, "page_size": 2, "items": [],
    }


@pytest.mark.parametrize(("query", "fields"), [
    ("page_size=0", {"page_size": ["Must be at least 1."]}),
    ("page_size=201", {"page_size": ["Must be at most 200."]}),
    ("page=0", {"page": ["Must be at least 1."]}),
    ("page=two", {"page": ["Enter a number."]}),
    ("level=high", {"level": ["Enter a number."]}),
])
def test_bad_paging_is_422_naming_the_field(cast, client_as, query, fields):
    response = client_as(cast.clinician_a).get(f"{R}/regions?{query}")
    assert response.status_code == 422
    assert response.json() == invalid("invalid", **fields)


def test_page_size_up_to_the_maximum_is_accepted(cast, client_as):
    body = client_as(cast.clinician_a).get(f"{R}/specialties?page_size=200").json()
    assert (body["count"], body["page_size"], len(body["items"])) == (36, 200, 36)


@pytest.mark.parametrize("url", [
    "/regions", "/regions/1", "/facilities", "/facilities/1", "/practitioners", "/practitioners/1",
    "/specialties", "/equipment", "/techniques", "/techniques/1",
])
def test_every_read_refuses_anonymous(cast, client, url):
    response = client.get(R + url)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_auth_reads_and_a_revoked_token_is_401(cast):
    token, secret = core_services.api_token_create(by=cast.clinician_a, name="script")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get(f"{R}/facilities", **auth).json()
    assert [f["code"] for f in body["items"]] == ["CN-GC-01", "CN-LC-01"]
    core_services.api_token_revoke(by=cast.clinician_a, token_id=token.pk)
    response = client.get(f"{R}/facilities", **auth)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_auth_writes_without_csrf(cast):
    _token, secret = core_services.api_token_create(by=cast.coordinator, name="script")
    client = Client(enforce_csrf_checks=True)
    response = send(client, "patch", f"{R}/facilities/{cast.gangcha.pk}", {"beds": 130},
                    HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["beds"] == 130


def test_session_write_without_csrf_is_refused_and_nothing_changes(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator, backend="django.contrib.auth.backends.ModelBackend")
    before = audit_count()
    response = send(client, "patch", f"{R}/facilities/{cast.gangcha.pk}", {"beds": 130})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    cast.gangcha.refresh_from_db()
    assert cast.gangcha.beds == 120
    assert audit_count() == before


def test_messages_and_labels_follow_accept_language(cast, client_as):
    """Russian once the translations exist; until then the English text, but chosen through the header."""
    client = client_as(cast.coordinator)
    response = send(client, "post", f"{R}/facilities", {"code": "X"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 422
    assert response["Content-Language"] == "ru"
    with translation.override("ru"):
        assert response.json()["message"] == gettext("Some fields are not valid.")
        assert response.json()["fields"]["name"] == [gettext("This field is required.")]
    response = client.get(f"{R}/facilities/{cast.gangcha.pk}", HTTP_ACCEPT_LANGUAGE="ru")
    with translation.override("ru"):
        assert response.json()["kind_label"] == str(Facility.Kind.GENERAL_HOSPITAL.label)
    # Without the header the answer is in English.
    response = send(client, "post", f"{R}/facilities", {"code": "X"})
    assert (response["Content-Language"], response.json()["message"]) == ("en", "Some fields are not valid.")


def test_openapi_lists_the_registry_paths(db, client):
    assert client.get("/api/v1/docs").status_code == 200
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {p.removeprefix(R) for p in paths if p.startswith(R)} == {
        "/regions", "/regions/{region_id}", "/regions/{region_id}/populations/{year}",
        "/regions/{region_id}/merge",
        "/facilities", "/facilities/{facility_id}", "/facilities/{facility_id}/departments",
        "/facilities/{facility_id}/equipment/{equipment_code}",
        "/practitioners", "/practitioners/{practitioner_id}", "/practitioners/{practitioner_id}/appointments",
        "/specialties", "/equipment", "/techniques", "/techniques/{technique_id}",
    }
    assert set(paths[f"{R}/facilities"]) == {"get", "post"}
    assert set(paths[f"{R}/facilities/{{facility_id}}"]) == {"get", "patch"}


# ================================================================ regions


def test_region_list_item(cast, client_as):
    body = client_as(cast.clinician_a).get(f"{R}/regions?level=1").json()
    assert body == {
        "count": 2, "page": 1, "page_size": 25,
        "items": [
            {
                "id": cast.mazandaran_region.pk, "code": "IR-MZ", "name": "Mazandaran", "name_local": "مازندران",
                "level": 1, "level_label": "Province", "parent": region_ref(cast.iran),
                "valid_from": "1900-01-01", "valid_to": None, "merged_into": None,
                "meets_commune_criteria": None,
            },
            {
                "id": cast.qinghai.pk, "code": "CN-QH", "name": "Qinghai", "name_local": "青海省",
                "level": 1, "level_label": "Province", "parent": region_ref(cast.china),
                "valid_from": "1900-01-01", "valid_to": None, "merged_into": None,
                "meets_commune_criteria": None,
            },
        ],
    }


@pytest.mark.parametrize(("query", "codes"), [
    ("q=青海", ["CN-QH"]),
    ("q=haibei", ["CN-QH-HB"]),
    ("level=0", ["CN", "IR"]),
    ("parent={qinghai}", ["CN-QH-HB"]),
])
def test_region_list_filters(cast, client_as, query, codes):
    query = query.format(qinghai=cast.qinghai.pk)
    body = client_as(cast.clinician_a).get(f"{R}/regions?{query}").json()
    assert [r["code"] for r in body["items"]] == codes


def test_region_list_query_count_does_not_grow_with_the_page(cast, client_as, django_assert_num_queries):
    for i in range(30):
        Region.objects.create(code=f"CN-QH-X{i:02}", name=f"Extra {i:02}", level=2, parent=cast.qinghai)
    client = settled(client_as, cast.clinician_a)
    # Session, user, COUNT, page.
    for size in (1, 25):
        with django_assert_num_queries(4):
            body = client.get(f"{R}/regions?page_size={size}").json()
        assert (body["count"], len(body["items"])) == (36, size)


def test_region_detail_with_populations(cast, client_as):
    RegionPopulation.objects.create(region=cast.haibei_region, year=2023, population=281000)
    RegionPopulation.objects.create(region=cast.haibei_region, year=2024, population=283500)
    response = client_as(cast.clinician_a).get(f"{R}/regions/{cast.haibei_region.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": cast.haibei_region.pk, "code": "CN-QH-HB", "name": "Haibei", "name_local": "海北藏族自治州",
        "level": 2, "level_label": "District", "parent": region_ref(cast.qinghai),
        "valid_from": "1900-01-01", "valid_to": None, "merged_into": None, "meets_commune_criteria": None,
        "populations": [{"year": 2024, "population": 283500}, {"year": 2023, "population": 281000}],
    }


def test_region_detail_missing_is_404(cast, client_as):
    response = client_as(cast.clinician_a).get(f"{R}/regions/999999")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_region_create(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.admin_a), "post", f"{R}/regions", {
        "code": "CN-QH-XN", "name": "Xining", "name_local": "西宁市", "level": 2, "parent": cast.qinghai.pk,
        "valid_from": "1999-01-01", "meets_commune_criteria": True,
    })
    assert response.status_code == 201
    region = Region.objects.get(code="CN-QH-XN")
    assert response.json() == {
        "id": region.pk, "code": "CN-QH-XN", "name": "Xining", "name_local": "西宁市", "level": 2,
        "level_label": "District", "parent": region_ref(cast.qinghai), "valid_from": "1999-01-01",
        "valid_to": None, "merged_into": None, "meets_commune_criteria": True, "populations": [],
    }
    assert region.path == f"{cast.qinghai.path}{region.pk}/"
    assert audit_count() == before + 1


def test_region_create_refuses_other_roles_and_saves_nothing(cast, client_as):
    data = {"code": "CN-QH-XN", "name": "Xining", "level": 2, "parent": cast.qinghai.pk}
    assert_refused(client_as, [None], "post", f"{R}/regions", data, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.coordinator, cast.clinician_a, cast.analyst, cast.outsider], "post",
                   f"{R}/regions", data, statuses=(403,), content_type=JSON)
    assert Region.objects.filter(code="CN-QH-XN").count() == 0


@pytest.mark.parametrize(("data", "status", "error"), [
    ({"code": "CN-QH", "name": "Qinghai again", "level": 1, "parent": "china"}, 400,
     invalid("duplicate_code", code=["A region with this code already exists."])),
    ({"code": "CN-X", "name": "Nowhere", "level": 9, "parent": "china"}, 400,
     invalid("unknown_level", level=["Region level 9 does not exist; choose 0 (country) to 3 (commune)."])),
    ({"code": "CN-X", "name": "Nowhere", "level": 1, "parent": 999999}, 400,
     invalid("unknown_reference", parent=["Unknown region."])),
    ({"code": "CN-X", "name": "Nowhere", "level": 1}, 400,
     invalid("parent_required", parent=["Only a country may have no parent region."])),
    ({"code": "CN-X", "name": "", "level": 1, "parent": "china"}, 422,
     invalid("invalid", name=["This field cannot be blank."])),
    ({"name": "Nowhere", "level": 1, "parent": "china", "population": 3}, 422,
     invalid("invalid", code=["This field is required."], population=["This field is not known."])),
])
def test_region_create_bad_input(cast, client_as, data, status, error):
    if data.get("parent") == "china":
        data["parent"] = cast.china.pk
    before = (Region.objects.count(), audit_count())
    response = send(client_as(cast.admin_a), "post", f"{R}/regions", data)
    assert response.status_code == status
    assert response.json() == error
    assert (Region.objects.count(), audit_count()) == before


def test_region_update_renames(cast, client_as):
    response = send(client_as(cast.admin_a), "patch", f"{R}/regions/{cast.haibei_region.pk}",
                    {"name": "Haibei Prefecture"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["code"]) == ("Haibei Prefecture", "CN-QH-HB")
    cast.haibei_region.refresh_from_db()
    assert cast.haibei_region.name == "Haibei Prefecture"
    assert client_as(cast.clinician_a).get(f"{R}/regions?q=prefecture").json()["count"] == 1


def test_region_update_refuses_a_cycle(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.admin_a), "patch", f"{R}/regions/{cast.qinghai.pk}",
                    {"parent": cast.haibei_region.pk})
    assert response.status_code == 400
    assert response.json() == invalid("cycle", parent=["This would make a cycle: a node cannot sit below itself."])
    cast.qinghai.refresh_from_db()
    assert (cast.qinghai.parent_id, cast.qinghai.path) == (cast.china.pk, f"/{cast.china.pk}/{cast.qinghai.pk}/")
    assert audit_count() == before


def test_region_update_refuses_null_for_a_required_field(cast, client_as):
    response = send(client_as(cast.admin_a), "patch", f"{R}/regions/{cast.qinghai.pk}", {"name": None})
    assert response.status_code == 422
    assert response.json() == invalid("invalid", name=["Enter text."])


def test_region_update_with_a_list_for_a_body_is_422(cast, client_as):
    response = client_as(cast.admin_a).patch(f"{R}/regions/{cast.qinghai.pk}", "[1]", content_type=JSON)
    assert response.status_code == 422
    assert response.json() == invalid("invalid", __all__=["Send an object with named fields."])


def test_region_update_refuses_other_roles(cast, client_as):
    url = f"{R}/regions/{cast.qinghai.pk}"
    assert_refused(client_as, [None], "patch", url, {"name": "X"}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.coordinator, cast.analyst, cast.outsider], "patch", url, {"name": "X"},
                   statuses=(403,), content_type=JSON)
    cast.qinghai.refresh_from_db()
    assert cast.qinghai.name == "Qinghai"


def test_region_population_set(cast, client_as):
    client = client_as(cast.admin_a)
    url = f"{R}/regions/{cast.haibei_region.pk}/populations/2024"
    response = send(client, "put", url, {"population": 283500})
    assert response.status_code == 200
    assert response.json() == {"year": 2024, "population": 283500}
    assert send(client, "put", url, {"population": 284000}).json() == {"year": 2024, "population": 284000}
    assert list(RegionPopulation.objects.values_list("region_id", "year", "population")) == [
        (cast.haibei_region.pk, 2024, 284000)
    ]


@pytest.mark.parametrize(("year", "data", "status", "error"), [
    (2024, {"population": -1}, 422, invalid("invalid", population=["Must be at least 0."])),
    (1800, {"population": 5}, 400, invalid("bad_year", year=["Enter a year between 1900 and 2200."])),
    (2024, {}, 422, invalid("invalid", population=["This field is required."])),
])
def test_region_population_bad_input(cast, client_as, year, data, status, error):
    before = audit_count()
    response = send(client_as(cast.admin_a), "put", f"{R}/regions/{cast.haibei_region.pk}/populations/{year}", data)
    assert response.status_code == status
    assert response.json() == error
    assert RegionPopulation.objects.count() == 0
    assert audit_count() == before


def test_region_population_refuses_other_roles(cast, client_as):
    url = f"{R}/regions/{cast.haibei_region.pk}/populations/2024"
    assert_refused(client_as, [None], "put", url, {"population": 1}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.coordinator, cast.analyst, cast.outsider], "put", url, {"population": 1},
                   statuses=(403,), content_type=JSON)
    assert RegionPopulation.objects.count() == 0


def test_region_merge(cast, client_as):
    menyuan = Region.objects.create(code="CN-QH-HB-MY", name="Menyuan", level=3, parent=cast.haibei_region)
    menyuan.path = f"{cast.haibei_region.path}{menyuan.pk}/"
    menyuan.save(update_fields=["path"])
    response = send(client_as(cast.admin_a), "post", f"{R}/regions/{menyuan.pk}/merge",
                    {"into": cast.gangcha_county.pk, "on": "2025-01-01"})
    assert response.status_code == 200
    body = response.json()
    assert (body["valid_to"], body["merged_into"]) == ("2025-01-01", region_ref(cast.gangcha_county))
    menyuan.refresh_from_db()
    assert (menyuan.valid_to, menyuan.merged_into_id) == (date(2025, 1, 1), cast.gangcha_county.pk)


@pytest.mark.parametrize(("into", "error"), [
    ("qinghai", invalid("merge_level", into=["A region can only be merged into a region of the same level."])),
    (999999, invalid("unknown_reference", into=["Unknown region."])),
])
def test_region_merge_bad_input(cast, client_as, into, error):
    into = cast.qinghai.pk if into == "qinghai" else into
    response = send(client_as(cast.admin_a), "post", f"{R}/regions/{cast.haibei_region.pk}/merge",
                    {"into": into, "on": "2025-01-01"})
    assert response.status_code == 400
    assert response.json() == error
    cast.haibei_region.refresh_from_db()
    assert cast.haibei_region.merged_into_id is None


def test_region_merge_refuses_other_roles(cast, client_as):
    url = f"{R}/regions/{cast.gangcha_county.pk}/merge"
    data = {"into": cast.haibei_region.pk, "on": "2025-01-01"}
    assert_refused(client_as, [None], "post", url, data, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.coordinator, cast.analyst, cast.outsider], "post", url, data, statuses=(403,),
                   content_type=JSON)
    cast.gangcha_county.refresh_from_db()
    assert cast.gangcha_county.merged_into_id is None


# ================================================================ facilities


def gangcha_item(cast) -> dict:
    return {
        "id": cast.gangcha.pk, "code": "CN-GC-01", "name": "Gangcha County People's Hospital",
        "name_local": "刚察县人民医院", "kind": "general_hospital", "kind_label": "General hospital",
        "level": 3, "level_label": "District", "grade": "none", "grade_label": "Ungraded",
        "ownership": "public", "ownership_label": "Public", "beds": 120,
        "organisation": org_ref(cast.gangcha_org), "region": region_ref(cast.gangcha_county),
    }


def test_facility_list_shows_only_visible_facilities(cast, client_as):
    body = client_as(cast.clinician_a).get(f"{R}/facilities").json()
    assert body["count"] == 2
    assert body["items"][0] == gangcha_item(cast)
    assert [f["code"] for f in body["items"]] == ["CN-GC-01", "CN-LC-01"]
    assert [f["code"] for f in client_as(cast.outsider).get(f"{R}/facilities").json()["items"]] == ["IR-MZ-IK"]


@pytest.mark.parametrize(("query", "codes"), [
    ("q=刚察", ["CN-GC-01"]),
    ("q=liaocheng", ["CN-LC-01"]),
    ("region={qinghai}", ["CN-GC-01", "CN-LC-01"]),
    ("region={haibei}", ["CN-GC-01"]),
    ("level=2", ["CN-LC-01"]),
    ("kind=general_hospital", ["CN-GC-01", "CN-LC-01"]),
    ("kind=clinic", []),
    ("ownership=private", []),
    ("ready_for=cardiology", ["CN-LC-01"]),
    ("organisation={gangcha_org}", ["CN-GC-01"]),
    ("organisation={mazandaran}", []),
    ("region={iran}", []),
])
def test_facility_list_filters(cast, client_as, query, codes):
    cast.liaocheng.foreign_patient_specialties.add(Specialty.objects.get(code="cardiology"))
    query = query.format(qinghai=cast.qinghai.pk, haibei=cast.haibei_region.pk, gangcha_org=cast.gangcha_org.pk,
                         mazandaran=cast.mazandaran.pk, iran=cast.iran.pk)
    body = client_as(cast.clinician_a).get(f"{R}/facilities?{query}").json()
    assert [f["code"] for f in body["items"]] == codes


def test_facility_list_bad_kind_is_422(cast, client_as):
    response = client_as(cast.clinician_a).get(f"{R}/facilities?kind=castle")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["kind"]


def test_facility_list_query_count_does_not_grow_with_the_page(cast, client_as, django_assert_num_queries):
    for i in range(30):
        make_facility(cast, f"CN-GC-S{i:02}", f"Gangcha station {i:02}")
    client = settled(client_as, cast.clinician_a)
    # Session, user, memberships, networks, COUNT, page.
    for size in (1, 25):
        with django_assert_num_queries(6):
            body = client.get(f"{R}/facilities?page_size={size}").json()
        assert (body["count"], len(body["items"])) == (32, size)


def test_facility_detail(cast, client_as):
    cast.gangcha.languages = ["zh", "bo"]
    cast.gangcha.has_emr = True
    cast.gangcha.latitude = "37.325000"
    cast.gangcha.longitude = "100.146000"
    cast.gangcha.save()
    cardiology = Specialty.objects.get(code="cardiology")
    cast.gangcha.foreign_patient_specialties.add(cardiology)
    ward = Department.objects.create(facility=cast.gangcha, name="Cardiology ward", specialty=cardiology, beds=30)
    FacilityEquipment.objects.create(facility=cast.gangcha, equipment=Equipment.objects.get(code="ct"), quantity=2)
    response = client_as(cast.clinician_a).get(f"{R}/facilities/{cast.gangcha.pk}")
    assert response.status_code == 200
    assert response.json() == {
        **gangcha_item(cast),
        "latitude": 37.325, "longitude": 100.146, "has_emr": True, "has_his": False, "has_pacs": False,
        "languages": [{"code": "zh", "label": "Chinese"}, {"code": "bo", "label": "Tibetan"}],
        "departments": [{"id": ward.pk, "name": "Cardiology ward", "name_local": "",
                         "specialty": {"code": "cardiology", "label": "Cardiology"}, "beds": 30}],
        "equipment": [{"code": "ct", "label": "CT scanner", "quantity": 2}],
        "foreign_patient_specialties": [{"code": "cardiology", "label": "Cardiology"}],
        "can_edit": False,
    }
    assert client_as(cast.coordinator).get(f"{R}/facilities/{cast.gangcha.pk}").json()["can_edit"] is True


def test_facility_detail_query_count(cast, client_as, django_assert_num_queries):
    for i in range(5):
        Department.objects.create(facility=cast.gangcha, name=f"Ward {i}", specialty=Specialty.objects.get(code="nursing"))
    for equipment in Equipment.objects.all()[:5]:
        FacilityEquipment.objects.create(facility=cast.gangcha, equipment=equipment, quantity=1)
    client = settled(client_as, cast.coordinator)
    # Session, user, memberships, networks, facility, departments, equipment, foreign-patient specialties.
    with django_assert_num_queries(8):
        body = client.get(f"{R}/facilities/{cast.gangcha.pk}").json()
    assert (len(body["departments"]), len(body["equipment"]), body["can_edit"]) == (5, 5, True)


def test_facility_detail_of_another_network_is_404_like_a_missing_one(cast, client_as):
    client = client_as(cast.outsider)
    for pk in (cast.gangcha.pk, 999999):
        response = client.get(f"{R}/facilities/{pk}")
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


def new_facility(cast, **changes) -> dict:
    data = {
        "code": "CN-GC-02", "name": "Shaliu Health Station", "name_local": "沙柳河镇卫生院",
        "kind": "health_station", "level": 4, "organisation": cast.gangcha_org.pk,
        "region": cast.gangcha_county.pk, "beds": 12, "languages": ["zh", "bo"],
        "foreign_patient_specialties": ["paediatrics"],
    }
    data.update(changes)
    return data


def test_facility_create(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.coordinator), "post", f"{R}/facilities", new_facility(cast))
    assert response.status_code == 201
    facility = Facility.objects.get(code="CN-GC-02")
    assert response.json() == {
        "id": facility.pk, "code": "CN-GC-02", "name": "Shaliu Health Station", "name_local": "沙柳河镇卫生院",
        "kind": "health_station", "kind_label": "Commune health station", "level": 4, "level_label": "Commune",
        "grade": "none", "grade_label": "Ungraded", "ownership": "public", "ownership_label": "Public",
        "beds": 12, "organisation": org_ref(cast.gangcha_org), "region": region_ref(cast.gangcha_county),
        "latitude": None, "longitude": None, "has_emr": False, "has_his": False, "has_pacs": False,
        "languages": [{"code": "zh", "label": "Chinese"}, {"code": "bo", "label": "Tibetan"}],
        "departments": [], "equipment": [],
        "foreign_patient_specialties": [{"code": "paediatrics", "label": "Paediatrics"}],
        "can_edit": True,
    }
    assert audit_count() == before + 1


def test_facility_create_refuses_anonymous_and_wrong_roles(cast, client_as):
    url = f"{R}/facilities"
    data = new_facility(cast)
    assert_refused(client_as, [None], "post", url, data, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.clinician_a, cast.analyst, cast.consultant_b], "post", url, data,
                   statuses=(403,), content_type=JSON)
    response = send(client_as(cast.analyst), "post", url, data)
    assert response.json() == FORBIDDEN
    assert Facility.objects.filter(code="CN-GC-02").count() == 0


def test_facility_create_for_an_invisible_organisation_names_the_field(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.outsider), "post", f"{R}/facilities", new_facility(cast))
    assert response.status_code == 400
    assert response.json() == invalid("unknown_reference", organisation=["Unknown organisation."])
    assert Facility.objects.filter(code="CN-GC-02").count() == 0
    assert audit_count() == before


@pytest.mark.parametrize(("changes", "status", "error"), [
    ({"code": "CN-LC-01"}, 400, invalid("duplicate_code", code=["A facility with this code already exists."])),
    ({"level": 9}, 400, invalid(
        "unknown_level", level=["Technical level 9 does not exist; choose 1 (central) to 4 (commune)."])),
    ({"beds": -5}, 422, invalid("invalid", beds=["Must be at least 0."])),
    ({"languages": ["zh", "xx", "qq"]}, 400, invalid("invalid", languages=["Unknown language code: qq, xx."])),
    ({"region": 999999}, 400, invalid("unknown_reference", region=["Unknown region."])),
    ({"organisation": 999999}, 400, invalid("unknown_reference", organisation=["Unknown organisation."])),
    ({"foreign_patient_specialties": ["paediatrics", "alchemy"]}, 400,
     invalid("unknown_reference", foreign_patient_specialties=["Unknown specialty: alchemy."])),
    ({"latitude": 91}, 422, invalid("invalid", latitude=["Must be at most 90."])),
    ({"kind": "castle", "beds": "many"}, 422, invalid(
        "invalid",
        kind=["Choose one of: 'general_hospital', 'specialty_hospital', 'university_hospital', 'cancer_centre', "
              "'medical_centre', 'health_station' or 'clinic'."],
        beds=["Enter a number."])),
    ({"colour": "blue"}, 422, invalid("invalid", colour=["This field is not known."])),
])
def test_facility_create_bad_input(cast, client_as, changes, status, error):
    before = (Facility.objects.count(), audit_count())
    response = send(client_as(cast.coordinator), "post", f"{R}/facilities", new_facility(cast, **changes))
    assert response.status_code == status
    assert response.json() == error
    assert (Facility.objects.count(), audit_count()) == before


def test_facility_update(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.coordinator), "patch", f"{R}/facilities/{cast.gangcha.pk}",
                    {"beds": 150, "has_his": True, "languages": ["zh"], "latitude": None})
    assert response.status_code == 200
    body = response.json()
    assert (body["beds"], body["has_his"], body["languages"], body["name"]) == (
        150, True, [{"code": "zh", "label": "Chinese"}], "Gangcha County People's Hospital")
    cast.gangcha.refresh_from_db()
    assert (cast.gangcha.beds, cast.gangcha.has_his, cast.gangcha.languages) == (150, True, ["zh"])
    assert audit_count() == before + 1


def test_facility_update_by_an_outsider_is_404_and_changes_nothing(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.outsider), "patch", f"{R}/facilities/{cast.gangcha.pk}", {"beds": 1})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    cast.gangcha.refresh_from_db()
    assert cast.gangcha.beds == 120
    assert audit_count() == before


def test_facility_update_refuses_wrong_roles(cast, client_as):
    url = f"{R}/facilities/{cast.gangcha.pk}"
    assert_refused(client_as, [None], "patch", url, {"beds": 1}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.clinician_a, cast.analyst, cast.consultant_b], "patch", url, {"beds": 1},
                   statuses=(403,), content_type=JSON)
    cast.gangcha.refresh_from_db()
    assert cast.gangcha.beds == 120


def test_facility_move_to_an_organisation_one_cannot_edit_is_403(cast, client_as):
    response = send(client_as(cast.coordinator), "patch", f"{R}/facilities/{cast.gangcha.pk}",
                    {"organisation": cast.liaocheng_org.pk})
    assert response.status_code == 403
    cast.gangcha.refresh_from_db()
    assert cast.gangcha.organisation_id == cast.gangcha_org.pk


def test_department_create(cast, client_as):
    response = send(client_as(cast.coordinator), "post", f"{R}/facilities/{cast.gangcha.pk}/departments",
                    {"name": "Paediatrics", "name_local": "儿科", "specialty": "paediatrics", "beds": 20})
    assert response.status_code == 201
    department = Department.objects.get(facility=cast.gangcha)
    assert response.json() == {"id": department.pk, "name": "Paediatrics", "name_local": "儿科",
                               "specialty": {"code": "paediatrics", "label": "Paediatrics"}, "beds": 20}


@pytest.mark.parametrize(("data", "status", "error"), [
    ({"name": "Surgery"}, 400,
     invalid("duplicate_name", name=["This facility already has a department with this name."])),
    ({"name": "Magic", "specialty": "alchemy"}, 400, invalid("unknown_reference", specialty=["Unknown specialty: alchemy."])),
    ({"name": "Surgery 2", "beds": -1}, 422, invalid("invalid", beds=["Must be at least 0."])),
])
def test_department_create_bad_input(cast, client_as, data, status, error):
    Department.objects.create(facility=cast.gangcha, name="Surgery")
    response = send(client_as(cast.coordinator), "post", f"{R}/facilities/{cast.gangcha.pk}/departments", data)
    assert response.status_code == status
    assert response.json() == error
    assert list(Department.objects.values_list("name", flat=True)) == ["Surgery"]


def test_department_create_refusals(cast, client_as):
    url = f"{R}/facilities/{cast.gangcha.pk}/departments"
    assert_refused(client_as, [None], "post", url, {"name": "X"}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.clinician_a, cast.analyst], "post", url, {"name": "X"}, statuses=(403,),
                   content_type=JSON)
    assert_refused(client_as, [cast.outsider], "post", url, {"name": "X"}, statuses=(404,), content_type=JSON)
    assert Department.objects.count() == 0


def test_facility_equipment_set_and_remove(cast, client_as):
    client = client_as(cast.coordinator)
    url = f"{R}/facilities/{cast.gangcha.pk}/equipment/ct"
    response = send(client, "put", url, {"quantity": 2})
    assert response.status_code == 200
    assert response.json() == {"code": "ct", "label": "CT scanner", "quantity": 2}
    assert list(FacilityEquipment.objects.values_list("equipment__code", "quantity")) == [("ct", 2)]
    assert send(client, "put", url, {"quantity": 0}).json() == {"code": "ct", "label": "CT scanner", "quantity": 0}
    assert FacilityEquipment.objects.count() == 0


@pytest.mark.parametrize(("code", "data", "status", "error"), [
    ("flux-capacitor", {"quantity": 1}, 400,
     invalid("unknown_reference", equipment_code=["Unknown equipment: flux-capacitor."])),
    ("ct", {"quantity": -1}, 422, invalid("invalid", quantity=["Must be at least 0."])),
])
def test_facility_equipment_bad_input(cast, client_as, code, data, status, error):
    response = send(client_as(cast.coordinator), "put", f"{R}/facilities/{cast.gangcha.pk}/equipment/{code}", data)
    assert response.status_code == status
    assert response.json() == error
    assert FacilityEquipment.objects.count() == 0


def test_facility_equipment_refusals(cast, client_as):
    url = f"{R}/facilities/{cast.gangcha.pk}/equipment/ct"
    assert_refused(client_as, [None], "put", url, {"quantity": 1}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.clinician_a, cast.analyst], "put", url, {"quantity": 1}, statuses=(403,),
                   content_type=JSON)
    assert_refused(client_as, [cast.outsider], "put", url, {"quantity": 1}, statuses=(404,), content_type=JSON)
    assert FacilityEquipment.objects.count() == 0


# ================================================================ practitioners


def doctor_b_item(cast) -> dict:
    return {
        "id": cast.doctor_b.pk, "name": "王建华", "name_latin": "Wang Jianhua", "sex": "male", "sex_label": "Male",
        "profession": "doctor", "profession_label": "Doctor", "title": "senior", "title_label": "Senior",
        "organisation": org_ref(cast.liaocheng_org),
        "specialties": [{"code": "cardiology", "label": "Cardiology"}],
    }


def test_practitioner_list_shows_only_visible_practitioners(cast, client_as):
    body = client_as(cast.clinician_a).get(f"{R}/practitioners").json()
    assert body == {"count": 1, "page": 1, "page_size": 25, "items": [doctor_b_item(cast)]}
    outsider_items = client_as(cast.outsider).get(f"{R}/practitioners").json()["items"]
    assert [p["name_latin"] for p in outsider_items] == ["Maryam Rezaei"]


@pytest.mark.parametrize(("query", "names"), [
    ("q=建华", ["Wang Jianhua"]),
    ("q=wang", ["Wang Jianhua"]),
    ("specialty=cardiology", ["Wang Jianhua"]),
    ("specialty=urology", []),
    ("title=senior", ["Wang Jianhua"]),
    ("title=junior", []),
    ("profession=nurse", []),
    ("organisation={liaocheng_org}", ["Wang Jianhua"]),
    ("facility={liaocheng}", ["Wang Jianhua"]),
    ("facility={gangcha}", []),
])
def test_practitioner_list_filters(cast, client_as, query, names):
    Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.liaocheng, position="Chief physician",
                               start=date(2010, 1, 1))
    query = query.format(liaocheng_org=cast.liaocheng_org.pk, liaocheng=cast.liaocheng.pk, gangcha=cast.gangcha.pk)
    body = client_as(cast.clinician_a).get(f"{R}/practitioners?{query}").json()
    assert [p["name_latin"] for p in body["items"]] == names


def test_practitioner_list_query_count_does_not_grow_with_the_page(cast, client_as, django_assert_num_queries):
    cardiology, urology = Specialty.objects.filter(code__in=["cardiology", "urology"]).order_by("code")
    for i in range(30):
        p = Practitioner.objects.create(name=f"Doctor {i:02}", name_latin=f"Doctor {i:02}", sex="female",
                                        title="junior", organisation=cast.gangcha_org)
        p.specialties.add(cardiology, urology)
    client = settled(client_as, cast.clinician_a)
    # Session, user, memberships, networks, COUNT, page, specialties.
    for size in (1, 25):
        with django_assert_num_queries(7):
            body = client.get(f"{R}/practitioners?page_size={size}").json()
        assert (body["count"], len(body["items"])) == (31, size)
    assert body["items"][0]["specialties"] == [{"code": "cardiology", "label": "Cardiology"},
                                               {"code": "urology", "label": "Urology"}]


def test_practitioner_detail_with_appointments(cast, client_as):
    cast.doctor_b.languages = ["zh", "en"]
    cast.doctor_b.qualifications = "MD, Shandong University"
    cast.doctor_b.save()
    ward = Department.objects.create(facility=cast.liaocheng, name="Cardiology")
    current = Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.liaocheng, department=ward,
                                         position="Chief physician", start=date(2015, 3, 1))
    earlier = Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.gangcha,
                                         position="Visiting expert", start=date(2012, 1, 1), end=date(2012, 12, 31))
    response = client_as(cast.clinician_a).get(f"{R}/practitioners/{cast.doctor_b.pk}")
    assert response.status_code == 200
    assert response.json() == {
        **doctor_b_item(cast),
        "languages": [{"code": "zh", "label": "Chinese"}, {"code": "en", "label": "English"}],
        "qualifications": "MD, Shandong University",
        "appointments": [
            {"id": current.pk, "facility": {"id": cast.liaocheng.pk, "code": "CN-LC-01",
                                            "name": "Liaocheng People's Hospital"},
             "department": {"id": ward.pk, "name": "Cardiology"}, "position": "Chief physician",
             "start": "2015-03-01", "end": None},
            {"id": earlier.pk, "facility": {"id": cast.gangcha.pk, "code": "CN-GC-01",
                                            "name": "Gangcha County People's Hospital"},
             "department": None, "position": "Visiting expert", "start": "2012-01-01", "end": "2012-12-31"},
        ],
        "can_edit": False,
    }


def test_practitioner_detail_of_another_network_is_404(cast, client_as):
    response = client_as(cast.outsider).get(f"{R}/practitioners/{cast.doctor_b.pk}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def new_practitioner(cast, **changes) -> dict:
    data = {
        "name": "才让卓玛", "name_latin": "Cairang Zhuoma", "sex": "female", "profession": "nurse",
        "title": "intermediate", "organisation": cast.gangcha_org.pk, "languages": ["bo", "zh"],
        "specialties": ["nursing", "paediatrics"], "qualifications": "RN",
    }
    data.update(changes)
    return data


def test_practitioner_create(cast, client_as):
    before = audit_count()
    response = send(client_as(cast.coordinator), "post", f"{R}/practitioners", new_practitioner(cast))
    assert response.status_code == 201
    practitioner = Practitioner.objects.get(name_latin="Cairang Zhuoma")
    assert response.json() == {
        "id": practitioner.pk, "name": "才让卓玛", "name_latin": "Cairang Zhuoma", "sex": "female",
        "sex_label": "Female", "profession": "nurse", "profession_label": "Nurse", "title": "intermediate",
        "title_label": "Intermediate", "organisation": org_ref(cast.gangcha_org),
        "specialties": [{"code": "nursing", "label": "Nursing"}, {"code": "paediatrics", "label": "Paediatrics"}],
        "languages": [{"code": "bo", "label": "Tibetan"}, {"code": "zh", "label": "Chinese"}],
        "qualifications": "RN", "appointments": [], "can_edit": True,
    }
    assert audit_count() == before + 1


def test_practitioner_create_refusals(cast, client_as):
    url = f"{R}/practitioners"
    data = new_practitioner(cast)
    assert_refused(client_as, [None], "post", url, data, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.clinician_a, cast.analyst], "post", url, data, statuses=(403,),
                   content_type=JSON)
    assert_refused(client_as, [cast.outsider], "post", url, data, statuses=(400,), content_type=JSON)
    assert Practitioner.objects.filter(name_latin="Cairang Zhuoma").count() == 0


@pytest.mark.parametrize(("changes", "status", "error"), [
    ({"languages": ["tlh"]}, 400, invalid("invalid", languages=["Unknown language code: tlh."])),
    ({"specialties": ["alchemy"]}, 400, invalid("unknown_reference", specialties=["Unknown specialty: alchemy."])),
    ({"sex": "unknown"}, 422, invalid("invalid", sex=["Choose one of: 'female', 'male' or 'other'."])),
    ({"name_latin": ""}, 422, invalid("invalid", name_latin=["This field cannot be blank."])),
])
def test_practitioner_create_bad_input(cast, client_as, changes, status, error):
    before = (Practitioner.objects.count(), audit_count())
    response = send(client_as(cast.coordinator), "post", f"{R}/practitioners", new_practitioner(cast, **changes))
    assert response.status_code == status
    assert response.json() == error
    assert (Practitioner.objects.count(), audit_count()) == before


def test_practitioner_update(cast, client_as):
    response = send(client_as(cast.admin_a), "patch", f"{R}/practitioners/{cast.doctor_b.pk}", {})
    assert response.status_code == 403  # Liaocheng is not below Haibei
    client = client_as(cast.node_admin)
    response = send(client, "patch", f"{R}/practitioners/{cast.doctor_b.pk}",
                    {"title": "associate_senior", "specialties": ["cardiac_surgery", "cardiology"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["title_label"], body["specialties"]) == (
        "associate_senior", "Associate senior",
        [{"code": "cardiac_surgery", "label": "Cardiac surgery"}, {"code": "cardiology", "label": "Cardiology"}],
    )
    cast.doctor_b.refresh_from_db()
    assert cast.doctor_b.title == "associate_senior"


def test_practitioner_update_refusals(cast, client_as):
    url = f"{R}/practitioners/{cast.doctor_b.pk}"
    assert_refused(client_as, [None], "patch", url, {"title": "junior"}, anonymous_redirects=False,
                   content_type=JSON)
    assert_refused(client_as, [cast.consultant_b, cast.coordinator], "patch", url, {"title": "junior"},
                   statuses=(403,), content_type=JSON)
    assert_refused(client_as, [cast.outsider], "patch", url, {"title": "junior"}, statuses=(404,),
                   content_type=JSON)
    cast.doctor_b.refresh_from_db()
    assert cast.doctor_b.title == "senior"


def test_appointment_create(cast, client_as):
    ward = Department.objects.create(facility=cast.gangcha, name="Cardiology")
    response = send(client_as(cast.coordinator), "post", f"{R}/practitioners/{cast.doctor_b.pk}/appointments", {
        "facility": cast.gangcha.pk, "department": ward.pk, "position": "Visiting expert",
        "start": "2025-03-01", "end": "2025-08-31",
    })
    assert response.status_code == 201
    appointment = Appointment.objects.get(practitioner=cast.doctor_b)
    assert response.json() == {
        "id": appointment.pk,
        "facility": {"id": cast.gangcha.pk, "code": "CN-GC-01", "name": "Gangcha County People's Hospital"},
        "department": {"id": ward.pk, "name": "Cardiology"}, "position": "Visiting expert",
        "start": "2025-03-01", "end": "2025-08-31",
    }


@pytest.mark.parametrize(("changes", "status", "error"), [
    ({"end": "2025-01-01"}, 400, invalid("end_before_start", end=["The end date is before the start date."])),
    ({"facility": "sari"}, 400, invalid("unknown_reference", facility=["Unknown facility."])),
    ({"department": "elsewhere"}, 400,
     invalid("wrong_facility", department=["The department belongs to another facility."])),
    ({"department": 999999}, 400, invalid("unknown_reference", department=["Unknown department."])),
    ({"start": "March"}, 422, invalid("invalid", start=["Enter a date as YYYY-MM-DD."])),
])
def test_appointment_create_bad_input(cast, client_as, changes, status, error):
    elsewhere = Department.objects.create(facility=cast.liaocheng, name="Cardiology")
    data = {"facility": cast.gangcha.pk, "position": "Visiting expert", "start": "2025-03-01", **changes}
    if data.get("facility") == "sari":
        data["facility"] = cast.sari.pk
    if data.get("department") == "elsewhere":
        data["department"] = elsewhere.pk
    before = audit_count()
    response = send(client_as(cast.coordinator), "post", f"{R}/practitioners/{cast.doctor_b.pk}/appointments", data)
    assert response.status_code == status
    assert response.json() == error
    assert Appointment.objects.count() == 0
    assert audit_count() == before


def test_appointment_create_refusals(cast, client_as):
    url = f"{R}/practitioners/{cast.doctor_b.pk}/appointments"
    data = {"facility": cast.gangcha.pk, "position": "Visiting expert", "start": "2025-03-01"}
    assert_refused(client_as, [None], "post", url, data, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.clinician_a, cast.consultant_b, cast.analyst], "post", url, data,
                   statuses=(403,), content_type=JSON)
    assert_refused(client_as, [cast.outsider], "post", url, data, statuses=(404,), content_type=JSON)
    assert Appointment.objects.count() == 0


# ================================================================ controlled lists


def test_specialty_list(cast, client_as):
    body = client_as(cast.clinician_a).get(f"{R}/specialties?page_size=2").json()
    assert body == {"count": 36, "page": 1, "page_size": 2, "items": [
        {"code": "anaesthesiology", "label": "Anaesthesiology", "name": "Anaesthesiology"},
        {"code": "cardiac_surgery", "label": "Cardiac surgery", "name": "Cardiac surgery"},
    ]}


def test_equipment_list(cast, client_as):
    body = client_as(cast.clinician_a).get(f"{R}/equipment?page_size=200").json()
    assert (body["count"], body["page"], body["page_size"]) == (15, 1, 200)
    # Compared by code: where "CT scanner" sorts beside "Catheterisation laboratory" depends on the collation.
    by_code = {item["code"]: item for item in body["items"]}
    assert by_code["ct"] == {"code": "ct", "label": "CT scanner", "name": "CT scanner"}
    assert by_code["ivf_lab"] == {"code": "ivf_lab", "label": "IVF laboratory", "name": "IVF laboratory"}
    assert sorted(by_code) == sorted(Equipment.objects.values_list("code", flat=True))


@pytest.mark.parametrize("url", ["/specialties", "/equipment"])
def test_controlled_list_query_count_does_not_grow_with_the_page(cast, client_as, django_assert_num_queries, url):
    client = settled(client_as, cast.clinician_a)
    for size in (1, 10):
        with django_assert_num_queries(4):  # session, user, COUNT, page
            body = client.get(f"{R}{url}?page_size={size}").json()
        assert len(body["items"]) == size


# ================================================================ techniques


@pytest.fixture
def techniques(cast):
    cardiology = Specialty.objects.get(code="cardiology")
    ecg = Technique.objects.create(code="CV-001", name="12-lead ECG reading", specialty=cardiology, min_level=4,
                                   cases_for_independence=20, search_text=search_blob("12-lead ECG reading", "CV-001"))
    pci = Technique.objects.create(code="CV-101", name="Primary PCI", name_local="急诊PCI", specialty=cardiology,
                                   min_level=2, cases_for_independence=50,
                                   search_text=search_blob("Primary PCI", "急诊PCI", "CV-101"))
    pci.prerequisites.add(ecg)
    pci.equipment_needed.add(*Equipment.objects.filter(code__in=["cath_lab", "ecg"]))
    return ecg, pci


def technique_item(technique, level_label: str) -> dict:
    return {
        "id": technique.pk, "code": technique.code, "name": technique.name, "name_local": technique.name_local,
        "specialty": {"code": "cardiology", "label": "Cardiology"}, "min_level": technique.min_level,
        "min_level_label": level_label, "cases_for_independence": technique.cases_for_independence,
    }


def test_technique_list_and_filters(cast, client_as, techniques):
    ecg, pci = techniques
    client = client_as(cast.clinician_a)
    assert client.get(f"{R}/techniques").json() == {
        "count": 2, "page": 1, "page_size": 25,
        "items": [technique_item(ecg, "Commune"), technique_item(pci, "Provincial")],
    }
    assert [t["code"] for t in client.get(f"{R}/techniques?q=急诊").json()["items"]] == ["CV-101"]
    assert [t["code"] for t in client.get(f"{R}/techniques?min_level=4").json()["items"]] == ["CV-001"]
    assert [t["code"] for t in client.get(f"{R}/techniques?specialty=urology").json()["items"]] == []


def test_technique_list_query_count_does_not_grow_with_the_page(cast, client_as, techniques,
                                                                django_assert_num_queries):
    urology = Specialty.objects.get(code="urology")
    for i in range(30):
        Technique.objects.create(code=f"UR-{i:03}", name=f"Urology {i}", specialty=urology, min_level=3)
    client = settled(client_as, cast.clinician_a)
    for size in (1, 25):
        with django_assert_num_queries(4):  # session, user, COUNT, page (specialty joined)
            body = client.get(f"{R}/techniques?page_size={size}").json()
        assert (body["count"], len(body["items"])) == (32, size)


def test_technique_detail(cast, client_as, techniques):
    ecg, pci = techniques
    response = client_as(cast.clinician_a).get(f"{R}/techniques/{pci.pk}")
    assert response.status_code == 200
    assert response.json() == {
        **technique_item(pci, "Provincial"),
        "prerequisites": [{"id": ecg.pk, "code": "CV-001", "name": "12-lead ECG reading"}],
        "equipment_needed": [{"code": "cath_lab", "label": "Catheterisation laboratory"},
                             {"code": "ecg", "label": "ECG machine"}],
    }
    assert client_as(cast.clinician_a).get(f"{R}/techniques/999999").json() == NOT_FOUND


def test_technique_create(cast, client_as, techniques):
    ecg, _pci = techniques
    before = audit_count()
    response = send(client_as(cast.admin_a), "post", f"{R}/techniques", {
        "code": "CV-050", "name": "Echocardiography", "specialty": "cardiology", "min_level": 3,
        "prerequisites": [ecg.pk], "equipment_needed": ["ultrasound"],
    })
    assert response.status_code == 201
    technique = Technique.objects.get(code="CV-050")
    assert response.json() == {
        "id": technique.pk, "code": "CV-050", "name": "Echocardiography", "name_local": "",
        "specialty": {"code": "cardiology", "label": "Cardiology"}, "min_level": 3, "min_level_label": "District",
        "cases_for_independence": 10,
        "prerequisites": [{"id": ecg.pk, "code": "CV-001", "name": "12-lead ECG reading"}],
        "equipment_needed": [{"code": "ultrasound", "label": "Ultrasound machine"}],
    }
    assert audit_count() == before + 1


@pytest.mark.parametrize(("changes", "status", "error"), [
    ({"code": "CV-001"}, 400, invalid("duplicate_code", code=["A technique with this code already exists."])),
    ({"min_level": 9}, 400, invalid(
        "unknown_level", min_level=["Technical level 9 does not exist; choose 1 (central) to 4 (commune)."])),
    ({"specialty": "alchemy"}, 400, invalid("unknown_reference", specialty=["Unknown specialty: alchemy."])),
    ({"equipment_needed": ["ct", "tricorder"]}, 400,
     invalid("unknown_reference", equipment_needed=["Unknown equipment: tricorder."])),
    ({"prerequisites": [999999]}, 400, invalid("unknown_reference", prerequisites=["Unknown technique: 999999."])),
    ({"cases_for_independence": 0}, 422, invalid("invalid", cases_for_independence=["Must be at least 1."])),
])
def test_technique_create_bad_input(cast, client_as, techniques, changes, status, error):
    data = {"code": "CV-050", "name": "Echocardiography", "specialty": "cardiology", "min_level": 3, **changes}
    before = (Technique.objects.count(), audit_count())
    response = send(client_as(cast.admin_a), "post", f"{R}/techniques", data)
    assert response.status_code == status
    assert response.json() == error
    assert (Technique.objects.count(), audit_count()) == before


def test_technique_create_refusals(cast, client_as):
    data = {"code": "CV-050", "name": "Echocardiography", "specialty": "cardiology", "min_level": 3}
    assert_refused(client_as, [None], "post", f"{R}/techniques", data, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.coordinator, cast.clinician_a, cast.analyst, cast.outsider], "post",
                   f"{R}/techniques", data, statuses=(403,), content_type=JSON)
    assert Technique.objects.count() == 0


def test_technique_update(cast, client_as, techniques):
    _ecg, pci = techniques
    response = send(client_as(cast.admin_a), "patch", f"{R}/techniques/{pci.pk}",
                    {"min_level": 3, "equipment_needed": ["cath_lab"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["min_level"], body["min_level_label"], body["equipment_needed"]) == (
        3, "District", [{"code": "cath_lab", "label": "Catheterisation laboratory"}])
    pci.refresh_from_db()
    assert pci.min_level == 3


def test_technique_update_refuses_a_prerequisite_cycle(cast, client_as, techniques):
    ecg, pci = techniques
    before = audit_count()
    response = send(client_as(cast.admin_a), "patch", f"{R}/techniques/{ecg.pk}", {"prerequisites": [pci.pk]})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["prerequisites"]
    assert list(ecg.prerequisites.all()) == []
    assert audit_count() == before


def test_technique_update_refusals(cast, client_as, techniques):
    _ecg, pci = techniques
    url = f"{R}/techniques/{pci.pk}"
    assert_refused(client_as, [None], "patch", url, {"min_level": 1}, anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, [cast.coordinator, cast.outsider], "patch", url, {"min_level": 1}, statuses=(403,),
                   content_type=JSON)
    pci.refresh_from_db()
    assert pci.min_level == 2
