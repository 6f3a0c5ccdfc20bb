"""Writes to transfer plans: the plan and its phases, and its techniques with their prerequisites checked."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed
from caravan.registry.models import Facility, FacilityEquipment, Practitioner, Technique

from .. import rules, scope
from ..models import PHASES, Capability, CapabilityStatus, PlanItem, PlanPhase, TransferPlan
from .cases import capability_plan
from .common import access_of, assign, require, save, validate

PLAN_FIELDS = ["title", "mentor", "recipient", "notes", "agreement"]
ITEM_FIELDS = ["technique", "phase", "priority", "note"]


def _snapshot(plan: TransferPlan, targets: dict[int, object]) -> dict:
    snap = audit.snapshot(plan, PLAN_FIELDS)
    for number in PHASES:
        target = targets.get(number)
        snap[f"phase_{number}_target"] = target.isoformat() if target else None
    return snap


def _check_targets(targets: dict[int, object]) -> None:
    unknown = sorted(set(targets) - set(PHASES))
    if unknown:
        raise ValidationFailed.field("phase", _("Phase %(number)s does not exist; choose 1, 2 or 3.") % {
            "number": unknown[0]}, code="unknown_phase")
    previous = None
    for number in PHASES:
        target = targets.get(number)
        if target is None:
            continue
        if previous is not None and target < previous[1]:
            raise ValidationFailed.field(f"phase_{number}_target", _(
                "The target date of phase %(number)s is before that of phase %(earlier)s."
            ) % {"number": number, "earlier": previous[0]}, code="targets_out_of_order")
        previous = (number, target)


@transaction.atomic
def plan_create(*, by, data: dict) -> TransferPlan:
    """Start a plan from a mentor facility to a recipient; the user coordinates one of the two sides.

    `data`: title, mentor, recipient, notes, agreement (optional) and
    `targets` {phase number: target date or None}. The three phases are made at once.
    """
    access = access_of(by)
    mentor, recipient = data.get("mentor"), data.get("recipient")
    if mentor is None:
        raise ValidationFailed.field("mentor", _("Choose the mentor facility."), code="required")
    if recipient is None:
        raise ValidationFailed.field("recipient", _("Choose the recipient facility."), code="required")
    require(scope.owns_plan_between(access, mentor, recipient))
    if mentor.pk == recipient.pk:
        raise ValidationFailed.field("recipient", _("The mentor and the recipient must be different facilities."),
                                     code="same_facility")
    targets = data.get("targets") or {}
    _check_targets(targets)
    plan = TransferPlan(created_by=by)
    assign(plan, data, PLAN_FIELDS)
    validate(plan, exclude=["mentor", "recipient", "created_by", "agreement"])
    save(plan)
    PlanPhase.objects.bulk_create([PlanPhase(plan=plan, number=n, target_date=targets.get(n)) for n in PHASES])
    audit.record(actor=by, action=audit.Action.CREATE, obj=plan, organisation=recipient.organisation,
                 changes=audit.diff({}, _snapshot(plan, targets)))
    return plan


def _locked_plan(plan: TransferPlan) -> TransferPlan:
    return (
        TransferPlan.objects.select_for_update()
        .select_related("mentor__organisation", "recipient__organisation")
        .get(pk=plan.pk)
    )


def _require_owner(access, plan: TransferPlan) -> None:
    require(scope.owns_plan_between(access, plan.mentor, plan.recipient))


@transaction.atomic
def plan_update(*, by, plan: TransferPlan, data: dict) -> TransferPlan:
    """Change a plan's title, notes, agreement or phase targets (its two facilities stay as they are)."""
    access = access_of(by)
    plan = _locked_plan(plan)
    _require_owner(access, plan)
    phases = {p.number: p for p in plan.phases.all()}
    old_targets = {n: p.target_date for n, p in phases.items()}
    targets = {**old_targets, **(data.get("targets") or {})}
    _check_targets(targets)
    before = _snapshot(plan, old_targets)
    assign(plan, {k: v for k, v in data.items() if k in ("title", "notes", "agreement")}, PLAN_FIELDS)
    validate(plan, exclude=["mentor", "recipient", "created_by", "agreement"])
    save(plan)
    for number in PHASES:
        if targets.get(number) != old_targets.get(number):
            PlanPhase.objects.update_or_create(plan=plan, number=number, defaults={"target_date": targets.get(number)})
    changes = audit.diff(before, _snapshot(plan, targets))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=plan, organisation=plan.recipient.organisation,
                     changes=changes)
    return plan


