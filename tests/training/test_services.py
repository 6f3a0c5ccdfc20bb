"""Course services: permission first, each bad input with its own message, nothing half-saved, audited."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.registry.models import Specialty
from caravan.training import certificates, services
from caravan.training.models import Attendance, Certificate, Course, Enrolment, Session
from tests.training.conftest import at

pytestmark = pytest.mark.django_db


def fields_of(excinfo) -> dict:
    return excinfo.value.fields


def course_data(cast, **extra) -> dict:
    return {"title": "Epidural labour analgesia", "provider": cast.haibei, "mode": "onsite", "language": "zh",
            "cme_credits": Decimal("2.5"), **extra}


# ---------------------------------------------------------------- courses


def test_a_coordinator_creates_a_course_and_the_audit_names_every_field(cast):
    course = services.course_create(by=cast.coordinator, data=course_data(
        cast, partners=[cast.gangcha_org, cast.haibei, cast.gangcha_org], title_local="分娩镇痛"))
    course = Course.objects.get(pk=course.pk)
    assert (course.title, course.provider_id, course.mode, course.language, course.cme_credits) == (
        "Epidural labour analgesia", cast.haibei.pk, "onsite", "zh", Decimal("2.5"))
    assert list(course.partners.values_list("pk", flat=True)) == [cast.gangcha_org.pk]  # provider and repeat dropped
    assert course.search_text == "epidural labour analgesia | 分娩镇痛 | haibei health commission"
    event = AuditEvent.objects.get(object_type="training.course", object_id=str(course.pk))
    assert (event.action, event.actor, event.organisation_id) == ("create", cast.coordinator, cast.haibei.pk)
    assert event.changes["cme_credits"] == [None, "2.5"]
    assert event.changes["partners"] == [None, [cast.gangcha_org.pk]]


@pytest.mark.parametrize("who", ["clinician_a", "analyst", "consultant_b"])
def test_only_coordinators_of_the_provider_or_a_partner_create_courses(cast, who):
    with pytest.raises(PermissionDenied):
        services.course_create(by=getattr(cast, who), data=course_data(cast))
    assert (Course.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_the_outsider_cannot_name_a_provider_outside_their_network(cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.course_create(by=cast.outsider, data=course_data(cast))
    assert fields_of(excinfo) == {"provider": ["Unknown organisation."]}


def test_cme_credits_below_zero_are_refused_with_their_own_message(cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.course_create(by=cast.coordinator, data=course_data(cast, cme_credits=Decimal("-1")))
    assert (excinfo.value.code, fields_of(excinfo)) == (
        "negative_cme_credits", {"cme_credits": ["CME credits cannot be below zero."]})
    assert Course.objects.count() == 0


def test_every_bad_course_field_is_reported_at_once(cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.course_create(by=cast.coordinator, data=course_data(
            cast, title=" ", mode="hybrid", language="xx", pass_mark=Decimal("120"), certificate_months=0))
    assert fields_of(excinfo) == {
        "title": ["Enter the course's title."],
        "mode": ["Choose on site, online or simulation training."],
        "language": ["Unknown language code: xx."],
        "pass_mark": ["The pass mark is a score between 0 and 100."],
        "certificate_months": ["A certificate is valid for at least one month."],
    }


def test_a_course_may_cite_only_an_agreement_the_user_sees(cast):
    from caravan.partnerships.models import Agreement, AgreementParty

    hidden = Agreement.objects.create(code="MZ-TJ", title="Mazandaran–Tajikistan", start=date(2023, 1, 1))
    AgreementParty.objects.create(agreement=hidden, organisation=cast.mazandaran)
    with pytest.raises(ValidationFailed) as excinfo:
        services.course_create(by=cast.coordinator, data=course_data(cast, agreement=hidden))
    assert fields_of(excinfo) == {"agreement": ["Unknown agreement."]}
    ours = Agreement.objects.create(code="SD-HB", title="Shandong–Haibei", start=date(2018, 5, 1))
    AgreementParty.objects.create(agreement=ours, organisation=cast.haibei)
    course = services.course_create(by=cast.coordinator, data=course_data(cast, agreement=ours))
    assert course.agreement_id == ours.pk


def test_updating_a_course_audits_only_what_changed(course_setup, cast):
    course = course_setup.course
    before = AuditEvent.objects.count()
    services.course_update(by=cast.admin_a, course=course, data={"cme_credits": Decimal("6"), "title": course.title})
    event = AuditEvent.objects.order_by("-id").first()
    assert (AuditEvent.objects.count() - before, event.changes) == (1, {"cme_credits": ["4", "6"]})
    services.course_update(by=cast.admin_a, course=course, data={"cme_credits": Decimal("6")})
    assert AuditEvent.objects.count() - before == 1


def test_a_partner_coordinator_cannot_drop_their_own_organisation_and_lock_themselves_out(course_setup, cast):
    from caravan.core.models import Membership

    gangcha_coordinator = type(cast.coordinator).objects.create_user(username="gc_coord", password="x" * 12)
    Membership.objects.create(user=gangcha_coordinator, organisation=cast.gangcha_org, role="coordinator")
    with pytest.raises(PermissionDenied):
        services.course_update(by=gangcha_coordinator, course=course_setup.course, data={"partners": []})
    assert list(course_setup.course.partners.all()) == [cast.gangcha_org]


def test_others_cannot_update_a_course(course_setup, cast):
    for user in (cast.clinician_a, cast.analyst, cast.consultant_b, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.course_update(by=user, course=course_setup.course, data={"title": "Changed"})
    assert Course.objects.get(pk=course_setup.course.pk).title == "Infection control in district hospitals"


# ---------------------------------------------------------------- sessions


def test_a_session_in_local_time_is_stored_in_utc(course_setup, cast):
    from datetime import datetime

    session = services.session_create(by=cast.coordinator, course=course_setup.course, data={
        "title": "Online seminar", "starts_at": datetime(2020, 7, 20, 10), "ends_at": datetime(2020, 7, 20, 12),  # noqa: DTZ001
        "time_zone": "Europe/Moscow"})
    session = Session.objects.get(pk=session.pk)
    assert (session.starts_at, session.ends_at, session.duration_minutes) == (
        at(2020, 7, 20, 7), at(2020, 7, 20, 9), 120)


def test_a_duration_may_stand_for_the_end(course_setup, cast):
    data = services.resolve_times({"starts_at": at(2024, 1, 1, 6), "duration_minutes": 90}, zone_name="UTC")
    assert data == {"starts_at": at(2024, 1, 1, 6), "ends_at": at(2024, 1, 1, 7, 30)}


def test_a_session_that_ends_before_it_starts_is_refused(course_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.session_create(by=cast.coordinator, course=course_setup.course, data={
            "title": "Backwards", "starts_at": at(2024, 5, 1, 9), "ends_at": at(2024, 5, 1, 8), "time_zone": "UTC"})
    assert (excinfo.value.code, fields_of(excinfo)) == (
        "end_before_start", {"ends_at": ["The session ends before it starts."]})
    assert Session.objects.filter(title="Backwards").count() == 0


def test_an_unknown_time_zone_is_refused_with_its_name(course_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.session_create(by=cast.coordinator, course=course_setup.course, data={
            "title": "Astana", "starts_at": at(2024, 5, 1, 9), "ends_at": at(2024, 5, 1, 10),
            "time_zone": "Asia/Astana"})
    assert (excinfo.value.code, fields_of(excinfo)) == ("unknown_time_zone", {"time_zone": [
        "Unknown time zone: Asia/Astana. Use a name such as Europe/Moscow or Asia/Almaty."]})


def test_a_session_cannot_be_marked_held_before_it_starts(course_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.session_update(by=cast.coordinator, session=course_setup.future, data={"status": "held"})
    assert fields_of(excinfo) == {"status": ["A session cannot have been held before it starts."]}


def test_sessions_are_managed_only_by_course_managers(course_setup, cast):
    for user in (cast.clinician_a, cast.analyst, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.session_create(by=user, course=course_setup.course, data={
                "title": "x", "starts_at": at(2024, 5, 1, 9), "ends_at": at(2024, 5, 1, 10), "time_zone": "UTC"})
    assert Session.objects.count() == 3


# ---------------------------------------------------------------- enrolment


def test_a_practitioner_is_enrolled_under_their_registry_name(course_setup, cast):
    doctor = Enrolment.objects.get(pk=course_setup.doctor.pk)
    assert (doctor.name, doctor.name_latin, doctor.organisation_id, doctor.status) == (
        "王建华", "Wang Jianhua", cast.liaocheng_org.pk, "enrolled")
    clinician = Enrolment.objects.get(pk=course_setup.clinician.pk)
    assert (clinician.name_key, clinician.organisation_id, clinician.user_id) == (
        "才让卓玛", cast.gangcha_org.pk, cast.clinician_a.pk)


def test_enrolling_the_same_person_twice_is_refused(course_setup, cast):
    course = course_setup.course
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_create(by=cast.coordinator, course=course, data={"practitioner": cast.doctor_b})
    assert (excinfo.value.code, fields_of(excinfo)) == (
        "already_enrolled", {"practitioner": ["This person is already enrolled in this course."]})
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_create(by=cast.coordinator, course=course, data={
            "name": " 才让卓玛 ", "facility": cast.gangcha})
    assert fields_of(excinfo) == {"name": ["This person is already enrolled in this course."]}
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_create(by=cast.coordinator, course=course, data={
            "name": "Another person", "user": cast.clinician_a})
    assert fields_of(excinfo) == {"user": ["This login is already enrolled in this course."]}
    assert Enrolment.objects.filter(course=course).count() == 2


def test_the_same_name_at_another_facility_is_another_person(course_setup, cast):
    enrolment = services.enrolment_create(by=cast.coordinator, course=course_setup.course, data={
        "name": "才让卓玛", "facility": cast.liaocheng})
    assert enrolment.organisation_id == cast.liaocheng_org.pk


def test_an_enrolment_needs_a_person(course_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_create(by=cast.coordinator, course=course_setup.course, data={"name": ""})
    assert fields_of(excinfo) == {"name": ["Choose a practitioner or enter the participant's name."]}


def test_a_practitioner_of_another_network_cannot_be_enrolled(course_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_create(by=cast.coordinator, course=course_setup.course, data={
            "practitioner": cast.doctor_outside})
    assert fields_of(excinfo) == {"practitioner": ["Unknown practitioner."]}


# ---------------------------------------------------------------- attendance


def test_recording_attendance_marks_the_session_held_and_audits_each_line(course_setup, cast):
    s = course_setup
    rows = services.attendance_record(by=cast.coordinator, session=s.first,
                                      entries=[(s.clinician, True), (s.doctor, False)])
    assert [(r.enrolment_id, r.present) for r in rows] == [(s.clinician.pk, True), (s.doctor.pk, False)]
    assert Session.objects.get(pk=s.first.pk).status == "held"
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.object_type, event.changes) == ("training.session", {
        f"attendance.{s.clinician.pk}": [None, True], f"attendance.{s.doctor.pk}": [None, False],
        "status": ["planned", "held"]})
    # Sent again with one change: one row changes, no new row.
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.doctor, True)])
    assert Attendance.objects.filter(session=s.first).count() == 2
    assert AuditEvent.objects.order_by("-id").first().changes == {f"attendance.{s.doctor.pk}": [False, True]}


def test_attendance_for_a_session_of_another_course_is_refused(course_setup, cast):
    other = services.course_create(by=cast.coordinator, data=course_data(cast))
    stranger = services.enrolment_create(by=cast.coordinator, course=other, data={"name": "Li Wei"})
    with pytest.raises(ValidationFailed) as excinfo:
        services.attendance_record(by=cast.coordinator, session=course_setup.first,
                                   entries=[(course_setup.clinician, True), (stranger, True)])
    assert (excinfo.value.code, fields_of(excinfo)) == ("wrong_course", {"enrolment": [
        "Li Wei is enrolled in another course, not in the course of this session."]})
    assert Attendance.objects.count() == 0
    assert Session.objects.get(pk=course_setup.first.pk).status == "planned"


def test_no_attendance_for_a_future_or_cancelled_session(course_setup, cast):
    s = course_setup
    with pytest.raises(ValidationFailed) as excinfo:
        services.attendance_record(by=cast.coordinator, session=s.future, entries=[(s.clinician, True)])
    assert fields_of(excinfo) == {"session": ["This session has not started yet; record attendance once it has begun."]}
    services.session_update(by=cast.coordinator, session=s.second, data={"status": "cancelled"})
    with pytest.raises(ValidationFailed) as excinfo:
        services.attendance_record(by=cast.coordinator, session=s.second, entries=[(s.clinician, True)])
    assert fields_of(excinfo) == {"session": ["This session was cancelled; it has no attendance."]}


def test_participants_cannot_record_attendance(course_setup, cast):
    with pytest.raises(PermissionDenied):
        services.attendance_record(by=cast.clinician_a, session=course_setup.first,
                                   entries=[(course_setup.clinician, True)])
    assert Attendance.objects.count() == 0


# ---------------------------------------------------------------- assessment, completion, certificates


def test_the_pass_mark_decides_and_a_contradiction_is_refused(course_setup, cast):
    enrolment = services.enrolment_assess(by=cast.coordinator, enrolment=course_setup.clinician, score=Decimal("72.5"),
                                          on=date(2024, 3, 20))
    assert (enrolment.score, enrolment.passed, enrolment.assessed_on) == (Decimal("72.5"), True, date(2024, 3, 20))
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_assess(by=cast.coordinator, enrolment=course_setup.doctor, score=40, passed=True)
    assert fields_of(excinfo) == {"passed": ["With a pass mark of 60.0, a score of 40 does not give that result."]}
    for bad in (-1, 101, "many"):
        with pytest.raises(ValidationFailed) as excinfo:
            services.enrolment_assess(by=cast.coordinator, enrolment=course_setup.doctor, score=bad)
        assert list(fields_of(excinfo)) == ["score"]
    assert Enrolment.objects.get(pk=course_setup.doctor.pk).score is None


def test_without_a_pass_mark_the_result_must_be_said(course_setup, cast):
    services.course_update(by=cast.coordinator, course=course_setup.course, data={"pass_mark": None})
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_assess(by=cast.coordinator, enrolment=course_setup.doctor, score=50)
    assert fields_of(excinfo) == {"passed": ["Say whether the participant passed: this course has no pass mark."]}
    assert services.enrolment_assess(by=cast.coordinator, enrolment=course_setup.doctor, score=50,
                                     passed=True).passed is True


def test_completion_needs_attendance_and_a_pass(course_setup, cast):
    s = course_setup
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician)
    assert fields_of(excinfo) == {"attendance": ["The participant has not attended any session yet."]}
    services.attendance_record(by=cast.coordinator, session=s.first, entries=[(s.clinician, True)])
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician)
    assert fields_of(excinfo) == {"passed": ["The participant has not passed the assessment."]}
    services.enrolment_assess(by=cast.coordinator, enrolment=s.clinician, score=80)
    done = services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician, on=date(2024, 3, 20))
    assert (done.status, done.completed_on) == ("completed", date(2024, 3, 20))
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_complete(by=cast.coordinator, enrolment=s.clinician)
    assert fields_of(excinfo) == {"status": ["This enrolment is already completed."]}
    with pytest.raises(ValidationFailed) as excinfo:
        services.enrolment_withdraw(by=cast.coordinator, enrolment=s.clinician)
    assert fields_of(excinfo) == {"status": ["A completed enrolment cannot be withdrawn."]}


def complete(setup, cast, enrolment):
    services.attendance_record(by=cast.coordinator, session=setup.first, entries=[(enrolment, True)])
    services.enrolment_assess(by=cast.coordinator, enrolment=enrolment, score=90)
    return services.enrolment_complete(by=cast.coordinator, enrolment=enrolment, on=date(2024, 3, 20))


def test_a_certificate_is_issued_once_with_a_code_and_the_course_validity(course_setup, cast):
    enrolment = complete(course_setup, cast, course_setup.doctor)
    certificate = certificates.certificate_issue(by=cast.coordinator, enrolment=enrolment,
                                                 issued_on=date(2024, 3, 21))
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert (certificate.holder_name, certificate.course_title, certificate.issued_on, certificate.valid_until) == (
        "王建华 (Wang Jianhua)", "Infection control in district hospitals", date(2024, 3, 21), date(2026, 3, 21))
    assert len(certificate.code) == 12
    with pytest.raises(ValidationFailed) as excinfo:
        certificates.certificate_issue(by=cast.coordinator, enrolment=enrolment)
    assert fields_of(excinfo) == {"enrolment": [
        "This participant already holds a valid certificate for this course; revoke it before issuing another."]}
    certificates.certificate_revoke(by=cast.coordinator, certificate=certificate, reason="Issued to the wrong name.")
    again = certificates.certificate_issue(by=cast.coordinator, enrolment=enrolment, issued_on=date(2024, 3, 22))
    assert again.code != certificate.code
    assert Certificate.objects.filter(enrolment=enrolment).count() == 2


def test_certificates_need_a_completed_enrolment_and_a_sensible_validity(course_setup, cast):
    with pytest.raises(ValidationFailed) as excinfo:
        certificates.certificate_issue(by=cast.coordinator, enrolment=course_setup.doctor)
    assert fields_of(excinfo) == {"enrolment": ["Only a completed enrolment can receive a certificate."]}
    enrolment = complete(course_setup, cast, course_setup.doctor)
    with pytest.raises(ValidationFailed) as excinfo:
        certificates.certificate_issue(by=cast.coordinator, enrolment=enrolment, issued_on=date(2024, 3, 21),
                                       valid_until=date(2024, 3, 1))
    assert (excinfo.value.code, fields_of(excinfo)) == (
        "end_before_start", {"valid_until": ["The certificate would expire before it is issued."]})
    assert Certificate.objects.count() == 0


def test_revoking_needs_a_reason_and_a_manager(course_setup, cast):
    enrolment = complete(course_setup, cast, course_setup.clinician)
    certificate = certificates.certificate_issue(by=cast.coordinator, enrolment=enrolment)
    with pytest.raises(PermissionDenied):
        certificates.certificate_revoke(by=cast.clinician_a, certificate=certificate, reason="mine")
    with pytest.raises(ValidationFailed) as excinfo:
        certificates.certificate_revoke(by=cast.coordinator, certificate=certificate, reason=" ")
    assert fields_of(excinfo) == {"reason": ["Say why the certificate is revoked."]}
    certificates.certificate_revoke(by=cast.coordinator, certificate=certificate, reason="Exam irregularity.")
    with pytest.raises(ValidationFailed) as excinfo:
        certificates.certificate_revoke(by=cast.coordinator, certificate=certificate, reason="Again.")
    assert fields_of(excinfo) == {"certificate": ["This certificate is already revoked."]}


def test_verification_tells_only_name_course_date_and_validity(course_setup, cast, django_assert_num_queries):
    enrolment = complete(course_setup, cast, course_setup.clinician)
    certificate = certificates.certificate_issue(by=cast.coordinator, enrolment=enrolment,
                                                 issued_on=date(2024, 3, 21))
    typed = certificates.codes.display(certificate.code).lower()
    with django_assert_num_queries(1):
        found = certificates.certificate_verify(code=typed, today=date(2025, 1, 1))
    assert (found.holder_name, found.course_title, found.issued_on, found.valid_until, found.state) == (
        "才让卓玛 (Cairang Zhuoma)", "Infection control in district hospitals", date(2024, 3, 21),
        date(2026, 3, 21), "valid")
    assert certificates.certificate_verify(code=certificate.code, today=date(2026, 3, 22)).state == "expired"
    with django_assert_num_queries(1):
        assert certificates.certificate_verify(code="2345-6789-ABCD") is None
    with django_assert_num_queries(0):
        assert certificates.certificate_verify(code="not a code") is None
    certificates.certificate_revoke(by=cast.coordinator, certificate=certificate, reason="Exam irregularity.")
    assert certificates.certificate_verify(code=certificate.code).state == "revoked"


def test_session_times_keep_the_zone_they_were_planned_in(course_setup):
    assert Session.objects.get(pk=course_setup.second.pk).time_zone == "Europe/Moscow"
    assert timezone.is_aware(Session.objects.get(pk=course_setup.second.pk).starts_at)
    assert course_setup.first.ends_at - course_setup.first.starts_at == timedelta(hours=2)


def test_a_specialty_is_kept(course_setup):
    assert course_setup.course.specialty == Specialty.objects.get(code="infectious_diseases")
