"""Session lifetime (idle and absolute) and the upload limit."""

import time

import pytest
from django.test import override_settings

from caravan.core.middleware import SessionTimeoutMiddleware as Timeout
from caravan.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 60 * MINUTE


def signed_in(client_as, user, *, idle: float, age: float):
    """A client whose session was last seen `idle` seconds ago and started `age` seconds ago."""
    client = client_as(user)
    session = client.session
    now = time.time()
    session[Timeout.LAST_SEEN] = now - idle
    session[Timeout.STARTED] = now - age
    session.save()
    return client


def test_the_limits_are_thirty_idle_minutes_and_twelve_hours(settings):
    assert (settings.CARAVAN_SESSION_IDLE_SECONDS, settings.SESSION_COOKIE_AGE) == (30 * MINUTE, 12 * HOUR)


def test_a_session_idle_for_less_than_thirty_minutes_goes_on(cast, client_as):
    client = signed_in(client_as, cast.coordinator, idle=29 * MINUTE, age=2 * HOUR)
    before = time.time()
    response = client.get("/")
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(cast.coordinator.pk)
    # The visit counts as activity.
    assert before <= client.session[Timeout.LAST_SEEN] <= time.time()


def test_a_session_idle_for_more_than_thirty_minutes_is_logged_out(cast, client_as):
    client = signed_in(client_as, cast.coordinator, idle=31 * MINUTE, age=2 * HOUR)
    response = client.get("/registry/facilities/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/registry/facilities/")
    assert "_auth_user_id" not in client.session
    # The login page says why, once.
    response = client.get("/login/")
    assert response.content.decode().count('data-testid="session-ended"') == 1
    assert "Your session has ended. Log in again to continue." in response.content.decode()
    assert 'data-testid="session-ended"' not in client.get("/login/").content.decode()


def test_an_active_session_older_than_twelve_hours_is_logged_out(cast, client_as):
    client = signed_in(client_as, cast.coordinator, idle=10, age=12 * HOUR + 5)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")
    assert "_auth_user_id" not in client.session


def test_an_active_session_just_under_twelve_hours_goes_on(cast, client_as):
    client = signed_in(client_as, cast.coordinator, idle=10, age=12 * HOUR - 60)
    assert client.get("/").status_code == 200
    assert client.session["_auth_user_id"] == str(cast.coordinator.pk)


def test_a_fresh_session_gets_its_start_and_last_seen_times(cast, client_as):
    client = client_as(cast.coordinator)
    before = time.time()
    client.get("/")
    session = client.session
    assert before <= session[Timeout.STARTED] <= time.time()
    assert session[Timeout.LAST_SEEN] == session[Timeout.STARTED]


def test_a_timed_out_session_cannot_post(cast, client_as):
    client = signed_in(client_as, cast.coordinator, idle=31 * MINUTE, age=HOUR)
    response = client.post("/account/tokens/", {"name": "HIS export"})
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/account/tokens/")
    assert ApiToken.objects.count() == 0


@override_settings(CARAVAN_MAX_UPLOAD_BYTES=100)
def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_saved(cast, client_as):
    client = client_as(cast.coordinator)
    body = "name=" + "x" * 95 + "&a=1"  # 104 bytes
    response = client.post("/account/tokens/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "The upload is too large: 104\xa0bytes were sent and the limit is 100\xa0bytes.")
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@override_settings(CARAVAN_MAX_UPLOAD_BYTES=100)
def test_a_body_at_the_limit_is_accepted(cast, client_as):
    client = client_as(cast.coordinator)
    body = "name=" + "x" * 95  # exactly 100 bytes
    response = client.post("/account/tokens/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["x" * 95]


@override_settings(CARAVAN_MAX_UPLOAD_BYTES=100)
def test_the_limit_applies_before_login_too(client):
    response = client.post("/login/", data="username=" + "u" * 200, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert AuditEvent.objects.count() == 0


@override_settings(CARAVAN_MAX_UPLOAD_BYTES=100)
def test_the_413_message_is_in_the_readers_language(client):
    client.cookies["caravan_language"] = "fa"
    response = client.post("/login/", data="u=" + "u" * 200, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    # Django's own Persian catalogue names the unit, so this part is Persian whatever ours holds.
    assert "100\xa0بایت" in response.content.decode()


def test_the_default_limit_is_25_megabytes(settings):
    assert settings.CARAVAN_MAX_UPLOAD_BYTES == 25 * 1024 * 1024
