"""Teleconsultation: the HTML pages. Each parses, calls one service or selector, renders."""

import io
import json

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.access import access_for
from caravan.core.pages import attempt, crumbs, page, posted
from caravan.core.pagination import page_of
from caravan.core.roles import Role

from . import scope, selectors, services
from .ecg import EcgRecord
from .forms import (
    AssignForm,
    CaseForm,
    FollowUpForm,
    MessageForm,
    ReportForm,
    ReturnForm,
    ScheduleForm,
    UploadForm,
)
from .imaging import render_png
from .models import Attachment, Status
from .notify import words as notify_words
from .routing_rules import eligible_consultants
from .viewing import ecg_window, time_left

SECTION = "teleconsult"


def _home_crumb():
    return (_("Teleconsultation"), reverse("teleconsult:home"))


@page(SECTION)
def home(request):
    status = request.GET.get("status", "")
    queue = request.GET.get("queue") == "1"
    cases = selectors.case_list_for_user(user=request.user, status=status if status in Status.values else "",
                                         queue=queue)
    listing = page_of(request, cases)
    now = timezone.now()
    rows = [(c, time_left(c, now)) for c in listing.object_list]
    access = access_for(request.user)
    follow_ups = list(selectors.follow_ups_for_consultant(user=request.user)[:25]) if queue else []
    return render(request, "teleconsult/home.html", {
        "page": listing, "rows": rows, "statuses": Status.choices, "status": status, "queue": queue,
        "follow_ups": follow_ups,
        "can_open": access.is_node_admin or bool(scope.paths(access, scope.REQUESTING_ROLES)),
        "can_coordinate": access.is_node_admin or bool(scope.paths(access, {Role.COORDINATOR})),
        "breadcrumbs": crumbs((_("Teleconsultation"), None)),
    })


