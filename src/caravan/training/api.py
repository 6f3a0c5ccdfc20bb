"""Training over HTTP: courses, sessions, enrolment, attendance, results, certificates, tele-mentoring.

Every endpoint parses its schema, turns the ids and codes it references into
rows through the selectors, calls one service or selector and answers with a
schema. A referenced row that does not exist or that the caller may not see is
a 400 naming the field; the row in the URL is a 404 in both cases. The services
check who may write. Certificate verification is the one public endpoint.
"""

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.registry.selectors import facility_list_for_user, specialty_list

from . import calendars, certificates, ics, mentoring, selectors, services
from . import mentoring_selectors as ms
from .public_views import over_limit
from .schemas import (
    AssessmentIn,
    AttendanceIn,
    AttendanceOut,
    CertificateIn,
    CertificateOut,
    CompletionIn,
    CourseDetailOut,
    CourseIn,
    CourseOut,
    CoursePatch,
    CourseQuery,
    EnrolmentIn,
    EnrolmentOut,
    MentoringSessionDetailOut,
    MentoringSessionIn,
    MentoringSessionOut,
    MentoringSessionPatch,
    PresentationIn,
    PresentationOut,
    PresentationPatch,
    ReviewIn,
    RevocationIn,
    SeriesDetailOut,
    SeriesIn,
    SeriesOut,
    SeriesPatch,
    SeriesQuery,
    SessionIn,
    SessionOut,
    SessionPatch,
    SiteCountIn,
    SiteCountOut,
    VerificationOut,
)

router = Router(tags=["training"])
CALENDAR = {"responses": {200: {"description": "An iCalendar file (RFC 5545), times in UTC.",
                                "content": {"text/calendar": {}}}}}


# ---------------------------------------------------------------- references in request bodies


def _unknown(field: str, message) -> ValidationFailed:
    return ValidationFailed.field(field, message, code="unknown_reference")


def _one(queryset, pk, field: str, message):
    if pk is None:
        return None
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise _unknown(field, message)
    return row


