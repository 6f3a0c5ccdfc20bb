"""The training demo: what it holds, that it cites the demo agreements, and that a second load changes nothing."""

from datetime import date

import pytest
from django.db import transaction

from caravan.core import metrics
from caravan.core.models import AuditEvent
from caravan.demo.loader import load_demo
from caravan.partnerships.models import Agreement
from caravan.training import selectors
from caravan.training.models import (
    CasePresentation,
    Certificate,
    Course,
    Enrolment,
    MentoringSeries,
    Session,
    SiteAttendance,
)

TRAINING_KINDS = {
    "course": 8, "session": 28, "enrolment": 51, "attendance sheet": 26, "assessment": 31, "completion": 28,
    "certificate": 16, "tele-mentoring series": 1, "tele-mentoring session": 6, "case presentation": 7,
    "case approval": 6, "head count": 19,
}


@pytest.fixture(scope="module")
def demo_load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_load, db):
    return demo_load


def test_the_first_load_writes_the_training_through_the_services(demo):
    assert {k: demo.created[k] for k in TRAINING_KINDS} == TRAINING_KINDS
    # Each of those writes is one service call and one audit event.
    training_events = AuditEvent.objects.filter(object_type__startswith="training.").count()
    assert training_events == sum(TRAINING_KINDS.values()) == 227
    assert (Course.objects.count(), Session.objects.count(), Enrolment.objects.count(),
            Certificate.objects.count()) == (8, 28, 51, 16)


def test_a_second_load_changes_nothing(demo):
    before = AuditEvent.objects.count()
    again = load_demo()
    assert (again.audit_events, dict(again.created), dict(again.updated)) == (0, {}, {})
    assert AuditEvent.objects.count() == before


def test_courses_cite_the_demo_agreements(demo):
    cited = dict(Course.objects.values_list("title", "agreement__code"))
    assert cited == {
        "Online seminars on COVID-19 for infectious-disease doctors": "RU-KZ-EMT-2020",
        "Online seminars on COVID-19 surveillance for epidemiologists": "RU-KZ-EMT-2020",
        "Laparoscopic surgery on simulators": "SG-MN-KZ",
        "Endoscopic diagnosis of early gastric cancer on simulators": "SG-MN-KZ",
        "Online tumour board for Ulaanbaatar and Astana": "SG-MN-KZ",
        "Epidural labour analgesia for district anaesthetists": "LC-BV2-BV3-2021",
        "Mechanical ventilation and intensive care": "LC-BV1-BV4-2021",
        "Emergency medicine for regional hospitals": "LC-SUPPORT-2020",
    }
    assert MentoringSeries.objects.get().agreement.code == "SD-HB-2018"


def test_the_russian_seminars_count_toward_the_emergency_agreement_in_2020(demo):
    agreement = Agreement.objects.get(code="RU-KZ-EMT-2020")
    year = {"start": date(2020, 1, 1), "end": date(2020, 12, 31)}
    assert metrics.totals("courses_held", agreement_ids=[agreement.pk], **year) == {agreement.pk: 2.0}
    assert metrics.totals("people_trained", agreement_ids=[agreement.pk], **year) == {agreement.pk: 17.0}


def test_seminar_times_are_in_moscow_and_astana(demo):
    zones_used = set(Session.objects.filter(course__provider__code="ru-crie").values_list("time_zone", flat=True))
    assert zones_used == {"Europe/Moscow", "Asia/Almaty"}
    first = Session.objects.get(title="COVID-19: clinical picture and diagnosis")
    rows = selectors.session_rows([first], viewer="Asia/Almaty")
    times = rows[0].times
    assert (str(times.session.start), times.session.zone, str(times.viewer.start), times.viewer.zone) == (
        "10:00:00", "Europe/Moscow", "13:00:00", "Asia/Almaty")


def test_the_haibei_series_has_its_four_spokes_cases_and_head_counts(demo):
    series = MentoringSeries.objects.get()
    assert (series.hub.code, sorted(series.spokes.values_list("facility__code", flat=True))) == (
        "CN-QH-HB-FPH", ["CN-QH-HB-GCCPH", "CN-QH-HB-HYCPH", "CN-QH-HB-MYCPH", "CN-QH-HB-QLCPH"])
    statuses = sorted(CasePresentation.objects.values_list("status", flat=True))
    assert statuses == ["approved"] * 6 + ["submitted"]
    assert CasePresentation.objects.filter(site__code="CN-QH-HB-GCCPH").first().submitted_by.username == (
        "haibei.clinician")
    assert SiteAttendance.objects.count() == 19


def test_participants_with_a_login_see_their_own_certificates(demo):
    from django.contrib.auth import get_user_model

    nurlan = get_user_model().objects.get(username="emergency.clinician")
    [enrolment] = selectors.my_enrolments(user=nurlan)
    assert (enrolment.name_latin, enrolment.status, len(enrolment.live_certificates)) == (
        "Nurlan Zhandosuly Abenov", "completed", 1)
