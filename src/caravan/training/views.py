"""The course pages: lists, a course with its sessions, enrolment, attendance, results and certificates.

Views stay thin: parse a form, call one selector or service, render. A row the
user may not see is a 404 (missing and forbidden look alike); a write the user
may not make is a 403; bad input is shown beside its field with status 400.
"""

from datetime import timedelta

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.errors import ValidationFailed
from caravan.core.pagination import page_of

from . import calendars, certificates, codes, forms, selectors, services
from .pages import calendar_response, crumbs, form_page, posted, require, training_page, write
from .zones import known_zones

SECTION = "training"


def _course_trail(course=None, *tail) -> list:
    trail = [(_("Training"), reverse("training:course_list"))]
    if course is not None:
        trail.append((course.title, reverse("training:course_detail", args=[course.pk])))
    return [*trail, *tail]


def _course_url(course) -> str:
    return reverse("training:course_detail", args=[course.pk])


def _agreement_visible(user, course) -> bool:
    if course.agreement_id is None:
        return False
    return selectors.agreement_choices(user=user).filter(pk=course.agreement_id).exists()


# ---------------------------------------------------------------- courses


@training_page(SECTION)
def course_list(request):
    form = forms.CourseFilterForm(request.GET, user=request.user)
    rows = selectors.course_list_for_user(user=request.user, filters=form.filters())
    return render(request, "training/course_list.html", {
        "filter_form": form, "page": page_of(request, rows), "breadcrumbs": crumbs((_("Training"), None)),
        "create_url": reverse("training:course_create") if selectors.may_create_courses(user=request.user) else None,
    })


@training_page(SECTION)
def course_detail(request, pk: int):
    user = request.user
    course = selectors.course_get_for_user(user=user, pk=pk)
    can_manage = selectors.course_manageable_by(user=user, course=course)
    viewer = selectors.viewer_zone(user)
    mine = list(selectors.my_enrolments(user=user, course=course))
    mine_present = selectors.my_attendance(user=user, course=course) if mine else {}
    return render(request, "training/course_detail.html", {
        "course": course,
        "can_manage": can_manage,
        "agreement_visible": _agreement_visible(user, course),
        "viewer_zone": viewer,
        "sessions": [
            {"session": row.session, "times": row.times, "mine": mine_present.get(row.session.pk)}
            for row in selectors.session_rows(selectors.course_sessions(course=course), viewer=viewer)
        ],
        "roster": page_of(request, selectors.course_roster(user=user, course=course)) if can_manage else None,
        "mine": mine,
        "now": timezone.now(),
        "breadcrumbs": crumbs(*_course_trail(None, (course.title, None))),
    })


@training_page(SECTION)
def course_create(request):
    require(selectors.may_create_courses(user=request.user))
    form = forms.CourseForm(posted(request), user=request.user)
    saved, course = write(request, form, lambda f: services.course_create(by=request.user, data=f.cleaned_data),
                          success=_("The course was added."))
    if saved:
        return redirect("training:course_detail", pk=course.pk)
    return form_page(request, form, title=_("Add a course"), cancel_url=reverse("training:course_list"),
                     trail=_course_trail(None, (_("Add a course"), None)))


@training_page(SECTION)
def course_edit(request, pk: int):
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    require(selectors.course_manageable_by(user=request.user, course=course))
    form = forms.CourseForm(posted(request), instance=course, user=request.user)
    saved, _result = write(
        request, form, lambda f: services.course_update(by=request.user, course=course, data=f.cleaned_data),
        success=_("The course was saved."),
    )
    if saved:
        return redirect("training:course_detail", pk=course.pk)
    return form_page(request, form, title=_("Edit %(title)s") % {"title": course.title},
                     cancel_url=_course_url(course), trail=_course_trail(course, (_("Edit"), None)))


@training_page(SECTION)
def course_calendar(request, pk: int):
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    sessions = selectors.sessions_for_calendar(user=request.user, course=course)
    events = calendars.course_events(sessions, url_of=lambda c: request.build_absolute_uri(_course_url(c)))
    return calendar_response(events, name=course.title, filename=f"course-{course.pk}.ics")


