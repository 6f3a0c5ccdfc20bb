"""The account API: who am I, personal tokens, and the ways in (token, session with CSRF)."""

import pytest
from django.test import Client

from caravan.core import services
from caravan.core.models import ApiToken
from tests.helpers import audit_count

CSRF = "a" * 32  # any 32 letters form a valid unmasked CSRF secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


UNAUTHENTICATED = {"code": "unauthenticated", "message": "Log in or send a valid API token.", "fields": {}}


# ---------------------------------------------------------------- /me


def test_me_with_session(cast, client_as):
    response = client_as(cast.coordinator).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": cast.coordinator.pk,
        "username": "coordinator",
        "display_name": "Coordinator",
        "language": "en",
        "time_zone": "UTC",
        "is_node_admin": False,
        "memberships": [{"organisation_id": cast.haibei.pk, "role": "coordinator"}],
    }


def test_me_of_the_node_admin(cast, client_as):
    response = client_as(cast.node_admin).get("/api/v1/me")
    assert response.json() == {
        "id": cast.node_admin.pk, "username": "node_admin", "display_name": "Node Admin", "language": "en",
        "time_zone": "UTC", "is_node_admin": True, "memberships": [],
    }


def test_me_with_token(cast, client):
    _token, secret = services.api_token_create(by=cast.clinician_a, name="laptop")
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "clinician_a"
    assert response.json()["memberships"] == [{"organisation_id": cast.gangcha_org.pk, "role": "clinician"}]


