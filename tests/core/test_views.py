"""Core pages: home, security (two-factor set-up), API tokens, audit trail, error pages, the shell."""

import base64
import re
import time
from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils import translation
from django.views.defaults import permission_denied
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from caravan.core.models import ApiToken, AuditEvent
from caravan.core.services import api_token_create
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def not_the_code(device: TOTPDevice) -> str:
    valid = {code_for(device, k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def warm(client, url="/"):
    """One request first, so the session's start and last-seen times are written before measuring."""
    client.get(url)
    return client


# --- Refusals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/account/security/", "/account/tokens/", "/audit/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")


@pytest.mark.parametrize(("url", "data"), [
    ("/account/security/", {"action": "start"}),
    ("/account/tokens/", {"name": "HIS export"}),
])
def test_anonymous_posts_change_nothing(cast, client_as, url, data):
    assert_refused(client_as, [None], "post", url, data)
    assert (TOTPDevice.objects.count(), ApiToken.objects.count()) == (0, 0)


# --- Home -------------------------------------------------------------------------------------------

HOME_COUNTS = {
    # user: (countries, regions, facilities, practitioners, techniques)
    "node_admin": (2, 4, 3, 2, 0),
    "admin_a": (1, 4, 2, 1, 0),
    "coordinator": (1, 4, 2, 1, 0),
    "clinician_a": (1, 4, 2, 1, 0),
    "consultant_b": (1, 4, 2, 1, 0),
    "analyst": (1, 4, 2, 1, 0),
    "outsider": (1, 4, 1, 1, 0),  # Mazandaran's one facility and one practitioner only
}


@pytest.mark.parametrize(("username", "counts"), HOME_COUNTS.items())
def test_home_shows_the_counts_each_user_may_see(cast, client_as, django_assert_num_queries, username, counts):
    client = warm(client_as(getattr(cast, username)))
    # Session, user, profile, five counts; members also load memberships and networks once.
    with django_assert_num_queries(8 if username == "node_admin" else 10):
        response = client.get("/")
    assert response.status_code == 200
    s = response.context["summary"]
    assert (s.countries, s.regions, s.facilities, s.practitioners, s.techniques) == counts
    values = re.findall(r'<div class="value">([^<]*)</div>', response.content.decode())
    assert values == [str(n) for n in counts]


def test_home_tiles_link_to_the_lists_by_name(cast, client_as):
    html = client_as(cast.coordinator).get("/").content.decode()
    assert '<a class="stretched-link" href="/registry/facilities/">Facilities</a>' in html
    assert '<a class="stretched-link" href="/registry/practitioners/">Practitioners</a>' in html


# --- The page shell ---------------------------------------------------------------------------------

def test_shell_has_a_skip_link_landmarks_and_the_active_nav_item(cast, client_as):
    html = client_as(cast.admin_a).get("/").content.decode()
    assert '<a class="visually-hidden-focusable btn btn-light m-2" href="#main">Skip to main content</a>' in html
    assert '<main id="main" class="container-xl py-3" tabindex="-1">' in html
    assert re.findall(r'<a class="nav-link[^"]*" aria-current="page" href="([^"]+)">', html) == ["/"]
    assert '<label class="visually-hidden" for="language-select">Language</label>' in html
    assert 'aria-controls="main-nav" aria-expanded="false"' in html


def test_audit_page_marks_its_nav_item_current(cast, client_as):
    html = client_as(cast.admin_a).get("/audit/").content.decode()
    assert re.findall(r'<a class="nav-link[^"]*" aria-current="page" href="([^"]+)">', html) == ["/audit/"]


def test_audit_nav_item_only_for_audit_readers(cast, client_as):
    assert 'href="/audit/"' in client_as(cast.admin_a).get("/").content.decode()
    assert 'href="/audit/"' not in client_as(cast.coordinator).get("/").content.decode()


def test_every_input_on_the_core_pages_has_a_label(cast, client_as):
    client = client_as(cast.admin_a)
    client.post("/account/security/", {"action": "start"})
    for url in ["/account/security/", "/account/tokens/", "/audit/"]:
        html = client.get(url).content.decode()
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', html)
        unlabelled = [i for i in ids if f'for="{i}"' not in html]
        assert (url, unlabelled) == (url, [])
        inputs = len(re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")', html))
        assert (url, inputs) == (url, len(ids))


def test_help_texts_are_linked_to_their_inputs(cast, client_as):
    html = client_as(cast.admin_a).get("/account/tokens/").content.decode()
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<div class="form-text" id="id_name_helptext">' in html


# --- Error pages ------------------------------------------------------------------------------------

def test_404_page_uses_the_shell(cast, client_as):
    response = client_as(cast.coordinator).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<h1 class="h3 mb-3">Page not found</h1>' in html
    assert '<title>Page not found · Caravan</title>' in html


def test_403_page_uses_the_shell(cast):
    request = RequestFactory().get("/somewhere/")
    request.user = cast.coordinator
    response = permission_denied(request, Exception("no"))
    assert response.status_code == 403
    assert '<h1 class="h3 mb-3">Not allowed</h1>' in response.content.decode()


def test_500_page_renders_without_a_request_or_database():
    with translation.override("fa"):
        html = render_to_string("500.html")
    assert '<html lang="fa" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    # Nothing that needs the request: no language form (it needs a CSRF token), no date.
    assert 'id="language-form"' not in html
    assert 'data-testid="today"' not in html
    with translation.override("en"):
        assert '<h1 class="h3 mb-3">Something went wrong</h1>' in render_to_string("500.html")


# --- Security page ----------------------------------------------------------------------------------

def test_security_page_offers_the_set_up(cast, client_as, django_assert_num_queries):
    client = warm(client_as(cast.clinician_a))
    with django_assert_num_queries(5):
        response = client.get("/account/security/")
    html = response.content.decode()
    assert 'data-testid="two-factor-state">Two-factor login is off.</p>' in html
    assert '<input type="hidden" name="action" value="start">' in html
    assert "<svg" not in html


def test_starting_shows_a_qr_code_and_the_secret(cast, client_as):
    client = client_as(cast.clinician_a)
    response = client.post("/account/security/", {"action": "start"})
    assert (response.status_code, response["Location"]) == (302, "/account/security/")
    device = TOTPDevice.objects.get(user=cast.clinician_a)
    assert device.confirmed is False
    response = client.get("/account/security/")
    html = response.content.decode()
    svg = re.search(r'<svg[^>]*class="qr-code"[^>]*><title>QR code for your authenticator app</title>', html)
    assert svg is not None, html
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'data-testid="totp-secret">([^<]+)</code>', html).group(1)
    assert shown.replace(" ", "") == secret
    assert "no-store" in response["Cache-Control"]
    # Starting again replaces the pending key.
    client.post("/account/security/", {"action": "start"})
    assert list(TOTPDevice.objects.filter(user=cast.clinician_a).values_list("pk", flat=True)) != [device.pk]
    assert TOTPDevice.objects.filter(user=cast.clinician_a).count() == 1


def test_a_valid_code_turns_two_factor_on_and_verifies_the_session(cast, client_as):
    client = client_as(cast.clinician_a)
    client.post("/account/security/", {"action": "start"})
    device = TOTPDevice.objects.get(user=cast.clinician_a)
    response = client.post("/account/security/", {"action": "confirm", "token": code_for(device)})
    assert (response.status_code, response["Location"]) == (302, "/account/security/")
    device.refresh_from_db()
    assert device.confirmed is True
    response = client.get("/account/security/")
    assert response.wsgi_request.user.is_verified() is True
    html = response.content.decode()
    assert '<div class="alert alert-success" role="status">Two-factor login is on.</div>' in html
    assert "<svg" not in html
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.changes) == ("security", cast.clinician_a, {"two_factor": [False, True]})


def test_a_wrong_code_shows_the_field_error_and_changes_nothing(cast, client_as):
    client = client_as(cast.clinician_a)
    client.post("/account/security/", {"action": "start"})
    device = TOTPDevice.objects.get(user=cast.clinician_a)
    response = client.post("/account/security/", {"action": "confirm", "token": not_the_code(device)})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "token": ["This code is not valid; check your phone's clock and try again."]}
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert '<div class="invalid-feedback d-block" id="id_token_error" data-field-error="token">' in html
    # The QR code is still there to try again.
    assert 'class="qr-code"' in html
    device.refresh_from_db()
    assert device.confirmed is False
    assert AuditEvent.objects.count() == 0


