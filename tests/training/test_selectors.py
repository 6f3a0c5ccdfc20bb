"""Course reads: who sees which course, who sees the roster, query budgets that do not grow with rows."""

from datetime import date

import pytest

from caravan.core.errors import NotFound
from caravan.training import certificates, selectors, services
from tests.training.conftest import at

pytestmark = pytest.mark.django_db


def ids(qs) -> list[int]:
    return [row.pk for row in qs]


def test_a_course_is_seen_in_its_network_and_by_its_participants(course_setup, cast):
    course = course_setup.course
    for user in (cast.node_admin, cast.coordinator, cast.analyst, cast.clinician_a, cast.consultant_b):
        assert ids(selectors.course_list_for_user(user=user)) == [course.pk], user
    assert ids(selectors.course_list_for_user(user=cast.outsider)) == []
    with pytest.raises(NotFound):
        selectors.course_get_for_user(user=cast.outsider, pk=course.pk)
    with pytest.raises(NotFound):
        selectors.course_get_for_user(user=cast.coordinator, pk=course.pk + 1000)


def test_an_enrolled_outsider_sees_the_course_they_take(course_setup, cast):
    services.enrolment_create(by=cast.coordinator, course=course_setup.course, data={
        "name": "Maryam Rezaei", "user": cast.outsider})
    assert ids(selectors.course_list_for_user(user=cast.outsider)) == [course_setup.course.pk]
    assert ids(selectors.course_list_for_user(user=cast.outsider,
                                              filters=selectors.CourseFilters(mine=True))) == [course_setup.course.pk]
    course = selectors.course_get_for_user(user=cast.outsider, pk=course_setup.course.pk)
    assert selectors.course_manageable_by(user=cast.outsider, course=course) is False
    assert list(selectors.course_roster(user=cast.outsider, course=course)) == []


def test_the_list_counts_and_dates_sessions_and_filters(course_setup, cast, django_assert_num_queries):
    other = services.course_create(by=cast.coordinator, data={
        "title": "Ultrasound for midwives", "provider": cast.haibei, "mode": "simulation", "language": "zh",
        "cme_credits": 1})
    selectors.visible_courses(cast.coordinator)  # loads the user's access (two queries) once
    with django_assert_num_queries(1):
        rows = list(selectors.course_list_for_user(user=cast.coordinator))
    assert [(r.title, r.session_count, r.first_session, r.last_session) for r in rows] == [
        ("Infection control in district hospitals", 3, at(2024, 3, 5, 7), at(2099, 1, 10, 6)),
        ("Ultrasound for midwives", 0, None, None),
    ]
    assert rows[0].provider.name == "Haibei Health Commission"
    f = selectors.CourseFilters
    assert ids(selectors.course_list_for_user(user=cast.coordinator, filters=f(q="ULTRASOUND"))) == [other.pk]
    assert ids(selectors.course_list_for_user(user=cast.coordinator, filters=f(q="县级"))) == [course_setup.course.pk]
    assert ids(selectors.course_list_for_user(user=cast.coordinator, filters=f(mode="simulation"))) == [other.pk]
    assert ids(selectors.course_list_for_user(user=cast.coordinator, filters=f(specialty="infectious_diseases"))) == [
        course_setup.course.pk]
    assert ids(selectors.course_list_for_user(user=cast.coordinator, filters=f(mine=True))) == []


def test_the_roster_costs_the_same_for_many_participants(course_setup, cast, django_assert_num_queries):
    course = selectors.course_get_for_user(user=cast.coordinator, pk=course_setup.course.pk)

    def roster_queries() -> int:
        with django_assert_num_queries(2) as ctx:  # the rows with attendance counted, and valid certificates
            rows = list(selectors.course_roster(user=cast.coordinator, course=course))
        return len(ctx.captured_queries), rows

    services.attendance_record(by=cast.coordinator, session=course_setup.first,
                               entries=[(course_setup.clinician, True), (course_setup.doctor, False)])
    _count, rows = roster_queries()
    assert [(r.name, r.attended, r.live_certificates) for r in rows] == [
        ("才让卓玛", 1, []), ("王建华", 0, [])]
    for i in range(10):
        services.enrolment_create(by=cast.coordinator, course=course, data={"name": f"Participant {i}"})
    _count, rows = roster_queries()
    assert len(rows) == 12


def test_only_managers_see_the_roster_and_the_attendance_sheet(course_setup, cast):
    for user, expected in ((cast.coordinator, 2), (cast.admin_a, 2), (cast.analyst, 0), (cast.clinician_a, 0),
                           (cast.consultant_b, 0)):
        course = selectors.course_get_for_user(user=user, pk=course_setup.course.pk)
        assert selectors.course_roster(user=user, course=course).count() == expected, user
        session = selectors.session_get_for_user(user=user, pk=course_setup.first.pk)
        assert len(selectors.attendance_sheet(user=user, session=session)) == expected, user


def test_a_participant_sees_their_own_enrolment_attendance_and_certificate(course_setup, cast):
    s = course_setup
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.clinician, True), (s.doctor, True)])
    services.enrolment_assess(by=cast.coordinator, enrolment=s.clinician, score=75)
    services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician, on=date(2024, 3, 20))
    certificate = certificates.certificate_issue(by=cast.coordinator, enrolment=s.clinician)
    mine = list(selectors.my_enrolments(user=cast.clinician_a))
    assert [(e.pk, e.attended, [c.pk for c in e.live_certificates]) for e in mine] == [
        (s.clinician.pk, 1, [certificate.pk])]
    assert selectors.my_attendance(user=cast.clinician_a, course=s.course) == {s.first.pk: True}
    assert selectors.certificate_get_for_user(user=cast.clinician_a, pk=certificate.pk) == certificate
    assert selectors.certificate_get_for_user(user=cast.coordinator, pk=certificate.pk) == certificate
    for user in (cast.analyst, cast.consultant_b, cast.outsider):
        with pytest.raises(NotFound):
            selectors.certificate_get_for_user(user=user, pk=certificate.pk)
    with pytest.raises(NotFound):
        selectors.enrolment_get_for_manager(user=cast.clinician_a, pk=s.clinician.pk)


def test_the_sheet_lists_participants_with_what_was_recorded(course_setup, cast):
    s = course_setup
    withdrawn = services.enrolment_create(by=cast.coordinator, course=s.course, data={"name": "Left early"})
    services.enrolment_withdraw(by=cast.coordinator, enrolment=withdrawn)
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.doctor, False)])
    session = selectors.session_get_for_user(user=cast.coordinator, pk=s.first.pk)
    sheet = selectors.attendance_sheet(user=cast.coordinator, session=session)
    assert [(line.enrolment.name, line.present) for line in sheet] == [("才让卓玛", None), ("王建华", False)]


def test_viewer_zone_comes_from_the_profile(cast):
    from caravan.core.models import Profile

    Profile.objects.filter(user=cast.consultant_b).update(time_zone="Asia/Almaty")
    cast.consultant_b.refresh_from_db()
    assert selectors.viewer_zone(cast.consultant_b) == "Asia/Almaty"
    assert selectors.viewer_zone(cast.coordinator) == "UTC"
    Profile.objects.filter(user=cast.analyst).update(time_zone="Nowhere/Else")
    cast.analyst.refresh_from_db()
    assert selectors.viewer_zone(cast.analyst) == "UTC"
