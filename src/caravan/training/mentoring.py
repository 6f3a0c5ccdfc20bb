"""Every write to tele-mentoring series: the series and its sites, sessions, cases and attendance by site.

The hub's coordinators run the series. Members of a site present that site's
cases, which must read as de-identified (see deidentify.py) and reach the
other sites only once the hub approves them. Attendance is a head count per
site; a spoke's coordinators record their own site's.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.text import search_blob
from caravan.registry.models import SPOKEN_LANGUAGE_CODES

from . import deidentify, rules
from .models import (
    CasePresentation,
    MentoringSeries,
    MentoringSession,
    MentoringSpoke,
    SessionStatus,
    SiteAttendance,
)
from .services import Problems, check_status, check_time_zone, check_times, resolve_times, save_checked

SERIES_FIELDS = ["title", "title_local", "description", "hub", "agreement", "specialty", "language", "time_zone"]
MSESSION_FIELDS = ["starts_at", "ends_at", "time_zone", "lecture_title", "lecture_speaker", "lecture_summary", "status"]
PRESENTATION_FIELDS = ["title", "summary", "question"]

_IDENTIFIER_MESSAGES = {
    deidentify.DOB: _("This looks like a date of birth (“%(text)s”). Remove it: the case is shown to other sites."),
    deidentify.PASSPORT: _("This looks like a passport number (“%(text)s”). Remove it: the case is shown to other "
                           "sites."),
    deidentify.ID_NUMBER: _("This looks like an identity or insurance number (“%(text)s”). Remove it: the case is "
                            "shown to other sites."),
    deidentify.RECORD: _("This looks like a medical record number (“%(text)s”). Remove it: the case is shown to "
                         "other sites."),
    deidentify.PHONE: _("This looks like a phone number (“%(text)s”). Remove it: the case is shown to other sites."),
    deidentify.EMAIL: _("This looks like an e-mail address (“%(text)s”). Remove it: the case is shown to other "
                        "sites."),
}


def _series(series: MentoringSeries) -> MentoringSeries:
    """The series as stored now, locked, with what the permission rules read."""
    return (
        MentoringSeries.objects.select_for_update(of=("self",))
        .select_related("hub__organisation")
        .prefetch_related("spokes__facility__organisation")
        .get(pk=series.pk)
    )


def _require_hub_manager(by, series: MentoringSeries) -> None:
    if not rules.manages_series(access_for(by), series):
        raise PermissionDenied()


# ---------------------------------------------------------------- series


def _check_series(by, series: MentoringSeries, spokes: list, problems: Problems) -> None:
    from caravan.partnerships.selectors import visible_agreements
    from caravan.registry.selectors import facility_list_for_user

    if not (series.title or "").strip():
        problems.add("title", _("Enter the series' title."), code="required")
    visible = facility_list_for_user(user=by)
    if series.hub_id is None:
        problems.add("hub", _("Choose the hub facility that teaches the series."), code="required")
    elif not visible.filter(pk=series.hub_id).exists():
        problems.add("hub", _("Unknown facility."), code="unknown_reference")
    spoke_ids = [f.pk for f in spokes]
    if series.hub_id is not None and series.hub_id in spoke_ids:
        problems.add("spokes", _("The hub cannot also be one of its spokes."), code="hub_is_spoke")
    elif spoke_ids and visible.filter(pk__in=spoke_ids).count() != len(spoke_ids):
        problems.add("spokes", _("Unknown facility."), code="unknown_reference")
    if series.language not in SPOKEN_LANGUAGE_CODES:
        problems.add("language", _("Unknown language code: %(codes)s.") % {"codes": series.language},
                     code="unknown_language")
    check_time_zone(series.time_zone, problems)
    if series.agreement_id is not None and not visible_agreements(by).filter(pk=series.agreement_id).exists():
        problems.add("agreement", _("Unknown agreement."), code="unknown_reference")


def _unique(facilities) -> list:
    return list({f.pk: f for f in facilities or []}.values())


def _series_state(series: MentoringSeries) -> dict:
    state = audit.snapshot(series, SERIES_FIELDS)
    state["spokes"] = sorted(series.spokes.values_list("facility_id", flat=True)) if series.pk else []
    return state


def _write_spokes(series: MentoringSeries, spokes: list) -> None:
    wanted = {f.pk for f in spokes}
    have = set(series.spokes.values_list("facility_id", flat=True))
    if have - wanted:
        MentoringSpoke.objects.filter(series=series, facility_id__in=have - wanted).delete()
    MentoringSpoke.objects.bulk_create(
        [MentoringSpoke(series=series, facility_id=pk) for pk in sorted(wanted - have)]
    )


@transaction.atomic
def series_create(*, by, data: dict) -> MentoringSeries:
    """Start a tele-mentoring series taught from a hub the user runs, with its spoke sites."""
    if not rules.may_create_courses(access_for(by)):
        raise PermissionDenied()
    series = MentoringSeries()
    for field in SERIES_FIELDS:
        if field in data:
            setattr(series, field, data[field])
    spokes = _unique(data.get("spokes"))
    problems = Problems()
    _check_series(by, series, spokes, problems)
    problems.raise_if_any()
    if not access_for(by).can_edit_organisation(series.hub.organisation):
        raise PermissionDenied()
    series.search_text = search_blob(series.title, series.title_local, series.hub.name, series.hub.name_local)
    save_checked(series)
    _write_spokes(series, spokes)
    audit.record(actor=by, action=audit.Action.CREATE, obj=series, organisation=series.hub.organisation,
                 changes=audit.diff({}, _series_state(series)))
    return series


@transaction.atomic
def series_update(*, by, series: MentoringSeries, data: dict) -> MentoringSeries:
    """Change a series or its spoke sites; the hub stays one the user runs."""
    series = _series(series)
    _require_hub_manager(by, series)
    before = _series_state(series)
    for field in SERIES_FIELDS:
        if field in data:
            setattr(series, field, data[field])
    spokes = _unique(data["spokes"]) if "spokes" in data else [s.facility for s in series.spokes.all()]
    problems = Problems()
    _check_series(by, series, spokes, problems)
    problems.raise_if_any()
    if not access_for(by).can_edit_organisation(series.hub.organisation):
        raise PermissionDenied()
    series.search_text = search_blob(series.title, series.title_local, series.hub.name, series.hub.name_local)
    save_checked(series)
    _write_spokes(series, spokes)
    changes = audit.diff(before, _series_state(series))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=series, organisation=series.hub.organisation,
                     changes=changes)
    return series


# ---------------------------------------------------------------- sessions


def _check_msession(session: MentoringSession, problems: Problems) -> None:
    if not (session.lecture_title or "").strip():
        problems.add("lecture_title", _("Enter the title of the session's lecture."), code="required")
    check_time_zone(session.time_zone, problems)
    check_times({"starts_at": session.starts_at, "ends_at": session.ends_at}, problems)
    check_status(session, problems)


@transaction.atomic
def mentoring_session_create(*, by, series: MentoringSeries, data: dict) -> MentoringSession:
    """Schedule a session of the series (the series' time zone unless another is given)."""
    series = _series(series)
    _require_hub_manager(by, series)
    zone_name = data.get("time_zone") or series.time_zone
    data = resolve_times({**data, "time_zone": zone_name}, zone_name=zone_name)
    session = MentoringSession(series=series)
    for field in MSESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    problems = Problems()
    _check_msession(session, problems)
    problems.raise_if_any()
    save_checked(session)
    audit.record(actor=by, action=audit.Action.CREATE, obj=session, organisation=series.hub.organisation,
                 changes=audit.diff({}, audit.snapshot(session, ["series", *MSESSION_FIELDS])))
    return session


@transaction.atomic
def mentoring_session_update(*, by, session: MentoringSession, data: dict) -> MentoringSession:
    """Change a session's lecture, times or status."""
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    series = _series(session.series)
    _require_hub_manager(by, series)
    before = audit.snapshot(session, MSESSION_FIELDS)
    data = resolve_times(data, zone_name=data.get("time_zone", session.time_zone))
    for field in MSESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    problems = Problems()
    _check_msession(session, problems)
    problems.raise_if_any()
    save_checked(session)
    changes = audit.diff(before, audit.snapshot(session, MSESSION_FIELDS))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=session, organisation=series.hub.organisation,
                     changes=changes)
    return session


