"""Tele-mentoring: the hub runs the series, sites present de-identified cases, the hub approves them."""

import pytest

from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.training import mentoring
from caravan.training import mentoring_selectors as selectors
from caravan.training.models import CasePresentation, MentoringSeries, MentoringSession, SiteAttendance
from tests.training.conftest import at

pytestmark = pytest.mark.django_db

CASE = {"title": "Retained placenta at 36 weeks", "summary": "G3P2, 36 weeks, blood loss 900 ml after delivery.",
        "question": "When to transfer to the prefecture?"}


def test_the_series_is_created_with_its_spokes_and_audited(series_setup, cast):
    s = series_setup
    series = MentoringSeries.objects.get(pk=s.series.pk)
    assert sorted(series.spokes.values_list("facility_id", flat=True)) == sorted([cast.gangcha.pk, s.menyuan.pk])
    event = AuditEvent.objects.get(object_type="training.mentoringseries")
    assert event.changes["spokes"] == [None, sorted([cast.gangcha.pk, s.menyuan.pk])]
    assert event.organisation_id == cast.haibei.pk


def test_the_hub_cannot_be_its_own_spoke_and_the_zone_must_exist(series_setup, cast):
    s = series_setup
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.series_update(by=cast.coordinator, series=s.series, data={
            "spokes": [s.hub, s.menyuan], "time_zone": "Asia/Haibei"})
    assert excinfo.value.fields == {
        "spokes": ["The hub cannot also be one of its spokes."],
        "time_zone": ["Unknown time zone: Asia/Haibei. Use a name such as Europe/Moscow or Asia/Almaty."],
    }


def test_only_the_hub_manages_the_series(series_setup, cast):
    s = series_setup
    for user in (s.menyuan_coordinator, s.menyuan_clinician, cast.clinician_a, cast.outsider):
        with pytest.raises(PermissionDenied):
            mentoring.series_update(by=user, series=s.series, data={"title": "x"})
        with pytest.raises(PermissionDenied):
            mentoring.mentoring_session_create(by=user, series=s.series, data={
                "lecture_title": "x", "starts_at": at(2024, 5, 1), "ends_at": at(2024, 5, 1, 1)})
    assert MentoringSession.objects.count() == 2


