"""The training pages: what they show, what they refuse, what bad input looks like, and their query budgets."""

from datetime import date

import pytest
from django.core.cache import cache

from caravan.core.models import AuditEvent, Profile
from caravan.training import certificates, codes, mentoring, services
from caravan.training.models import (
    Attendance,
    CasePresentation,
    Course,
    Enrolment,
    MentoringSeries,
    MentoringSession,
    Session,
    SiteAttendance,
)
from tests.helpers import assert_refused, audit_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the verification page counts look-ups per address in the cache
    yield
    cache.clear()


def completed(setup, cast):
    s = setup
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.clinician, True)])
    services.enrolment_assess(by=cast.coordinator, enrolment=s.clinician, score=88)
    services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician, on=date(2024, 3, 20))
    return certificates.certificate_issue(by=cast.coordinator, enrolment=s.clinician)  # today: valid 24 months


# ---------------------------------------------------------------- refusals, page by page


def test_every_page_needs_a_login(course_setup, series_setup, client_as, cast):
    s, m = course_setup, series_setup
    urls = [
        "/training/", "/training/mine/", "/training/calendar.ics", "/training/courses/new/",
        f"/training/courses/{s.course.pk}/", f"/training/courses/{s.course.pk}/edit/",
        f"/training/courses/{s.course.pk}/calendar.ics", f"/training/courses/{s.course.pk}/sessions/new/",
        f"/training/courses/{s.course.pk}/enrol/", f"/training/sessions/{s.first.pk}/edit/",
        f"/training/sessions/{s.first.pk}/attendance/", f"/training/enrolments/{s.doctor.pk}/",
        "/training/series/", "/training/series/new/", f"/training/series/{m.series.pk}/",
        f"/training/series/{m.series.pk}/edit/", f"/training/series/{m.series.pk}/sessions/new/",
        f"/training/series/{m.series.pk}/calendar.ics", f"/training/mentoring-sessions/{m.past.pk}/",
        f"/training/mentoring-sessions/{m.past.pk}/edit/",
    ]
    for url in urls:
        assert_refused(client_as, [None], "get", url)


def test_the_outsider_sees_nothing_of_another_network(course_setup, series_setup, client_as, cast):
    s, m = course_setup, series_setup
    for url in [f"/training/courses/{s.course.pk}/", f"/training/courses/{s.course.pk}/edit/",
                f"/training/courses/{s.course.pk}/calendar.ics", f"/training/sessions/{s.first.pk}/attendance/",
                f"/training/enrolments/{s.doctor.pk}/", f"/training/series/{m.series.pk}/",
                f"/training/mentoring-sessions/{m.past.pk}/"]:
        assert_refused(client_as, [cast.outsider], "get", url, statuses=(404,))
    body = client_as(cast.outsider).get("/training/").content.decode()
    assert "0 courses" in body and "Infection control" not in body


def test_wrong_roles_cannot_open_management_pages_or_post(course_setup, series_setup, client_as, cast):
    s, m = course_setup, series_setup
    wrong = [cast.analyst, cast.clinician_a, cast.consultant_b, cast.outsider]
    for url in [f"/training/courses/{s.course.pk}/edit/", f"/training/courses/{s.course.pk}/sessions/new/",
                f"/training/courses/{s.course.pk}/enrol/", f"/training/sessions/{s.first.pk}/edit/",
                f"/training/sessions/{s.first.pk}/attendance/", f"/training/enrolments/{s.doctor.pk}/",
                f"/training/series/{m.series.pk}/edit/", f"/training/series/{m.series.pk}/sessions/new/",
                f"/training/mentoring-sessions/{m.past.pk}/edit/"]:
        assert_refused(client_as, [None, *wrong], "get", url)
        assert_refused(client_as, [None, *wrong], "post", url, {"title": "x"})
    for url in [f"/training/enrolments/{s.doctor.pk}/assess/", f"/training/enrolments/{s.doctor.pk}/complete/",
                f"/training/enrolments/{s.doctor.pk}/withdraw/", f"/training/enrolments/{s.doctor.pk}/certificate/"]:
        assert_refused(client_as, [None, *wrong], "post", url, {"score": "90"})
    assert_refused(client_as, [None, cast.analyst, cast.clinician_a, cast.consultant_b], "get",
                   "/training/courses/new/", statuses=(403,))
    assert_refused(client_as, [None, cast.analyst, cast.clinician_a], "post", "/training/series/new/",
                   {"title": "x"}, statuses=(403,))
    assert Enrolment.objects.get(pk=s.doctor.pk).status == "enrolled"
    assert Course.objects.get(pk=s.course.pk).title == "Infection control in district hospitals"


