"""Pagination shared by every list page."""

from django.conf import settings
from django.core.paginator import Paginator


def page_of(request, queryset, *, per_page: int | None = None):
    """The requested page of a queryset; a bad or too-large page number gives the nearest page."""
    paginator = Paginator(queryset, per_page or settings.CARAVAN_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
