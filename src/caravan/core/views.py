"""Core pages: login and logout, home, security (2FA), API tokens, audit trail."""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from caravan.registry.selectors import network_summary_for_user

from . import audit, selectors, services
from .errors import ApplicationError, NotFound
from .forms import AuditFilterForm, LoginForm, OtpForm, TokenForm
from .forms_widgets import apply_errors
from .middleware import SessionTimeoutMiddleware
from .pagination import page_of


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is None:
            audit.record(actor=None, action=audit.Action.LOGIN_FAILED, object_type="auth.user",
                         object_repr=form.cleaned_data["username"][:150])
            form.add_error(None, _("The username or password is not right."))
        elif user_has_device(user):
            device = _verified_device(user, form.cleaned_data["otp_token"])
            if device is None:
                form.add_error("otp_token", _("Enter the current six-digit code from your authenticator app."))
            else:
                return _finish_login(request, user, device)
        else:
            return _finish_login(request, user, None)
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


def _verified_device(user, token: str):
    token = (token or "").strip()
    if not token.isdigit():
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def _finish_login(request, user, device):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    request.session[SessionTimeoutMiddleware.STARTED] = time.time()
    audit.record(actor=user, action=audit.Action.LOGIN, obj=user)
    profile = getattr(user, "profile", None)
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    response = redirect(target or "core:home")
    if profile is not None and profile.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, profile.language, samesite="Lax")
    return response


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
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    pending = None if confirmed else TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = OtpForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.totp_device_start(by=request.user)
                return redirect("core:security")
            if action == "confirm" and form.is_valid():
                services.totp_device_confirm(by=request.user, token=form.cleaned_data["token"])
                messages.success(request, _("Two-factor login is on."))
                return redirect("core:security")
            if action == "remove" and form.is_valid():
                services.totp_device_remove(by=request.user, token=form.cleaned_data["token"])
                messages.success(request, _("Two-factor login is off."))
                return redirect("core:security")
        except ApplicationError as exc:
            apply_errors(form, exc)
    qr_svg = None
    if pending is not None:
        qr_svg = segno.make(pending.config_url, micro=False).svg_inline(scale=4)
    return render(request, "core/security.html", {
        "confirmed": confirmed, "pending": pending, "qr_svg": qr_svg, "form": form,
        "breadcrumbs": [{"label": _("Home"), "url": "/"}, {"label": _("Security and two-factor login")}],
    })


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(by=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
        except ApplicationError as exc:
            apply_errors(form, exc)
    return render(request, "core/tokens.html", {
        "tokens": selectors.api_tokens_of(user=request.user), "form": form, "new_secret": new_secret,
        "breadcrumbs": [{"label": _("Home"), "url": "/"}, {"label": _("API tokens")}],
    })


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
    filters = selectors.AuditFilters(**form.cleaned_data) if form.is_valid() else selectors.AuditFilters()
    try:
        events = selectors.audit_list_for_user(user=request.user, filters=filters)
    except NotFound:
        raise Http404 from None
    page = page_of(request, events)
    return render(request, "core/audit_list.html", {
        "form": form, "page": page,
        "breadcrumbs": [{"label": _("Home"), "url": "/"}, {"label": _("Audit trail")}],
    })