def test_me_anonymous_is_401(cast, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


@pytest.mark.parametrize("header", ["Bearer cvn_not-a-real-token", "Bearer something-else", "Token cvn_x"])
def test_me_with_a_wrong_token_is_401(cast, client, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_revoked_token_is_401(cast, client):
    token, secret = services.api_token_create(by=cast.clinician_a, name="laptop")
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    services.api_token_revoke(by=cast.clinician_a, token_id=token.pk)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_of_an_inactive_user_is_401(cast, client):
    _token, secret = services.api_token_create(by=cast.clinician_a, name="laptop")
    cast.clinician_a.is_active = False
    cast.clinician_a.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_token_use_is_recorded_once_an_hour(cast, client, django_assert_num_queries):
    token, secret = services.api_token_create(by=cast.clinician_a, name="laptop")
    client.get("/api/v1/me", **bearer(secret))
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None and first_use >= token.created_at
    # Second call: token lookup, profile, memberships; no write.
    with django_assert_num_queries(3):
        client.get("/api/v1/me", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first_use


# ---------------------------------------------------------------- tokens


def test_token_create_returns_the_secret_once(cast, client_as):
    before = audit_count()
    response = client_as(cast.coordinator).post("/api/v1/tokens", {"name": "  reporting script "},
                                                content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(user=cast.coordinator)
    assert body["secret"].startswith("cvn_")
    assert body == {
        "id": token.pk, "name": "reporting script", "prefix": body["secret"][:12],
        "created_at": token.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "last_used_at": None, "revoked": False, "secret": body["secret"],
    }
    assert token.digest == ApiToken.digest_of(body["secret"])
    assert audit_count() == before + 1
    # The secret works, and the list never shows it again.
    listed = Client().get("/api/v1/tokens", **bearer(body["secret"])).json()
    assert listed["count"] == 1
    assert "secret" not in listed["items"][0]


def test_token_create_without_a_name_is_400_naming_the_field(cast, client_as):
    response = client_as(cast.coordinator).post("/api/v1/tokens", {"name": "   "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "required",
        "message": "Some fields are not valid.",
        "fields": {"name": ["Give the token a name, so you know where it is used."]},
    }
    assert ApiToken.objects.count() == 0


def test_token_create_with_a_missing_field_is_422(cast, client_as):
    response = client_as(cast.coordinator).post("/api/v1/tokens", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid", "message": "Some fields are not valid.", "fields": {"name": ["This field is required."]},
    }


def test_token_list_shows_only_ones_own_tokens_newest_first(cast, client_as, django_assert_num_queries):
    older, _ = services.api_token_create(by=cast.coordinator, name="older")
    newer, _ = services.api_token_create(by=cast.coordinator, name="newer")
    services.api_token_create(by=cast.admin_a, name="someone else's")
    services.api_token_revoke(by=cast.coordinator, token_id=older.pk)
    client = client_as(cast.coordinator)
    client.get("/api/v1/me")  # settle the session so the counts below hold only the list's queries
    # Session, user, COUNT, SELECT.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/tokens")
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 25)
    assert [(t["id"], t["name"], t["revoked"]) for t in body["items"]] == [
        (newer.pk, "newer", False), (older.pk, "older", True),
    ]
    second = client.get("/api/v1/tokens?page=2&page_size=1").json()
    assert [t["name"] for t in second["items"]] == ["older"]


def test_token_revoke(cast, client_as):
    token, secret = services.api_token_create(by=cast.coordinator, name="laptop")
    client = client_as(cast.coordinator)
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401
    # Revoking again: the token is no longer there to revoke.
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 404


def test_token_revoke_of_another_users_token_is_404_and_changes_nothing(cast, client_as):
    token, _ = services.api_token_create(by=cast.admin_a, name="admin's")
    before = audit_count()
    for user in (cast.coordinator, cast.outsider, cast.node_admin):
        response = client_as(user).delete(f"/api/v1/tokens/{token.pk}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
    token.refresh_from_db()
    assert token.revoked_at is None
    assert audit_count() == before


def test_token_endpoints_refuse_anonymous(cast, client):
    token, _ = services.api_token_create(by=cast.admin_a, name="admin's")
    before = audit_count()
    assert client.get("/api/v1/tokens").status_code == 401
    assert client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json").status_code == 401
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 401
    assert ApiToken.objects.count() == 1
    assert audit_count() == before


# ---------------------------------------------------------------- session and CSRF


def _session_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_session_post_without_csrf_token_is_refused(cast):
    client = _session_client(cast.coordinator)
    response = client.post("/api/v1/tokens", {"name": "laptop"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "csrf_failed",
        "message": "The CSRF token is missing or wrong; reload the page and try again.",
        "fields": {},
    }
    assert ApiToken.objects.count() == 0


def test_session_post_with_csrf_token_is_accepted(cast):
    client = _session_client(cast.coordinator)
    client.cookies["csrftoken"] = CSRF
    response = client.post("/api/v1/tokens", {"name": "laptop"}, content_type="application/json",
                           HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=cast.coordinator, name="laptop").count() == 1


def test_session_get_needs_no_csrf_token(cast):
    assert _session_client(cast.coordinator).get("/api/v1/me").status_code == 200


def test_token_post_needs_no_csrf_token(cast):
    _token, secret = services.api_token_create(by=cast.coordinator, name="script")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", {"name": "second"}, content_type="application/json", **bearer(secret))
    assert response.status_code == 201


# ---------------------------------------------------------------- the documentation


def test_docs_and_schema_are_served(db, client):
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/tokens", "/api/v1/tokens/{token_id}"} <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


# ---------------------------------------------------------------- the error shape for malformed requests


def test_a_body_that_is_not_json_is_400(cast, client_as):
    response = client_as(cast.coordinator).post("/api/v1/tokens", "{name:", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "bad_body", "message": "The request body is not valid JSON.", "fields": {}}
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(("body", "fields"), [
    ("[1, 2]", {"name": ["This field is required."]}),
    ('{"name": null}', {"name": ["Enter text."]}),
    ('{"name": ["a"]}', {"name": ["Enter text."]}),
])
def test_a_body_of_the_wrong_shape_is_422(cast, client_as, body, fields):
    response = client_as(cast.coordinator).post("/api/v1/tokens", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": "Some fields are not valid.", "fields": fields}


def test_anonymous_post_from_a_csrf_enforcing_client_is_401_not_403(cast):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": "Log in or send a valid API token.", "fields": {}}
