"""Every demo login works with the demo password and sees its own network's facilities, and no other's."""

from django.contrib.auth import get_user_model
from django.test import Client

from caravan.core.models import Network
from caravan.demo.accounts import DEMO_PASSWORD
from caravan.demo.programmes import PROGRAMMES
from caravan.registry.models import Facility
from caravan.registry.selectors import FacilityFilters, facility_list_for_user

User = get_user_model()

LANGUAGES = {"mazandaran": "fa", "laocai": "vi", "silkroad": "en", "emergency": "ru", "haibei": "zh-hans"}


def _log_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/"), username
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
    return client


def test_each_demo_user_logs_in_and_sees_exactly_their_networks_facilities(demo):
    all_ids = set(Facility.objects.values_list("pk", flat=True))
    for programme in PROGRAMMES:
        own = set(
            Facility.objects.filter(organisation__networks__code=programme.network_code).values_list("pk", flat=True)
        )
        for spec in programme.users:
            _log_in(spec.username)
            user = User.objects.select_related("profile").get(username=spec.username)
            seen = set(facility_list_for_user(user=user).values_list("pk", flat=True))
            assert seen == own, spec.username
            assert not seen & (all_ids - own), spec.username
            assert user.profile.language == LANGUAGES[programme.key], spec.username


def test_the_node_administrator_logs_in_and_sees_every_facility(demo):
    _log_in("admin")
    admin = User.objects.get(username="admin")
    assert facility_list_for_user(user=admin).count() == Facility.objects.count() == 84


def test_a_wrong_password_is_refused(demo):
    client = Client()
    response = client.post("/login/", {"username": "haibei.clinician", "password": "not-the-demo-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_search_finds_facilities_by_their_local_names_within_the_network(demo):
    haibei = User.objects.get(username="haibei.clinician")
    mazandaran = User.objects.get(username="mazandaran.coordinator")
    names = [f.code for f in facility_list_for_user(user=haibei, filters=FacilityFilters(q="刚察"))]
    assert names == ["CN-QH-HB-GCCPH"]
    # Arabic yeh and kaf in the query still find the Persian name.
    arabic = "امام خميني"
    assert [f.code for f in facility_list_for_user(user=mazandaran, filters=FacilityFilters(q=arabic))] == [
        "IR-MZ-IK-SARI"
    ]
    assert list(facility_list_for_user(user=haibei, filters=FacilityFilters(q="امام خمینی"))) == []


def test_demo_networks_have_their_names(demo):
    assert dict(Network.objects.values_list("code", "name")) == {p.network_code: p.network_name for p in PROGRAMMES}
