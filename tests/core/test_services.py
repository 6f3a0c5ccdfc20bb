"""Account services: organisations, users, memberships, API tokens, two-factor devices."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caravan.core import services
from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import ApiToken, AuditEvent, Membership, Organisation, Profile
from caravan.core.roles import Role

User = get_user_model()


def _state():
    """Every row the account services may touch, to show that a refusal changed nothing."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "org_networks": list(Organisation.networks.through.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "tokens": list(ApiToken.objects.order_by("pk").values()),
        "devices": list(TOTPDevice.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values()),
    }


def _refused(error, call, *, fields=None, code=None):
    before = _state()
    with pytest.raises(error) as exc:
        call()
    if fields is not None:
        assert exc.value.fields == fields
    if code is not None:
        assert exc.value.code == code
    assert _state() == before
    return exc.value


def _last_event():
    return AuditEvent.objects.order_by("-pk").first()


def _code(device, offset=0):
    """The code an authenticator app shows for the device now (offset in 30-second steps)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


# ---------------------------------------------------------------- organisations


def test_organisation_upsert_creates_with_path_networks_and_one_event(cast):
    org = services.organisation_upsert(
        by=cast.node_admin, code="haibei-tibetan", name="Haibei Tibetan Medicine Hospital", name_local="海北州藏医院",
        kind=Organisation.Kind.HOSPITAL, parent=cast.haibei, networks=[cast.network],
    )
    stored = Organisation.objects.get(code="haibei-tibetan")
    assert (stored.name, stored.name_local, stored.kind, stored.parent_id, stored.path) == (
        "Haibei Tibetan Medicine Hospital", "海北州藏医院", "hospital", cast.haibei.pk, f"/{cast.haibei.pk}/{org.pk}/"
    )
    assert list(stored.networks.all()) == [cast.network]
    event = _last_event()
    assert (event.action, event.actor, event.object_type, event.object_id, event.organisation) == (
        "create", cast.node_admin, "core.organisation", str(org.pk), stored
    )
    assert event.changes == {
        "name": [None, "Haibei Tibetan Medicine Hospital"], "name_local": [None, "海北州藏医院"],
        "kind": [None, "hospital"], "parent": [None, cast.haibei.pk],
    }


def test_organisation_upsert_is_idempotent(cast):
    args = {"code": "haibei-tibetan", "name": "Haibei Tibetan", "kind": "hospital", "parent": cast.haibei,
            "networks": [cast.network]}
    first = services.organisation_upsert(by=None, **args)
    before = _state()
    second = services.organisation_upsert(by=None, **args)
    assert second.pk == first.pk
    assert _state() == before  # same row, same network link, no second event


def test_organisation_upsert_update_moves_subtree_and_records_the_change(cast):
    services.organisation_upsert(by=cast.node_admin, code="haibei-hc", name="Haibei Health Commission",
                                 kind="health_department", parent=cast.shandong)
    haibei = Organisation.objects.get(pk=cast.haibei.pk)
    assert haibei.path == f"/{cast.shandong.pk}/{cast.haibei.pk}/"
    assert Organisation.objects.get(pk=cast.gangcha_org.pk).path == (
        f"/{cast.shandong.pk}/{cast.haibei.pk}/{cast.gangcha_org.pk}/"
    )
    event = _last_event()
    assert (event.action, event.changes) == ("update", {"parent": [None, cast.shandong.pk]})


def test_organisation_upsert_reads_the_parent_as_stored(cast):
    stale = Organisation.objects.get(pk=cast.gangcha_org.pk)
    services.organisation_upsert(by=None, code="gangcha-cph", name="Gangcha County People's Hospital",
                                 kind="hospital", parent=cast.shandong)
    clinic = services.organisation_upsert(by=None, code="gangcha-clinic", name="Clinic", kind="other", parent=stale)
    assert Organisation.objects.get(pk=clinic.pk).path == f"/{cast.shandong.pk}/{cast.gangcha_org.pk}/{clinic.pk}/"


def test_organisation_upsert_refuses_a_cycle(cast):
    _refused(ValidationFailed, lambda: services.organisation_upsert(
        by=cast.node_admin, code="haibei-hc", name="Haibei Health Commission", kind="health_department",
        parent=cast.gangcha_org,
    ), fields={"parent": ["This would make a cycle: a node cannot sit below itself."]}, code="cycle")


@pytest.mark.parametrize("who", ["admin_a", "coordinator", "outsider"])
def test_organisation_upsert_is_for_node_admins(cast, who):
    _refused(PermissionDenied, lambda: services.organisation_upsert(
        by=getattr(cast, who), code="new-org", name="New", kind="hospital",
    ))


# ---------------------------------------------------------------- users and memberships


def test_user_create_hashes_the_password_and_makes_a_profile(cast):
    user = services.user_create(by=cast.admin_a, username="dr_li", password="a-long-secret-77", display_name="Dr Li",
                                email="li@example.org", language="zh-hans")
    stored = User.objects.get(username="dr_li")
    assert stored.pk == user.pk
    assert stored.check_password("a-long-secret-77") is True
    assert stored.password != "a-long-secret-77"
    assert (stored.email, stored.profile.display_name, stored.profile.language) == (
        "li@example.org", "Dr Li", "zh-hans"
    )
    event = _last_event()
    assert (event.action, event.actor, event.object_type, event.changes) == (
        "create", cast.admin_a, "auth.user", {"username": [None, "dr_li"]}
    )


@pytest.mark.parametrize("username", ["clinician_a", "Clinician_A"])
def test_user_create_refuses_a_taken_username(cast, username):
    _refused(ValidationFailed, lambda: services.user_create(by=cast.admin_a, username=username, password="x-long-pw-1"),
             fields={"username": ["This username is taken."]}, code="duplicate_username")


def test_user_create_refuses_bad_usernames_and_languages(cast):
    _refused(ValidationFailed, lambda: services.user_create(by=None, username="  ", password="x-long-pw-1"),
             fields={"username": ["Enter a username."]}, code="required")
    error = _refused(ValidationFailed, lambda: services.user_create(by=None, username="dr li!", password="x"))
    assert (error.code, list(error.fields)) == ("bad_username", ["username"])
    _refused(ValidationFailed, lambda: services.user_create(by=None, username="dr_li", password="x", language="xx"),
             fields={"language": ["This language is not available."]}, code="unknown_language")


@pytest.mark.parametrize("who", ["coordinator", "clinician_a", "analyst"])
def test_user_create_is_for_admins(cast, who):
    _refused(PermissionDenied, lambda: services.user_create(by=getattr(cast, who), username="x", password="y"))


def test_membership_grant_by_an_admin_of_the_organisation_or_above(cast):
    membership = services.membership_grant(by=cast.admin_a, user=cast.consultant_b, organisation=cast.gangcha_org,
                                           role=Role.CONSULTANT)
    assert Membership.objects.filter(user=cast.consultant_b).values_list("organisation", "role").order_by("pk")[1] == (
        cast.gangcha_org.pk, "consultant"
    )
    event = _last_event()
    assert (event.action, event.object_type, event.object_id, event.organisation, event.changes) == (
        "create", "core.membership", str(membership.pk), cast.gangcha_org, {"role": [None, "consultant"]}
    )
    # Granting it again changes nothing and records nothing.
    before = _state()
    again = services.membership_grant(by=cast.admin_a, user=cast.consultant_b, organisation=cast.gangcha_org,
                                      role="consultant")
    assert again.pk == membership.pk
    assert _state() == before


def test_membership_grant_by_the_node_admin_anywhere(cast):
    services.membership_grant(by=cast.node_admin, user=cast.outsider, organisation=cast.liaocheng_org, role="analyst")
    assert set(Membership.objects.filter(user=cast.outsider).values_list("organisation", "role")) == {
        (cast.mazandaran.pk, "coordinator"), (cast.liaocheng_org.pk, "analyst"),
    }


def test_membership_grant_refuses_an_unknown_role(cast):
    _refused(ValidationFailed, lambda: services.membership_grant(
        by=cast.admin_a, user=cast.clinician_a, organisation=cast.gangcha_org, role="superuser",
    ), fields={"role": ["This role does not exist."]}, code="unknown_role")


@pytest.mark.parametrize(
    ("who", "org"),
    [
        ("admin_a", "liaocheng_org"),  # an admin, but not of that organisation
        ("coordinator", "gangcha_org"),  # edits the registry, does not hand out roles
        ("clinician_a", "gangcha_org"),
        ("outsider", "gangcha_org"),
    ],
)
def test_membership_grant_refused(cast, who, org):
    _refused(PermissionDenied, lambda: services.membership_grant(
        by=getattr(cast, who), user=cast.analyst, organisation=getattr(cast, org), role="admin",
    ))


# ---------------------------------------------------------------- API tokens


def test_api_token_secret_is_shown_once_and_only_its_digest_is_stored(cast):
    token, secret = services.api_token_create(by=cast.clinician_a, name="  ECG cart uploader ")
    assert secret.startswith("cvn_")
    assert len(secret) == 47  # "cvn_" + 32 random bytes in URL-safe base64
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["name"] == "ECG cart uploader"
    assert row["user_id"] == cast.clinician_a.pk
    assert row["prefix"] == secret[:12]
    assert row["digest"] == ApiToken.digest_of(secret)
    assert secret not in {str(v) for v in row.values()}
    event = _last_event()
    assert (event.action, event.object_type, event.changes) == ("security", "core.apitoken", {"token": [None, "created"]})
    assert secret not in str(event.changes) + event.object_repr
    # Two tokens never share a secret.
    _second, other = services.api_token_create(by=cast.clinician_a, name="Second")
    assert other != secret


def test_api_token_create_refusals(cast):
    _refused(ValidationFailed, lambda: services.api_token_create(by=cast.clinician_a, name="   "),
             fields={"name": ["Give the token a name, so you know where it is used."]}, code="required")
    _refused(ValidationFailed, lambda: services.api_token_create(by=cast.clinician_a, name="n" * 101),
             fields={"name": ["Must be at most 100 characters."]}, code="too_long")
    _refused(PermissionDenied, lambda: services.api_token_create(by=AnonymousUser(), name="x"))
    _refused(PermissionDenied, lambda: services.api_token_create(by=None, name="x"))


def test_api_token_revoke(cast):
    token, _secret = services.api_token_create(by=cast.clinician_a, name="cart")
    revoked = services.api_token_revoke(by=cast.clinician_a, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked.revoked_at
    assert revoked.revoked_at is not None and revoked.revoked_at.tzinfo is not None
    event = _last_event()
    assert (event.action, event.object_id, event.changes) == ("security", str(token.pk), {"token": ["active", "revoked"]})
    # Revoking twice is NotFound: the token is no longer active.
    _refused(NotFound, lambda: services.api_token_revoke(by=cast.clinician_a, token_id=token.pk))


def test_api_token_revoke_of_someone_elses_token_is_not_found(cast):
    token, _secret = services.api_token_create(by=cast.clinician_a, name="cart")
    for user in (cast.consultant_b, cast.node_admin, AnonymousUser()):
        _refused(NotFound, lambda user=user: services.api_token_revoke(by=user, token_id=token.pk))
    _refused(NotFound, lambda: services.api_token_revoke(by=cast.clinician_a, token_id=token.pk + 1000))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# ---------------------------------------------------------------- two-factor devices


def test_totp_start_replaces_a_pending_device(cast):
    first = services.totp_device_start(by=cast.clinician_a)
    second = services.totp_device_start(by=cast.clinician_a)
    assert list(TOTPDevice.objects.filter(user=cast.clinician_a).values_list("pk", "confirmed")) == [(second.pk, False)]
    assert first.pk != second.pk
    _refused(PermissionDenied, lambda: services.totp_device_start(by=AnonymousUser()))


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_totp_confirm_with_the_current_code(cast):
    device = services.totp_device_start(by=cast.clinician_a)
    _refused(ValidationFailed, lambda: services.totp_device_confirm(by=cast.clinician_a, token="12345a"),
             fields={"token": ["This code is not valid; check your phone's clock and try again."]}, code="bad_token")
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationFailed) as exc:
        services.totp_device_confirm(by=cast.clinician_a, token=wrong)
    assert exc.value.code == "bad_token"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False

    confirmed = services.totp_device_confirm(by=cast.clinician_a, token=f" {_code(device)} ")
    assert confirmed.pk == device.pk
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    event = _last_event()
    assert (event.action, event.actor, event.object_type, event.object_id, event.changes) == (
        "security", cast.clinician_a, "auth.user", str(cast.clinician_a.pk), {"two_factor": [False, True]}
    )


def test_totp_confirm_without_a_pending_device(cast):
    _refused(ValidationFailed, lambda: services.totp_device_confirm(by=cast.clinician_a, token="123456"),
             fields={"token": ["Start the set-up again: no pending authenticator."]}, code="no_device")


def test_a_wrong_code_is_counted_and_throttles_the_next_attempt(cast):
    """The failure counter survives the refusal, so codes cannot be guessed one after another."""
    device = services.totp_device_start(by=cast.clinician_a)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationFailed):
        services.totp_device_confirm(by=cast.clinician_a, token=wrong)
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
    with pytest.raises(ValidationFailed) as exc:
        services.totp_device_confirm(by=cast.clinician_a, token=_code(device))  # right code, too soon
    assert exc.value.code == "throttled"
    assert exc.value.fields == {"token": ["Too many wrong codes; wait a minute and try again."]}
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_totp_remove_needs_a_current_code(cast):
    device = services.totp_device_start(by=cast.clinician_a)
    services.totp_device_confirm(by=cast.clinician_a, token=_code(device))
    device.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        services.totp_device_remove(by=cast.clinician_a, token="000000" if _code(device, 1) != "000000" else "111111")
    assert exc.value.fields == {"token": ["This code is not valid; check your phone's clock and try again."]}
    assert TOTPDevice.objects.filter(user=cast.clinician_a).count() == 1

    # The code just used is spent; the next one (within the tolerance) turns two-factor login off.
    services.totp_device_remove(by=cast.clinician_a, token=_code(device, 1))
    assert TOTPDevice.objects.filter(user=cast.clinician_a).count() == 0
    assert _last_event().changes == {"two_factor": [True, False]}


def test_totp_remove_without_a_device_does_nothing(cast):
    before = _state()
    assert services.totp_device_remove(by=cast.clinician_a, token="") is None
    assert _state() == before
    _refused(PermissionDenied, lambda: services.totp_device_remove(by=AnonymousUser(), token="123456"))


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_totp_login_verify(cast):
    device = TOTPDevice.objects.create(user=cast.consultant_b, name="phone", confirmed=True)
    assert services.totp_login_verify(user=cast.consultant_b, token="abc") is None
    assert services.totp_login_verify(user=cast.analyst, token=_code(device)) is None
    assert services.totp_login_verify(user=cast.consultant_b, token=_code(device)) == device
    # A code works once.
    assert services.totp_login_verify(user=cast.consultant_b, token=_code(device)) is None
