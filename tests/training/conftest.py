"""Training fixtures on top of the fixed cast.

`course`: an online course given by Haibei's health commission with Gangcha's
hospital taking part (the cast's `coordinator` and `admin_a` manage it), pass
mark 60, certificates valid 24 months. Two sessions in the past, one in the
future. `clinician_a` is enrolled with their own login; `doctor_b` (Liaocheng)
is enrolled from the registry.

`series`: a tele-mentoring series taught from Haibei First People's Hospital
(a facility of Haibei's commission) with Gangcha and Menyuan as spokes.
Menyuan has its own coordinator and clinician, who run only their site.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from caravan.core.models import Membership, Organisation, Profile
from caravan.core.roles import Role
from caravan.core.text import search_blob
from caravan.core.tree import tree_save_path
from caravan.registry.models import Facility, Specialty
from caravan.training import mentoring, services
from caravan.training.models import Course, Enrolment, MentoringSeries, MentoringSession, Session
from tests.conftest import PASSWORD


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class CourseSetup:
    course: Course
    first: Session  # 2024-03-05 07:00-09:00 UTC, Asia/Almaty
    second: Session  # 2024-03-12 07:00-09:00 UTC, Europe/Moscow
    future: Session  # 2099-01-10 06:00-08:00 UTC, Asia/Almaty
    clinician: Enrolment  # clinician_a, a named person at Gangcha with their login
    doctor: Enrolment  # doctor_b from the registry


@pytest.fixture
def course_setup(cast) -> CourseSetup:
    by = cast.coordinator
    course = services.course_create(by=by, data={
        "title": "Infection control in district hospitals", "title_local": "县级医院感染控制",
        "provider": cast.haibei, "partners": [cast.gangcha_org], "mode": "online", "language": "zh",
        "cme_credits": Decimal("4.0"), "pass_mark": Decimal("60"), "certificate_months": 24,
        "specialty": Specialty.objects.get(code="infectious_diseases"),
    })
    first = services.session_create(by=by, course=course, data={
        "title": "Hand hygiene", "starts_at": at(2024, 3, 5, 7), "ends_at": at(2024, 3, 5, 9),
        "time_zone": "Asia/Almaty"})
    second = services.session_create(by=by, course=course, data={
        "title": "Isolation rooms", "starts_at": at(2024, 3, 12, 7), "ends_at": at(2024, 3, 12, 9),
        "time_zone": "Europe/Moscow"})
    future = services.session_create(by=by, course=course, data={
        "title": "Outbreak drills", "starts_at": at(2099, 1, 10, 6), "ends_at": at(2099, 1, 10, 8),
        "time_zone": "Asia/Almaty"})
    clinician = services.enrolment_create(by=by, course=course, data={
        "name": "才让卓玛", "name_latin": "Cairang Zhuoma", "facility": cast.gangcha, "user": cast.clinician_a})
    doctor = services.enrolment_create(by=by, course=course, data={"practitioner": cast.doctor_b})
    return CourseSetup(course=course, first=first, second=second, future=future, clinician=clinician, doctor=doctor)


@dataclass
class SeriesSetup:
    series: MentoringSeries
    hub: Facility
    gangcha: Facility
    menyuan: Facility
    menyuan_org: Organisation
    menyuan_coordinator: object
    menyuan_clinician: object
    past: MentoringSession  # 2024-04-02 06:00-07:30 UTC
    future: MentoringSession  # 2099-04-02 06:00-07:30 UTC


def _member(username, org, role):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Profile.objects.create(user=user, display_name=username.replace("_", " ").title(), time_zone="Asia/Shanghai")
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def series_setup(cast) -> SeriesSetup:
    return make_series_setup(cast)


def make_series_setup(cast) -> SeriesSetup:
    """The tele-mentoring series of the module docstring (the browser tests build it too)."""
    menyuan_org = Organisation.objects.create(code="menyuan-cph", name="Menyuan County People's Hospital",
                                              kind=Organisation.Kind.HOSPITAL, parent=cast.haibei)
    tree_save_path(menyuan_org)
    menyuan_org.networks.add(cast.network)
    hub = Facility.objects.create(
        code="CN-HB-FPH", name="Haibei First People's Hospital", organisation=cast.haibei, region=cast.haibei_region,
        level=2, kind=Facility.Kind.GENERAL_HOSPITAL, search_text=search_blob("Haibei First People's Hospital"))
    menyuan = Facility.objects.create(
        code="CN-MY-01", name="Menyuan County People's Hospital", organisation=menyuan_org, region=cast.haibei_region,
        level=3, kind=Facility.Kind.GENERAL_HOSPITAL, search_text=search_blob("Menyuan County People's Hospital"))
    series = mentoring.series_create(by=cast.coordinator, data={
        "title": "Haibei tele-mentoring: emergency obstetrics", "hub": hub, "spokes": [cast.gangcha, menyuan],
        "language": "zh", "time_zone": "Asia/Shanghai",
    })
    past = mentoring.mentoring_session_create(by=cast.coordinator, series=series, data={
        "lecture_title": "Postpartum haemorrhage", "lecture_speaker": "Dr Sun", "starts_at": at(2024, 4, 2, 6),
        "ends_at": at(2024, 4, 2, 7, 30)})
    future = mentoring.mentoring_session_create(by=cast.coordinator, series=series, data={
        "lecture_title": "Pre-eclampsia", "starts_at": at(2099, 4, 2, 6), "ends_at": at(2099, 4, 2, 7, 30)})
    return SeriesSetup(
        series=series, hub=hub, gangcha=cast.gangcha, menyuan=menyuan, menyuan_org=menyuan_org,
        menyuan_coordinator=_member("menyuan_coordinator", menyuan_org, Role.COORDINATOR),
        menyuan_clinician=_member("menyuan_clinician", menyuan_org, Role.CLINICIAN),
        past=past, future=future,
    )