def test_an_empty_code_is_required(cast, client_as):
    client = client_as(cast.clinician_a)
    client.post("/account/security/", {"action": "start"})
    response = client.post("/account/security/", {"action": "confirm", "token": ""})
    assert response.context["form"].errors == {"token": ["This field is required."]}


@pytest.fixture
def confirmed(cast):
    return TOTPDevice.objects.create(user=cast.clinician_a, name="authenticator", confirmed=True)


def test_removing_needs_a_valid_code(cast, client_as, confirmed):
    client = client_as(cast.clinician_a)
    response = client.post("/account/security/", {"action": "remove", "token": not_the_code(confirmed)})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "token": ["This code is not valid; check your phone's clock and try again."]}
    assert TOTPDevice.objects.filter(user=cast.clinician_a, confirmed=True).count() == 1
    assert AuditEvent.objects.count() == 0


def test_removing_with_a_valid_code_turns_it_off(cast, client_as, confirmed):
    client = client_as(cast.clinician_a)
    response = client.post("/account/security/", {"action": "remove", "token": code_for(confirmed)})
    assert (response.status_code, response["Location"]) == (302, "/account/security/")
    assert TOTPDevice.objects.filter(user=cast.clinician_a).count() == 0
    event = AuditEvent.objects.get()
    assert (event.action, event.changes) == ("security", {"two_factor": [True, False]})


