"""Login and logout: password, throttling by django-axes, the second factor, the audit trail."""

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from caravan.core.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def other_code(device: TOTPDevice) -> str:
    """A six-digit code that is not the current one."""
    return "000000" if current_code(device) != "000000" else "111111"


def post_login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def test_login_page_renders_the_form_with_labels(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">' in html
    assert '<label class="form-label" for="id_password">' in html
    assert '<label class="form-label" for="id_otp_token">' in html
    assert 'autocomplete="current-password"' in html


def test_right_password_logs_in_records_the_event_and_redirects_home(cast, client):
    response = post_login(client, "coordinator", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(cast.coordinator.pk)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_type, event.object_id, event.ip) == (
        "login", cast.coordinator, "auth.user", str(cast.coordinator.pk), "127.0.0.1")
    # The profile's language becomes the language cookie.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_sets_the_language_cookie_from_the_profile(cast, client):
    cast.coordinator.profile.language = "fa"
    cast.coordinator.profile.save(update_fields=["language"])
    response = post_login(client, "coordinator", PASSWORD)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fa"


def test_login_follows_a_local_next_but_never_another_site(cast, client):
    response = client.post("/login/?next=/audit/", {"username": "coordinator", "password": PASSWORD})
    assert response["Location"] == "/audit/"
    client.post("/logout/")
    response = post_login(client, "coordinator", PASSWORD, next="https://evil.example/steal")
    assert response["Location"] == "/"


def test_wrong_password_shows_one_error_and_records_a_failed_login(cast, client):
    response = post_login(client, "coordinator", WRONG)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == ["The username or password is not right."]
    assert {name: errors for name, errors in form.errors.items() if name != "__all__"} == {}
    assert response.content.decode().count('role="alert"') == 1
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_type, event.object_repr, event.ip) == (
        "login_failed", None, "auth.user", "coordinator", "127.0.0.1")


def test_unknown_user_gets_the_same_message(cast, client):
    response = post_login(client, "nobody-here", WRONG)
    assert response.context["form"].non_field_errors() == ["The username or password is not right."]


def test_empty_form_names_the_missing_fields(client):
    response = client.post("/login/", {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["This field is required."], "password": ["This field is required."]}
    assert AuditEvent.objects.count() == 0


def test_an_authenticated_user_is_sent_home(cast, client_as):
    response = client_as(cast.coordinator).get("/login/")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_five_failures_lock_the_username_from_this_address(cast, client):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        assert post_login(client, "coordinator", WRONG).status_code == 200
    response = post_login(client, "coordinator", WRONG)
    assert response.status_code == 429
    # axes renders its page in place of the login page the view had rendered.
    assert [t.name for t in response.templates][-2:] == ["core/locked_out.html", "base.html"]
    html = response.content.decode()
    assert 'name="password"' not in html
    assert "Too many failed logins" in html
    assert "is paused for 15 minutes." in html
    # Locked: even the right password is refused now, and nobody is logged in.
    response = post_login(client, "coordinator", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("coordinator", "127.0.0.1", 6)
    assert AuditEvent.objects.filter(action="login_failed").count() == 6
    assert AuditEvent.objects.filter(action="login").count() == 0


def test_the_lock_is_per_username_and_address(cast, client):
    for _attempt in range(5):
        post_login(client, "coordinator", WRONG)
    # Another user from the same address, and the same user from another address, may still log in.
    response = post_login(client, "analyst", PASSWORD)
    assert (response.status_code, client.session["_auth_user_id"]) == (302, str(cast.analyst.pk))
    client.post("/logout/")
    response = client.post("/login/", {"username": "coordinator", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert (response.status_code, client.session["_auth_user_id"]) == (302, str(cast.coordinator.pk))


def test_a_successful_login_resets_the_failure_count(cast, client):
    for _attempt in range(4):
        post_login(client, "coordinator", WRONG)
    assert post_login(client, "coordinator", PASSWORD).status_code == 302
    client.post("/logout/")
    assert AccessAttempt.objects.count() == 0
    assert post_login(client, "coordinator", WRONG).status_code == 200


@pytest.fixture
def device(cast):
    return TOTPDevice.objects.create(user=cast.clinician_a, name="authenticator", confirmed=True)


def test_a_user_with_two_factor_needs_the_code(cast, client, device):
    response = post_login(client, "clinician_a", PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "otp_token": ["Enter the current six-digit code from your authenticator app."]}
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_recorded(cast, client, device):
    response = post_login(client, "clinician_a", PASSWORD, otp_token=other_code(device))
    assert response.context["form"].errors == {
        "otp_token": ["Enter the current six-digit code from your authenticator app."]}
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id, event.object_repr) == (
        "login_failed", None, str(cast.clinician_a.pk), "clinician_a")


def test_wrong_codes_count_towards_the_lock(cast, client, device):
    for _attempt in range(4):
        assert post_login(client, "clinician_a", PASSWORD, otp_token="000000x").status_code == 200
    assert post_login(client, "clinician_a", PASSWORD, otp_token="000000x").status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 5


def test_the_right_code_logs_in_verified(cast, client, device):
    response = post_login(client, "clinician_a", PASSWORD, otp_token=current_code(device))
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.get("/")
    assert response.wsgi_request.user == cast.clinician_a
    assert response.wsgi_request.user.is_verified() is True


def test_a_user_without_two_factor_is_logged_in_but_not_verified(cast, client):
    post_login(client, "coordinator", PASSWORD, otp_token="123456")
    user = client.get("/").wsgi_request.user
    assert (user, user.is_verified()) == (cast.coordinator, False)


def test_logout_ends_the_session_and_records_it(cast, client):
    post_login(client, "coordinator", PASSWORD)
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert "_auth_user_id" not in client.session
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["logout", "login"]


def test_logout_needs_post(cast, client_as):
    client = client_as(cast.coordinator)
    assert client.get("/logout/").status_code == 405
    assert client.session["_auth_user_id"] == str(cast.coordinator.pk)
    assert AuditEvent.objects.count() == 0


def test_anonymous_logout_just_goes_to_login(client):
    response = client.post("/logout/")
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert AuditEvent.objects.count() == 0