# ---------------------------------------------------------------- case presentations


def _check_presentation(data: dict, problems: Problems) -> None:
    if not (data.get("title") or "").strip():
        problems.add("title", _("Enter a short title for the case."), code="required")
    if not (data.get("summary") or "").strip():
        problems.add("summary", _("Enter the de-identified case summary."), code="required")
    for field in PRESENTATION_FIELDS:
        for finding in deidentify.findings(data.get(field)):
            problems.add(field, _IDENTIFIER_MESSAGES[finding.kind] % {"text": finding.text}, code="identifier")


def _site_of_series(series: MentoringSeries, site) -> bool:
    return site is not None and any(s.pk == site.pk for s in rules.sites_of(series))


@transaction.atomic
def presentation_submit(*, by, session: MentoringSession, site, data: dict) -> CasePresentation:
    """A site submits a de-identified case for a session; it waits for the hub's approval."""
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    series = _series(session.series)
    access = access_for(by)
    if not _site_of_series(series, site):
        # Said before the permission: a coordinator must learn that the site is wrong, not only "no".
        if not rules.site_member(access, series):
            raise PermissionDenied()
        raise ValidationFailed.field("site", _("This site is not part of the series."), code="not_a_site")
    if not rules.presents_for(access, series, site):
        raise PermissionDenied()
    problems = Problems()
    if session.status == SessionStatus.CANCELLED:
        problems.add("session", _("This session was cancelled; it takes no cases."), code="cancelled")
    _check_presentation(data, problems)
    problems.raise_if_any()
    presentation = CasePresentation(
        session=session, site=site, title=data["title"].strip(), summary=data["summary"].strip(),
        question=(data.get("question") or "").strip(), submitted_by=by,
    )
    save_checked(presentation)
    audit.record(actor=by, action=audit.Action.CREATE, obj=presentation, organisation=site.organisation,
                 changes=audit.diff({}, audit.snapshot(presentation, ["session", "site", *PRESENTATION_FIELDS])))
    return presentation


