"""What every page needs: direction, the language list and the navigation."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi

from .access import access_for
from .navigation import navigation_for


def shell(request):
    user = getattr(request, "user", None)
    access = access_for(user) if user is not None else None
    return {
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "CURRENT_LANGUAGE": get_language(),
        "CARAVAN_LANGUAGES": settings.LANGUAGES,
        "nav_items": navigation_for(request, access) if access and access.is_authenticated else [],
        "access": access,
        "today": timezone.localdate(),
    }
