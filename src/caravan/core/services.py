"""Writes for accounts: users and memberships, profiles, API tokens, two-factor devices."""

import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .access import access_for
from .errors import NotFound, PermissionDenied, ValidationFailed
from .models import ApiToken, Membership, Network, Organisation, Profile
from .roles import Role
from .tree import tree_check_parent, tree_save_path

User = get_user_model()


@transaction.atomic
def organisation_upsert(*, by, code: str, name: str, kind: str, parent: Organisation | None = None,
                        name_local: str = "", country=None, networks: list[Network] | None = None) -> Organisation:
    """Create or update an organisation by its code (node administrators, and the demo loader)."""
    if by is not None and not access_for(by).is_node_admin:
        raise PermissionDenied()
    # The stored parent, locked: a caller's copy may carry a path that has since moved.
    parent = Organisation.objects.select_for_update().get(pk=parent.pk) if parent is not None else None
    org = Organisation.objects.filter(code=code).first()
    created = org is None
    org = org or Organisation(code=code)
    before = audit.snapshot(org, ["name", "name_local", "kind", "parent", "country"]) if not created else {}
    tree_check_parent(org, parent)
    org.name, org.name_local, org.kind, org.parent, org.country = name, name_local, kind, parent, country
    org.save()
    tree_save_path(org)
    if networks is not None:
        org.networks.add(*networks)
    changes = audit.diff(before, audit.snapshot(org, ["name", "name_local", "kind", "parent", "country"]))
    if created or changes:
        audit.record(actor=by, action=audit.Action.CREATE if created else audit.Action.UPDATE, obj=org,
                     organisation=org, changes=changes)
    return org


@transaction.atomic
def user_create(*, by, username: str, password: str, display_name: str = "", email: str = "",
                language: str = "en") -> "User":
    """Create a user with a hashed password and a profile."""
    if by is not None and not access_for(by).has_role(Role.ADMIN):
        raise PermissionDenied()
    username = (username or "").strip()
    if not username:
        raise ValidationFailed.field("username", _("Enter a username."), code="required")
    try:
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except DjangoValidationError as exc:
        raise ValidationFailed(code="bad_username", fields={"username": exc.messages}) from None
    # Names that differ only in case are refused too: people cannot tell "Ali" and "ali" apart.
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed.field("username", _("This username is taken."), code="duplicate_username")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed.field("language", _("This language is not available."), code="unknown_language")
    user = User.objects.create_user(username=username, password=password, email=email)
    Profile.objects.create(user=user, display_name=display_name, language=language)
    audit.record(actor=by, action=audit.Action.CREATE, obj=user, changes={"username": [None, username]})
    return user


@transaction.atomic
def membership_grant(*, by, user, organisation: Organisation, role: str) -> Membership:
    """Give a user a role in an organisation (administrators of that organisation, or the node)."""
    if by is not None and not (access_for(by).is_node_admin or _admin_of(by, organisation)):
        raise PermissionDenied()
    if role not in Role.values:
        raise ValidationFailed.field("role", _("This role does not exist."), code="unknown_role")
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if created:
        audit.record(actor=by, action=audit.Action.CREATE, obj=membership, organisation=organisation,
                     changes={"role": [None, role]})
    return membership


def _admin_of(user, organisation: Organisation) -> bool:
    access = access_for(user)
    return any(organisation.path.startswith(path) for _org, path, role in access.memberships if role == Role.ADMIN)


