"""API authentication: the browser's session (with CSRF) or a personal bearer token."""

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from .models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token.startswith("cvn_"):
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        # Record use at most once an hour: a token used in a loop should not write on every call.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 3600:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """Django's session cookie; unsafe methods need the CSRF token as usual."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def _get_key(self, request):
        # Without a signed-in session there is nothing to protect from CSRF: answer 401, not 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None