def _many(queryset, pks: list[int], field: str, message) -> list:
    wanted = list(dict.fromkeys(pks))
    found = {row.pk: row for row in queryset.filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise _unknown(field, message)
    return [found[pk] for pk in wanted]


def _specialty(user, code):
    if code is None:
        return None
    row = specialty_list(user=user).filter(code=code).first()
    if row is None:
        raise _unknown("specialty", _("Unknown specialty: %(codes)s.") % {"codes": code})
    return row


def _course_data(user, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    organisations = selectors.organisation_choices(user=user)
    if "provider" in data:
        data["provider"] = _one(organisations, data["provider"], "provider", _("Unknown organisation."))
    if "partners" in data:
        data["partners"] = _many(organisations, data["partners"] or [], "partners", _("Unknown organisation."))
    if "agreement" in data:
        data["agreement"] = _one(selectors.agreement_choices(user=user), data["agreement"], "agreement",
                                 _("Unknown agreement."))
    if "specialty" in data:
        data["specialty"] = _specialty(user, data["specialty"])
    if "venue" in data:
        data["venue"] = _one(facility_list_for_user(user=user), data["venue"], "venue", _("Unknown facility."))
    return data


def _mark_agreements(user, rows) -> list:
    """Say on each row whether the caller may see the agreement it cites (one query for the page)."""
    rows = list(rows)
    cited = {r.agreement_id for r in rows if r.agreement_id}
    visible = set(selectors.agreement_choices(user=user).filter(pk__in=cited).values_list("pk", flat=True)) \
        if cited else set()
    for row in rows:
        row.agreement_visible = row.agreement_id in visible
    return rows


def _course_detail(user, pk: int):
    course = selectors.course_get_for_user(user=user, pk=pk)
    course.can_manage = selectors.course_manageable_by(user=user, course=course)
    course._prefetched_objects_cache["sessions"] = selectors.course_sessions(course=course)
    return _mark_agreements(user, [course])[0]


# ---------------------------------------------------------------- courses


@router.get("/courses", response=page_of(CourseOut), summary="Courses you can see, latest sessions first")
def course_list(request, query: Query[CourseQuery]):
    filters = selectors.CourseFilters(q=query.q, mode=query.mode or "", specialty=query.specialty,
                                      agreement=query.agreement, provider=query.provider, mine=query.mine)
    page = paginate(selectors.course_list_for_user(user=request.auth, filters=filters), query)
    page["items"] = _mark_agreements(request.auth, page["items"])
    return page


@router.get("/courses/{course_id}", response=CourseDetailOut, summary="One course with its sessions")
def course_detail(request, course_id: int):
    return _course_detail(request.auth, course_id)


@router.post("/courses", response={201: CourseDetailOut}, summary="Add a course")
def course_create(request, payload: CourseIn):
    course = services.course_create(by=request.auth, data=_course_data(request.auth, payload))
    return Status(201, _course_detail(request.auth, course.pk))


@router.patch("/courses/{course_id}", response=CourseDetailOut, summary="Change a course")
def course_update(request, course_id: int, payload: CoursePatch):
    course = selectors.course_get_for_user(user=request.auth, pk=course_id)
    services.course_update(by=request.auth, course=course, data=_course_data(request.auth, payload))
    return _course_detail(request.auth, course_id)


@router.get("/courses/{course_id}/calendar.ics", summary="The course's sessions as a calendar file",
            openapi_extra=CALENDAR)
def course_calendar(request, course_id: int):
    course = selectors.course_get_for_user(user=request.auth, pk=course_id)
    sessions = selectors.sessions_for_calendar(user=request.auth, course=course)
    events = calendars.course_events(sessions, url_of=lambda c: request.build_absolute_uri(
        reverse("training:course_detail", args=[c.pk])))
    return HttpResponse(ics.calendar(events, name=course.title), content_type="text/calendar; charset=utf-8")


# ---------------------------------------------------------------- sessions


@router.get("/courses/{course_id}/sessions", response=page_of(SessionOut), summary="A course's sessions in time order")
def session_list(request, course_id: int, query: Query[PageQuery]):
    course = selectors.course_get_for_user(user=request.auth, pk=course_id)
    return paginate(selectors.course_sessions(course=course), query)


@router.post("/courses/{course_id}/sessions", response={201: SessionOut},
             summary="Add a session; times without an offset are read in its time zone")
def session_create(request, course_id: int, payload: SessionIn):
    course = selectors.course_get_for_user(user=request.auth, pk=course_id)
    session = services.session_create(by=request.auth, course=course, data=payload.model_dump(exclude_unset=True))
    return Status(201, session)


@router.patch("/sessions/{session_id}", response=SessionOut, summary="Change a session (times, zone, status)")
def session_update(request, session_id: int, payload: SessionPatch):
    session = selectors.session_get_for_user(user=request.auth, pk=session_id)
    return services.session_update(by=request.auth, session=session, data=payload.model_dump(exclude_unset=True))


@router.put("/sessions/{session_id}/attendance", response=list[AttendanceOut],
            summary="Record who was present at a session (it becomes held)")
def attendance_record(request, session_id: int, payload: AttendanceIn):
    session = selectors.session_get_for_user(user=request.auth, pk=session_id)
    wanted = [entry.enrolment for entry in payload.entries]
    known = selectors.enrolments_managed(user=request.auth, ids=wanted)
    missing = [str(pk) for pk in dict.fromkeys(wanted) if pk not in known]
    if missing and selectors.course_manageable_by(user=request.auth, course=session.course):
        raise _unknown("enrolment", _("Unknown participant: %(ids)s.") % {"ids": ", ".join(missing)})
    entries = [(known[e.enrolment], e.present) for e in payload.entries if e.enrolment in known]
    return services.attendance_record(by=request.auth, session=session, entries=entries)


# ---------------------------------------------------------------- enrolment and results


@router.get("/courses/{course_id}/enrolments", response=page_of(EnrolmentOut),
            summary="Who is enrolled, with attendance, results and certificates (course managers)")
def enrolment_list(request, course_id: int, query: Query[PageQuery]):
    course = selectors.course_get_for_user(user=request.auth, pk=course_id)
    if not selectors.course_manageable_by(user=request.auth, course=course):
        raise PermissionDenied()
    return paginate(selectors.course_roster(user=request.auth, course=course), query)


@router.post("/courses/{course_id}/enrolments", response={201: EnrolmentOut},
             summary="Enrol a practitioner of the registry, or a person by name")
def enrolment_create(request, course_id: int, payload: EnrolmentIn):
    user = request.auth
    course = selectors.course_get_for_user(user=user, pk=course_id)
    if not selectors.course_manageable_by(user=user, course=course):
        raise PermissionDenied()
    from caravan.registry.selectors import practitioner_list_for_user

    login = None
    if payload.username:
        login = selectors.login_by_username(user=user, username=payload.username)
        if login is None:
            raise _unknown("username", _("No login with this name in your networks."))
    data = {
        "practitioner": _one(practitioner_list_for_user(user=user), payload.practitioner, "practitioner",
                             _("Unknown practitioner.")),
        "facility": _one(facility_list_for_user(user=user), payload.facility, "facility", _("Unknown facility.")),
        "name": payload.name, "name_latin": payload.name_latin, "user": login,
    }
    enrolment = services.enrolment_create(by=user, course=course, data=data)
    return Status(201, selectors.enrolment_get_for_manager(user=user, pk=enrolment.pk))


@router.get("/me/enrolments", response=page_of(EnrolmentOut), summary="Your own enrolments, results and certificates")
def my_enrolments(request, query: Query[PageQuery]):
    return paginate(selectors.my_enrolments(user=request.auth), query)


def _enrolment(request, enrolment_id: int):
    return selectors.enrolment_get_for_manager(user=request.auth, pk=enrolment_id)


@router.post("/enrolments/{enrolment_id}/assessment", response=EnrolmentOut, summary="Record an assessment result")
def enrolment_assess(request, enrolment_id: int, payload: AssessmentIn):
    enrolment = _enrolment(request, enrolment_id)
    services.enrolment_assess(by=request.auth, enrolment=enrolment, score=payload.score, passed=payload.passed,
                              on=payload.on)
    return _enrolment(request, enrolment_id)


@router.post("/enrolments/{enrolment_id}/completion", response=EnrolmentOut, summary="Mark an enrolment completed")
def enrolment_complete(request, enrolment_id: int, payload: CompletionIn):
    enrolment = _enrolment(request, enrolment_id)
    services.enrolment_complete(by=request.auth, enrolment=enrolment, on=payload.on)
    return _enrolment(request, enrolment_id)


@router.post("/enrolments/{enrolment_id}/withdrawal", response=EnrolmentOut, summary="Withdraw a participant")
def enrolment_withdraw(request, enrolment_id: int):
    services.enrolment_withdraw(by=request.auth, enrolment=_enrolment(request, enrolment_id))
    return _enrolment(request, enrolment_id)


@router.post("/enrolments/{enrolment_id}/certificates", response={201: CertificateOut},
             summary="Issue a certificate for a completed enrolment")
def certificate_issue(request, enrolment_id: int, payload: CertificateIn):
    certificate = certificates.certificate_issue(by=request.auth, enrolment=_enrolment(request, enrolment_id),
                                                 issued_on=payload.issued_on, valid_until=payload.valid_until)
    return Status(201, certificate)


@router.post("/certificates/{certificate_id}/revocation", response=CertificateOut, summary="Revoke a certificate")
def certificate_revoke(request, certificate_id: int, payload: RevocationIn):
    certificate = selectors.certificate_get_for_user(user=request.auth, pk=certificate_id)
    return certificates.certificate_revoke(by=request.auth, certificate=certificate, reason=payload.reason)


@router.get("/certificates/verify/{code}", auth=None, response={200: VerificationOut},
            summary="Verify a certificate by its code (public, no login; limited per address and minute)")
def certificate_verify(request, code: str):
    if over_limit(request):
        response = JsonResponse({"code": "rate_limited", "fields": {}, "message": _(
            "Too many codes were checked from your address in the last minute. Wait a minute and try again.")},
            status=429)
        response["Retry-After"] = "60"
        return response
    found = certificates.certificate_verify(code=code[:40])
    if found is None:
        raise NotFound(_("No certificate has this code. Check the code and try again."))
    return found


# ---------------------------------------------------------------- tele-mentoring


def _series_data(user, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    facilities = facility_list_for_user(user=user)
    if "hub" in data:
        data["hub"] = _one(facilities, data["hub"], "hub", _("Unknown facility."))
    if "spokes" in data:
        data["spokes"] = _many(facilities, data["spokes"] or [], "spokes", _("Unknown facility."))
    if "agreement" in data:
        data["agreement"] = _one(selectors.agreement_choices(user=user), data["agreement"], "agreement",
                                 _("Unknown agreement."))
    if "specialty" in data:
        data["specialty"] = _specialty(user, data["specialty"])
    return data


def _series_detail(user, pk: int):
    series = ms.series_get_for_user(user=user, pk=pk)
    series.can_manage = ms.series_manageable_by(user=user, series=series)
    series._prefetched_objects_cache["sessions"] = ms.series_sessions(series=series)
    return _mark_agreements(user, [series])[0]


@router.get("/series", response=page_of(SeriesOut), summary="Tele-mentoring series you can see")
def series_list(request, query: Query[SeriesQuery]):
    page = paginate(ms.series_list_for_user(user=request.auth, q=query.q), query)
    page["items"] = _mark_agreements(request.auth, page["items"])
    return page


@router.get("/series/{series_id}", response=SeriesDetailOut, summary="One series with its sites and sessions")
def series_detail(request, series_id: int):
    return _series_detail(request.auth, series_id)


@router.post("/series", response={201: SeriesDetailOut}, summary="Start a tele-mentoring series from a hub you run")
def series_create(request, payload: SeriesIn):
    series = mentoring.series_create(by=request.auth, data=_series_data(request.auth, payload))
    return Status(201, _series_detail(request.auth, series.pk))


@router.patch("/series/{series_id}", response=SeriesDetailOut, summary="Change a series or its spoke sites")
def series_update(request, series_id: int, payload: SeriesPatch):
    series = ms.series_get_for_user(user=request.auth, pk=series_id)
    mentoring.series_update(by=request.auth, series=series, data=_series_data(request.auth, payload))
    return _series_detail(request.auth, series_id)


@router.get("/series/{series_id}/calendar.ics", summary="The series' sessions as a calendar file",
            openapi_extra=CALENDAR)
def series_calendar(request, series_id: int):
    series = ms.series_get_for_user(user=request.auth, pk=series_id)
    events = calendars.series_events(
        ms.sessions_for_calendar(user=request.auth, series=series),
        url_of=lambda s: request.build_absolute_uri(reverse("training:msession_detail", args=[s.pk])),
    )
    return HttpResponse(ics.calendar(events, name=series.title), content_type="text/calendar; charset=utf-8")


@router.post("/series/{series_id}/sessions", response={201: MentoringSessionOut}, summary="Schedule a session")
def msession_create(request, series_id: int, payload: MentoringSessionIn):
    series = ms.series_get_for_user(user=request.auth, pk=series_id)
    data = payload.model_dump(exclude_unset=True)
    return Status(201, mentoring.mentoring_session_create(by=request.auth, series=series, data=data))


def _msession_detail(user, pk: int):
    session = ms.mentoring_session_get_for_user(user=user, pk=pk)
    session.presentations_visible = list(ms.presentations_for(user=user, series=session.series).filter(
        session=session))
    session.attendance_lines = [
        {"site": line.site, "hub": line.is_hub, "head_count": line.head_count}
        for line in ms.attendance_by_site(user=user, session=session)
    ]
    return session


@router.get("/mentoring-sessions/{session_id}", response=MentoringSessionDetailOut,
            summary="A session with the cases you may read and attendance by site")
def msession_detail(request, session_id: int):
    return _msession_detail(request.auth, session_id)


@router.patch("/mentoring-sessions/{session_id}", response=MentoringSessionOut, summary="Change a session")
def msession_update(request, session_id: int, payload: MentoringSessionPatch):
    session = ms.mentoring_session_get_for_user(user=request.auth, pk=session_id)
    return mentoring.mentoring_session_update(by=request.auth, session=session,
                                              data=payload.model_dump(exclude_unset=True))


def _series_site(user, session, site_id: int):
    site = facility_list_for_user(user=user).filter(pk=site_id).first()
    if site is None:
        raise _unknown("site", _("Unknown facility."))
    return site


@router.post("/mentoring-sessions/{session_id}/presentations", response={201: PresentationOut},
             summary="Present a de-identified case; it waits for the hub's approval")
def presentation_submit(request, session_id: int, payload: PresentationIn):
    session = ms.mentoring_session_get_for_user(user=request.auth, pk=session_id)
    site = _series_site(request.auth, session, payload.site)
    data = payload.model_dump(exclude={"site"})
    return Status(201, mentoring.presentation_submit(by=request.auth, session=session, site=site, data=data))


@router.patch("/presentations/{presentation_id}", response=PresentationOut,
              summary="Correct a case not yet approved (it returns to the hub)")
def presentation_update(request, presentation_id: int, payload: PresentationPatch):
    presentation = ms.presentation_get_for_user(user=request.auth, pk=presentation_id)
    return mentoring.presentation_update(by=request.auth, presentation=presentation,
                                         data=payload.model_dump(exclude_unset=True))


@router.post("/presentations/{presentation_id}/review", response=PresentationOut,
             summary="The hub approves a case or sends it back with a note")
def presentation_review(request, presentation_id: int, payload: ReviewIn):
    presentation = ms.presentation_get_for_user(user=request.auth, pk=presentation_id)
    return mentoring.presentation_review(by=request.auth, presentation=presentation, approve=payload.approve,
                                         note=payload.note)


@router.put("/mentoring-sessions/{session_id}/attendance/{site_id}", response=SiteCountOut,
            summary="Record how many people followed the session at a site")
def site_attendance_set(request, session_id: int, site_id: int, payload: SiteCountIn):
    session = ms.mentoring_session_get_for_user(user=request.auth, pk=session_id)
    site = _series_site(request.auth, session, site_id)
    row = mentoring.site_attendance_set(by=request.auth, session=session, site=site, head_count=payload.head_count)
    return {"site": site, "hub": site.pk == session.series.hub_id, "head_count": row.head_count}

