"""Plumbing shared by the transfer pages: sign-in, 404/403, breadcrumbs, form writes and CSV answers."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core.errors import ApplicationError, NotFound, PermissionDenied
from caravan.core.forms_widgets import apply_errors

SECTION = "transfer"


def transfer_page(view):
    """Sign-in required; the navigation marks Technique transfer; NotFound is a 404 and a refused write a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.nav_section = SECTION
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except PermissionDenied:
            raise Forbidden from None

    return login_required(wrapper)


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden


def posted(request):
    return request.POST if request.method == "POST" else None


def crumbs(*trail) -> list[dict]:
    """Home › Technique transfer › … ; the last (label, url) pair is the current page."""
    return [
        {"label": _("Home"), "url": reverse("core:home")},
        {"label": _("Technique transfer"), "url": reverse("transfer:home")},
    ] + [{"label": label, "url": url} for label, url in trail]


def write(request, form, action, *, success: str | None = None):
    """On a valid POST call `action(cleaned_data)`; a refused input lands on the form. Returns (saved, result)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = action(form.cleaned_data)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        apply_errors(form, exc)
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def status_for(request) -> int:
    """A form page answered after a refused POST says so with 400."""
    return 400 if request.method == "POST" else 200


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """A CSV cell; text a spreadsheet would run as a formula is quoted so it stays text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream rows as a CSV download (UTF-8 with a BOM so spreadsheets read the scripts right)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