def test_certificates_print_for_holder_and_managers_only(course_setup, client_as, cast):
    certificate = completed(course_setup, cast)
    url = f"/training/certificates/{certificate.pk}/"
    assert_refused(client_as, [None, cast.analyst, cast.consultant_b, cast.outsider], "get", url)
    assert_refused(client_as, [None, cast.analyst, cast.clinician_a, cast.outsider], "post",
                   f"/training/certificates/{certificate.pk}/revoke/", {"reason": "no"})
    assert certificates.certificate_verify(code=certificate.code).state == "valid"
    for user in (cast.clinician_a, cast.coordinator):
        response = client_as(user).get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert codes.display(certificate.code) in body
        assert "才让卓玛 (Cairang Zhuoma)" in body and "<svg" in body
        assert f"/training/verify/{codes.display(certificate.code)}/" in body


# ---------------------------------------------------------------- courses


def test_the_course_list_costs_the_same_for_many_courses(course_setup, client_as, cast):
    client = client_as(cast.coordinator)
    client.get("/training/")
    import re

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/training/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, body = queries()
    assert re.search(r"1 course\b", body)
    for i in range(6):
        services.course_create(by=cast.coordinator, data={
            "title": f"Course {i}", "provider": cast.haibei, "mode": "online", "language": "zh", "cme_credits": 1})
    many, body = queries()
    assert "7 courses" in body
    assert many == few


def test_the_course_page_shows_each_session_in_its_zone_and_the_viewers(course_setup, client_as, cast):
    Profile.objects.filter(user=cast.consultant_b).update(time_zone="Asia/Shanghai")
    body = client_as(cast.consultant_b).get(f"/training/courses/{course_setup.course.pk}/").content.decode()
    # 2024-03-12 07:00 UTC, planned in Moscow: 10:00 there, 15:00 in Shanghai.
    assert "10:00</time>–12:00</span> <span class=\"small text-body-secondary text-nowrap\">Europe/Moscow · UTC+03:00" in body
    assert "15:00</time>–17:00</span> <span class=\"small text-body-secondary text-nowrap\">Asia/Shanghai · UTC+08:00" in body
    # A viewer who reads the roster must manage the course: the consultant does not.
    assert "Participants" not in body and "Wang Jianhua" not in body


def test_the_course_page_costs_a_fixed_number_of_queries(course_setup, client_as, cast, django_assert_num_queries):
    client = client_as(cast.coordinator)
    url = f"/training/courses/{course_setup.course.pk}/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for i in range(5):
        services.enrolment_create(by=cast.coordinator, course=course_setup.course, data={"name": f"P{i}"})
        services.session_create(by=cast.coordinator, course=course_setup.course, data={
            "title": f"S{i}", "starts_at": course_setup.first.starts_at, "ends_at": course_setup.first.ends_at,
            "time_zone": "UTC"})
    with CaptureQueriesContext(connection) as after:
        body = client.get(url).content.decode()
    assert "7 participants" in body
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_participant_sees_their_own_record_on_the_course_page(course_setup, client_as, cast):
    certificate = completed(course_setup, cast)
    body = client_as(cast.clinician_a).get(f"/training/courses/{course_setup.course.pk}/").content.decode()
    assert 'data-testid="my-enrolment"' in body
    assert "1 session attended" in body and "Score: 88" in body
    assert f"/training/certificates/{certificate.pk}/" in body
    assert "Wang Jianhua" not in body  # not the others'


