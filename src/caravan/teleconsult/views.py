"""Teleconsultation: the HTML pages."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from caravan.core.pages import crumbs, page

SECTION = "teleconsult"


@page(SECTION)
def home(request):
    return render(request, "teleconsult/home.html", {"breadcrumbs": crumbs((_("Teleconsultation"), None))})
