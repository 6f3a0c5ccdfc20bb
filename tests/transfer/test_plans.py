"""Transfer plans: phases, ordered techniques, prerequisites and equipment checked before scheduling."""

from datetime import date

import pytest

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.registry.models import Equipment, FacilityEquipment
from caravan.transfer import ledger, services
from caravan.transfer.models import Capability, PlanItem, PlanPhase, TransferPlan
from tests.helpers import audit_count

from .conftest import add_cases, ago, run

pytestmark = pytest.mark.django_db


def new_plan(cast, **extra) -> TransferPlan:
    data = {"title": "Liaocheng to Gangcha: critical care", "mentor": cast.liaocheng, "recipient": cast.gangcha,
            "targets": {1: date(2025, 6, 30), 2: date(2026, 6, 30)}, **extra}
    return services.plan_create(by=cast.coordinator, data=data)


def add(cast, plan, technique, phase, **extra):
    return services.plan_item_add(by=cast.coordinator, plan=plan, technique=technique, phase=phase, **extra)


def test_a_coordinator_of_either_side_starts_a_plan_with_three_phases(cast, techs):
    before = audit_count()
    plan = new_plan(cast, notes="Agreed in May.")
    assert (plan.title, plan.mentor_id, plan.recipient_id, plan.notes, plan.created_by_id) == (
        "Liaocheng to Gangcha: critical care", cast.liaocheng.pk, cast.gangcha.pk, "Agreed in May.", cast.coordinator.pk,
    )
    assert list(PlanPhase.objects.filter(plan=plan).values_list("number", "target_date")) == [
        (1, date(2025, 6, 30)), (2, date(2026, 6, 30)), (3, None),
    ]
    event = AuditEvent.objects.get(object_type="transfer.transferplan")
    assert (audit_count() - before, event.organisation_id) == (1, cast.gangcha_org.pk)
    assert event.changes == {
        "title": [None, "Liaocheng to Gangcha: critical care"], "mentor": [None, cast.liaocheng.pk],
        "recipient": [None, cast.gangcha.pk], "notes": [None, "Agreed in May."],
        "phase_1_target": [None, "2025-06-30"], "phase_2_target": [None, "2026-06-30"],
    }


@pytest.mark.parametrize(("changes", "fields"), [
    ({"mentor": "gangcha"}, {"recipient": ["The mentor and the recipient must be different facilities."]}),
    ({"title": ""}, {"title": ["This field cannot be blank."]}),
    ({"targets": {1: date(2026, 1, 1), 2: date(2025, 1, 1)}},
     {"phase_2_target": ["The target date of phase 2 is before that of phase 1."]}),
    ({"targets": {4: date(2026, 1, 1)}}, {"phase": ["Phase 4 does not exist; choose 1, 2 or 3."]}),
    ({"mentor": None}, {"mentor": ["Choose the mentor facility."]}),
])
def test_a_bad_plan_is_refused(cast, techs, changes, fields):
    if changes.get("mentor") == "gangcha":
        changes["mentor"] = cast.gangcha
    with pytest.raises(ValidationFailed) as caught:
        new_plan(cast, **changes)
    assert caught.value.fields == fields
    assert TransferPlan.objects.count() == 0


@pytest.mark.parametrize("who", ["clinician_a", "consultant_b", "analyst", "outsider"])
def test_only_coordinators_of_the_two_sides_start_plans(cast, techs, who):
    with pytest.raises(PermissionDenied):
        services.plan_create(by=getattr(cast, who), data={"title": "x", "mentor": cast.liaocheng,
                                                          "recipient": cast.gangcha})
    assert TransferPlan.objects.count() == 0


def test_scheduling_marks_the_technique_planned_at_the_recipient(cast, techs):
    plan = new_plan(cast)
    item = add(cast, plan, techs.epidural, 1, priority=2, mentors=[cast.doctor_b], note="With ultrasound")
    assert (item.phase, item.priority, item.note, list(item.mentors.all())) == (1, 2, "With ultrasound", [cast.doctor_b])
    capability = Capability.objects.get(facility=cast.gangcha, technique=techs.epidural)
    assert (capability.status, list(capability.events.values_list("status", "source"))) == (
        "planned", [("planned", "manual")],
    )
    assert AuditEvent.objects.filter(object_type="transfer.planitem", action="create").get().changes == {
        "technique": [None, techs.epidural.pk], "phase": [None, 1], "priority": [None, 2],
        "note": [None, "With ultrasound"], "mentors": [None, [cast.doctor_b.pk]], "trainees": [None, []],
    }


def test_ecmo_waits_for_ventilation_and_for_its_machine(cast, techs):
    plan = new_plan(cast)
    with pytest.raises(ValidationFailed) as caught:
        add(cast, plan, techs.ecmo, 1)
    assert caught.value.fields == {"phase": [
        "ECMO cannot be scheduled in phase 1 yet: first the recipient must be independent in Invasive mechanical "
        "ventilation, or an earlier phase of this plan must schedule it."
    ]}
    add(cast, plan, techs.ventilation, 1)
    with pytest.raises(ValidationFailed) as caught:
        add(cast, plan, techs.ecmo, 1)  # the same phase is not earlier
    assert caught.value.fields["phase"][0].startswith("ECMO cannot be scheduled in phase 1 yet")
    with pytest.raises(ValidationFailed) as caught:
        add(cast, plan, techs.ecmo, 2)
    assert caught.value.fields == {"technique": ["ECMO needs equipment the recipient does not have: ECMO machine."]}
    FacilityEquipment.objects.create(facility=cast.gangcha, equipment=Equipment.objects.get(code="ecmo"))
    add(cast, plan, techs.ecmo, 2)
    assert list(plan.items.values_list("technique__code", "phase")) == [("MV", 1), ("ECMO", 2)]