def test_creating_a_course_with_bad_input_shows_each_message_and_saves_nothing(cast, client_as):
    client = client_as(cast.coordinator)
    before = (Course.objects.count(), audit_count())
    response = client.post("/training/courses/new/", {
        "title": "Simulation: laparoscopy", "provider": cast.haibei.pk, "mode": "simulation", "language": "zh",
        "cme_credits": "-2"})
    assert response.status_code == 400
    assert ('<div class="invalid-feedback d-block" id="id_cme_credits_error" data-field-error="cme_credits">'
            "CME credits cannot be below zero.</div>") in response.content.decode()
    assert (Course.objects.count(), audit_count()) == before
    response = client.post("/training/courses/new/", {
        "title": "Simulation: laparoscopy", "provider": cast.haibei.pk, "mode": "simulation", "language": "zh",
        "cme_credits": "3", "partners": [cast.gangcha_org.pk]})
    course = Course.objects.get(title="Simulation: laparoscopy")
    assert response["Location"] == f"/training/courses/{course.pk}/"
    assert list(course.partners.all()) == [cast.gangcha_org]


def test_a_session_form_refuses_an_unknown_zone_and_an_end_before_the_start(course_setup, client_as, cast):
    client = client_as(cast.coordinator)
    url = f"/training/courses/{course_setup.course.pk}/sessions/new/"
    assert 'list="time-zones"' in client.get(url).content.decode()
    response = client.post(url, {"title": "Ventilation", "day": "2024-06-03", "start": "10:00", "end": "09:00",
                                 "time_zone": "Asia/Astana", "status": "planned"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="end">The session ends before it starts.</div>' in body
    assert ('data-field-error="time_zone">Unknown time zone: Asia/Astana. Use a name such as Europe/Moscow or '
            "Asia/Almaty.</div>") in body
    assert Session.objects.filter(title="Ventilation").count() == 0
    response = client.post(url, {"title": "Ventilation", "day": "2024-06-03", "start": "10:00", "end": "11:30",
                                 "time_zone": "Europe/Moscow", "status": "planned"})
    assert response.status_code == 302
    session = Session.objects.get(title="Ventilation")
    assert (session.starts_at.isoformat(), session.duration_minutes) == ("2024-06-03T07:00:00+00:00", 90)


def test_editing_a_session_starts_from_its_own_clock(course_setup, client_as, cast):
    body = client_as(cast.coordinator).get(f"/training/sessions/{course_setup.second.pk}/edit/").content.decode()
    assert 'value="10:00"' in body and 'value="Europe/Moscow"' in body and 'value="2024-03-12"' in body


def test_enrolling_the_same_person_twice_shows_the_message(course_setup, client_as, cast):
    client = client_as(cast.coordinator)
    url = f"/training/courses/{course_setup.course.pk}/enrol/"
    response = client.post(url, {"practitioner": cast.doctor_b.pk})
    assert response.status_code == 400
    assert 'data-field-error="practitioner">This person is already enrolled in this course.</div>' in (
        response.content.decode())
    response = client.post(url, {"name": "Li Wei", "username": "nobody_here"})
    assert 'data-field-error="username">No login with this name in your networks.</div>' in response.content.decode()
    response = client.post(url, {"name": "Li Wei", "facility": cast.gangcha.pk, "username": "analyst"})
    assert response.status_code == 302
    assert Enrolment.objects.get(name="Li Wei").user == cast.analyst


def test_the_attendance_sheet_records_ticks_and_absences(course_setup, client_as, cast):
    s = course_setup
    client = client_as(cast.coordinator)
    url = f"/training/sessions/{s.first.pk}/attendance/"
    body = client.get(url).content.decode()
    assert f'value="{s.clinician.pk}" id="present-{s.clinician.pk}"' in body
    response = client.post(url, {"present": [str(s.clinician.pk)]})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {s.clinician.pk: True,
                                                                                s.doctor.pk: False}
    assert Session.objects.get(pk=s.first.pk).status == "held"
    response = client.post(f"/training/sessions/{s.future.pk}/attendance/", {"present": [str(s.doctor.pk)]})
    assert response.status_code == 400
    assert "This session has not started yet; record attendance once it has begun." in response.content.decode()


def test_results_completion_certificate_and_revocation_through_the_pages(course_setup, client_as, cast):
    s = course_setup
    client = client_as(cast.coordinator)
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.doctor, True)])
    base = f"/training/enrolments/{s.doctor.pk}/"
    response = client.post(base + "complete/", {"on": "2024-03-20"})
    assert response.status_code == 400
    assert "The participant has not passed the assessment." in response.content.decode()
    assert client.post(base + "assess/", {"score": "55", "passed": "yes"}).status_code == 400
    assert client.post(base + "assess/", {"score": "75", "passed": "", "on": "2024-03-19"}).status_code == 302
    assert client.post(base + "complete/", {"on": "2024-03-20"}).status_code == 302
    assert client.post(base + "certificate/", {"issued_on": "2024-03-21", "valid_until": "2024-03-01"}
                       ).status_code == 400
    assert client.post(base + "certificate/", {"issued_on": "2024-03-21"}).status_code == 302
    certificate = s.doctor.certificates.get()
    assert (certificate.valid_until, certificate.issued_by) == (date(2026, 3, 21), cast.coordinator)
    response = client.post(f"/training/certificates/{certificate.pk}/revoke/", {"reason": ""})
    assert response.status_code == 400 and "Say why the certificate is revoked." in response.content.decode()
    assert client.post(f"/training/certificates/{certificate.pk}/revoke/", {"reason": "Wrong name."}
                       ).status_code == 302
    assert certificates.certificate_verify(code=certificate.code).state == "revoked"