@training_page(SECTION)
def my_calendar(request):
    """The sessions of every course the user can see, from a month ago on."""
    since = timezone.now() - timedelta(days=30)
    sessions = selectors.sessions_for_calendar(user=request.user, since=since)
    events = calendars.course_events(sessions, url_of=lambda c: request.build_absolute_uri(_course_url(c)))
    return calendar_response(events, name=_("Caravan training"), filename="training.ics")


# ---------------------------------------------------------------- sessions


def _session_form_page(request, form, *, course, title: str):
    return form_page(request, form, title=title, cancel_url=_course_url(course),
                     trail=_course_trail(course, (title, None)), zones=_zone_suggestions())


def _zone_suggestions() -> list[str]:
    return [z for z in forms.COMMON_ZONES if z in known_zones()]


@training_page(SECTION)
def session_create(request, pk: int):
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    require(selectors.course_manageable_by(user=request.user, course=course))
    form = forms.SessionForm(posted(request), initial={"time_zone": selectors.viewer_zone(request.user)})
    saved, _result = write(
        request, form, lambda f: services.session_create(by=request.user, course=course, data=f.data_for_service()),
        success=_("The session was added."), names=forms.TimesForm.RENAMED,
    )
    if saved:
        return redirect(_course_url(course) + "#sessions")
    return _session_form_page(request, form, course=course, title=_("Add a session"))


@training_page(SECTION)
def session_edit(request, pk: int):
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    course = session.course
    require(selectors.course_manageable_by(user=request.user, course=course))
    initial = {**forms.TimesForm.initial_from(session), "title": session.title, "title_local": session.title_local,
               "place": session.place, "status": session.status}
    form = forms.SessionForm(posted(request), initial=initial)
    saved, _result = write(
        request, form,
        lambda f: services.session_update(by=request.user, session=session, data=f.data_for_service()),
        success=_("The session was saved."), names=forms.TimesForm.RENAMED,
    )
    if saved:
        return redirect(_course_url(course) + "#sessions")
    return _session_form_page(request, form, course=course, title=_("Edit the session %(title)s") % {
        "title": session.title})


@training_page(SECTION)
def attendance(request, pk: int):
    """The attendance sheet of a session: one tick per participant."""
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    course = session.course
    require(selectors.course_manageable_by(user=request.user, course=course))
    sheet = selectors.attendance_sheet(user=request.user, session=session)
    status = 200
    if request.method == "POST":
        ticked = set(request.POST.getlist("present"))
        entries = [(line.enrolment, str(line.enrolment.pk) in ticked) for line in sheet]
        try:
            services.attendance_record(by=request.user, session=session, entries=entries)
        except ValidationFailed as exc:
            for reasons in exc.fields.values():
                for reason in reasons:
                    messages.error(request, reason)
            status = 400
        else:
            messages.success(request, _("Attendance was recorded."))
            return redirect(_course_url(course) + "#sessions")
    viewer = selectors.viewer_zone(request.user)
    return render(request, "training/attendance.html", {
        "course": course, "session": session, "sheet": sheet,
        "times": selectors.session_rows([session], viewer=viewer)[0].times, "viewer_zone": viewer,
        "breadcrumbs": crumbs(*_course_trail(course, (_("Attendance"), None))),
    }, status=status)


# ---------------------------------------------------------------- enrolment, results and certificates


@training_page(SECTION)
def enrolment_create(request, pk: int):
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    require(selectors.course_manageable_by(user=request.user, course=course))
    form = forms.EnrolmentForm(posted(request), user=request.user, course=course)
    saved, _result = write(
        request, form,
        lambda f: services.enrolment_create(by=request.user, course=course, data=f.data_for_service()),
        success=_("The participant was enrolled."), names={"user": "username"},
    )
    if saved:
        return redirect(_course_url(course) + "#participants")
    return form_page(request, form, title=_("Enrol a participant"), cancel_url=_course_url(course),
                     trail=_course_trail(course, (_("Enrol a participant"), None)))


