"""Request-wide behaviour: upload limit, language fallback, session lifetime, time zone, audit context."""

import secrets
import time
import zoneinfo

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import context

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UploadLimitMiddleware:
    """Answer 413 before any view reads a body larger than the configured limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.CARAVAN_MAX_UPLOAD_BYTES
        if length > limit:
            # Refused before the session or the view is reached, so nothing is read or saved. The
            # locale middleware has not run yet, so the reader's language is looked up here.
            with translation.override(translation.get_language_from_request(request)):
                message = _("The upload is too large: %(size)s were sent and the limit is %(limit)s.") % {
                    "size": filesizeformat(length), "limit": filesizeformat(limit),
                }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class LanguageFallbackMiddleware:
    """An unknown language in the cookie or a ?lang= parameter falls back to English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.LANGUAGE_COOKIE_NAME
        wanted = request.GET.get("lang")
        if wanted is not None:
            request.COOKIES[name] = wanted
        cookie = request.COOKIES.get(name)
        if cookie is not None:
            # Without this, an unknown cookie would fall through to the browser's Accept-Language.
            cookie = cookie.strip().lower()
            request.COOKIES[name] = cookie if cookie in SUPPORTED else settings.LANGUAGE_CODE
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """End a session after 30 idle minutes, and 12 hours after login whatever the activity.

    Django's cookie age alone slides with every write, so the absolute limit is
    kept here from the moment of login.
    """

    LAST_SEEN = "caravan_last_seen"
    STARTED = "caravan_started"
    ENDED = "caravan_session_ended"  # tells the login page to say why the user is back there

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            last = session.get(self.LAST_SEEN)
            started = session.setdefault(self.STARTED, now)
            if (last is not None and now - last > settings.CARAVAN_SESSION_IDLE_SECONDS) or (
                now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                request.session[self.ENDED] = True
            elif last is None or now - last > 60:
                # Write at most once a minute so a busy page does not rewrite the session row each time.
                session[self.LAST_SEEN] = now
        return self.get_response(request)


class TimeZoneMiddleware:
    """Show dates and times in the user's own time zone, remembered in the session at login.

    Kept in the session rather than read from the profile so that no page pays a
    query for it; the profile page refreshes it when the user changes zone.
    """

    SESSION_KEY = "caravan_time_zone"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(self.SESSION_KEY) if hasattr(request, "session") else None
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RequestContextMiddleware:
    """Bind the client address and a request id for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.bind(
            context.RequestContext(ip=request.META.get("REMOTE_ADDR") or None, request_id=secrets.token_hex(8))
        )
        try:
            return self.get_response(request)
        finally:
            context.unbind(token)
