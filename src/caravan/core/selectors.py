"""Reads for accounts and the audit trail, scoped to the user."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import access_for
from .errors import NotFound
from .models import ApiToken, AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None


def language_of(user) -> str:
    """The language a user reads mail and notices in: their profile's, else the node's default."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "language", None) or settings.LANGUAGE_CODE


def audit_list_for_user(*, user, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """Audit events the user may read: all for node administrators, else their organisations' subtrees."""
    access = access_for(user)
    if not access.can_read_audit():
        raise NotFound()
    f = filters or AuditFilters()
    qs = AuditEvent.objects.select_related("organisation")
    if not access.is_node_admin:
        scope = Q(pk__in=[])
        for _org_id, path, role in access.memberships:
            if role == "admin":
                scope |= Q(organisation__path__startswith=path)
        qs = qs.filter(scope)
    if f.actor:
        qs = qs.filter(actor_label__icontains=f.actor)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    tz = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(at__gte=datetime.combine(f.since, time.min, tzinfo=tz))
    if f.until:
        qs = qs.filter(at__lt=datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-at", "-id")


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    if not access_for(user).is_authenticated:
        raise NotFound()
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@dataclass(frozen=True)
class TwoFactorState:
    confirmed: bool
    pending: TOTPDevice | None


def two_factor_state_of(*, user) -> TwoFactorState:
    """Whether the user's two-factor login is on, and the authenticator still being set up (one query)."""
    if not access_for(user).is_authenticated:
        raise NotFound()
    devices = list(TOTPDevice.objects.filter(user=user).order_by("pk"))
    confirmed = any(d.confirmed for d in devices)
    pending = None if confirmed else next((d for d in devices if not d.confirmed), None)
    return TwoFactorState(confirmed=confirmed, pending=pending)
