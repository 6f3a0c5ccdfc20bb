"""What the transfer pages add to `core.pages`: their section and breadcrumbs, form writes with a message, CSV."""

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core import pages

SECTION = "transfer"

# Sign-in required; the navigation marks Technique transfer; NotFound is a 404 and a refused write a 403.
transfer_page = pages.page(SECTION)


def crumbs(*trail) -> list[dict]:
    """Home › Technique transfer › … ; the last (label, url) pair is the current page."""
    return pages.crumbs((_("Technique transfer"), reverse("transfer:home")), *trail)


def write(request, form, action, *, success: str | None = None):
    """On a valid POST call `action(cleaned_data)`; a refused input lands on the form. Returns (saved, result)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    saved, result = pages.attempt(form, lambda: action(form.cleaned_data))
    if saved and success:
        messages.success(request, success)
    return saved, result


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