def _locked_presentation(presentation: CasePresentation) -> CasePresentation:
    return CasePresentation.objects.select_for_update().select_related("site__organisation").get(pk=presentation.pk)


@transaction.atomic
def presentation_update(*, by, presentation: CasePresentation, data: dict) -> CasePresentation:
    """The presenting site corrects a case that was not approved yet; it goes back to the hub for approval."""
    presentation = _locked_presentation(presentation)
    series = _series(presentation.session.series)
    if not rules.presents_for(access_for(by), series, presentation.site):
        raise PermissionDenied()
    problems = Problems()
    if presentation.status == CasePresentation.Status.APPROVED:
        problems.add("status", _("An approved case can no longer be changed."), code="approved")
    merged = {f: data.get(f, getattr(presentation, f)) for f in PRESENTATION_FIELDS}
    _check_presentation(merged, problems)
    problems.raise_if_any()
    before = audit.snapshot(presentation, [*PRESENTATION_FIELDS, "status"])
    for field in PRESENTATION_FIELDS:
        setattr(presentation, field, (merged[field] or "").strip())
    presentation.status = CasePresentation.Status.SUBMITTED
    presentation.save(update_fields=[*PRESENTATION_FIELDS, "status"])
    changes = audit.diff(before, audit.snapshot(presentation, [*PRESENTATION_FIELDS, "status"]))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=presentation,
                     organisation=presentation.site.organisation, changes=changes)
    return presentation


@transaction.atomic
def presentation_review(*, by, presentation: CasePresentation, approve: bool, note: str = "") -> CasePresentation:
    """The hub approves a case (the spokes then see it) or sends it back with a note saying what to change."""
    presentation = _locked_presentation(presentation)
    series = _series(presentation.session.series)
    _require_hub_manager(by, series)
    problems = Problems()
    if presentation.status != CasePresentation.Status.SUBMITTED:
        problems.add("status", _("This case is not waiting for approval."), code="not_submitted")
    if not approve and not (note or "").strip():
        problems.add("note", _("Say what the site should change before the case can be shown."), code="required")
    problems.raise_if_any()
    fields = ["status", "reviewed_by", "reviewed_at", "review_note"]
    before = audit.snapshot(presentation, fields)
    presentation.status = CasePresentation.Status.APPROVED if approve else CasePresentation.Status.REJECTED
    presentation.reviewed_by = by
    presentation.reviewed_at = timezone.now()
    presentation.review_note = (note or "").strip()
    presentation.save(update_fields=fields)
    audit.record(actor=by, action=audit.Action.UPDATE, obj=presentation, organisation=series.hub.organisation,
                 changes=audit.diff(before, audit.snapshot(presentation, fields)))
    return presentation


# ---------------------------------------------------------------- attendance by site


@transaction.atomic
def site_attendance_set(*, by, session: MentoringSession, site, head_count: int,
                        now: datetime | None = None) -> SiteAttendance:
    """Record how many people followed a session at a site; it makes a planned session held."""
    now = now or timezone.now()
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    series = _series(session.series)
    access = access_for(by)
    if not _site_of_series(series, site):
        if not rules.site_member(access, series):
            raise PermissionDenied()
        raise ValidationFailed.field("site", _("This site is not part of the series."), code="not_a_site")
    if not rules.records_site(access, series, site):
        raise PermissionDenied()
    problems = Problems()
    if head_count is None or head_count < 0:
        problems.add("head_count", _("The number of people present cannot be below zero."), code="negative_count")
    if session.status == SessionStatus.CANCELLED:
        problems.add("session", _("This session was cancelled; it has no attendance."), code="cancelled")
    elif session.starts_at > now:
        problems.add("session", _("This session has not started yet; record attendance once it has begun."),
                     code="not_started")
    problems.raise_if_any()
    row = SiteAttendance.objects.select_for_update().filter(session=session, site=site).first()
    changes: dict[str, list] = {}
    if row is None:
        row = SiteAttendance.objects.create(session=session, site=site, head_count=head_count)
        changes[f"site.{site.pk}"] = [None, head_count]
    elif row.head_count != head_count:
        changes[f"site.{site.pk}"] = [row.head_count, head_count]
        row.head_count = head_count
        row.save(update_fields=["head_count"])
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])
        changes["status"] = [SessionStatus.PLANNED, SessionStatus.HELD]
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=session, organisation=site.organisation,
                     changes=changes)
    return row
