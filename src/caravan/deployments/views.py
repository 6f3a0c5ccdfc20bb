"""Deployments: the HTML pages."""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.pages import attempt, crumbs, page, posted
from caravan.core.pagination import page_of
from caravan.registry.models import Facility

from . import composer, emergency_selectors, emergency_services, fetch, forms, selectors, services
from .messages import say
from .models import Inspection, Posting
from .scope import can_manage
from .services import TRANSITIONS
from .vocab import AGE_SEX_KEYS, role_label

SECTION = "deployments"


def _home_crumb():
    return (_("Deployments"), reverse("deployments:home"))


@page(SECTION)
def home(request):
    return render(request, "deployments/home.html", {
        "programmes": list(selectors.programme_list_for_user(user=request.user)),
        "emergencies": list(emergency_selectors.emergency_list_for_user(user=request.user)),
        "ending": list(selectors.postings_ending_soon(user=request.user, today=timezone.localdate())[:25]),
        "breadcrumbs": crumbs((_("Deployments"), None)),
    })


@page(SECTION)
def programme_detail(request, pk: int):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    inspections = (Inspection.objects.filter(programme=programme).select_related("facility")
                   .prefetch_related("findings__actions").order_by("-visited_on", "id"))
    return render(request, "deployments/programme_detail.html", {
        "programme": programme, "batches": selectors.batches_with_postings(programme=programme),
        "inspections": inspections,
        "breadcrumbs": crumbs(_home_crumb(), (programme.name, None)),
    })


