"""Plumbing shared by the training pages: the page decorator, writes from forms, breadcrumbs, calendars."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from caravan.core.forms_widgets import apply_errors

from . import ics


def training_page(section: str):
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
    return [{"label": _("Home"), "url": reverse("core:home")}] + [
        {"label": label, "url": url} for label, url in trail
    ]


def renamed(exc: ApplicationError, names: dict[str, str]) -> ApplicationError:
    """The same error with its fields named as the form names them (a service's ends_at is a form's end)."""
    if not names or not exc.fields:
        return exc
    return ValidationFailed(exc.message, code=exc.code,
                            fields={names.get(k, k): v for k, v in exc.fields.items()})


def write(request, form, action, *, success: str, names: dict[str, str] | None = None) -> tuple[bool, object]:
    """On a valid POST, call `action(form)`; a refused input lands on the form's fields.

    Returns (saved, result). NotFound and PermissionDenied pass through to the
    page decorator: they are answers about the user, not about the input.
    """
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = action(form)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        apply_errors(form, renamed(exc, names or {}))
        return False, None
    messages.success(request, success)
    return True, result


def form_page(request, form, *, title: str, trail: list, cancel_url: str, status: int | None = None,
              template: str = "training/form.html", **extra):
    """A create or edit page; after a refused POST it is answered with 400."""
    if status is None:
        status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "breadcrumbs": crumbs(*trail), "cancel_url": cancel_url, **extra}
    return render(request, template, context, status=status)


def calendar_response(events: list[ics.Event], *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(ics.calendar(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