def test_start_is_ignored_while_two_factor_is_on(cast, client_as, confirmed):
    response = client_as(cast.clinician_a).post("/account/security/", {"action": "start"})
    assert response.status_code == 400
    assert list(TOTPDevice.objects.filter(user=cast.clinician_a).values_list("pk", "confirmed")) == [
        (confirmed.pk, True)]


def test_one_users_security_page_never_touches_anothers_device(cast, client_as, confirmed):
    client = client_as(cast.outsider)
    response = client.post("/account/security/", {"action": "remove", "token": code_for(confirmed)})
    # The outsider has no device: nothing to remove, and clinician_a's device stays.
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=cast.clinician_a, confirmed=True).count() == 1


# --- API tokens -------------------------------------------------------------------------------------

def test_tokens_page_lists_only_ones_own_tokens(cast, client_as, django_assert_num_queries):
    mine, _secret = api_token_create(by=cast.coordinator, name="HIS export")
    api_token_create(by=cast.outsider, name="Outsider's script")
    client = warm(client_as(cast.coordinator))
    with django_assert_num_queries(5):
        response = client.get("/account/tokens/")
    assert [t.pk for t in response.context["tokens"]] == [mine.pk]
    html = response.content.decode()
    assert re.findall(r'<tr data-token="(\d+)">', html) == [str(mine.pk)]
    assert f"<code dir=\"ltr\">{mine.prefix}…</code>" in html
    assert "Outsider" not in html