def test_calendar_files_are_rfc5545_in_utc(course_setup, client_as, cast):
    response = client_as(cast.clinician_a).get(f"/training/courses/{course_setup.course.pk}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="course-{course_setup.course.pk}.ics"'
    text = response.content.decode()
    assert text.count("BEGIN:VEVENT") == 3
    assert "DTSTART:20240312T070000Z\r\n" in text
    assert "SUMMARY:Infection control in district hospitals: Isolation rooms\r\n" in text
    assert f"UID:training-session-{course_setup.second.pk}@caravan\r\n" in text
    mine = client_as(cast.clinician_a).get("/training/calendar.ics").content.decode()
    assert mine.count("BEGIN:VEVENT") == 1  # only sessions from a month ago on: the 2099 one


def test_my_training_lists_my_enrolments(course_setup, client_as, cast):
    completed(course_setup, cast)
    body = client_as(cast.clinician_a).get("/training/mine/").content.decode()
    assert "Infection control in district hospitals" in body and "Print" in body
    assert "You are not enrolled in any course." in client_as(cast.analyst).get("/training/mine/").content.decode()


# ---------------------------------------------------------------- public verification


def test_verification_is_public_and_says_only_name_course_date_and_validity(course_setup, client, cast,
                                                                           django_assert_num_queries):
    certificate = completed(course_setup, cast)
    shown = codes.display(certificate.code)
    with django_assert_num_queries(1):
        response = client.get(f"/training/verify/{shown.lower()}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "This certificate is valid." in body
    assert 'data-testid="verify-name">才让卓玛 (Cairang Zhuoma)</dd>' in body
    assert 'data-testid="verify-course">Infection control in district hospitals</dd>' in body
    for secret in ("Gangcha", "88", "clinician_a", "Haibei", cast.clinician_a.username):
        assert secret not in body.split('id="main"')[1], secret


@pytest.mark.parametrize("code", ["2345-6789-ABCD", "not-a-code", "' OR 1=1 --", "0000-0000-0000"])
def test_an_unknown_code_gets_the_same_plain_answer(course_setup, client, cast, code):
    completed(course_setup, cast)
    response = client.get("/training/verify/", {"code": code})
    body = response.content.decode()
    assert response.status_code == 200
    assert ('<div class="alert alert-secondary" role="status" data-testid="verify-unknown">No certificate has this '
            "code. Check the code and try again.</div>") in body
    assert "Cairang" not in body and "Infection control" not in body


def test_look_ups_are_limited_per_address_and_minute(client, settings):
    settings.CARAVAN_CERTIFICATE_LOOKUPS_PER_MINUTE = 3
    answers = [client.get("/training/verify/", {"code": "2345-6789-ABCD"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get("/training/verify/ABCD-ABCD-ABCD/")
    assert (response.status_code, response["Retry-After"]) == (429, "60")
    assert "Wait a minute and try again." in response.content.decode()
    assert client.get("/training/verify/").status_code == 200  # the empty form costs nothing


# ---------------------------------------------------------------- tele-mentoring


def test_the_series_page_lists_sessions_with_head_counts_and_shown_cases(series_setup, client_as, cast):
    m = series_setup
    mentoring.site_attendance_set(by=cast.coordinator, session=m.past, site=m.hub, head_count=7)
    case = mentoring.presentation_submit(by=cast.clinician_a, session=m.past, site=cast.gangcha, data={
        "title": "Breech at 38 weeks", "summary": "G2P1, breech, cervix 4 cm."})
    body = client_as(m.menyuan_clinician).get(f"/training/series/{m.series.pk}/").content.decode()
    assert 'data-testid="hub">Haibei First People&#x27;s Hospital</dd>' in body
    assert "Gangcha County People&#x27;s Hospital; Menyuan County People&#x27;s Hospital" in body
    session_page = client_as(m.menyuan_clinician).get(f"/training/mentoring-sessions/{m.past.pk}/").content.decode()
    assert "Breech at 38 weeks" not in session_page  # not approved yet
    mentoring.presentation_review(by=cast.coordinator, presentation=case, approve=True)
    session_page = client_as(m.menyuan_clinician).get(f"/training/mentoring-sessions/{m.past.pk}/").content.decode()
    assert "Breech at 38 weeks" in session_page


def test_presenting_a_case_with_an_identifier_shows_the_message(series_setup, client_as, cast):
    m = series_setup
    client = client_as(m.menyuan_clinician)
    url = f"/training/mentoring-sessions/{m.past.pk}/cases/new/"
    response = client.post(url, {"site": m.menyuan.pk, "title": "Sepsis", "summary": "Patient born 1988, fever.",
                                 "question": ""})
    assert response.status_code == 400
    assert ('data-field-error="summary">This looks like a date of birth (“born 1988”). Remove it: the case is shown '
            "to other sites.</div>") in response.content.decode()
    assert CasePresentation.objects.count() == 0
    response = client.post(url, {"site": m.menyuan.pk, "title": "Sepsis", "summary": "Woman, 36, fever 39.4.",
                                 "question": "Antibiotics?"})
    assert response.status_code == 302
    assert CasePresentation.objects.get().status == "submitted"
    assert_refused(client_as, [None, cast.outsider, cast.analyst], "post", url,
                   {"site": m.menyuan.pk, "title": "x", "summary": "y"})


def test_the_hub_reviews_and_spokes_record_their_own_head_count(series_setup, client_as, cast):
    m = series_setup
    case = mentoring.presentation_submit(by=m.menyuan_clinician, session=m.past, site=m.menyuan, data={
        "title": "Placenta praevia", "summary": "G4P3, bleeding at 33 weeks."})
    url = f"/training/cases/{case.pk}/review/"
    assert_refused(client_as, [None, m.menyuan_coordinator, cast.clinician_a, cast.outsider], "post", url,
                   {"decision": "approve"})
    response = client_as(cast.coordinator).post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 400
    assert "Say what the site should change before the case can be shown." in response.content.decode()
    assert client_as(cast.coordinator).post(url, {"decision": "approve"}).status_code == 302
    assert CasePresentation.objects.get(pk=case.pk).status == "approved"

    attendance_url = f"/training/mentoring-sessions/{m.past.pk}/attendance/"
    client = client_as(m.menyuan_coordinator)
    assert client.post(attendance_url, {"site": m.menyuan.pk, "head_count": "12"}).status_code == 302
    assert client.post(attendance_url, {"site": cast.gangcha.pk, "head_count": "12"}).status_code == 403
    response = client.post(attendance_url, {"site": m.menyuan.pk, "head_count": "-1"})
    assert response.status_code == 400
    assert "The number of people present cannot be below zero." in response.content.decode()
    assert dict(SiteAttendance.objects.values_list("site_id", "head_count")) == {m.menyuan.pk: 12}
    events = AuditEvent.objects.filter(object_type="training.mentoringsession", action="update").count()
    assert events == 1


def test_starting_a_series_and_scheduling_a_session_through_the_pages(series_setup, client_as, cast):
    m = series_setup
    client = client_as(cast.coordinator)
    data = {"title": "Paediatric emergencies", "hub": m.hub.pk, "spokes": [m.hub.pk, m.menyuan.pk],
            "language": "zh", "time_zone": "Asia/Shanghai"}
    response = client.post("/training/series/new/", data)
    assert response.status_code == 400
    assert 'data-field-error="spokes">The hub cannot also be one of its spokes.</div>' in response.content.decode()
    response = client.post("/training/series/new/", {**data, "spokes": [m.menyuan.pk, cast.gangcha.pk]})
    series = MentoringSeries.objects.get(title="Paediatric emergencies")
    assert response["Location"] == f"/training/series/{series.pk}/"
    url = f"/training/series/{series.pk}/sessions/new/"
    assert 'value="Asia/Shanghai"' in client.get(url).content.decode()
    response = client.post(url, {"lecture_title": "Febrile seizures", "day": "2024-06-01", "start": "09:00",
                                 "end": "10:00", "time_zone": "Asia/Shanghai", "status": "planned"})
    session = MentoringSession.objects.get(lecture_title="Febrile seizures")
    assert response["Location"] == f"/training/mentoring-sessions/{session.pk}/"
    assert session.starts_at.isoformat() == "2024-06-01T01:00:00+00:00"
    calendar = client.get(f"/training/series/{series.pk}/calendar.ics").content.decode()
    assert "SUMMARY:Paediatric emergencies: Febrile seizures\r\n" in calendar


def test_a_case_sent_back_is_corrected_by_its_site_only(series_setup, client_as, cast):
    m = series_setup
    case = mentoring.presentation_submit(by=m.menyuan_clinician, session=m.past, site=m.menyuan, data={
        "title": "Placenta praevia", "summary": "G4P3, bleeding at 33 weeks."})
    mentoring.presentation_review(by=cast.coordinator, presentation=case, approve=False, note="Add the Hb.")
    url = f"/training/cases/{case.pk}/edit/"
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.outsider], "get", url)
    response = client_as(m.menyuan_clinician).post(url, {"title": "Placenta praevia",
                                                         "summary": "G4P3, bleeding at 33 weeks, Hb 81 g/L."})
    assert response.status_code == 302
    case = CasePresentation.objects.get(pk=case.pk)
    assert (case.status, case.summary) == ("submitted", "G4P3, bleeding at 33 weeks, Hb 81 g/L.")
