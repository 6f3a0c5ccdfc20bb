"""Writes for accounts: users and memberships, API tokens, two-factor devices."""

from django.contrib.auth import get_user_model
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
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.field("username", _("This username is taken."), code="duplicate_username")
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
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=by, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=by, action=audit.Action.SECURITY, obj=token, changes={"token": ["active", "revoked"]})
    return token


@transaction.atomic
def totp_device_start(*, by) -> TOTPDevice:
    """Create an unconfirmed TOTP device for the user (replacing any unconfirmed one)."""
    TOTPDevice.objects.filter(user=by, confirmed=False).delete()
    return TOTPDevice.objects.create(user=by, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, by, token: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app; from then on login asks for a code."""
    device = TOTPDevice.objects.filter(user=by, confirmed=False).first()
    if device is None:
        raise ValidationFailed.field("token", _("Start the set-up again: no pending authenticator."), code="no_device")
    if not (token or "").strip().isdigit() or not device.verify_token(token.strip()):
        raise ValidationFailed.field("token", _("This code is not valid; check your phone's clock and try again."), code="bad_token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=by, action=audit.Action.SECURITY, obj=by, changes={"two_factor": [False, True]})
    return device


@transaction.atomic
def totp_device_remove(*, by, token: str) -> None:
    """Turn two-factor login off; needs a current code so a stolen session cannot do it."""
    devices = list(TOTPDevice.objects.filter(user=by, confirmed=True))
    if not devices:
        return
    if not any(d.verify_token((token or "").strip()) for d in devices):
        raise ValidationFailed.field("token", _("This code is not valid; check your phone's clock and try again."), code="bad_token")
    TOTPDevice.objects.filter(user=by).delete()
    audit.record(actor=by, action=audit.Action.SECURITY, obj=by, changes={"two_factor": [True, False]})
