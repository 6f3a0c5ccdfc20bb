"""Deployments: the HTML pages."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from caravan.core.pages import crumbs, page

SECTION = "deployments"


@page(SECTION)
def home(request):
    return render(request, "deployments/home.html", {"breadcrumbs": crumbs((_("Deployments"), None))})