# ---------------------------------------------------------------- items


def _check_schedule(plan: TransferPlan, technique: Technique, phase: int, *, exclude_item: int | None = None) -> None:
    prerequisites = {t.pk: t.name for t in technique.prerequisites.all()}
    equipment_needed = {e.pk: str(e.label) for e in technique.equipment_needed.all()}
    independent = set(
        Capability.objects.filter(
            facility=plan.recipient, technique_id__in=list(prerequisites), status=CapabilityStatus.INDEPENDENT
        ).values_list("technique_id", flat=True)
    ) if prerequisites else set()
    scheduled = dict(plan.items.exclude(pk=exclude_item).values_list("technique_id", "phase"))
    present = set(
        FacilityEquipment.objects.filter(
            facility=plan.recipient, equipment_id__in=list(equipment_needed), quantity__gte=1
        ).values_list("equipment_id", flat=True)
    ) if equipment_needed else set()
    for problem in rules.schedule_problems(
        phase=phase, prerequisites=prerequisites, independent=independent, scheduled=scheduled,
        equipment_needed=equipment_needed, equipment_present=present,
    ):
        names = ", ".join(problem.names)
        if problem.kind == "prerequisite":
            message = _(
                "%(technique)s cannot be scheduled in phase %(phase)s yet: first the recipient must be independent "
                "in %(missing)s, or an earlier phase of this plan must schedule it."
            ) % {"technique": technique.name, "phase": phase, "missing": names}
            raise ValidationFailed.field(problem.field, message, code="prerequisite_missing")
        message = _("%(technique)s needs equipment the recipient does not have: %(missing)s.") % {
            "technique": technique.name, "missing": names}
        raise ValidationFailed.field(problem.field, message, code="equipment_missing")


def _check_dependants(plan: TransferPlan, item: PlanItem, new_phase: int | None) -> None:
    """Moving a technique to a later phase (or out of the plan) must not strand what builds on it."""
    if Capability.objects.filter(facility=plan.recipient, technique=item.technique,
                                 status=CapabilityStatus.INDEPENDENT).exists():
        return
    dependants = plan.items.filter(technique__prerequisites=item.technique).select_related("technique")
    blocked = sorted(d.technique.name for d in dependants if new_phase is None or d.phase <= new_phase)
    if not blocked:
        return
    if new_phase is None:
        raise ValidationFailed(_(
            "%(names)s in this plan needs %(technique)s first; move or remove it before removing this technique."
        ) % {"names": ", ".join(blocked), "technique": item.technique.name}, code="needed_by_others")
    raise ValidationFailed.field("phase", _(
        "%(names)s in this plan needs %(technique)s in an earlier phase than phase %(phase)s."
    ) % {"names": ", ".join(blocked), "technique": item.technique.name, "phase": new_phase}, code="needed_by_others")


def _check_phase(phase) -> None:
    if phase not in PHASES:
        raise ValidationFailed.field("phase", _("Phase %(number)s does not exist; choose 1, 2 or 3.") % {
            "number": phase}, code="unknown_phase")


def _check_priority(priority) -> None:
    if not isinstance(priority, int) or priority < 1:
        raise ValidationFailed.field("priority", _("The priority is a whole number from 1 (most urgent)."),
                                     code="bad_priority")


def _check_trainees(recipient: Facility, trainees: list[Practitioner]) -> None:
    """Trainees are the recipient's own staff: its organisation's people or those appointed there."""
    if not trainees:
        return
    ids = {p.pk for p in trainees}
    local = set(
        Practitioner.objects.filter(pk__in=ids)
        .filter(Q(organisation__path__startswith=recipient.organisation.path) | Q(appointments__facility=recipient))
        .values_list("pk", flat=True)
    )
    outside = sorted(p.name_latin for p in trainees if p.pk not in local)
    if outside:
        raise ValidationFailed.field("trainees", _("Not staff of the recipient facility: %(names)s.") % {
            "names": ", ".join(outside)}, code="not_local")


