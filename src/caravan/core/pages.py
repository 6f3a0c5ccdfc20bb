"""The plumbing every module's HTML views share: sign-in, 404/403, breadcrumbs, form writes."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from .errors import ApplicationError, NotFound, PermissionDenied
from .forms_widgets import apply_errors


def page(section: str):
    """Sign-in required; mark the navigation section; NotFound becomes 404 and a refused write 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.nav_section = section
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except PermissionDenied:
                raise Forbidden from None

        return login_required(wrapper)

    return decorate


def posted(request):
    """The submitted data of a POST (even an empty one, so it is validated), None otherwise."""
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden


def crumbs(*trail) -> list[dict]:
    """Breadcrumbs from Home, given (label, url) pairs; the last pair is the current page."""
    return [{"label": _("Home"), "url": reverse("core:home")}] + [{"label": label, "url": url} for label, url in trail]


def attempt(form, write):
    """Call `write()`; a refused input lands on the form's fields. Returns (saved, result).

    NotFound and PermissionDenied pass through to the page decorator: they are
    answers about the user, not about the input.
    """
    try:
        return True, write()
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        apply_errors(form, exc)
        return False, None
