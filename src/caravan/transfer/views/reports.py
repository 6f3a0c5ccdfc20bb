"""The report pages: each answers one question on one page, with a chart and a CSV download."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import forms, reports
from ..models import CapabilityStatus
from .common import crumbs, csv_response, transfer_page

LEVELS = dict(reports.LEVEL_LABELS)


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


@transfer_page
def cross_level(request):
    """How many cross-level techniques has each level (facility, region, specialty) added since a baseline year."""
    user = request.user
    form = forms.CrossLevelForm(request.GET or None, user=user)
    filters = form.filters()
    if _wants_csv(request):
        return csv_response(
            f"cross-level-since-{filters.baseline_year}.csv",
            ["facility_code", "facility", "facility_level", "region", "technique_code", "technique", "specialty",
             "technique_level", "independent_since", "status"],
            reports.cross_level_csv_rows(user=user, filters=filters),
        )
    report = reports.cross_level_report(user=user, filters=filters)
    chart = {
        "years": [str(year) for year, _per in report.by_year],
        "series": [
            {"name": str(LEVELS.get(level, level)), "data": [per.get(level, 0) for _year, per in report.by_year]}
            for level in report.levels
        ],
    }
    return render(request, "transfer/report_cross_level.html", {
        "form": form, "report": report, "chart": chart,
        "breadcrumbs": crumbs((_("New cross-level techniques"), None)),
    })


@transfer_page
def cases_by_period(request):
    user = request.user
    form = forms.PeriodForm(request.GET or None, user=user)
    filters = form.filters()
    rows = reports.cases_by_period(user=user, filters=filters)
    if _wants_csv(request):
        return csv_response("cases-by-period.csv", ["period", "cases", "local", "visiting", "complications"],
                            ([r["label"], r["total"], r["local"], r["visiting"], r["complications"]] for r in rows))
    chart = {
        "labels": [r["label"] for r in rows],
        "series": [
            {"name": _("Local staff"), "data": [r["local"] for r in rows]},
            {"name": _("Visiting experts"), "data": [r["visiting"] for r in rows]},
        ],
    }
    return render(request, "transfer/report_cases.html", {
        "form": form, "rows": rows, "chart": chart, "total": sum(r["total"] for r in rows),
        "breadcrumbs": crumbs((_("Cases by period"), None)),
    })


@transfer_page
def transferred(request):
    user = request.user
    form = forms.TransferredForm(request.GET or None)
    filters = form.filters()
    per_plan = reports.transferred_per_plan(user=user, filters=filters)
    per_agreement = reports.transferred_per_agreement(user=user, filters=filters)
    if _wants_csv(request):
        return csv_response("techniques-transferred.csv",
                            ["plan", "mentor", "recipient", "agreement", "techniques", "transferred"],
                            ([r["plan__title"], r["plan__mentor__name"], r["plan__recipient__name"],
                              r["plan__agreement__code"], r["items"], r["transferred"]] for r in per_plan))
    chart = {
        "labels": [r["plan__title"] for r in per_plan],
        "series": [
            {"name": _("Techniques planned"), "data": [r["items"] for r in per_plan]},
            {"name": _("Transferred"), "data": [r["transferred"] for r in per_plan]},
        ],
    }
    return render(request, "transfer/report_transferred.html", {
        "form": form, "per_plan": per_plan, "per_agreement": per_agreement, "chart": chart,
        "breadcrumbs": crumbs((_("Techniques transferred"), None)),
    })


@transfer_page
def sustainability(request):
    """Which services a programme's teams started still run 6 and 12 months after the experts left."""
    user = request.user
    form = forms.ProgrammeForm(request.GET or None, user=user)
    programmes = form.fields["programme"].queryset
    network = form.cleaned_data["programme"] if form.is_valid() else None
    if network is None:
        network = _default_programme(user, programmes)
    report = reports.sustainability_report(user=user, network=network, as_of=timezone.localdate()) if network else None
    if _wants_csv(request) and report is not None:
        return csv_response(
            "sustainability.csv",
            ["facility", "technique_code", "technique", "specialty", "independent_since", "last_expert_left",
             "last_case", "performed_6_months_after", "performed_12_months_after", "status"],
            ([r.facility, r.technique_code, r.technique, str(r.specialty), r.standing.service.independent_on,
              r.standing.departed_on, r.standing.service.last_case_on, _yes_no(r.standing.performed.get(6)),
              _yes_no(r.standing.performed.get(12)), r.status] for r in report.rows),
        )
    if network is not None and not form.is_bound:
        form = forms.ProgrammeForm(initial={"programme": network.pk}, user=user)
    return render(request, "transfer/report_sustainability.html", {
        "form": form, "report": report, "statuses": dict(CapabilityStatus.choices),
        "breadcrumbs": crumbs((_("Sustainability"), None)),
    })


def _default_programme(user, programmes):
    """The programme with the most services transferred with visiting help, else the first."""
    from django.db.models import Count, Q

    ranked = programmes.annotate(n=Count(
        "organisations__facilities__capabilities",
        filter=Q(organisations__facilities__capabilities__visiting_help=True),
    )).order_by("-n", "name")
    return ranked.first()


def _yes_no(value):
    return {True: "yes", False: "no"}.get(value, "too early")