def _item_snapshot(item: PlanItem, mentors, trainees) -> dict:
    snap = audit.snapshot(item, ITEM_FIELDS)
    snap["mentors"] = sorted(p.pk for p in mentors)
    snap["trainees"] = sorted(p.pk for p in trainees)
    return snap


@transaction.atomic
def plan_item_add(*, by, plan: TransferPlan, technique: Technique | None, phase: int, priority: int = 1,
                  mentors: list[Practitioner] = (), trainees: list[Practitioner] = (), note: str = "") -> PlanItem:
    """Schedule a technique in a phase of a plan; refused with the missing prerequisite or equipment named.

    The recipient's ledger gets the technique as planned when it has no status for it yet.
    """
    access = access_of(by)
    plan = _locked_plan(plan)
    _require_owner(access, plan)
    if technique is None:
        raise ValidationFailed.field("technique", _("Choose a technique from the catalogue."), code="required")
    _check_phase(phase)
    _check_priority(priority)
    if plan.items.filter(technique=technique).exists():
        raise ValidationFailed.field("technique", _("This technique is already in the plan."), code="duplicate")
    _check_schedule(plan, technique, phase)
    _check_trainees(plan.recipient, list(trainees))
    item = PlanItem(plan=plan, technique=technique, phase=phase, priority=priority, note=note)
    validate(item, exclude=["plan", "technique"])
    save(item)
    item.mentors.set(mentors)
    item.trainees.set(trainees)
    capability_plan(by=by, facility=plan.recipient, technique=technique, on=timezone.localdate())
    audit.record(actor=by, action=audit.Action.CREATE, obj=item, object_repr=f"{plan} · {technique}",
                 organisation=plan.recipient.organisation,
                 changes=audit.diff({}, _item_snapshot(item, mentors, trainees)))
    return item


def _locked_item(item: PlanItem) -> PlanItem:
    return PlanItem.objects.select_for_update().select_related("technique").get(pk=item.pk)


@transaction.atomic
def plan_item_update(*, by, item: PlanItem, data: dict) -> PlanItem:
    """Move a technique to another phase or priority, or change its mentors, trainees or note."""
    access = access_of(by)
    item = _locked_item(item)
    plan = _locked_plan(item.plan)
    _require_owner(access, plan)
    mentors = list(data["mentors"]) if "mentors" in data else list(item.mentors.all())
    trainees = list(data["trainees"]) if "trainees" in data else list(item.trainees.all())
    before = _item_snapshot(item, item.mentors.all(), item.trainees.all())
    phase = data.get("phase", item.phase)
    _check_phase(phase)
    _check_priority(data.get("priority", item.priority))
    if phase != item.phase:
        _check_schedule(plan, item.technique, phase, exclude_item=item.pk)
        if phase > item.phase:
            _check_dependants(plan, item, phase)
    _check_trainees(plan.recipient, trainees)
    assign(item, data, ["phase", "priority", "note"])
    validate(item, exclude=["plan", "technique"])
    save(item)
    if "mentors" in data:
        item.mentors.set(mentors)
    if "trainees" in data:
        item.trainees.set(trainees)
    changes = audit.diff(before, _item_snapshot(item, mentors, trainees))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=item, object_repr=f"{plan} · {item.technique}",
                     organisation=plan.recipient.organisation, changes=changes)
    return item


@transaction.atomic
def plan_item_remove(*, by, item: PlanItem) -> None:
    """Take a technique out of a plan, unless another technique of the plan still needs it first."""
    access = access_of(by)
    item = _locked_item(item)
    plan = _locked_plan(item.plan)
    _require_owner(access, plan)
    _check_dependants(plan, item, None)
    before = _item_snapshot(item, item.mentors.all(), item.trainees.all())
    audit.record(actor=by, action=audit.Action.DELETE, obj=item, object_repr=f"{plan} · {item.technique}",
                 organisation=plan.recipient.organisation, changes=audit.diff(before, dict.fromkeys(before)))
    item.delete()
