"""Remote MDT pages: the list, scheduling a session, and the session page that is the meeting's shared screen."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied
from caravan.core.pages import attempt, crumbs, page, posted
from caravan.core.pagination import page_of
from caravan.partnerships.models import Agreement, AgreementScope

from . import mdt_selectors, mdt_services, scope, selectors
from .forms import MdtDecisionForm, MdtSessionForm
from .models import Case

SECTION = "teleconsult"


def _crumbs(*trail):
    return crumbs((_("Teleconsultation"), reverse("teleconsult:home")),
                  (_("MDT sessions"), reverse("teleconsult:mdt_list")), *trail)


def _coordinated(user):
    access = access_for(user)
    qs = Agreement.objects.filter(status__in=mdt_services.LIVE_AGREEMENT_STATUSES,
                                  pk__in=AgreementScope.objects.filter(area__in=scope.CASE_SCOPES).values("agreement_id"))
    if not access.is_node_admin:
        qs = qs.filter(pk__in=scope.coordinated_agreements(access))
    return qs.order_by("code")


@page(SECTION)
def mdt_list(request):
    listing = page_of(request, mdt_selectors.session_list_for_user(user=request.user))
    access = access_for(request.user)
    return render(request, "teleconsult/mdt_list.html", {
        "page": listing, "can_schedule": access.is_node_admin or bool(scope.paths(access, {scope.Role.COORDINATOR})),
        "breadcrumbs": crumbs((_("Teleconsultation"), reverse("teleconsult:home")), (_("MDT sessions"), None)),
    })


@page(SECTION)
def mdt_new(request):
    """Schedule a session: first the agreement, then who, where, when and which cases."""
    selectors._access(request.user)
    agreements = _coordinated(request.user)
    agreement = agreements.filter(pk=request.GET.get("agreement") or 0).first()
    if agreement is None:
        if request.GET.get("agreement") or not agreements.exists():
            raise PermissionDenied()
        return render(request, "teleconsult/mdt_pick.html", {
            "agreements": agreements, "breadcrumbs": _crumbs((_("New session"), None))})
    form = MdtSessionForm(posted(request), facilities=mdt_services.party_facilities(agreement.pk),
                          people=mdt_services.party_people(agreement.pk),
                          cases=Case.objects.filter(agreement=agreement).select_related("specialty").order_by("pk"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved, session = attempt(form, lambda: mdt_services.session_create(
            by=request.user, agreement=agreement, title=d["title"], host=d["host"], starts_at=d["starts_at"],
            time_zone=(d["time_zone"] or "").strip(), facilities=d["facilities"], participants=d["participants"],
            cases=d["cases"]))
        if saved:
            return redirect("teleconsult:mdt_detail", session.pk)
    return render(request, "teleconsult/mdt_form.html", {
        "form": form, "agreement": agreement, "breadcrumbs": _crumbs((_("New session"), None)),
    }, status=400 if request.method == "POST" else 200)


def _detail(request, session, *, decision_forms=None, status=200):
    access = access_for(request.user)
    decision_forms = decision_forms or {}
    items = [(item, decision_forms.get(item.pk) or MdtDecisionForm()) for item in session.items.all()]
    participants = list(session.participants.all())
    return render(request, "teleconsult/mdt_detail.html", {
        "session": session, "items": items, "participants": participants,
        "facilities": list(session.facilities.all()),
        "coordinates": scope.coordinates(access, session.agreement_id),
        "may_decide": scope.coordinates(access, session.agreement_id)
        or any(p.user_id == request.user.pk for p in participants),
        "breadcrumbs": _crumbs((session.title, None)),
    }, status=status)


@page(SECTION)
def mdt_detail(request, pk: int):
    return _detail(request, mdt_selectors.session_get_for_user(user=request.user, pk=pk))


@require_POST
@page(SECTION)
def mdt_attendance(request, pk: int):
    session = mdt_selectors.session_get_for_user(user=request.user, pk=pk)
    mdt_services.attendance_record(by=request.user, session=session, present_ids=[
        v for v in request.POST.getlist("present") if v.isdigit()])
    return redirect("teleconsult:mdt_detail", session.pk)


@require_POST
@page(SECTION)
def mdt_decision(request, pk: int, item: int):
    session = mdt_selectors.session_get_for_user(user=request.user, pk=pk)
    target = next((i for i in session.items.all() if i.pk == item), None)
    if target is None:
        raise Http404
    form = MdtDecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        saved, _report = attempt(form, lambda: mdt_services.decision_record(
            by=request.user, item=target, findings=d["findings"], impression=d["impression"],
            recommendation=d["recommendation"]))
        if saved:
            return redirect("teleconsult:mdt_detail", session.pk)
    session = mdt_selectors.session_get_for_user(user=request.user, pk=pk)
    return _detail(request, session, decision_forms={target.pk: form}, status=400)