def test_a_prerequisite_the_recipient_already_does_alone_is_met(cast, techs):
    FacilityEquipment.objects.create(facility=cast.gangcha, equipment=Equipment.objects.get(code="ecmo"))
    add_cases(cast.gangcha, techs.ventilation, run(ago(30), 3))
    ledger.recompute([(cast.gangcha.pk, techs.ventilation.pk)])
    plan = new_plan(cast)
    add(cast, plan, techs.ecmo, 1)
    assert plan.items.count() == 1


def test_moving_or_removing_a_prerequisite_must_not_strand_what_needs_it(cast, techs):
    FacilityEquipment.objects.create(facility=cast.gangcha, equipment=Equipment.objects.get(code="ecmo"))
    plan = new_plan(cast)
    ventilation = add(cast, plan, techs.ventilation, 1)
    ecmo = add(cast, plan, techs.ecmo, 2)
    with pytest.raises(ValidationFailed) as caught:
        services.plan_item_update(by=cast.coordinator, item=ventilation, data={"phase": 2})
    assert caught.value.fields == {"phase": [
        "ECMO in this plan needs Invasive mechanical ventilation in an earlier phase than phase 2."
    ]}
    with pytest.raises(ValidationFailed) as caught:
        services.plan_item_update(by=cast.coordinator, item=ecmo, data={"phase": 1})
    assert caught.value.fields["phase"][0].startswith("ECMO cannot be scheduled in phase 1 yet")
    with pytest.raises(ValidationFailed) as caught:
        services.plan_item_remove(by=cast.coordinator, item=ventilation)
    assert caught.value.message == (
        "ECMO in this plan needs Invasive mechanical ventilation first; move or remove it before removing this "
        "technique."
    )
    services.plan_item_update(by=cast.coordinator, item=ecmo, data={"phase": 3, "priority": 2})
    services.plan_item_update(by=cast.coordinator, item=ventilation, data={"phase": 2})
    services.plan_item_remove(by=cast.coordinator, item=ecmo)
    services.plan_item_remove(by=cast.coordinator, item=ventilation)
    assert PlanItem.objects.count() == 0
    assert list(AuditEvent.objects.filter(object_type="transfer.planitem").order_by("pk")
                .values_list("action", flat=True)) == ["create", "create", "update", "update", "delete", "delete"]


@pytest.mark.parametrize(("phase", "priority", "fields"), [
    (4, 1, {"phase": ["Phase 4 does not exist; choose 1, 2 or 3."]}),
    (1, 0, {"priority": ["The priority is a whole number from 1 (most urgent)."]}),
])
def test_a_phase_or_priority_that_does_not_exist_is_refused(cast, techs, phase, priority, fields):
    plan = new_plan(cast)
    with pytest.raises(ValidationFailed) as caught:
        add(cast, plan, techs.epidural, phase, priority=priority)
    assert caught.value.fields == fields
    assert (PlanItem.objects.count(), Capability.objects.count()) == (0, 0)


def test_a_technique_twice_and_outside_trainees_are_refused(cast, techs):
    plan = new_plan(cast)
    add(cast, plan, techs.epidural, 1)
    with pytest.raises(ValidationFailed) as caught:
        add(cast, plan, techs.epidural, 2)
    assert caught.value.fields == {"technique": ["This technique is already in the plan."]}
    with pytest.raises(ValidationFailed) as caught:
        add(cast, plan, techs.cataract, 1, trainees=[cast.doctor_b])
    assert caught.value.fields == {"trainees": ["Not staff of the recipient facility: Wang Jianhua."]}
    assert PlanItem.objects.count() == 1


@pytest.mark.parametrize("who", ["clinician_a", "consultant_b", "analyst", "outsider"])
def test_only_plan_owners_change_a_plan(cast, techs, who):
    plan = new_plan(cast)
    item = add(cast, plan, techs.epidural, 1)
    user = getattr(cast, who)
    before = audit_count()
    with pytest.raises(PermissionDenied):
        services.plan_update(by=user, plan=plan, data={"title": "Mine now"})
    with pytest.raises(PermissionDenied):
        services.plan_item_add(by=user, plan=plan, technique=techs.cataract, phase=1)
    with pytest.raises(PermissionDenied):
        services.plan_item_update(by=user, item=item, data={"phase": 2})
    with pytest.raises(PermissionDenied):
        services.plan_item_remove(by=user, item=item)
    assert (TransferPlan.objects.get().title, PlanItem.objects.get().phase, audit_count()) == (
        "Liaocheng to Gangcha: critical care", 1, before,
    )


def test_updating_a_plan_records_what_changed(cast, techs):
    plan = new_plan(cast)
    services.plan_update(by=cast.coordinator, plan=plan, data={"title": "Critical care", "targets": {3: date(2027, 1, 1)}})
    event = AuditEvent.objects.filter(object_type="transfer.transferplan", action="update").get()
    assert event.changes == {"title": ["Liaocheng to Gangcha: critical care", "Critical care"],
                             "phase_3_target": [None, "2027-01-01"]}
    services.plan_update(by=cast.coordinator, plan=plan, data={"title": "Critical care"})
    assert AuditEvent.objects.filter(object_type="transfer.transferplan", action="update").count() == 1
