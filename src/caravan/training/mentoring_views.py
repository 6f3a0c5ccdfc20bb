"""The tele-mentoring pages: series, their sessions, case presentations and attendance by site."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caravan.core.errors import ApplicationError, NotFound, PermissionDenied
from caravan.core.pagination import page_of
from caravan.registry.selectors import facility_list_for_user

from . import calendars, mentoring, selectors
from . import forms as f
from . import mentoring_selectors as ms
from .pages import calendar_response, crumbs, form_page, posted, require, training_page, write
from .views import _zone_suggestions

SECTION = "mentoring"


def _trail(series=None, *tail) -> list:
    trail = [(_("Tele-mentoring"), reverse("training:series_list"))]
    if series is not None:
        trail.append((series.title, reverse("training:series_detail", args=[series.pk])))
    return [*trail, *tail]


def _session_url(session) -> str:
    return reverse("training:msession_detail", args=[session.pk])


@training_page(SECTION)
def series_list(request):
    form = f.SeriesFilterForm(request.GET)
    rows = ms.series_list_for_user(user=request.user, q=form.query())
    return render(request, "training/series_list.html", {
        "filter_form": form, "page": page_of(request, rows), "breadcrumbs": crumbs((_("Tele-mentoring"), None)),
        "create_url": reverse("training:series_create") if selectors.may_create_courses(user=request.user) else None,
    })


@training_page(SECTION)
def series_detail(request, pk: int):
    user = request.user
    series = ms.series_get_for_user(user=user, pk=pk)
    viewer = selectors.viewer_zone(user)
    agreement_visible = series.agreement_id is not None and selectors.agreement_choices(user=user).filter(
        pk=series.agreement_id).exists()
    presentations = ms.presentations_for(user=user, series=series)
    approved = {}
    for row in presentations.filter(status="approved").values_list("session_id", flat=True):
        approved[row] = approved.get(row, 0) + 1
    return render(request, "training/series_detail.html", {
        "series": series, "can_manage": ms.series_manageable_by(user=user, series=series),
        "agreement_visible": agreement_visible, "viewer_zone": viewer,
        "sessions": selectors.session_rows(ms.series_sessions(series=series), viewer=viewer),
        "approved_counts": approved,
        "breadcrumbs": crumbs(*_trail(None, (series.title, None))),
    })


@training_page(SECTION)
def series_create(request):
    require(selectors.may_create_courses(user=request.user))
    form = f.SeriesForm(posted(request), user=request.user,
                        initial={"time_zone": selectors.viewer_zone(request.user)})
    saved, series = write(request, form, lambda fm: mentoring.series_create(by=request.user, data=fm.cleaned_data),
                          success=_("The series was added."))
    if saved:
        return redirect("training:series_detail", pk=series.pk)
    return form_page(request, form, title=_("Start a tele-mentoring series"),
                     cancel_url=reverse("training:series_list"), zones=_zone_suggestions(),
                     trail=_trail(None, (_("Start a tele-mentoring series"), None)))


@training_page(SECTION)
def series_edit(request, pk: int):
    series = ms.series_get_for_user(user=request.user, pk=pk)
    require(ms.series_manageable_by(user=request.user, series=series))
    form = f.SeriesForm(posted(request), instance=series, user=request.user)
    saved, _result = write(
        request, form, lambda fm: mentoring.series_update(by=request.user, series=series, data=fm.cleaned_data),
        success=_("The series was saved."),
    )
    if saved:
        return redirect("training:series_detail", pk=series.pk)
    return form_page(request, form, title=_("Edit %(title)s") % {"title": series.title}, zones=_zone_suggestions(),
                     cancel_url=reverse("training:series_detail", args=[series.pk]),
                     trail=_trail(series, (_("Edit"), None)))


@training_page(SECTION)
def series_calendar(request, pk: int):
    series = ms.series_get_for_user(user=request.user, pk=pk)
    sessions = ms.sessions_for_calendar(user=request.user, series=series)
    events = calendars.series_events(sessions, url_of=lambda s: request.build_absolute_uri(_session_url(s)))
    return calendar_response(events, name=series.title, filename=f"series-{series.pk}.ics")


# ---------------------------------------------------------------- sessions


@training_page(SECTION)
def msession_create(request, pk: int):
    series = ms.series_get_for_user(user=request.user, pk=pk)
    require(ms.series_manageable_by(user=request.user, series=series))
    form = f.MentoringSessionForm(posted(request), initial={"time_zone": series.time_zone})
    saved, session = write(
        request, form,
        lambda fm: mentoring.mentoring_session_create(by=request.user, series=series, data=fm.data_for_service()),
        success=_("The session was added."), names=f.TimesForm.RENAMED,
    )
    if saved:
        return redirect(_session_url(session))
    return form_page(request, form, title=_("Add a session"), zones=_zone_suggestions(),
                     cancel_url=reverse("training:series_detail", args=[series.pk]),
                     trail=_trail(series, (_("Add a session"), None)))


@training_page(SECTION)
def msession_edit(request, pk: int):
    session = ms.mentoring_session_get_for_user(user=request.user, pk=pk)
    series = session.series
    require(ms.series_manageable_by(user=request.user, series=series))
    initial = {**f.TimesForm.initial_from(session), "lecture_title": session.lecture_title,
               "lecture_speaker": session.lecture_speaker, "lecture_summary": session.lecture_summary,
               "status": session.status}
    form = f.MentoringSessionForm(posted(request), initial=initial)
    saved, _result = write(
        request, form,
        lambda fm: mentoring.mentoring_session_update(by=request.user, session=session, data=fm.data_for_service()),
        success=_("The session was saved."), names=f.TimesForm.RENAMED,
    )
    if saved:
        return redirect(_session_url(session))
    return form_page(request, form, title=_("Edit the session"), zones=_zone_suggestions(),
                     cancel_url=_session_url(session), trail=_trail(series, (session.lecture_title, None)))


def _msession_page(request, session, *, status: int = 200, presentation_form=None, review_errors=None):
    user = request.user
    series = session.series
    viewer = selectors.viewer_zone(user)
    sites = ms.sites_presentable_by(user=user, series=series)
    if presentation_form is None and sites:
        presentation_form = f.PresentationForm(sites=sites)
    return render(request, "training/msession_detail.html", {
        "session": session, "series": series, "can_manage": ms.series_manageable_by(user=user, series=series),
        "times": selectors.session_rows([session], viewer=viewer)[0].times, "viewer_zone": viewer,
        "presentations": list(ms.presentations_for(user=user, series=series).filter(session=session)),
        "sites": ms.attendance_by_site(user=user, session=session),
        "presentation_form": presentation_form if sites else None,
        "review_form": f.ReviewForm(), "review_errors": review_errors or {},
        "breadcrumbs": crumbs(*_trail(series, (session.lecture_title, None))),
    }, status=status)


@training_page(SECTION)
def msession_detail(request, pk: int):
    session = ms.mentoring_session_get_for_user(user=request.user, pk=pk)
    return _msession_page(request, session)


@training_page(SECTION)
@require_POST
def presentation_create(request, pk: int):
    session = ms.mentoring_session_get_for_user(user=request.user, pk=pk)
    sites = ms.sites_presentable_by(user=request.user, series=session.series)
    require(bool(sites))
    form = f.PresentationForm(request.POST, sites=sites)
    saved, _result = write(
        request, form,
        lambda fm: mentoring.presentation_submit(by=request.user, session=session, site=fm.cleaned_data["site"],
                                                 data=fm.cleaned_data),
        success=_("The case was sent to the hub for approval."),
    )
    if saved:
        return redirect(_session_url(session) + "#cases")
    return _msession_page(request, session, status=400, presentation_form=form)


@training_page(SECTION)
def presentation_edit(request, pk: int):
    presentation = ms.presentation_get_for_user(user=request.user, pk=pk)
    session = presentation.session
    require(ms.presentation_editable_by(user=request.user, presentation=presentation))
    form = f.PresentationForm(posted(request), instance=presentation, sites=[presentation.site])
    saved, _result = write(
        request, form,
        lambda fm: mentoring.presentation_update(by=request.user, presentation=presentation, data=fm.cleaned_data),
        success=_("The case was sent to the hub for approval again."),
    )
    if saved:
        return redirect(_session_url(session) + "#cases")
    return form_page(request, form, title=_("Correct the case %(title)s") % {"title": presentation.title},
                     cancel_url=_session_url(session),
                     trail=_trail(session.series, (session.lecture_title, _session_url(session)),
                                  (presentation.title, None)))


@training_page(SECTION)
@require_POST
def presentation_review(request, pk: int):
    presentation = ms.presentation_get_for_user(user=request.user, pk=pk)
    session = presentation.session
    require(ms.series_manageable_by(user=request.user, series=session.series))
    form = f.ReviewForm(request.POST)
    if form.is_valid():
        try:
            mentoring.presentation_review(by=request.user, presentation=presentation,
                                          approve=form.cleaned_data["decision"] == "approve",
                                          note=form.cleaned_data["note"])
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            errors = {presentation.pk: [m for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]}
            return _msession_page(request, session, status=400, review_errors=errors)
        messages.success(request, _("The case was approved.") if form.cleaned_data["decision"] == "approve"
                         else _("The case was sent back to the site."))
        return redirect(_session_url(session) + "#cases")
    return _msession_page(request, session, status=400,
                          review_errors={presentation.pk: [_("Choose to approve the case or send it back.")]})


@training_page(SECTION)
@require_POST
def site_attendance(request, pk: int):
    session = ms.mentoring_session_get_for_user(user=request.user, pk=pk)
    form = f.SiteAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the number of people present."))
        return _msession_page(request, session, status=400)
    site = facility_list_for_user(user=request.user).filter(pk=form.cleaned_data["site"]).first()
    if site is None:
        raise NotFound()
    try:
        mentoring.site_attendance_set(by=request.user, session=session, site=site,
                                      head_count=form.cleaned_data["head_count"])
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        for reasons in exc.fields.values():
            for reason in reasons:
                messages.error(request, reason)
        return _msession_page(request, session, status=400)
    messages.success(request, _("Attendance at %(site)s was recorded.") % {"site": site.name})
    return redirect(_session_url(session) + "#attendance")
