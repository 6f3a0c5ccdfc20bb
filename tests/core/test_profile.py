"""A user's own profile: display name, language and time zone, on the page and through the API.

The time zone is remembered in the session at login and on save, so dates and
times on every page are shown in it without a query per request.
"""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from caravan.core import services
from caravan.core.middleware import TimeZoneMiddleware
from caravan.core.models import AuditEvent, Profile
from tests.conftest import PASSWORD
from tests.core.test_views import warm
from tests.helpers import assert_refused, audit_count

VALID = {"display_name": "Zhang Wei 张伟", "language": "zh-hans", "time_zone": "Asia/Shanghai"}


def test_anonymous_is_refused_and_nothing_changes(cast, client_as):
    assert_refused(client_as, [None], "post", "/account/profile/", VALID)
    assert Profile.objects.get(user=cast.coordinator).time_zone == "UTC"


def test_the_api_refuses_without_a_login(cast, client):
    response = client.put("/api/v1/me/profile", VALID, content_type="application/json")
    assert response.status_code == 401
    assert Profile.objects.filter(time_zone="Asia/Shanghai").count() == 0


def test_the_page_shows_the_current_profile(cast, client_as, django_assert_num_queries):
    client = warm(client_as(cast.clinician_a))
    # session, user, profile (for the menu and the form), memberships for the navigation
    with django_assert_num_queries(4):
        response = client.get("/account/profile/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"display_name": "Clinician A", "language": "en", "time_zone": "UTC"}
    assert '<option value="Asia/Tehran">Tehran</option>' in response.content.decode()


def test_saving_changes_the_profile_the_session_and_the_language(cast, client_as):
    client = client_as(cast.clinician_a)
    response = client.post("/account/profile/", VALID)
    assert (response.status_code, response["Location"]) == (302, "/account/profile/")
    profile = Profile.objects.get(user=cast.clinician_a)
    assert (profile.display_name, profile.language, profile.time_zone) == ("Zhang Wei 张伟", "zh-hans", "Asia/Shanghai")
    assert client.session[TimeZoneMiddleware.SESSION_KEY] == "Asia/Shanghai"
    assert response.cookies["caravan_language"].value == "zh-hans"
    event = AuditEvent.objects.filter(object_type="core.profile").get()
    assert (event.action, event.actor_id) == ("update", cast.clinician_a.pk)
    assert event.changes == {"display_name": ["Clinician A", "Zhang Wei 张伟"], "language": ["en", "zh-hans"],
                             "time_zone": ["UTC", "Asia/Shanghai"]}


def test_saving_the_same_values_writes_no_event(cast, client_as):
    client = client_as(cast.clinician_a)
    before = audit_count()
    client.post("/account/profile/", {"display_name": "Clinician A", "language": "en", "time_zone": "UTC"})
    assert audit_count() == before


@pytest.mark.parametrize(("field", "value", "message"), [
    ("time_zone", "Mars/Olympus", "Select a valid choice. Mars/Olympus is not one of the available choices."),
    ("language", "xx", "Select a valid choice. xx is not one of the available choices."),
])
def test_a_value_off_the_list_is_named_and_nothing_changes(cast, client_as, field, value, message):
    client = client_as(cast.clinician_a)
    before = audit_count()
    response = client.post("/account/profile/", {**VALID, field: value})
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert Profile.objects.get(user=cast.clinician_a).time_zone == "UTC"
    assert audit_count() == before


@pytest.mark.parametrize(("field", "value", "message"), [
    ("time_zone", "Asia/Atlantis", "This is not a time zone. Choose one from the list, e.g. Asia/Tehran."),
    ("language", "de", "Caravan does not speak this language."),
])
def test_the_api_names_the_bad_field(cast, client, field, value, message):
    _token, secret = services.api_token_create(by=cast.clinician_a, name="laptop")
    response = client.put("/api/v1/me/profile", {**VALID, field: value}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}
    assert Profile.objects.get(user=cast.clinician_a).language == "en"


def test_the_api_changes_the_profile(cast, client):
    _token, secret = services.api_token_create(by=cast.analyst, name="laptop")
    response = client.put("/api/v1/me/profile", {"language": "fa", "time_zone": "Asia/Tehran"},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert (response.json()["language"], response.json()["time_zone"], response.json()["display_name"]) == (
        "fa", "Asia/Tehran", "")


def test_login_remembers_the_profile_time_zone(cast, client):
    Profile.objects.filter(user=cast.admin_a).update(time_zone="Asia/Tehran")
    response = client.post("/login/", {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[TimeZoneMiddleware.SESSION_KEY] == "Asia/Tehran"


def test_times_on_the_pages_are_shown_in_the_user_zone(cast, client_as):
    AuditEvent.objects.create(at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC), action="update",
                              object_type="registry.facility", object_id="1", object_repr="Sari",
                              organisation=cast.haibei)
    client = client_as(cast.admin_a)
    assert "08:00 UTC" in client.get("/audit/?object_type=registry.facility").content.decode()
    session = client.session
    session[TimeZoneMiddleware.SESSION_KEY] = "Asia/Tehran"
    session.save()
    page = client.get("/audit/?object_type=registry.facility").content.decode()
    assert "11:30 +0330" in page
    # The zone is per request: it does not stay active after the response.
    assert timezone.get_current_timezone_name() == "UTC"
