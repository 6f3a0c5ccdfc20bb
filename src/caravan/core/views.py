"""Core pages: login and logout, home, profile, security (2FA), API tokens, audit trail."""

import base64
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from caravan.registry.selectors import network_summary_for_user

from . import audit, selectors, services
from .errors import ApplicationError, NotFound
from .forms import AuditFilterForm, LoginForm, OtpForm, ProfileForm, TokenForm
from .forms_widgets import apply_errors
from .middleware import SessionTimeoutMiddleware, TimeZoneMiddleware
from .pagination import page_of


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        # `request` lets django-axes count failures per username and address, and refuse when locked.
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            audit.record(actor=None, action=audit.Action.LOGIN_FAILED, object_type="auth.user",
                         object_repr=username[:150])
            form.add_error(None, _("The username or password is not right."))
        elif user_has_device(user):
            device = services.totp_login_verify(user=user, token=form.cleaned_data["otp_token"])
            if device is None:
                # A wrong code counts as a failed login too, or the code could be guessed without limit.
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
                audit.record(actor=None, action=audit.Action.LOGIN_FAILED, object_type="auth.user",
                             object_id=str(user.pk), object_repr=username[:150])
                form.add_error("otp_token", _("Enter the current six-digit code from your authenticator app."))
            else:
                return _finish_login(request, user, device)
        else:
            return _finish_login(request, user, None)
    session_ended = request.session.pop(SessionTimeoutMiddleware.ENDED, False) if request.method == "GET" else False
    return render(request, "core/login.html", {
        "form": form, "next": request.POST.get("next") or request.GET.get("next", ""),
        "session_ended": session_ended,
    })


def _finish_login(request, user, device):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    request.session[SessionTimeoutMiddleware.STARTED] = time.time()
    audit.record(actor=user, action=audit.Action.LOGIN, obj=user)
    profile = getattr(user, "profile", None)
    if profile is not None:
        request.session[TimeZoneMiddleware.SESSION_KEY] = profile.time_zone
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    response = redirect(target or "core:home")
    if profile is not None and profile.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, profile.language, samesite="Lax")
    return response


@login_required
def profile(request):
    """The user's own display name, language and time zone."""
    current = getattr(request.user, "profile", None)
    initial = {"display_name": current.display_name if current else "",
               "language": current.language if current else settings.LANGUAGE_CODE,
               "time_zone": current.time_zone if current else settings.TIME_ZONE}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.profile_update(by=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            request.session[TimeZoneMiddleware.SESSION_KEY] = saved.time_zone
            translation.activate(saved.language)
            messages.success(request, _("Your profile is saved."))
            response = redirect("core:profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, saved.language, samesite="Lax")
            return response
    return render(request, "core/profile.html", {
        "form": form,
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("My profile")}],
    }, status=400 if request.method == "POST" else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(actor=request.user, action=audit.Action.LOGOUT, obj=request.user)
    logout(request)
    return redirect("core:login")


@login_required
def home(request):
    summary = network_summary_for_user(user=request.user)
    tiles = [
        (_("Countries"), summary.countries, None),
        (_("Regions"), summary.regions, reverse("registry:region_list")),
        (_("Facilities"), summary.facilities, reverse("registry:facility_list")),
        (_("Practitioners"), summary.practitioners, reverse("registry:practitioner_list")),
        (_("Techniques"), summary.techniques, reverse("registry:technique_list")),
    ]
    return render(request, "core/home.html", {"summary": summary, "tiles": tiles})


@login_required
def security(request):
    state = selectors.two_factor_state_of(user=request.user)
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start" and not state.confirmed:
                services.totp_device_start(by=request.user)
                return redirect("core:security")
            if action == "confirm" and form.is_valid():
                device = services.totp_device_confirm(by=request.user, token=form.cleaned_data["token"])
                # This session has just proved the code, so it counts as verified.
                otp_login(request, device)
                messages.success(request, _("Two-factor login is on."))
                return redirect("core:security")
            if action == "remove" and form.is_valid():
                services.totp_device_remove(by=request.user, token=form.cleaned_data["token"])
                messages.success(request, _("Two-factor login is off."))
                return redirect("core:security")
        except ApplicationError as exc:
            apply_errors(form, exc)
        status = 400
    pending = state.pending
    response = render(request, "core/security.html", {
        "confirmed": state.confirmed, "pending": pending, "form": form,
        "qr_svg": _qr_svg(pending.config_url) if pending else None,
        "secret": _grouped_base32(pending.bin_key) if pending else "",
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")},
                        {"label": _("Security and two-factor login")}],
    }, status=status)
    if pending is not None:
        add_never_cache_headers(response)  # the page holds the authenticator's secret
    return response


def _qr_svg(url: str) -> str:
    """The set-up link as an inline SVG QR code, dark on a white quiet zone so phones read it in any theme."""
    return segno.make(url, micro=False).svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=_("QR code for your authenticator app"),
        svgclass="qr-code",
    )


def _grouped_base32(key: bytes) -> str:
    """The secret as authenticator apps accept it typed in: base32, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, new_secret = services.api_token_create(by=request.user, name=form.cleaned_data["name"])
                form = TokenForm()
            except ApplicationError as exc:
                apply_errors(form, exc)
        if new_secret is None:
            status = 400
    response = render(request, "core/tokens.html", {
        "tokens": selectors.api_tokens_of(user=request.user), "form": form, "new_secret": new_secret,
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("API tokens")}],
    }, status=status)
    if new_secret is not None:
        # Shown once: no browser or proxy cache may keep a copy of the secret.
        add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        services.api_token_revoke(by=request.user, token_id=pk)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The token was revoked."))
    return redirect("core:token_list")


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = selectors.AuditFilters()
    if form.is_bound:
        form.is_valid()  # a bad field is shown on the form; the fields that are valid still filter
        filters = selectors.AuditFilters(**form.cleaned_data)
    try:
        events = selectors.audit_list_for_user(user=request.user, filters=filters)
    except NotFound:
        raise Http404 from None
    page = page_of(request, events)
    page.object_list = [_with_change_rows(event) for event in page.object_list]
    request.nav_section = "audit"
    return render(request, "core/audit_list.html", {
        "form": form, "page": page,
        "breadcrumbs": [{"label": _("Home"), "url": reverse("core:home")}, {"label": _("Audit trail")}],
    })


def _with_change_rows(event):
    """Attach `change_rows`: (field, before, after) for each changed field, whatever shape was stored."""
    rows = []
    changes = event.changes if isinstance(event.changes, dict) else {}
    for field, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append((field, value[0], value[1]))
        else:
            rows.append((field, None, value))
    event.change_rows = rows
    return event
