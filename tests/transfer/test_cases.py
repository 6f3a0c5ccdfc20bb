"""Logging cases, the ledger that follows them, and the statuses coordinators set by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.transfer import ledger, services
from caravan.transfer.models import Capability, CapabilityEvent, CaseLog
from tests.helpers import audit_count

from .conftest import add_cases, ago, days, run

pytestmark = pytest.mark.django_db


def log(user, facility, technique, day, **extra):
    return services.case_log(by=user, facility=facility, technique=technique, performed_on=day, **extra)


def ledger_of(facility, technique):
    capability = Capability.objects.get(facility=facility, technique=technique)
    events = list(capability.events.order_by("on", "id").values_list("on", "status", "source", "reason"))
    return capability, events


def test_a_clinician_logs_a_case_at_their_facility_and_the_ledger_follows(cast, techs):
    before = audit_count()
    case = log(cast.clinician_a, cast.gangcha, techs.epidural, date(2024, 3, 1), performer="visiting",
               supervision="observed", visiting_practitioner=cast.doctor_b)
    assert (case.facility_id, case.technique_id, case.performer, case.supervision, case.outcome,
            case.visiting_practitioner_id, case.logged_by_id) == (
        cast.gangcha.pk, techs.epidural.pk, "visiting", "observed", "success", cast.doctor_b.pk, cast.clinician_a.pk,
    )
    event = AuditEvent.objects.get(pk__gt=0, object_type="transfer.caselog")
    assert (audit_count() - before, event.action, event.organisation_id, event.changes["performed_on"]) == (
        1, "create", cast.gangcha_org.pk, [None, "2024-03-01"],
    )
    capability, events = ledger_of(cast.gangcha, techs.epidural)
    assert (capability.status, capability.status_on, capability.cases, capability.visiting_help) == (
        "training", date(2024, 3, 1), 1, False,
    )
    assert events == [(date(2024, 3, 1), "training", "log", "first_observed")]


def test_the_third_successful_independent_case_makes_the_facility_independent(cast, techs):
    add_cases(cast.gangcha, techs.epidural, [ago(90)], performer="visiting", supervision="assisted")
    add_cases(cast.gangcha, techs.epidural, run(ago(60), 2))
    ledger.recompute([(cast.gangcha.pk, techs.epidural.pk)])
    assert Capability.objects.get(facility=cast.gangcha).status == "supervised"
    third = log(cast.clinician_a, cast.gangcha, techs.epidural, ago(30))
    capability, events = ledger_of(cast.gangcha, techs.epidural)
    assert (capability.status, capability.first_independent_on, capability.visiting_help, capability.cases) == (
        "independent", ago(30), True, 4,
    )
    assert events == [
        (ago(90), "training", "log", "first_observed"),
        (ago(60), "supervised", "log", "first_local"),
        (ago(30), "independent", "log", "independence"),
    ]
    evidence = capability.events.get(status="independent")
    assert (evidence.case_id, evidence.previous, evidence.details) == (
        third.pk, "supervised", {"cases": 3, "window_months": 24, "rate": 0.0},
    )


def test_deleting_a_case_takes_its_effect_off_the_ledger(cast, techs):
    for day in run(ago(10), 3):
        log(cast.clinician_a, cast.gangcha, techs.epidural, day)
    assert Capability.objects.get(facility=cast.gangcha).status == "independent"
    last = CaseLog.objects.order_by("-performed_on").first()
    services.case_delete(by=cast.clinician_a, case=last)
    capability, events = ledger_of(cast.gangcha, techs.epidural)
    assert (capability.status, capability.cases, capability.first_independent_on) == ("supervised", 2, None)
    assert events == [(ago(10), "supervised", "log", "first_local")]
    assert AuditEvent.objects.filter(object_type="transfer.caselog", action="delete").count() == 1
    for case in CaseLog.objects.all():
        services.case_delete(by=cast.clinician_a, case=case)
    assert Capability.objects.count() == 0


def test_logging_a_case_costs_a_fixed_number_of_queries(cast, techs, django_assert_num_queries):
    add_cases(cast.gangcha, techs.epidural, run(ago(40), 20), supervision="supervised")
    log(cast.clinician_a, cast.gangcha, techs.epidural, ago(5))  # loads the user's access
    # Savepoint, insert, audit; the ledger in its savepoint: cases, threshold, capability, per-year counts,
    # events, the year's count updated, the capability updated.
    with django_assert_num_queries(13):
        log(cast.clinician_a, cast.gangcha, techs.epidural, ago(4))
    # The third case alone makes the facility independent: its events from the log are rewritten (two more).
    with django_assert_num_queries(15):
        log(cast.clinician_a, cast.gangcha, techs.epidural, ago(3))
    assert Capability.objects.get().status == "independent"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"performed_on": timezone.localdate() + timedelta(days=2)}, "performed_on", "The date is in the future."),
    ({"performed_on": None}, "performed_on", "Enter a date."),
    ({"technique": None}, "technique", "Choose a technique from the catalogue."),
    ({"supervision": "remote"}, "supervision",
     "There is no supervision level “remote”; choose one of: observed, assisted, supervised, independent."),
    ({"outcome": "fine"}, "outcome", "There is no outcome “fine”; choose one of: success, complication, death."),
    ({"performer": "robot"}, "performer", "“robot” is not a kind of performer; choose one of: local, visiting."),
    ({"performer": "visiting", "supervision": "independent"}, "supervision",
     "A case performed by a visiting expert cannot be independent: choose observed, assisted or supervised."),
    ({"visiting_practitioner": "doctor_b"}, "visiting_practitioner",
     "Name a visiting expert only for a case a visiting expert performed."),
])
def test_bad_cases_are_refused_with_the_field_named(cast, techs, changes, field, message):
    data = {"technique": techs.epidural, "performed_on": date(2024, 1, 1), "performer": "local",
            "supervision": "independent", "outcome": "success", **changes}
    if data.get("visiting_practitioner") == "doctor_b":
        data["visiting_practitioner"] = cast.doctor_b
    before = audit_count()
    with pytest.raises(ValidationFailed) as caught:
        services.case_log(by=cast.clinician_a, facility=cast.gangcha, **data)
    assert caught.value.fields == {field: [message]}
    assert (CaseLog.objects.count(), Capability.objects.count(), audit_count()) == (0, 0, before)


@pytest.mark.parametrize("who", ["analyst", "consultant_b", "outsider"])
def test_only_the_facility_staff_log_its_cases(cast, techs, who):
    with pytest.raises(PermissionDenied):
        log(getattr(cast, who), cast.gangcha, techs.epidural, date(2024, 1, 1))
    assert CaseLog.objects.count() == 0


def test_a_coordinator_above_the_facility_logs_too_and_anonymous_cannot(cast, techs):
    from django.contrib.auth.models import AnonymousUser

    log(cast.coordinator, cast.gangcha, techs.epidural, date(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        log(AnonymousUser(), cast.gangcha, techs.epidural, date(2024, 1, 1))
    assert CaseLog.objects.count() == 1


def test_only_the_facility_staff_delete_a_case(cast, techs):
    case = log(cast.clinician_a, cast.gangcha, techs.epidural, date(2024, 1, 1))
    for user in (cast.analyst, cast.consultant_b, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.case_delete(by=user, case=case)
    assert CaseLog.objects.count() == 1


# ---------------------------------------------------------------- statuses set by hand


def test_a_coordinator_plans_then_starts_training(cast, techs):
    before = audit_count()
    capability = services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                                status="planned", on=date(2024, 1, 1), note="Phase 1 of the plan")
    assert (capability.status, capability.status_on) == ("planned", date(2024, 1, 1))
    services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                   status="training", on=date(2024, 2, 1))
    capability, events = ledger_of(cast.gangcha, techs.cataract)
    assert (capability.status, capability.status_on) == ("training", date(2024, 2, 1))
    assert events == [(date(2024, 1, 1), "planned", "manual", "manual"), (date(2024, 2, 1), "training", "manual", "manual")]
    assert list(capability.events.values_list("note", "by__username", "previous")) == [
        ("Phase 1 of the plan", "coordinator", ""), ("", "coordinator", "planned"),
    ]
    changes = list(AuditEvent.objects.filter(pk__gt=0, object_type="transfer.capability").order_by("pk")
                   .values_list("action", "changes"))
    assert audit_count() - before == 2
    assert changes == [
        ("create", {"status": [None, "planned"], "on": [None, "2024-01-01"], "note": [None, "Phase 1 of the plan"]}),
        ("update", {"status": ["planned", "training"], "on": [None, "2024-02-01"]}),
    ]
    # Cases logged later climb from there.
    log(cast.clinician_a, cast.gangcha, techs.cataract, date(2024, 3, 1), supervision="supervised")
    capability, events = ledger_of(cast.gangcha, techs.cataract)
    assert (capability.status, events[-1]) == ("supervised", (date(2024, 3, 1), "supervised", "log", "first_local"))


@pytest.mark.parametrize(("status", "message"), [
    ("independent", "Only planned and training are set by hand; supervised, independent and lapsed come from the case log."),
    ("lapsed", "Only planned and training are set by hand; supervised, independent and lapsed come from the case log."),
])
def test_statuses_from_the_log_cannot_be_set_by_hand(cast, techs, status, message):
    with pytest.raises(ValidationFailed) as caught:
        services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                       status=status)
    assert caught.value.fields == {"status": [message]}
    assert Capability.objects.count() == 0


def test_a_hand_set_status_never_moves_a_capability_down(cast, techs):
    log(cast.clinician_a, cast.gangcha, techs.cataract, ago(3), supervision="supervised")
    with pytest.raises(ValidationFailed) as caught:
        services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                       status="training")
    assert caught.value.fields == {"status": ["The facility is already at this step or further: Supervised."]}
    with pytest.raises(ValidationFailed) as caught:
        services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                       status="planned")
    assert caught.value.fields == {"status": ["The facility is already at this step or further: Supervised."]}
    assert CapabilityEvent.objects.filter(source="manual").count() == 0


def test_a_future_hand_set_date_is_refused(cast, techs):
    with pytest.raises(ValidationFailed) as caught:
        services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                       status="planned", on=timezone.localdate() + timedelta(days=1))
    assert caught.value.fields == {"on": ["The date is in the future."]}


@pytest.mark.parametrize("who", ["clinician_a", "analyst", "consultant_b", "outsider"])
def test_only_coordinators_set_statuses_by_hand(cast, techs, who):
    with pytest.raises(PermissionDenied):
        services.capability_set_status(by=getattr(cast, who), facility=cast.gangcha, technique=techs.cataract,
                                       status="planned")
    assert Capability.objects.count() == 0


def test_the_sweep_lapses_what_time_has_left_behind(cast, techs):
    add_cases(cast.gangcha, techs.epidural, days(2022, 1, 3))
    assert ledger.recompute_facility_sweep(as_of=date(2022, 6, 1)) == 1
    assert Capability.objects.get().status == "independent"
    assert ledger.recompute_facility_sweep(as_of=date(2022, 6, 1)) == 0
    assert ledger.recompute_facility_sweep(as_of=date(2023, 1, 3)) == 1
    capability = Capability.objects.get()
    assert (capability.status, capability.status_on, capability.first_independent_on) == (
        "lapsed", date(2023, 1, 3), date(2022, 1, 3),
    )


def test_the_recompute_command_sweeps_the_ledger(cast, techs):
    from io import StringIO

    from django.core.management import call_command

    add_cases(cast.gangcha, techs.epidural, run(ago(500), 3))
    out = StringIO()
    call_command("transfer_recompute", stdout=out)
    assert (out.getvalue(), Capability.objects.get().status) == ("1 capabilities changed.\n", "lapsed")
    call_command("transfer_recompute", "--facility", str(cast.sari.pk), stdout=out)
    assert out.getvalue().splitlines()[-1] == "0 capabilities changed."


def test_the_ledger_tasks_take_ids_and_are_idempotent(cast, techs):
    from caravan.transfer.tasks import ledger_recompute, ledger_sweep

    add_cases(cast.gangcha, techs.epidural, run(ago(30), 3))
    assert ledger_recompute.call([[cast.gangcha.pk, techs.epidural.pk]]) == 1
    assert ledger_recompute.call([[cast.gangcha.pk, techs.epidural.pk]]) == 0
    assert (ledger_sweep.call(), Capability.objects.get().status) == (0, "independent")