@page(SECTION)
def case_new(request):
    agreements = selectors.agreements_for_cases(user=request.user)
    facilities = selectors.requesting_facilities(user=request.user)
    form = CaseForm(posted(request), agreements=agreements, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved, case = attempt(form, lambda: services.case_open(
            by=request.user, agreement=d["agreement"], facility=d["facility"], patient_age=d["patient_age"],
            patient_sex=d["patient_sex"], patient_local_id=d["patient_local_id"], question=d["question"],
            specialty=d["specialty"], urgency=d["urgency"]))
        if saved:
            return redirect("teleconsult:case_detail", case.pk)
    return render(request, "teleconsult/case_form.html", {
        "form": form, "breadcrumbs": crumbs(_home_crumb(), (_("New case"), None)),
    }, status=400 if request.method == "POST" else 200)


def _detail_context(request, case, **forms):
    access = access_for(request.user)
    is_assigned = scope.is_assigned(access, case)
    is_requester = scope.is_requesting_side(access, case)
    coordinates = scope.coordinates(access, case.agreement_id)
    context = {
        "case": case, "time_left": time_left(case, timezone.now()),
        "attachments": list(case.attachments.all()), "reports": list(case.reports.all()),
        "messages_": list(case.messages.all()),
        "is_assigned": is_assigned, "is_requester": is_requester, "coordinates": coordinates,
        "upload_form": forms.get("upload_form") or UploadForm(),
        "report_form": forms.get("report_form") or ReportForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
        "follow_ups": list(case.follow_ups.all()),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "breadcrumbs": crumbs(_home_crumb(), (case.reference, None)),
    }
    if (is_assigned or coordinates) and any(f.scheduled_for is None for f in context["follow_ups"]):
        context["schedule_form"] = forms.get("schedule_form") or ScheduleForm(consultants=_follow_up_consultants(case))
    if coordinates and case.is_open:
        context["assign_form"] = forms.get("assign_form") or AssignForm(consultants=eligible_consultants(
            agreement_id=case.agreement_id, specialty_id=case.specialty_id, requesting_path=case.requesting_path))
    return context


def _follow_up_consultants(case):
    # The case's own consultant, or any other who could have been assigned it.
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    eligible = eligible_consultants(agreement_id=case.agreement_id, specialty_id=case.specialty_id,
                                    requesting_path=case.requesting_path).values("pk")
    return get_user_model().objects.filter(Q(pk__in=eligible) | Q(pk=case.assigned_to_id)).order_by("username")


@page(SECTION)
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return render(request, "teleconsult/case_detail.html", _detail_context(request, case))


def _act(request, pk, form, write, form_key):
    """Run a case action from the case page; a refused input shows the page again with the message."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if form.is_valid():
        saved, _result = attempt(form, lambda: write(case, form.cleaned_data))
        if saved:
            return redirect("teleconsult:case_detail", case.pk)
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return render(request, "teleconsult/case_detail.html", _detail_context(request, case, **{form_key: form}),
                  status=400)


@require_POST
@page(SECTION)
def case_assign(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    form = AssignForm(request.POST, consultants=eligible_consultants(
        agreement_id=case.agreement_id, specialty_id=case.specialty_id, requesting_path=case.requesting_path))
    return _act(request, pk, form, lambda c, d: services.case_assign(by=request.user, case=c,
                                                                     consultant=d["consultant"]), "assign_form")


@require_POST
@page(SECTION)
def case_review(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    services.case_start_review(by=request.user, case=case)
    return redirect("teleconsult:case_detail", case.pk)


@require_POST
@page(SECTION)
def case_return(request, pk: int):
    return _act(request, pk, ReturnForm(request.POST),
                lambda c, d: services.case_return(by=request.user, case=c, reason=d["reason"]), "return_form")


@require_POST
@page(SECTION)
def case_resubmit(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    services.case_resubmit(by=request.user, case=case)
    return redirect("teleconsult:case_detail", case.pk)


@require_POST
@page(SECTION)
def case_report(request, pk: int):
    return _act(request, pk, ReportForm(request.POST), lambda c, d: services.report_sign(
        by=request.user, case=c, findings=d["findings"], impression=d["impression"],
        recommendation=d["recommendation"], addendum=d["addendum"]), "report_form")


@require_POST
@page(SECTION)
def case_confirm(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    services.case_confirm_receipt(by=request.user, case=case)
    return redirect("teleconsult:case_detail", case.pk)


@require_POST
@page(SECTION)
def case_message(request, pk: int):
    return _act(request, pk, MessageForm(request.POST),
                lambda c, d: services.message_post(by=request.user, case=c, body=d["body"]), "message_form")


@require_POST
@page(SECTION)
def case_upload(request, pk: int):
    form = UploadForm(request.POST, request.FILES)
    files = {f.name.rsplit("/", 1)[-1]: f.read() for f in request.FILES.getlist("file")}
    return _act(request, pk, form, lambda c, d: services.attachment_add(
        by=request.user, case=c, files=files, sampling_rate=d["sampling_rate"]), "upload_form")


@require_POST
@page(SECTION)
def case_follow_up(request, pk: int):
    return _act(request, pk, FollowUpForm(request.POST),
                lambda c, d: services.follow_up_request(by=request.user, case=c, reason=d["reason"]), "follow_up_form")


@require_POST
@page(SECTION)
def follow_up_schedule(request, pk: int, follow_up: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    target = next((f for f in case.follow_ups.all() if f.pk == follow_up), None)
    if target is None:
        raise Http404
    form = ScheduleForm(request.POST, consultants=_follow_up_consultants(case))
    return _act(request, pk, form, lambda c, d: services.follow_up_schedule(
        by=request.user, follow_up=target, scheduled_for=d["scheduled_for"], consultant=d["consultant"]),
        "schedule_form")


@page(SECTION)
def notices(request):
    """The user's notices: reports signed on their cases, follow-ups scheduled."""
    if request.method == "POST":
        services.notices_mark_read(by=request.user)
        return redirect("teleconsult:notices")
    listing = page_of(request, selectors.notices_for(user=request.user))
    rows = [(n, *notify_words(n)) for n in listing.object_list]
    return render(request, "teleconsult/notices.html", {
        "page": listing, "rows": rows, "breadcrumbs": crumbs(_home_crumb(), (_("Notices"), None)),
    })


@page(SECTION)
def awaiting_receipt(request):
    """For coordinators: answered cases whose requester has not yet confirmed reading the answer."""
    listing = page_of(request, selectors.cases_awaiting_receipt(user=request.user))
    now = timezone.now()
    return render(request, "teleconsult/awaiting_receipt.html", {
        "page": listing, "rows": [(c, int((now - c.answered_at).total_seconds() // 3600)) for c in listing.object_list],
        "breadcrumbs": crumbs(_home_crumb(), (_("Answered, receipt not confirmed"), None)),
    })


@page(SECTION)
def attachment_view(request, pk: int):
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    template = "teleconsult/image.html" if attachment.kind == Attachment.Kind.IMAGE else "teleconsult/ecg.html"
    case = attachment.case
    return render(request, template, {
        "attachment": attachment, "case": case, "meta_json": json.dumps(attachment.meta),
        "breadcrumbs": crumbs(_home_crumb(), (case.reference, reverse("teleconsult:case_detail", args=[case.pk])),
                              (attachment.name, None)),
    })


@page(SECTION)
def attachment_ecg(request, pk: int):
    """The samples of a window of an ECG, for the viewer (JSON)."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    if attachment.kind == Attachment.Kind.IMAGE:
        return JsonResponse({"code": "not_ecg"}, status=404)
    record = EcgRecord.from_npz(selectors.attachment_data(attachment))
    try:
        start = max(0.0, float(request.GET.get("start", 0)))
        seconds = min(60.0, max(1.0, float(request.GET.get("seconds", 10))))
    except ValueError:
        return JsonResponse({"code": "invalid", "fields": {"start": [_("Enter a number of seconds.")]}}, status=400)
    return JsonResponse(ecg_window(record, start=start, seconds=seconds))


@page(SECTION)
def attachment_frame(request, pk: int, frame: int):
    """One frame of a DICOM image as PNG, windowed by ?c= and ?w=."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    if attachment.kind != Attachment.Kind.IMAGE or not attachment.meta.get("decoded"):
        return HttpResponse(status=404)
    try:
        center = float(request.GET["c"]) if "c" in request.GET else None
        width = float(request.GET["w"]) if "w" in request.GET else None
    except ValueError:
        return HttpResponse(_("Window centre and width must be numbers."), status=400)
    try:
        png = render_png(selectors.attachment_data(attachment), frame=frame, center=center, width=width)
    except selectors.TamperedFile:
        return _tampered()
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _tampered():
    # Refuse to serve a file whose bytes are no longer those uploaded, and say so, rather than fail.
    return HttpResponse(_("This file no longer matches the SHA-256 recorded when it was uploaded; it is not "
                          "served. Tell the node's administrator."), status=409, content_type="text/plain")


@page(SECTION)
def attachment_download(request, pk: int):
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    try:
        data = selectors.attachment_original(attachment)
    except selectors.TamperedFile:
        return _tampered()

    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=attachment.name,
                            content_type="application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@page(SECTION)
def case_live(request, pk: int):
    """Watch a case's live ECG; the requesting side can also stream one."""
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    return render(request, "teleconsult/live.html", {
        "case": case, "socket": f"/ws/teleconsult/cases/{case.pk}/live/",
        "can_send": scope.is_requesting_side(access, case),
        "ecgs": [a for a in case.attachments.all() if a.kind != Attachment.Kind.IMAGE],
        "breadcrumbs": crumbs(_home_crumb(), (case.reference, reverse("teleconsult:case_detail", args=[case.pk])),
                              (_("Live ECG"), None)),
    })
