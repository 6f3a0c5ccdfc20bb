"""Consultations answered, and answered within the response-time target, as agreements and indicators count them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from caravan.core import metrics
from caravan.teleconsult import services
from caravan.teleconsult.models import Case, ResponseTargets

from .conftest import open_case

pytestmark = pytest.mark.django_db
START = date(2024, 1, 1)


def answer(case):
    services.report_sign(by=case.assigned_to, case=case, findings="", impression="Read", recommendation="")


def opened_ago(case, minutes):
    """Move a case's opening back in time, keeping its target: as if it had waited `minutes` for its answer."""
    target = case.due_at - case.created_at
    created = timezone.now() - timedelta(minutes=minutes)
    Case.objects.filter(pk=case.pk).update(created_at=created, due_at=created + target)
    case.refresh_from_db()


def test_only_cases_answered_within_their_target_count(cast, tele):
    on_time = open_case(cast, tele, urgency="emergency")
    opened_ago(on_time, 14)  # 14 min for a 15 min target
    late = open_case(cast, tele, urgency="emergency")
    opened_ago(late, 16)
    slow_but_routine = open_case(cast, tele, urgency="routine")
    opened_ago(slow_but_routine, 47 * 60)  # 47 h for a 48 h target
    open_case(cast, tele, urgency="urgent")  # not answered: in neither count
    for case in (on_time, late, slow_but_routine):
        answer(case)
    today = timezone.localdate()
    ids = [tele.agreement.pk]
    assert metrics.totals("consultations_answered", agreement_ids=ids, start=START, end=today) == {ids[0]: 3.0}
    assert metrics.totals("consultations_answered_in_time", agreement_ids=ids, start=START, end=today) == {
        ids[0]: 2.0}
    activities = metrics.activities("consultations_answered_in_time", agreement_id=ids[0], start=START, end=today)
    assert sorted(a.label for a in activities) == sorted(
        [f"TC-{on_time.pk} · Cardiology", f"TC-{slow_but_routine.pk} · Cardiology"])


def test_the_agreements_own_targets_are_used(cast, tele):
    ResponseTargets.objects.create(agreement=tele.agreement, emergency_minutes=10)
    case = open_case(cast, tele, urgency="emergency")
    opened_ago(case, 12)  # within the default 15 min, not within this agreement's 10
    answer(case)
    today = timezone.localdate()
    assert metrics.totals("consultations_answered_in_time", agreement_ids=[tele.agreement.pk], start=START,
                          end=today) == {tele.agreement.pk: 0.0}
    assert metrics.totals("consultations_answered", agreement_ids=[tele.agreement.pk], start=START,
                          end=today) == {tele.agreement.pk: 1.0}


def test_an_answer_after_escalation_to_the_backup_still_counts_against_the_first_clock(cast, tele):
    case = open_case(cast, tele, urgency="emergency")
    opened_ago(case, 14)
    services.escalate(case_id=case.pk)
    case.refresh_from_db()
    opened_ago(case, 20)
    answer(case)
    today = timezone.localdate()
    assert metrics.totals("consultations_answered_in_time", agreement_ids=[tele.agreement.pk], start=START,
                          end=today) == {tele.agreement.pk: 0.0}


def test_the_period_is_the_day_of_the_answer(cast, tele):
    case = open_case(cast, tele, urgency="emergency")
    answer(case)
    today = timezone.localdate()
    ids = [tele.agreement.pk]
    assert metrics.totals("consultations_answered_in_time", agreement_ids=ids, start=today, end=today) == {
        ids[0]: 1.0}
    assert metrics.totals("consultations_answered_in_time", agreement_ids=ids, start=START,
                          end=today - timedelta(days=1)) == {ids[0]: 0.0}
