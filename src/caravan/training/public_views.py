"""The public certificate verification page: no login, as little said as possible.

Anyone holding a certificate's code learns the holder's name, the course, the
day of issue and whether it is valid — nothing else. A code that does not
exist and one that is malformed get the same plain answer ("no certificate
has this code"), with the same status, so the page gives no hint for guessing. Each address may look up a
limited number of codes a minute; beyond that it is asked to wait (429).
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import certificates
from .forms import VerifyForm

DEFAULT_LOOKUPS_PER_MINUTE = 20


def _lookups_per_minute() -> int:
    return int(getattr(settings, "CARAVAN_CERTIFICATE_LOOKUPS_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE))


def over_limit(request) -> bool:
    """Count one look-up for the client's address; True once it has used its minute's allowance."""
    key = f"training:verify:{request.META.get('REMOTE_ADDR') or 'unknown'}"
    # add() starts the minute's window; incr() then counts inside it without moving it.
    if cache.add(key, 1, timeout=60):
        return False
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=60)
        return False
    return used > _lookups_per_minute()


def _answer(request, code: str):
    form = VerifyForm(initial={"code": code})
    context = {"form": form, "asked": bool(code), "result": None, "limited": False}
    status = 200
    if code:
        if over_limit(request):
            context["limited"] = True
            status = 429
        else:
            context["result"] = certificates.certificate_verify(code=code)
    response = render(request, "training/verify.html", {
        **context, "breadcrumbs": [{"label": _("Verify a certificate"), "url": None}],
    }, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    # Answers are about one code and may change (revocation): never cached, never indexed.
    patch_cache_control(response, no_store=True, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def verify(request):
    """The form; with ?code=… it answers too (what a typed code submits)."""
    return _answer(request, (request.GET.get("code") or "").strip()[:40])


def verify_code(request, code: str):
    """The address printed on a certificate and in its QR code."""
    return _answer(request, code.strip()[:40])
