"""The capability ledger: a facility's matrix, one capability's history, a region's matrix."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.pages import require
from caravan.registry import selectors as registry_selectors

from .. import forms, rules, selectors, services
from ..models import CapabilityStatus
from .common import crumbs, transfer_page, write

STATUSES = CapabilityStatus.choices


def _reason(event) -> str:
    """The evidence of a status change, said in the reader's language."""
    details = event.details or {}
    if event.reason == rules.Reason.MANUAL:
        return _("Set by %(user)s.") % {"user": event.by.get_username() if event.by else _("a coordinator")}
    if event.reason == rules.Reason.FIRST_OBSERVED:
        return _("First case where local staff observed or assisted a visiting expert.")
    if event.reason == rules.Reason.FIRST_LOCAL:
        return _("First case performed by local staff.")
    if event.reason == rules.Reason.INDEPENDENCE:
        return _("%(cases)s successful cases by local staff alone within %(months)s months; "
                 "complication rate %(rate)s%%.") % {
            "cases": details.get("cases"), "months": details.get("window_months"),
            "rate": round(100 * float(details.get("rate", 0)), 1),
        }
    if event.reason == rules.Reason.LAPSE:
        return _("No case for %(months)s months.") % {"months": details.get("months")}
    return event.reason


@transfer_page
def facility_matrix(request, pk: int):
    user = request.user
    facility = selectors.facility_visible(user=user, pk=pk)
    whole = request.GET.get("all") == "1"
    matrix = selectors.facility_matrix(user=user, facility=facility, whole_catalogue=whole)
    can_set = selectors.capability_settable_by(user=user, facility=facility)
    return render(request, "transfer/facility_matrix.html", {
        "facility": facility, "matrix": matrix, "whole": whole, "statuses": STATUSES,
        "status_form": forms.StatusForm(user=user) if can_set else None,
        "catalogue": selectors.technique_suggestions(user=user) if can_set else [],
        "breadcrumbs": crumbs((facility.name, None)),
    })


@transfer_page
@require_POST
def capability_set(request, pk: int):
    """Set planned or training by hand (coordinators of the facility)."""
    user = request.user
    facility = selectors.facility_visible(user=user, pk=pk)
    require(selectors.capability_settable_by(user=user, facility=facility))
    form = forms.StatusForm(request.POST, user=user)
    saved, capability = write(request, form, lambda d: services.capability_set_status(
        by=user, facility=facility, technique=d["technique"], status=d["status"], on=d["on"], note=d["note"],
    ), success=_("The status was recorded."))
    if saved:
        return redirect("transfer:capability_detail", pk=capability.pk)
    matrix = selectors.facility_matrix(user=user, facility=facility)
    return render(request, "transfer/facility_matrix.html", {
        "facility": facility, "matrix": matrix, "whole": False, "statuses": STATUSES, "status_form": form,
        "catalogue": selectors.technique_suggestions(user=user),
        "breadcrumbs": crumbs((facility.name, None)),
    }, status=400)


@transfer_page
def capability_detail(request, pk: int):
    capability = selectors.capability_get_for_user(user=request.user, pk=pk)
    events = [(event, _reason(event)) for event in capability.events.all()]
    return render(request, "transfer/capability_detail.html", {
        "capability": capability, "events": events,
        "cross_level": capability.technique.min_level < capability.facility.level,
        "breadcrumbs": crumbs(
            (capability.facility.name, reverse("transfer:facility_matrix", args=[capability.facility_id])),
            (capability.technique.name, None),
        ),
    })


@transfer_page
def region_matrix(request, pk: int):
    user = request.user
    region = registry_selectors.region_get(user=user, pk=pk)
    form = forms.RegionMatrixForm(request.GET or None, user=user)
    specialty = form.cleaned_data.get("specialty", "") if form.is_valid() else ""
    facilities = selectors.region_facilities(user=user, region=region, specialty=specialty)
    page = Paginator(facilities, 25).get_page(request.GET.get("page"))
    matrix = selectors.region_matrix(user=user, region=region, facilities=list(page.object_list), specialty=specialty)
    rows = [
        (facility, [matrix.status.get((facility.pk, t.pk), "") for t in matrix.techniques])
        for facility in matrix.facilities
    ]
    return render(request, "transfer/region_matrix.html", {
        "region": region, "matrix": matrix, "rows": rows, "page": page, "filter_form": form, "statuses": STATUSES,
        "breadcrumbs": crumbs((region.name, None)),
    })
