"""The home page of technique transfer, the case log, its fast entry form and the CSV and Excel import."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.access import access_for
from caravan.core.errors import ValidationFailed
from caravan.core.formats import format_day
from caravan.core.pages import posted, require
from caravan.core.pagination import page_of

from .. import forms, reports, scope, selectors, services
from ..models import Capability
from .common import crumbs, status_for, transfer_page, write

REMEMBERED = "transfer_case_defaults"


@transfer_page
def home(request):
    user = request.user
    access = access_for(user)
    return render(request, "transfer/home.html", {
        "log_facilities": selectors.facilities_for_logging(user=user)[:50],
        "may_log": scope.has_staff_role(access),
        "plans": selectors.plan_list_for_user(user=user)[:10],
        "may_own_plans": scope.may_own_plans(access),
        "imports": selectors.import_list_for_user(user=user)[:5],
        "programmes": reports.programmes_for_user(user=user),
        "breadcrumbs": crumbs()[:-1] + [{"label": _("Technique transfer"), "url": None}],
    })


def _facility_for_entry(request):
    """The facility the form logs for: the one asked for, the last one used, or the user's first."""
    wanted = request.POST.get("facility") or request.GET.get("facility") or request.session.get(REMEMBERED, {}).get(
        "facility")
    facilities = selectors.facilities_for_logging(user=request.user)
    if wanted and str(wanted).isdigit():
        chosen = facilities.filter(pk=int(wanted)).first()
        if chosen is not None:
            return chosen
    return facilities.first()


@transfer_page
def case_new(request):
    """The fast entry form: type a code, press Enter; the last choices stay for the next case."""
    user = request.user
    facility = _facility_for_entry(request)
    require(facility is not None)
    remembered = request.session.get(REMEMBERED, {})
    form = forms.CaseForm(posted(request), user=user, facility=facility,
                          initial=forms.CaseForm.defaults(facility, remembered))
    saved, case = write(request, form, lambda d: services.case_log(
        by=user, facility=d["facility"], technique=d["technique"], performed_on=d["performed_on"],
        performer=d["performer"], supervision=d["supervision"], outcome=d["outcome"],
        visiting_practitioner=d["visiting_practitioner"],
    ))
    if saved:
        request.session[REMEMBERED] = {"facility": case.facility_id, "performer": case.performer,
                                       "supervision": case.supervision}
        capability = Capability.objects.filter(facility_id=case.facility_id, technique_id=case.technique_id).first()
        messages.success(request, _("Logged: %(technique)s on %(day)s. %(facility)s is now %(status)s in it.") % {
            "technique": case.technique.name, "day": format_day(case.performed_on), "facility": case.facility.name,
            "status": capability.get_status_display().lower() if capability else "—",
        })
        return redirect(f"{reverse('transfer:case_new')}?facility={case.facility_id}")
    recent = selectors.case_list_for_user(user=user, filters=selectors.CaseFilters(facility=facility.pk))[:10]
    return render(request, "transfer/case_form.html", {
        "form": form, "facility": facility, "recent": recent,
        "catalogue": selectors.technique_suggestions(user=user),
        "breadcrumbs": crumbs((_("Case log"), reverse("transfer:case_list")), (_("Log a case"), None)),
    }, status=status_for(request))


@transfer_page
def case_list(request):
    user = request.user
    require(scope.has_staff_role(access_for(user)))
    form = forms.CaseFilterForm(request.GET or None, user=user)
    rows = selectors.case_list_for_user(user=user, filters=form.filters() if request.GET else None)
    return render(request, "transfer/case_list.html", {
        "filter_form": form, "page": page_of(request, rows),
        "catalogue": selectors.technique_suggestions(user=user),
        "breadcrumbs": crumbs((_("Case log"), None)),
    })


@transfer_page
@require_POST
def case_delete(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    services.case_delete(by=request.user, case=case)
    messages.success(request, _("The case was removed from the log."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("transfer:case_list")
    return redirect(target)


# ---------------------------------------------------------------- CSV and Excel import


@transfer_page
def import_upload(request):
    user = request.user
    require(selectors.facilities_for_logging(user=user).exists())
    form = forms.ImportForm(posted(request), request.FILES or None, user=user)
    saved, case_import = write(request, form, lambda d: services.case_import_preview(
        by=user, facility=d["facility"], file_name=d["file"].name, data=d["file"].read(),
    ))
    if saved:
        return redirect("transfer:import_detail", pk=case_import.pk)
    return render(request, "transfer/import_form.html", {
        "form": form, "imports": selectors.import_list_for_user(user=user)[:10],
        "breadcrumbs": crumbs((_("Case log"), reverse("transfer:case_list")), (_("Import a CSV or Excel file"), None)),
    }, status=status_for(request))


@transfer_page
def import_detail(request, pk: int):
    case_import = selectors.import_get_for_user(user=request.user, pk=pk)
    return render(request, "transfer/import_detail.html", {
        "case_import": case_import,
        "breadcrumbs": crumbs((_("Case log"), reverse("transfer:case_list")),
                              (_("Import a CSV or Excel file"), reverse("transfer:import_upload")), (case_import.file_name, None)),
    })


@transfer_page
def import_progress(request, pk: int):
    """The progress block alone, polled by HTMX while the worker imports."""
    case_import = selectors.import_get_for_user(user=request.user, pk=pk)
    return render(request, "transfer/_import_progress.html", {"case_import": case_import})


@transfer_page
@require_POST
def import_confirm(request, pk: int):
    case_import = selectors.import_get_for_user(user=request.user, pk=pk)
    try:
        services.case_import_confirm(by=request.user, case_import=case_import)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    return redirect("transfer:import_detail", pk=pk)


@transfer_page
@require_POST
def import_discard(request, pk: int):
    case_import = selectors.import_get_for_user(user=request.user, pk=pk)
    try:
        services.case_import_discard(by=request.user, case_import=case_import)
        messages.success(request, _("The file was discarded; nothing was imported."))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    return redirect("transfer:import_detail", pk=pk)
