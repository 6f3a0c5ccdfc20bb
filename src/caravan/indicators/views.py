"""Indicators: the HTML pages."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from caravan.core.pages import crumbs, page

SECTION = "indicators"


@page(SECTION)
def home(request):
    return render(request, "indicators/home.html", {"breadcrumbs": crumbs((_("Indicators"), None))})
