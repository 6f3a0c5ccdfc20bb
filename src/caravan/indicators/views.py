"""Indicators: the HTML pages (thin: parse, call a selector or service, render)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.errors import ValidationFailed
from caravan.core.pages import attempt, crumbs, page, posted, require

from . import exports, imports, periods, selectors, services, sources
from .forms import DataValueForm, ImportForm, IndicatorForm
from .models import DataValue
from .scope import APPROVERS, DEFINERS, scope_for

SECTION = "indicators"
KINDS = periods.KINDS


def _viewer(request):
    require(scope_for(request.user).may_view)


def _kind(request) -> str:
    kind = request.GET.get("kind") or "year"
    return kind if kind in KINDS else "year"


def _period(request) -> str | None:
    value = request.GET.get("period") or None
    if value is None:
        return None
    try:
        return periods.parse(value).code
    except ValueError:
        return None


def _status(request, saved: bool) -> int:
    return 400 if request.method == "POST" and not saved else 200


def _home_crumb():
    return (_("Indicators"), reverse("indicators:home"))


@page(SECTION)
def home(request):
    _viewer(request)
    user = request.user
    scope = scope_for(user)
    return render(request, "indicators/home.html", {
        "regions": selectors.region_list_for_user(user=user),
        "networks": selectors.network_list_for_user(user=user),
        "pins": selectors.pins_for_user(user=user),
        "job": selectors.latest_job(),
        "may_define": scope.may(DEFINERS),
        "breadcrumbs": crumbs((_("Indicators"), None)),
    })


def _chart_data(tiles):
    return {"tiles": [{"code": t.indicator.code, "name": str(t.indicator.label), "unit": t.indicator.unit,
                       "labels": [p for p, _v in t.series], "values": [v for _p, v in t.series]} for t in tiles]}


@page(SECTION)
def region_dashboard(request, code):
    user = request.user
    region = selectors.region_get_for_user(user=user, code=code)
    kind, period = _kind(request), _period(request)
    tiles, all_periods = selectors.region_dashboard(user=user, region=region, kind=kind, period=period)
    chosen = next((t.indicator for t in tiles if t.indicator.code == request.GET.get("indicator")),
                  tiles[0].indicator if tiles else None)
    table_period = period or next((t.period for t in tiles if t.indicator == chosen and t.period), None)
    table = selectors.subregion_table(user=user, region=region, indicator=chosen, period=table_period) \
        if chosen and table_period else []
    pinned = {p.indicator_id: p.pk for p in selectors.pins_for_user(user=user) if p.region_id == region.pk}
    for t in tiles:
        t.pin_id = pinned.get(t.indicator.pk)
    template = "indicators/print.html" if request.GET.get("print") else "indicators/dashboard.html"
    return render(request, template, {
        "region": region, "tiles": tiles, "periods": all_periods, "kind": kind, "kinds": KINDS, "period": period,
        "export_url": reverse("indicators:export"), "pin_url": reverse("indicators:pin"),
        "chosen": chosen, "table": table, "table_period": table_period, "pin_region": ("region", region.code),
        "charts": _chart_data(tiles),
        "ranking": {"labels": [r.name for r, v in table if v and v.value is not None],
                    "values": [v.value for r, v in table if v and v.value is not None]},
        "breadcrumbs": crumbs(_home_crumb(), (region.name, None)),
    })


@page(SECTION)
def programme_dashboard(request, code):
    user = request.user
    network = selectors.network_get_for_user(user=user, code=code)
    kind, period = _kind(request), _period(request)
    tiles, all_periods = selectors.programme_dashboard(user=user, network=network, kind=kind, period=period)
    pinned = {p.indicator_id: p.pk for p in selectors.pins_for_user(user=user) if p.network_id == network.pk}
    for t in tiles:
        t.pin_id = pinned.get(t.indicator.pk)
    return render(request, "indicators/programme.html", {
        "network": network, "tiles": tiles, "periods": all_periods, "kind": kind, "kinds": KINDS,
        "pin_url": reverse("indicators:pin"), "period": period, "charts": _chart_data(tiles), "pin_network": ("network", network.code),
        "breadcrumbs": crumbs(_home_crumb(), (network.name, None)),
    })


@page(SECTION)
def indicator_list(request):
    _viewer(request)
    return render(request, "indicators/indicator_list.html", {
        "indicators": selectors.indicator_list_for_user(user=request.user),
        "may_define": scope_for(request.user).may(DEFINERS),
        "breadcrumbs": crumbs(_home_crumb(), (_("Definitions"), None)),
    })


def _definition(data) -> dict:
    return {k: data.get(k) for k in services.DEFINITION_FIELDS}


@page(SECTION)
def indicator_new(request):
    require(scope_for(request.user).may(DEFINERS))
    form = IndicatorForm(posted(request))
    saved = False
    if form.is_bound and form.is_valid():
        saved, indicator = attempt(form, lambda: services.indicator_create(by=request.user,
                                                                            data=_definition(form.cleaned_data)))
        if saved:
            messages.success(request, _("Indicator %(code)s defined. Rebuild the values to see it.")
                             % {"code": indicator.code})
            return redirect("indicators:indicator_list")
    return render(request, "indicators/indicator_form.html", {
        "form": form, "sources": sources.available(),
        "breadcrumbs": crumbs(_home_crumb(), (_("Definitions"), reverse("indicators:indicator_list")),
                              (_("New indicator"), None)),
    }, status=_status(request, saved))


@page(SECTION)
def indicator_edit(request, code):
    indicator = selectors.indicator_get_for_user(user=request.user, code=code)
    scope = scope_for(request.user)
    require(not indicator.builtin and scope.may(DEFINERS))
    initial = {k: getattr(indicator, k) for k in services.DEFINITION_FIELDS}
    form = IndicatorForm(posted(request), initial=initial)
    saved = False
    if form.is_bound and form.is_valid():
        saved, _i = attempt(form, lambda: services.indicator_update(by=request.user, indicator=indicator,
                                                                     data=_definition(form.cleaned_data)))
        if saved:
            messages.success(request, _("Indicator saved."))
            return redirect("indicators:indicator_list")
    return render(request, "indicators/indicator_form.html", {
        "form": form, "indicator": indicator, "sources": sources.available(),
        "breadcrumbs": crumbs(_home_crumb(), (_("Definitions"), reverse("indicators:indicator_list")),
                              (indicator.code, None)),
    }, status=_status(request, saved))


@page(SECTION)
def export(request):
    """Any indicator table as CSV or Excel: a region's sub-regions in a period, or an indicator's values."""
    user = request.user
    indicator = selectors.indicator_get_for_user(user=user, code=request.GET.get("indicator", ""))
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    region = selectors.region_get_for_user(user=user, code=request.GET["region"]) if request.GET.get("region") else None
    period = _period(request)
    if region is not None and period and request.GET.get("table") == "subregions":
        rows = [[r.code, r.name, period, getattr(v, "numerator", None), getattr(v, "denominator", None),
                 getattr(v, "value", None)]
                for r, v in selectors.subregion_table(user=user, region=region, indicator=indicator, period=period)]
    else:
        values = selectors.indicator_values(user=user, indicator=indicator, region=region, kind=_kind(request),
                                            period=period)
        rows = [[(v.region.code if v.region_id else v.network.code), (v.region.name if v.region_id else v.network.name),
                 v.period, v.numerator, v.denominator, v.value] for v in values]
    header = [_("Code"), _("Name"), _("Period"), _("Numerator"), _("Denominator"), str(indicator.label)]
    return exports.table_response(name=f"{indicator.code}", header=header, rows=rows, fmt=fmt)


@page(SECTION)
@require_POST
def pin(request):
    user = request.user
    indicator = selectors.indicator_get_for_user(user=user, code=request.POST.get("indicator", ""))
    if request.POST.get("remove"):
        services.pin_remove(by=user, pin_id=int(request.POST["remove"]) if request.POST["remove"].isdigit() else 0)
    elif request.POST.get("network"):
        network = selectors.network_get_for_user(user=user, code=request.POST["network"])
        services.pin_add(by=user, indicator=indicator, network=network)
    else:
        region = selectors.region_get_for_user(user=user, code=request.POST.get("region", ""))
        services.pin_add(by=user, indicator=indicator, region=region)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/indicators/") else reverse("indicators:home"))


@page(SECTION)
def data_values(request):
    user = request.user
    _viewer(request)
    scope = scope_for(user)
    if request.method == "POST":
        require(scope.may(APPROVERS))
        ids = [int(i) for i in request.POST.getlist("approve") if i.isdigit()]
        n = services.data_values_approve(by=user, ids=ids)
        messages.success(request, _("%(n)s values approved. Rebuild the values for them to count.") % {"n": n})
        return redirect("indicators:data_values")
    status = request.GET.get("status")
    rows = list(selectors.data_value_list_for_user(
        user=user, status=status if status in DataValue.Status.values else None)[:200])
    return render(request, "indicators/data_values.html", {
        "rows": rows, "may_enter": scope.may(DEFINERS), "may_approve": scope.may(APPROVERS),
        "elements": sources.DATA_ELEMENTS,
        "breadcrumbs": crumbs(_home_crumb(), (_("Data values"), None)),
    })


@page(SECTION)
def data_value_new(request):
    user = request.user
    require(scope_for(user).may(DEFINERS))
    regions = selectors.region_list_for_user(user=user, max_level=3)
    form = DataValueForm(posted(request), regions=regions)
    saved = False
    if form.is_bound and form.is_valid():
        def write():
            region = next((r for r in regions if r.code == form.cleaned_data["region"]), None)
            if region is None:
                raise ValidationFailed.field("region", _("There is no region with the code “%(code)s”.")
                                                      % {"code": form.cleaned_data["region"]})
            d = form.cleaned_data
            return services.data_value_set(by=user, element=d["element"], region=region, period=d["period"],
                                           value=d["value"], replace=d["replace"])
        saved, _dv = attempt(form, write)
        if saved:
            messages.success(request, _("Value recorded; it counts once approved."))
            return redirect("indicators:data_values")
    return render(request, "indicators/data_value_form.html", {
        "form": form,
        "breadcrumbs": crumbs(_home_crumb(), (_("Data values"), reverse("indicators:data_values")),
                              (_("Enter a value"), None)),
    }, status=_status(request, saved))


@page(SECTION)
def data_value_import(request):
    """Upload → preview with row-level errors → confirm (all rows or none, replacing only when asked)."""
    user = request.user
    require(scope_for(user).may(DEFINERS))
    form = ImportForm(posted(request), request.FILES or None)
    result, status = None, 200
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("file")
        text = upload.read().decode("utf-8", errors="replace") if upload else form.cleaned_data.get("text") or ""
        if not text:
            form.add_error("file", _("Choose a CSV file."))
            status = 400
        elif request.POST.get("confirm"):
            saved, imported = attempt(form, lambda: imports.run(by=user, text=text,
                                                                replace=form.cleaned_data["replace"]))
            if saved:
                messages.success(request, _("%(n)s values imported; they count once approved.") % {"n": imported})
                return redirect("indicators:data_values")
            status = 400
        if text:
            result = imports.preview(by=user, text=text)
    return render(request, "indicators/import.html", {
        "form": form, "result": result,
        "breadcrumbs": crumbs(_home_crumb(), (_("Data values"), reverse("indicators:data_values")),
                              (_("Import"), None)),
    } | ({"csv_text": text} if form.is_bound and form.is_valid() else {}), status=status)


@page(SECTION)
@require_POST
def rebuild(request):
    job = services.rebuild_start(by=request.user)
    return redirect(f"{reverse('indicators:home')}?job={job.pk}")


@page(SECTION)
def rebuild_progress(request, pk):
    job = selectors.rebuild_job_get_for_user(user=request.user, pk=pk)
    return render(request, "indicators/_progress.html", {"job": job})
