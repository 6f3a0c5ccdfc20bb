"""Referrals: the HTML pages."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from caravan.core.pages import crumbs, page

SECTION = "referrals"


@page(SECTION)
def home(request):
    return render(request, "referrals/home.html", {"breadcrumbs": crumbs((_("Referrals"), None))})