@page(SECTION)
def needs(request, pk: int):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    programme = batch.programme
    hosts = _host_facilities(programme)
    form = forms.NeedForm(posted(request), facilities=hosts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, _need = attempt(form, lambda: services.need_create(
            by=request.user, batch=batch, facility=form.facilities[data["facility"]], title=data["title"],
            roles=list(data["roles"]), kind=data["kind"], qualification=data["qualification"],
            priority=data["priority"] or 0, language=data["language"], critical=data["critical"]))
        if saved:
            messages.success(request, _("Need added."))
            return redirect("deployments:needs", pk=batch.pk)
    rows = [(n, [role_label(r) for r in n.roles]) for n in selectors.needs_of(batch=batch)]
    return render(request, "deployments/needs.html", {
        "batch": batch, "rows": rows, "form": form,
        "breadcrumbs": crumbs(_home_crumb(), (programme.name, reverse("deployments:programme", args=[programme.pk])),
                              (_("Needs of batch %(n)s") % {"n": batch.number}, None)),
    }, status=400 if request.method == "POST" else 200)


def _host_facilities(programme):
    return list(Facility.objects.filter(organisation__path__startswith=programme.receiving_organisation.path)
                .order_by("name", "id"))


@page(SECTION)
def compose(request, pk: int):
    """Run the composer, pin or exclude people, re-solve, and accept the team as postings."""
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    programme = batch.programme
    people = fetch.people_of(batch)
    form = forms.ComposeForm(posted(request), people=people)
    proposal = None
    need_rows: list[dict] = []
    if request.method == "POST" and form.is_valid():
        pins = tuple(composer.Pin(int(x)) for x in form.cleaned_data["pin"])
        exclusions = frozenset(int(x) for x in form.cleaned_data["exclude"])
        batch_needs = fetch.needs_of(batch)
        proposal = composer.compose(people, batch_needs, fetch.rules_of(batch, pins=pins, exclusions=exclusions))
        if request.POST.get("action") == "accept":
            saved, postings = attempt(form, lambda: services.proposal_accept(by=request.user, batch=batch,
                                                                             proposal=proposal))
            if saved:
                messages.success(request, _("%(n)s postings proposed for batch %(batch)s.") % {
                    "n": len(postings), "batch": batch.number})
                return redirect("deployments:programme", pk=programme.pk)
        by_person = {p.id: p for p in people}
        assigned = proposal.by_need()
        need_rows = [{
            "need": need, "roles": [role_label(r) for r in need.roles],
            "members": [(role_label(a.role), by_person[a.person]) for a in assigned.get(need.id, [])],
            "reason": say(proposal.uncovered[need.id]) if need.id in proposal.uncovered else "",
        } for need in batch_needs]
    return render(request, "deployments/compose.html", {
        "batch": batch, "form": form, "proposal": proposal, "need_rows": need_rows,
        "reasons": [say(r) for r in proposal.reasons] if proposal else [],
        "gap_percent": round(proposal.gap * 100, 1) if proposal else 0,
        "breadcrumbs": crumbs(_home_crumb(), (programme.name, reverse("deployments:programme", args=[programme.pk])),
                              (_("Compose batch %(n)s") % {"n": batch.number}, None)),
    })


@page(SECTION)
def posting_list(request):
    rows = page_of(request, selectors.posting_list_for_user(user=request.user))
    return render(request, "deployments/posting_list.html", {
        "page": rows, "rows": rows, "breadcrumbs": crumbs(_home_crumb(), (_("Postings"), None)),
    })


@page(SECTION)
def posting_detail(request, pk: int):
    posting = selectors.posting_get_for_user(user=request.user, pk=pk)
    return _posting_page(request, posting)


def _posting_page(request, posting, *, extend_form=None, handover_form=None, status=200):
    manager = can_manage(request.user, posting.batch.programme)
    return render(request, "deployments/posting_detail.html", {
        "posting": posting, "manager": manager, "role": role_label(posting.role),
        "transitions": sorted(TRANSITIONS[posting.status]) if manager else [],
        "status_labels": dict(Posting.Status.choices),
        "extend_form": extend_form or forms.ExtendForm(prefix="extend"),
        "handover_form": handover_form or forms.HandoverForm(prefix="handover",
                                                             initial={"notes": posting.handover_notes}),
        "breadcrumbs": crumbs(_home_crumb(), (_("Postings"), reverse("deployments:postings")),
                              (str(posting.candidate), None)),
    }, status=status)


@require_POST
@page(SECTION)
def posting_action(request, pk: int):
    posting = selectors.posting_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    if action == "extend":
        form = forms.ExtendForm(request.POST, prefix="extend")
        if form.is_valid():
            saved, _x = attempt(form, lambda: services.posting_extend(
                by=request.user, posting=posting, new_end=form.cleaned_data["new_end"],
                reason=form.cleaned_data["reason"]))
            if saved:
                return redirect("deployments:posting", pk=pk)
        return _posting_page(request, posting, extend_form=form, status=400)
    if action == "handover":
        form = forms.HandoverForm(request.POST, prefix="handover")
        if form.is_valid():
            saved, _x = attempt(form, lambda: services.posting_handover(by=request.user, posting=posting,
                                                                        notes=form.cleaned_data["notes"]))
            if saved:
                return redirect("deployments:posting", pk=pk)
        return _posting_page(request, posting, handover_form=form, status=400)
    services.require_manager(request.user, posting.batch.programme)
    saved, _x = attempt(forms.HandoverForm(prefix="handover"), lambda: services.posting_transition(
        by=request.user, posting=posting, status=action))
    if not saved:
        messages.error(request, _("This change is not possible for this posting."))
        return redirect("deployments:posting", pk=pk)
    messages.success(request, _("Posting updated."))
    return redirect("deployments:posting", pk=pk)


@page(SECTION)
def emergency_detail(request, pk: int):
    emergency = emergency_selectors.emergency_get_for_user(user=request.user, pk=pk)
    regions = emergency_selectors.regions_of(emergency=emergency)
    for r in regions:
        history = list(r.pressure.all())
        r.latest = history[-1] if history else None
    form = forms.DailyReportForm(posted(request), regions=regions, prefix="report")
    if request.method == "POST" and request.POST.get("action") == "allocate":
        saved, result = attempt(form, lambda: emergency_services.team_allocate(by=request.user, emergency=emergency))
        if saved:
            messages.success(request, _("Team allocated: %(moves)s members moved.") % {"moves": result.moves})
            return redirect("deployments:emergency", pk=pk)
    elif request.method == "POST" and form.is_valid():
        data = form.report_data()
        affected = form.regions[data.pop("region")]
        saved, _r = attempt(form, lambda: emergency_services.daily_report_record(by=request.user, affected=affected,
                                                                                 **data))
        if saved:
            messages.success(request, _("Daily report recorded."))
            return redirect("deployments:emergency", pk=pk)
    summary = {}
    for report in emergency_selectors.reports_of(emergency=emergency):
        summary.setdefault(report.day, {})[report.affected_id] = report
    return render(request, "deployments/emergency_detail.html", {
        "emergency": emergency, "regions": regions, "form": form,
        "summary": [(day, [by_region.get(r.pk) for r in regions]) for day, by_region in sorted(summary.items())],
        "breadcrumbs": crumbs(_home_crumb(), (emergency.event, None)),
    }, status=400 if request.method == "POST" else 200)


@page(SECTION)
def emergency_reports_csv(request, pk: int):
    emergency = emergency_selectors.emergency_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{emergency.code}-daily-reports.csv"'
    writer = csv.writer(response)
    # The breakdown columns are consultations by sex and age band (e.g. f_18to64); empty when not broken down.
    writer.writerow(["day", "region", "consultations", "admissions", "procedures", "referrals", "deaths",
                     *AGE_SEX_KEYS])
    for r in emergency_selectors.reports_of(emergency=emergency):
        breakdown = r.by_age_sex or {}
        writer.writerow([r.day.isoformat(), r.affected.region.code, r.consultations, r.admissions, r.procedures,
                         r.referrals, r.deaths, *((breakdown.get(k, 0) if breakdown else "") for k in AGE_SEX_KEYS)])
    return response
