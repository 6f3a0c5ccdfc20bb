"""Courses held and people trained count toward the agreements the courses cite."""

from datetime import date

import pytest

from caravan.core import metrics
from caravan.partnerships.models import Agreement
from caravan.training import mentoring, services

pytestmark = pytest.mark.django_db

MARCH = {"start": date(2024, 3, 1), "end": date(2024, 3, 31)}


@pytest.fixture
def agreement(course_setup, cast):
    agreement = Agreement.objects.create(code="SD-HB-2018", title="Shandong–Haibei", start=date(2018, 5, 1),
                                         public=True)
    services.course_update(by=cast.node_admin, course=course_setup.course, data={"agreement": agreement})
    return agreement


def test_the_providers_are_registered():
    assert metrics.is_provided("courses_held") and metrics.is_provided("people_trained")


def test_a_course_counts_when_a_session_was_held_in_the_period(agreement, course_setup, cast,
                                                               django_assert_num_queries):
    s = course_setup
    with django_assert_num_queries(2):
        assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 0.0}
    services.attendance_record(by=cast.coordinator, session=s.second, entries=[(s.doctor, True)])
    with django_assert_num_queries(2):
        assert metrics.totals("courses_held", agreement_ids=[agreement.pk, 999], **MARCH) == {
            agreement.pk: 1.0, 999: 0.0}
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.doctor, True)])
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 1.0}
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], start=date(2024, 4, 1),
                          end=date(2024, 4, 30)) == {agreement.pk: 0.0}
    [activity] = metrics.activities("courses_held", agreement_id=agreement.pk, **MARCH)
    assert (activity.day, activity.label, activity.value, activity.url) == (
        date(2024, 3, 5), "Course: Infection control in district hospitals", 1.0,
        f"/training/courses/{s.course.pk}/")


def test_a_held_mentoring_series_counts_as_a_course(agreement, series_setup, cast):
    s = series_setup
    mentoring.series_update(by=cast.coordinator, series=s.series, data={"agreement": agreement})
    mentoring.site_attendance_set(by=cast.coordinator, session=s.past, site=s.hub, head_count=8)
    april = {"start": date(2024, 4, 1), "end": date(2024, 4, 30)}
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **april) == {agreement.pk: 1.0}
    [activity] = metrics.activities("courses_held", agreement_id=agreement.pk, **april)
    assert (activity.day, activity.label, activity.url) == (
        date(2024, 4, 2), "Tele-mentoring series: Haibei tele-mentoring: emergency obstetrics",
        f"/training/series/{s.series.pk}/")
    # Head counts are not people by name: a series trains nobody countable.
    assert metrics.totals("people_trained", agreement_ids=[agreement.pk], **april) == {agreement.pk: 0.0}


def test_people_trained_are_distinct_and_counted_by_attendance_or_completion(agreement, course_setup, cast,
                                                                             django_assert_num_queries):
    s = course_setup
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.clinician, True), (s.doctor, False)])
    services.attendance_record(by=cast.coordinator, session=s.second, entries=[(s.clinician, True)])
    with django_assert_num_queries(2):
        assert metrics.totals("people_trained", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 1.0}
    # The absent doctor still completes (attendance at a later session, then the assessment).
    services.attendance_record(by=cast.coordinator, session=s.second, entries=[(s.doctor, True)])
    services.enrolment_assess(by=cast.coordinator, enrolment=s.doctor, score=61)
    services.enrolment_complete(by=cast.coordinator, enrolment=s.doctor, on=date(2024, 4, 2))
    assert metrics.totals("people_trained", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 2.0}
    assert metrics.totals("people_trained", agreement_ids=[agreement.pk], start=date(2024, 4, 1),
                          end=date(2024, 4, 30)) == {agreement.pk: 1.0}
    [activity] = metrics.activities("people_trained", agreement_id=agreement.pk, **MARCH)
    assert (activity.day, activity.label, activity.value) == (
        date(2024, 3, 5), "Infection control in district hospitals: 2 people trained", 2.0)


def test_the_same_practitioner_in_two_courses_of_one_agreement_counts_once(agreement, course_setup, cast):
    s = course_setup
    other = services.course_create(by=cast.coordinator, data={
        "title": "Sepsis bundles", "provider": cast.haibei, "mode": "online", "language": "zh", "cme_credits": 1,
        "agreement": agreement})
    session = services.session_create(by=cast.coordinator, course=other, data={
        "title": "Bundles", "starts_at": s.second.starts_at, "ends_at": s.second.ends_at, "time_zone": "UTC"})
    again = services.enrolment_create(by=cast.coordinator, course=other, data={"practitioner": cast.doctor_b})
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.doctor, True)])
    services.attendance_record(by=cast.coordinator, session=session, entries=[(again, True)])
    assert metrics.totals("people_trained", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 1.0}
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 2.0}


def test_a_course_without_an_agreement_counts_for_none(course_setup, cast):
    services.attendance_record(by=cast.coordinator, session=course_setup.first,
                               entries=[(course_setup.clinician, True)])
    agreement = Agreement.objects.create(code="X", title="Unrelated", start=date(2020, 1, 1))
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **MARCH) == {agreement.pk: 0.0}


def test_a_whole_term_window_from_the_first_to_the_last_representable_day(agreement, course_setup, cast):
    services.attendance_record(by=cast.coordinator, session=course_setup.first,
                               entries=[(course_setup.clinician, True)])
    term = {"start": date.min, "end": date.max}
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **term) == {agreement.pk: 1.0}
    assert metrics.totals("people_trained", agreement_ids=[agreement.pk], **term) == {agreement.pk: 1.0}
