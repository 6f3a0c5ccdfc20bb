"""The public letter verification page: a consulate checks an invitation letter's reference.

It answers only whether a letter with this reference is valid — no name, no
hospital, no diagnosis. Unknown and malformed references get the same answer,
and each address may check a limited number of references a minute.
"""

from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import selectors

LOOKUPS_PER_MINUTE = 20


def _over_limit(request) -> bool:
    key = f"referrals:verify:{request.META.get('REMOTE_ADDR') or 'unknown'}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        return cache.incr(key) > LOOKUPS_PER_MINUTE
    except ValueError:
        cache.add(key, 1, timeout=60)
        return False


def verify(request, reference: str = ""):
    reference = (reference or request.GET.get("reference") or "").strip()[:24]
    state, status = None, 200
    limited = False
    if reference:
        if _over_limit(request):
            limited, status = True, 429
        else:
            state = selectors.verify_letter(reference=reference)
    response = render(request, "referrals/verify.html", {
        "reference": reference, "asked": bool(reference), "state": state, "limited": limited,
        "breadcrumbs": [{"label": _("Verify an invitation letter"), "url": None}],
    }, status=status)
    if limited:
        response["Retry-After"] = "60"
    patch_cache_control(response, no_store=True, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