def _enrolment_page(request, enrolment, *, status: int = 200, **forms_given):
    course = enrolment.course
    context = {
        "enrolment": enrolment, "course": course,
        "assessment_form": forms_given.get("assessment_form") or forms.AssessmentForm(
            initial={"score": enrolment.score, "on": timezone.localdate()}),
        "completion_form": forms_given.get("completion_form") or forms.CompletionForm(
            initial={"on": timezone.localdate()}),
        "certificate_form": forms_given.get("certificate_form") or forms.CertificateForm(
            initial={"issued_on": timezone.localdate()}),
        "revoke_form": forms_given.get("revoke_form") or forms.RevokeForm(),
        "certificates": list(enrolment.certificates.order_by("-issued_on", "-id")),
        "breadcrumbs": crumbs(*_course_trail(course, (enrolment.name, None))),
    }
    return render(request, "training/enrolment_detail.html", context, status=status)


@training_page(SECTION)
def enrolment_detail(request, pk: int):
    enrolment = selectors.enrolment_get_for_manager(user=request.user, pk=pk)
    return _enrolment_page(request, enrolment)


def _enrolment_action(request, pk: int, form_class, form_name: str, action, success: str):
    enrolment = selectors.enrolment_get_for_manager(user=request.user, pk=pk)
    form = form_class(request.POST)
    saved, _result = write(request, form, lambda f: action(enrolment, f.cleaned_data), success=success)
    if saved:
        return redirect("training:enrolment_detail", pk=enrolment.pk)
    return _enrolment_page(request, enrolment, status=400, **{form_name: form})


@training_page(SECTION)
@require_POST
def enrolment_assess(request, pk: int):
    return _enrolment_action(
        request, pk, forms.AssessmentForm, "assessment_form",
        lambda e, d: services.enrolment_assess(by=request.user, enrolment=e, score=d["score"], passed=d["passed"],
                                               on=d["on"]),
        _("The result was recorded."),
    )


@training_page(SECTION)
@require_POST
def enrolment_complete(request, pk: int):
    return _enrolment_action(
        request, pk, forms.CompletionForm, "completion_form",
        lambda e, d: services.enrolment_complete(by=request.user, enrolment=e, on=d["on"]),
        _("The course was marked completed."),
    )


@training_page(SECTION)
@require_POST
def enrolment_withdraw(request, pk: int):
    return _enrolment_action(
        request, pk, forms.CompletionForm, "completion_form",
        lambda e, d: services.enrolment_withdraw(by=request.user, enrolment=e),
        _("The participant was withdrawn."),
    )


@training_page(SECTION)
@require_POST
def certificate_issue(request, pk: int):
    return _enrolment_action(
        request, pk, forms.CertificateForm, "certificate_form",
        lambda e, d: certificates.certificate_issue(by=request.user, enrolment=e, issued_on=d["issued_on"],
                                                    valid_until=d["valid_until"]),
        _("The certificate was issued."),
    )


@training_page(SECTION)
@require_POST
def certificate_revoke(request, pk: int):
    certificate = selectors.certificate_get_for_user(user=request.user, pk=pk)
    enrolment = selectors.enrolment_get_for_manager(user=request.user, pk=certificate.enrolment_id)
    form = forms.RevokeForm(request.POST)
    saved, _result = write(
        request, form,
        lambda f: certificates.certificate_revoke(by=request.user, certificate=certificate,
                                                  reason=f.cleaned_data["reason"]),
        success=_("The certificate was revoked."),
    )
    if saved:
        return redirect("training:enrolment_detail", pk=enrolment.pk)
    return _enrolment_page(request, enrolment, status=400, revoke_form=form)


@training_page(SECTION)
def certificate_print(request, pk: int):
    """The printable certificate, for its holder and the course's managers."""
    certificate = selectors.certificate_get_for_user(user=request.user, pk=pk)
    verify_url = request.build_absolute_uri(reverse("training:verify_code", args=[codes.display(certificate.code)]))
    qr = segno.make(verify_url, error="m").svg_inline(scale=3, dark="#111")
    return render(request, "training/certificate_print.html", {
        "certificate": certificate, "course": certificate.enrolment.course,
        "display_code": codes.display(certificate.code), "verify_url": verify_url, "qr_svg": qr,
        "state": certificates.state_of(valid_until=certificate.valid_until,
                                       revoked=certificate.revoked_at is not None, today=timezone.localdate()),
    })


@training_page(SECTION)
def my_training(request):
    """The user's own enrolments, results and certificates."""
    return render(request, "training/my_training.html", {
        "page": page_of(request, selectors.my_enrolments(user=request.user)),
        "breadcrumbs": crumbs(*_course_trail(None, (_("My training"), None))),
    })
