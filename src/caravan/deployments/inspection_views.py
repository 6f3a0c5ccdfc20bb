"""Inspections: the programme's visits, and one visit's findings, follow-up actions and closure."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caravan.core.pages import attempt, crumbs, page, posted

from . import forms, inspection_services, selectors, services
from .views import _host_facilities

SECTION = "deployments"


def _trail(programme, *rest):
    return crumbs((_("Deployments"), reverse("deployments:home")),
                  (programme.name, reverse("deployments:programme", args=[programme.pk])), *rest)


@page(SECTION)
def inspections(request, pk: int):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    form = forms.InspectionForm(posted(request), facilities=_host_facilities(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, created = attempt(form, lambda: inspection_services.inspection_create(
            by=request.user, programme=programme, facility=form.facilities[data["facility"]],
            visited_on=data["visited_on"], inspectors=data["inspectors"]))
        if saved:
            messages.success(request, _("Inspection recorded."))
            return redirect("deployments:inspection", pk=created.pk)
    return render(request, "deployments/inspections.html", {
        "programme": programme, "inspections": list(selectors.inspections_of(programme=programme)), "form": form,
        "breadcrumbs": _trail(programme, (_("Inspections"), None)),
    }, status=400 if request.method == "POST" else 200)


@page(SECTION)
def inspection(request, pk: int):
    visit = selectors.inspection_get_for_user(user=request.user, pk=pk)
    data, action = posted(request), request.POST.get("action", "")
    finding_form = forms.FindingForm(data if action == "finding" else None, prefix="finding")
    action_form = forms.FollowUpForm(data if action == "action" else None, prefix="action")
    done_form = forms.DoneForm(data if action == "done" else None, prefix="done")
    close_form = forms.CloseForm(data if action == "close" else None, prefix="close")
    if request.method == "POST":
        services.require_manager(request.user, visit.programme)
        saved, by = False, request.user
        if action == "finding" and finding_form.is_valid():
            saved, _x = attempt(finding_form, lambda: inspection_services.finding_add(
                by=by, inspection=visit, **finding_form.cleaned_data))
        elif action == "action":
            finding = selectors.finding_of(inspection=visit, pk=request.POST.get("finding", ""))
            if action_form.is_valid():
                saved, _x = attempt(action_form, lambda: inspection_services.followup_add(
                    by=by, finding=finding, **action_form.cleaned_data))
        elif action == "done":
            followup = selectors.followup_of(inspection=visit, pk=request.POST.get("followup", ""))
            if done_form.is_valid():
                saved, _x = attempt(done_form, lambda: inspection_services.followup_done(
                    by=by, followup=followup, on=done_form.cleaned_data["done_on"]))
        elif action == "close" and close_form.is_valid():
            saved, _x = attempt(close_form, lambda: inspection_services.inspection_close(
                by=by, inspection=visit, on=close_form.cleaned_data["closed_on"]))
        if saved:
            messages.success(request, _("Inspection updated."))
            return redirect("deployments:inspection", pk=pk)
    return render(request, "deployments/inspection.html", {
        "inspection": visit, "findings": selectors.findings_of(inspection=visit),
        "finding_form": finding_form, "action_form": action_form, "done_form": done_form, "close_form": close_form,
        "target": request.POST.get("finding", "") or request.POST.get("followup", ""),
        "breadcrumbs": _trail(visit.programme, (_("Inspections"), reverse("deployments:inspections",
                                                                          args=[visit.programme_id])),
                              (f"{visit.facility.name} {visit.visited_on.isoformat()}", None)),
    }, status=400 if request.method == "POST" else 200)
