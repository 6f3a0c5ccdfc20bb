"""The visit pages: list, detail with itinerary, forms, the printable itinerary and the .ics export."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.errors import ApplicationError, NotFound, PermissionDenied
from caravan.core.forms_widgets import apply_errors
from caravan.core.pagination import page_of

from . import ics, selectors, visit_calendar, visit_forms, visit_selectors, visit_services
from .models import Visit
from .views import agreements_page, attempt, crumbs, posted, require
from .visit_services import UI_LANGUAGES


def _visit_crumbs(visit: Visit | None = None, *tail) -> list[dict]:
    trail = [(_("Visits"), reverse("partnerships:visit_list"))]
    if visit is not None:
        trail.append((visit.title, reverse("partnerships:visit_detail", args=[visit.pk])))
    return crumbs(*trail, *tail)


def _may_record(user) -> bool:
    return selectors.may_record_agreements(user)


@agreements_page("visits")
def visit_list(request):
    form = visit_forms.VisitFilterForm(request.GET)
    rows = visit_selectors.visit_list_for_user(user=request.user, **form.values())
    return render(request, "partnerships/visit_list.html", {
        "filter_form": form, "page": page_of(request, rows),
        "create_url": reverse("partnerships:visit_create") if _may_record(request.user) else None,
        "breadcrumbs": crumbs((_("Visits"), None)),
    })


@agreements_page("visits")
def visit_detail(request, pk: int):
    visit = visit_selectors.visit_get_for_user(user=request.user, pk=pk)
    return _visit_detail(request, visit)


def _visit_detail(request, visit: Visit, *, stop_form=None, participant_form=None, outcome_form=None,
                  status: int = 200):
    can_edit = visit_selectors.visit_editable_by(user=request.user, visit=visit)
    if can_edit:
        stop_form = stop_form or visit_forms.StopForm(visit=visit, prefix="stop")
        participant_form = participant_form or visit_forms.ParticipantForm(visit=visit, prefix="participant")
        outcome_form = outcome_form or visit_forms.OutcomeForm(user=request.user, prefix="outcome")
    return render(request, "partnerships/visit_detail.html", {
        "visit": visit, "can_edit": can_edit,
        "visiting": [p for p in visit.parties.all() if p.side == "visiting"],
        "hosts": [p for p in visit.parties.all() if p.side == "host"],
        "stop_form": stop_form if can_edit else None,
        "participant_form": participant_form if can_edit else None,
        "outcome_form": outcome_form if can_edit else None,
        "breadcrumbs": _visit_crumbs(None, (visit.title, None)),
    }, status=status)


def _visit_form_page(request, form, *, title, cancel_url, crumb_trail):
    return render(request, "partnerships/simple_form.html", {
        "form": form, "title": title, "cancel_url": cancel_url, "breadcrumbs": crumb_trail,
    }, status=400 if request.method == "POST" else 200)


def _visit_data(cleaned: dict) -> dict:
    data = {k: v for k, v in cleaned.items() if k not in ("visiting", "hosts")}
    data["visiting"] = list(cleaned.get("visiting") or [])
    data["hosts"] = list(cleaned.get("hosts") or [])
    return data


@agreements_page("visits")
def visit_create(request):
    require(_may_record(request.user))
    initial = {"time_zone": request.user.profile.time_zone if hasattr(request.user, "profile") else "UTC"}
    form = visit_forms.VisitForm(posted(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved, visit = attempt(form, lambda: visit_services.visit_create(by=request.user,
                                                                         data=_visit_data(form.cleaned_data)))
        if saved:
            messages.success(request, _("The visit was recorded. Add its itinerary below."))
            return redirect("partnerships:visit_detail", pk=visit.pk)
    return _visit_form_page(request, form, title=_("Record a visit"), cancel_url=reverse("partnerships:visit_list"),
                            crumb_trail=_visit_crumbs(None, (_("Record a visit"), None)))


@agreements_page("visits")
def visit_edit(request, pk: int):
    visit = visit_selectors.visit_get_for_user(user=request.user, pk=pk)
    require(visit_selectors.visit_editable_by(user=request.user, visit=visit))
    form = visit_forms.VisitForm(posted(request), instance=visit, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved, _result = attempt(form, lambda: visit_services.visit_update(
            by=request.user, visit=visit, data=_visit_data(form.cleaned_data)))
        if saved:
            messages.success(request, _("The visit was saved."))
            return redirect("partnerships:visit_detail", pk=visit.pk)
    return _visit_form_page(request, form, title=_("Edit %(title)s") % {"title": visit.title},
                            cancel_url=reverse("partnerships:visit_detail", args=[visit.pk]),
                            crumb_trail=_visit_crumbs(visit, (_("Edit"), None)))


def _item_post(request, pk: int, *, make_form, write, success: str, anchor: str, form_name: str):
    visit = visit_selectors.visit_get_for_user(user=request.user, pk=pk)
    require(visit_selectors.visit_editable_by(user=request.user, visit=visit))
    # Times typed in the form are the visit's local times.
    with timezone.override(ZoneInfo(visit.time_zone)):
        form = make_form(visit)
        valid = form.is_valid()
    if valid:
        try:
            write(visit, form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("partnerships:visit_detail", args=[visit.pk]) + anchor)
    return _visit_detail(request, visit, status=400, **{form_name: form})


@agreements_page("visits")
@require_POST
def visit_stop_add(request, pk: int):
    return _item_post(
        request, pk, make_form=lambda v: visit_forms.StopForm(request.POST, visit=v, prefix="stop"),
        write=lambda v, data: visit_services.visit_stop_add(by=request.user, visit=v, data=data),
        success=_("The stop was added to the itinerary."), anchor="#itinerary", form_name="stop_form",
    )


@agreements_page("visits")
@require_POST
def visit_participant_add(request, pk: int):
    return _item_post(
        request, pk, make_form=lambda v: visit_forms.ParticipantForm(request.POST, visit=v, prefix="participant"),
        write=lambda v, data: visit_services.visit_participant_add(by=request.user, visit=v, data=data),
        success=_("The participant was added."), anchor="#participants", form_name="participant_form",
    )


@agreements_page("visits")
@require_POST
def visit_outcome_add(request, pk: int):
    return _item_post(
        request, pk, make_form=lambda v: visit_forms.OutcomeForm(request.POST, user=request.user, prefix="outcome"),
        write=lambda v, data: visit_services.visit_outcome_add(by=request.user, visit=v, data=data),
        success=_("The outcome was recorded."), anchor="#outcomes", form_name="outcome_form",
    )


@agreements_page("visits")
@require_POST
def visit_item_remove(request, pk: int, item: str, item_pk: int):
    visit = visit_selectors.visit_get_for_user(user=request.user, pk=pk)
    require(visit_selectors.visit_editable_by(user=request.user, visit=visit))
    visit_services.visit_item_remove(by=request.user, visit=visit, item=item, pk=item_pk)
    messages.success(request, _("Removed."))
    return redirect("partnerships:visit_detail", pk=visit.pk)


@agreements_page("visits")
def visit_print(request, pk: int):
    """The itinerary on paper, in the visitors' language and in the visit's local time."""
    visit = visit_selectors.visit_get_for_user(user=request.user, pk=pk)
    language = visit.language if visit.language in UI_LANGUAGES else "en"
    with translation.override(language):
        response = render(request, "partnerships/visit_print.html", {
            "visit": visit, "language": language, "rtl": translation.get_language_bidi(),
            "visiting": [p for p in visit.parties.all() if p.side == "visiting"],
            "hosts": [p for p in visit.parties.all() if p.side == "host"],
        })
    response["Content-Language"] = language
    return response


def _calendar_response(request, visits: list[Visit], *, filename: str, name: str) -> HttpResponse:
    host = request.get_host().split(":")[0] or "caravan"
    events = visit_calendar.events_for(visits, host=host, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(ics.calendar(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@agreements_page("visits")
def visit_ics(request, pk: int):
    visit = visit_selectors.visit_get_for_user(user=request.user, pk=pk)
    if visit.status == Visit.Status.CANCELLED:
        raise Http404
    return _calendar_response(request, [visit], filename=f"visit-{visit.pk}.ics", name=visit.title)


@agreements_page("visits")
def visit_calendar_all(request):
    """Every visible visit that ended in the last year or is still to come."""
    since = timezone.localdate() - timedelta(days=365)
    visits = list(visit_selectors.visits_for_calendar(user=request.user, since=since))
    return _calendar_response(request, visits, filename="caravan-visits.ics", name=_("Caravan visits"))