@transaction.atomic
def api_token_create(*, by, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token; the secret is returned once and never stored."""
    if not access_for(by).is_authenticated:
        raise PermissionDenied()
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.field("name", _("Give the token a name, so you know where it is used."), code="required")
    if len(name) > 100:
        raise ValidationFailed.field("name", _("Must be at most %(limit)s characters.") % {"limit": 100}, code="too_long")
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(user=by, name=name, prefix=secret[:12], digest=ApiToken.digest_of(secret))
    audit.record(actor=by, action=audit.Action.SECURITY, obj=token, changes={"token": [None, "created"]})
    return token, secret


@transaction.atomic
def api_token_revoke(*, by, token_id: int) -> ApiToken:
    """Revoke one of the user's own active tokens; anyone else's, or a revoked one, is NotFound."""
    if not access_for(by).is_authenticated:
        raise NotFound()
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=by, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=by, action=audit.Action.SECURITY, obj=token, changes={"token": ["active", "revoked"]})
    return token


PROFILE_FIELDS = ("display_name", "language", "time_zone")


@transaction.atomic
def profile_update(*, by, data: dict) -> Profile:
    """Change the signed-in user's own display name, language and time zone."""
    _require_signed_in(by)
    errors: dict[str, list[str]] = {}
    display_name = (data.get("display_name") or "").strip()
    if len(display_name) > 200:
        errors["display_name"] = [_("Must be at most %(limit)s characters.") % {"limit": 200}]
    language = data.get("language") or ""
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Caravan does not speak this language.")]
    time_zone = data.get("time_zone") or ""
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("This is not a time zone. Choose one from the list, e.g. Asia/Tehran.")]
    if errors:
        raise ValidationFailed(fields=errors)
    profile, _created = Profile.objects.get_or_create(user=by)
    before = audit.snapshot(profile, PROFILE_FIELDS)
    profile.display_name, profile.language, profile.time_zone = display_name, language, time_zone
    profile.save(update_fields=list(PROFILE_FIELDS))
    changes = audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=profile, changes=changes)
    return profile


def _require_signed_in(user) -> None:
    if not access_for(user).is_authenticated:
        raise PermissionDenied()


def _matching_device(devices: list[TOTPDevice], token: str) -> TOTPDevice:
    """The device that accepts `token`, refusing while django-otp throttles every device.

    Called outside the service's transaction on purpose: a wrong code increments
    the device's failure counter, and that must stay saved when the service then
    raises, or the throttling would never take effect.
    """
    token = (token or "").strip()
    allowed = [d for d in devices if d.verify_is_allowed()[0]]
    if devices and not allowed:
        raise ValidationFailed.field(
            "token", _("Too many wrong codes; wait a minute and try again."), code="throttled"
        )
    if token.isdigit():
        for device in allowed:
            if device.verify_token(token):
                return device
    raise ValidationFailed.field(
        "token", _("This code is not valid; check your phone's clock and try again."), code="bad_token"
    )


def totp_login_verify(*, user, token: str) -> TOTPDevice | None:
    """The user's confirmed device that accepts `token` at login, or None.

    A wrong code counts toward django-otp's throttling of the device, so codes
    cannot be guessed one after another.
    """
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
    try:
        return _matching_device(devices, token)
    except ValidationFailed:
        return None


@transaction.atomic
def totp_device_start(*, by) -> TOTPDevice:
    """Create an unconfirmed TOTP device for the user (replacing any unconfirmed one)."""
    _require_signed_in(by)
    TOTPDevice.objects.filter(user=by, confirmed=False).delete()
    return TOTPDevice.objects.create(user=by, name="authenticator", confirmed=False)


def totp_device_confirm(*, by, token: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; from then on login asks for a code.

    Wrong codes count toward django-otp's throttling of the device.
    """
    _require_signed_in(by)
    device = TOTPDevice.objects.filter(user=by, confirmed=False).first()
    if device is None:
        raise ValidationFailed.field("token", _("Start the set-up again: no pending authenticator."), code="no_device")
    _matching_device([device], token)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=by, action=audit.Action.SECURITY, obj=by, changes={"two_factor": [False, True]})
    return device


def totp_device_remove(*, by, token: str) -> None:
    """Turn two-factor login off; needs a current code so a stolen session cannot do it.

    Wrong codes count toward django-otp's throttling, so the code cannot be guessed.
    """
    _require_signed_in(by)
    devices = list(TOTPDevice.objects.filter(user=by, confirmed=True).order_by("pk"))
    if not devices:
        return
    _matching_device(devices, token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=by).delete()
        audit.record(actor=by, action=audit.Action.SECURITY, obj=by, changes={"two_factor": [True, False]})