def test_creating_a_token_shows_the_secret_once(cast, client_as):
    client = client_as(cast.coordinator)
    response = client.post("/account/tokens/", {"name": "HIS export"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.digest, token.prefix) == (
        cast.coordinator, "HIS export", ApiToken.digest_of(secret), secret[:12])
    assert secret.startswith("cvn_")
    assert f'value="{secret}" readonly' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The form is empty again, ready for another.
    assert response.context["form"].is_bound is False
    # Reloading the page never shows it again.
    assert secret not in client.get("/account/tokens/").content.decode()
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == ("security", "core.apitoken", str(token.pk))


def test_a_token_needs_a_name(cast, client_as):
    response = client_as(cast.coordinator).post("/account/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert response.context["new_secret"] is None
    assert ApiToken.objects.count() == 0


def test_a_too_long_name_is_refused(cast, client_as):
    response = client_as(cast.coordinator).post("/account/tokens/", {"name": "x" * 101})
    assert response.context["form"].errors == {
        "name": ["Ensure this value has at most 100 characters (it has 101)."]}
    assert ApiToken.objects.count() == 0


def test_revoking_ones_own_token(cast, client_as):
    token, _secret = api_token_create(by=cast.coordinator, name="HIS export")
    client = client_as(cast.coordinator)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert (response.status_code, response["Location"]) == (302, "/account/tokens/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.latest("pk").changes == {"token": ["active", "revoked"]}
    html = client.get("/account/tokens/").content.decode()
    assert "The token was revoked." in html
    assert f"/account/tokens/{token.pk}/revoke/" not in html


def test_nobody_else_can_revoke_a_token(cast, client_as):
    token, _secret = api_token_create(by=cast.coordinator, name="HIS export")
    assert_refused(client_as, [None, cast.outsider, cast.admin_a, cast.node_admin, cast.clinician_a],
                   "post", f"/account/tokens/{token.pk}/revoke/", statuses=(404,))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_post_and_an_existing_token(cast, client_as):
    token, _secret = api_token_create(by=cast.coordinator, name="HIS export")
    client = client_as(cast.coordinator)
    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post("/account/tokens/999999/revoke/").status_code == 404
    client.post(f"/account/tokens/{token.pk}/revoke/")
    # A second revoke finds no active token.
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


# --- Audit trail ------------------------------------------------------------------------------------

def event(at, *, org=None, actor=None, action="update", object_type="registry.facility", object_id="1",
          object_repr="", changes=None, ip="10.1.2.3"):
    return AuditEvent.objects.create(
        at=at, actor=actor, actor_label=actor.get_username() if actor else "", action=action,
        object_type=object_type, object_id=object_id, object_repr=object_repr, organisation=org,
        changes=changes or {}, ip=ip,
    )


@pytest.fixture
def trail(cast):
    """Five events, one per organisation (and one with none), on different days."""
    d = lambda day: datetime(2024, 5, day, 9, 30, tzinfo=UTC)  # noqa: E731
    return {
        "haibei": event(d(1), org=cast.haibei, actor=cast.coordinator, object_repr="Haibei Health Commission",
                        changes={"name": ["Haibei HC", "Haibei Health Commission"]}),
        "gangcha": event(d(2), org=cast.gangcha_org, actor=cast.clinician_a, action="create", object_id="2",
                         object_repr="Gangcha County People's Hospital", changes={"beds": [None, 120]}),
        "shandong": event(d(3), org=cast.shandong, actor=cast.consultant_b, object_id="3"),
        "mazandaran": event(d(4), org=cast.mazandaran, actor=cast.outsider, object_id="4"),
        "login": event(d(5), actor=None, action="login_failed", object_type="auth.user", object_id="",
                       object_repr="coordinator"),
    }


def shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-event="(\d+)">', response.content.decode())]


def test_audit_is_refused_to_everyone_but_admins(cast, client_as, trail):
    assert_refused(client_as, [None, cast.coordinator, cast.clinician_a, cast.consultant_b, cast.analyst,
                               cast.outsider], "get", "/audit/", statuses=(404,))


def test_an_organisation_admin_sees_their_subtree_only(cast, client_as, trail):
    response = client_as(cast.admin_a).get("/audit/")
    assert response.status_code == 200
    assert shown(response) == [trail["gangcha"].pk, trail["haibei"].pk]
    assert 'data-testid="event-count">2 events</p>' in response.content.decode()


def test_the_node_admin_sees_everything(cast, client_as, trail):
    response = client_as(cast.node_admin).get("/audit/")
    assert shown(response) == [trail[k].pk for k in ("login", "mazandaran", "shandong", "gangcha", "haibei")]


def test_a_row_shows_when_who_what_the_record_the_changes_and_the_address(cast, client_as, trail):
    html = client_as(cast.admin_a).get("/audit/").content.decode()
    row = re.search(rf'<tr data-event="{trail["haibei"].pk}">(.*?)</tr>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    # Times carry their zone: nothing is left to guess in an audit trail.
    assert text == ("May 1, 2024 09:30 UTC coordinator Updated registry.facility #1 Haibei Health Commission "
                    "name : Haibei HC → changed to Haibei Health Commission 10.1.2.3")
    assert '<time datetime="2024-05-01T09:30:00+00:00">' in row


def test_a_created_field_shows_a_dash_before(cast, client_as, trail):
    html = client_as(cast.admin_a).get("/audit/").content.decode()
    row = re.search(rf'<tr data-event="{trail["gangcha"].pk}">(.*?)</tr>', html, re.S).group(1)
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).count("beds : — → changed to 120") == 1


def test_an_event_without_a_user_says_so(cast, client_as, trail):
    html = client_as(cast.node_admin).get("/audit/").content.decode()
    row = re.search(rf'<tr data-event="{trail["login"].pk}">(.*?)</tr>', html, re.S).group(1)
    assert '<span class="text-body-secondary">nobody logged in</span>' in row
    assert "Login failed" in row


def test_audit_dates_are_jalali_in_persian(cast, client_as, trail):
    client = client_as(cast.admin_a)
    client.cookies["caravan_language"] = "fa"
    html = client.get("/audit/").content.decode()
    # 1 May 2024 is 12 Ordibehesht 1403.
    assert '<time datetime="2024-05-01T09:30:00+00:00">۱۴۰۳/۰۲/۱۲ 09:30 UTC</time>' in html


@pytest.mark.parametrize(("query", "expected"), [
    ("action=create", ["gangcha"]),
    ("action=update", ["mazandaran", "shandong", "haibei"]),
    ("actor=COORD", ["haibei"]),
    ("object_type=auth.user", ["login"]),
    ("object_id=3", ["shandong"]),
    ("since=2024-05-02&until=2024-05-03", ["shandong", "gangcha"]),
    ("since=2024-05-04", ["login", "mazandaran"]),
    ("until=2024-05-01", ["haibei"]),
    ("action=update&since=2024-05-02&until=2024-05-03", ["shandong"]),
])
def test_audit_filters(cast, client_as, trail, query, expected):
    response = client_as(cast.node_admin).get(f"/audit/?{query}")
    assert shown(response) == [trail[k].pk for k in expected]


def test_filters_stay_within_the_admins_scope(cast, client_as, trail):
    assert shown(client_as(cast.admin_a).get("/audit/?actor=outsider")) == []
    assert "No events match these filters." in client_as(cast.admin_a).get("/audit/?actor=outsider").content.decode()


def test_a_bad_filter_is_named_and_the_good_ones_still_apply(cast, client_as, trail):
    response = client_as(cast.node_admin).get("/audit/?action=create&since=2024-05-03&until=2024-05-01")
    assert response.status_code == 200
    assert response.context["form"].errors == {"until": ["The end date is before the start date."]}
    assert shown(response) == []  # action=create since 3 May: the Gangcha event is on 2 May
    response = client_as(cast.node_admin).get("/audit/?action=nonsense&object_id=2")
    assert list(response.context["form"].errors) == ["action"]
    assert shown(response) == [trail["gangcha"].pk]


def test_the_filter_form_keeps_the_chosen_values(cast, client_as, trail):
    html = client_as(cast.node_admin).get("/audit/?since=2024-05-02&action=create").content.decode()
    assert 'name="since" value="2024-05-02"' in html
    assert '<option value="create" selected>Created</option>' in html


def many_events(cast, n):
    audit_events = [
        AuditEvent(at=datetime(2024, 6, 1, 8, 0, i % 60, tzinfo=UTC), actor=cast.coordinator,
                   actor_label="coordinator", action="update", object_type="registry.facility", object_id=str(i),
                   organisation=cast.haibei, changes={"beds": [i, i + 1]})
        for i in range(n)
    ]
    AuditEvent.objects.bulk_create(audit_events)


@override_settings(CARAVAN_PAGE_SIZE=10)
def test_audit_paginates_with_the_filters_kept(cast, client_as):
    many_events(cast, 23)
    client = warm(client_as(cast.admin_a), "/audit/")
    first = client.get("/audit/?action=update")
    assert len(shown(first)) == 10
    html = first.content.decode()
    assert '<a class="page-link" href="?action=update&amp;page=2" rel="next">Next page</a>' in html
    assert "Page 1 of 3" in html
    last = client.get("/audit/?action=update&page=3")
    assert len(shown(last)) == 3
    assert '<a class="page-link" href="?action=update&amp;page=2" rel="prev">Previous page</a>' in (
        last.content.decode())
    # A page number past the end gives the last page.
    assert shown(client.get("/audit/?action=update&page=99")) == shown(last)


@pytest.mark.parametrize("n", [2, 25])
def test_audit_query_count_does_not_grow_with_the_rows(cast, client_as, django_assert_num_queries, n):
    many_events(cast, n)
    client = warm(client_as(cast.admin_a), "/audit/")
    # Session, user, memberships, count, the page of events, profile.
    with django_assert_num_queries(6):
        response = client.get("/audit/")
    assert len(shown(response)) == n


def test_audit_rows_written_by_the_services_show_up(cast, client_as):
    client = client_as(cast.admin_a)
    client.post("/account/tokens/", {"name": "HIS export"})
    # Token events belong to no organisation: only the node administrator reads them.
    assert shown(client.get("/audit/")) == []
    node = shown(client_as(cast.node_admin).get("/audit/?object_type=core.apitoken"))
    assert node == list(AuditEvent.objects.filter(object_type="core.apitoken").values_list("pk", flat=True))
    assert len(node) == 1