def test_a_session_ending_before_it_starts_is_refused(series_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.mentoring_session_create(by=cast.coordinator, series=series_setup.series, data={
            "lecture_title": "Sepsis", "starts_at": at(2024, 5, 1, 2), "ends_at": at(2024, 5, 1, 1)})
    assert excinfo.value.fields == {"ends_at": ["The session ends before it starts."]}


def test_a_site_presents_a_case_that_only_its_own_members_and_the_hub_see_until_approved(series_setup, cast):
    s = series_setup
    case = mentoring.presentation_submit(by=s.menyuan_clinician, session=s.past, site=s.menyuan, data=CASE)
    assert (case.status, case.submitted_by) == ("submitted", s.menyuan_clinician)

    def seen_by(user):
        return list(selectors.presentations_for(user=user, series=s.series).values_list("pk", flat=True))

    assert seen_by(s.menyuan_clinician) == [case.pk]
    assert seen_by(cast.coordinator) == [case.pk]
    assert seen_by(cast.clinician_a) == []  # Gangcha, another spoke
    assert seen_by(cast.consultant_b) == []  # Liaocheng: sees the series, is not a site
    with pytest.raises(NotFound):
        selectors.presentation_get_for_user(user=cast.clinician_a, pk=case.pk)

    with pytest.raises(PermissionDenied):
        mentoring.presentation_review(by=s.menyuan_coordinator, presentation=case, approve=True)
    mentoring.presentation_review(by=cast.coordinator, presentation=case, approve=True)
    assert seen_by(cast.clinician_a) == [case.pk]
    assert selectors.presentation_get_for_user(user=cast.clinician_a, pk=case.pk).status == "approved"
    assert seen_by(cast.consultant_b) == []


def test_identifiers_in_a_case_are_refused_field_by_field(series_setup, cast):
    s = series_setup
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.presentation_submit(by=cast.clinician_a, session=s.past, site=cast.gangcha, data={
            "title": "Eclampsia", "summary": "Woman, DOB 12.03.1990, seizures at 35 weeks.",
            "question": "Passport E12345678 for transfer?"})
    assert (excinfo.value.code, excinfo.value.fields) == ("identifier", {
        "summary": ["This looks like a date of birth (“DOB 12.03.1990”). Remove it: the case is shown to other "
                    "sites."],
        "question": ["This looks like a passport number (“Passport E12345678”). Remove it: the case is shown to "
                     "other sites."],
    })
    assert CasePresentation.objects.count() == 0


def test_a_case_sent_back_needs_a_note_and_returns_for_approval_when_corrected(series_setup, cast):
    s = series_setup
    case = mentoring.presentation_submit(by=cast.clinician_a, session=s.past, site=cast.gangcha, data=CASE)
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.presentation_review(by=cast.coordinator, presentation=case, approve=False)
    assert excinfo.value.fields == {"note": ["Say what the site should change before the case can be shown."]}
    mentoring.presentation_review(by=cast.coordinator, presentation=case, approve=False, note="Give the lab values.")
    assert CasePresentation.objects.get(pk=case.pk).status == "rejected"
    mentoring.presentation_update(by=cast.clinician_a, presentation=case, data={
        "summary": CASE["summary"] + " Hb 72 g/L."})
    case = CasePresentation.objects.get(pk=case.pk)
    assert (case.status, case.summary.endswith("Hb 72 g/L.")) == ("submitted", True)
    mentoring.presentation_review(by=cast.coordinator, presentation=case, approve=True)
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.presentation_update(by=cast.clinician_a, presentation=case, data={"title": "New"})
    assert excinfo.value.fields == {"status": ["An approved case can no longer be changed."]}


def test_a_site_presents_only_for_itself_and_only_sites_of_the_series(series_setup, cast):
    s = series_setup
    with pytest.raises(PermissionDenied):
        mentoring.presentation_submit(by=s.menyuan_clinician, session=s.past, site=cast.gangcha, data=CASE)
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.presentation_submit(by=cast.coordinator, session=s.past, site=cast.liaocheng, data=CASE)
    assert excinfo.value.fields == {"site": ["This site is not part of the series."]}
    with pytest.raises(PermissionDenied):
        mentoring.presentation_submit(by=cast.outsider, session=s.past, site=cast.sari, data=CASE)
    with pytest.raises(PermissionDenied):
        mentoring.presentation_submit(by=cast.analyst, session=s.past, site=s.hub, data=CASE)
    assert CasePresentation.objects.count() == 0


def test_attendance_by_site_with_head_counts(series_setup, cast, django_assert_num_queries):
    s = series_setup
    mentoring.site_attendance_set(by=s.menyuan_coordinator, session=s.past, site=s.menyuan, head_count=14)
    mentoring.site_attendance_set(by=cast.coordinator, session=s.past, site=s.hub, head_count=6)
    mentoring.site_attendance_set(by=cast.coordinator, session=s.past, site=s.menyuan, head_count=15)
    assert MentoringSession.objects.get(pk=s.past.pk).status == "held"
    assert dict(SiteAttendance.objects.values_list("site_id", "head_count")) == {s.menyuan.pk: 15, s.hub.pk: 6}
    with pytest.raises(PermissionDenied):
        mentoring.site_attendance_set(by=s.menyuan_coordinator, session=s.past, site=cast.gangcha, head_count=3)
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.site_attendance_set(by=cast.coordinator, session=s.past, site=s.hub, head_count=-2)
    assert excinfo.value.fields == {"head_count": ["The number of people present cannot be below zero."]}
    with pytest.raises(ValidationFailed) as excinfo:
        mentoring.site_attendance_set(by=cast.coordinator, session=s.future, site=s.hub, head_count=2)
    assert excinfo.value.fields == {"session": [
        "This session has not started yet; record attendance once it has begun."]}
    session = selectors.mentoring_session_get_for_user(user=s.menyuan_coordinator, pk=s.past.pk)
    with django_assert_num_queries(1):
        lines = selectors.attendance_by_site(user=s.menyuan_coordinator, session=session)
    assert [(line.site.name, line.is_hub, line.head_count, line.editable) for line in lines] == [
        ("Haibei First People's Hospital", True, 6, False),
        ("Gangcha County People's Hospital", False, None, False),
        ("Menyuan County People's Hospital", False, 15, True),
    ]
    assert [row.head_count for row in selectors.series_sessions(series=s.series)] == [21, None]


def test_the_series_is_seen_in_its_network_only(series_setup, cast):
    s = series_setup
    assert list(selectors.series_list_for_user(user=cast.consultant_b).values_list("pk", flat=True)) == [s.series.pk]
    assert list(selectors.series_list_for_user(user=cast.outsider)) == []
    with pytest.raises(NotFound):
        selectors.series_get_for_user(user=cast.outsider, pk=s.series.pk)
    assert [site.name for site in selectors.sites_presentable_by(user=cast.clinician_a, series=s.series)] == [
        "Gangcha County People's Hospital"]
