"""Writes to the case log and the hand-set statuses of the ledger."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed
from caravan.registry.models import Facility, Practitioner, Technique

from .. import ledger, scope
from ..models import Capability, CapabilityEvent, CapabilityStatus, CaseLog, Outcome, Performer, Supervision
from ..rules import RANK
from .common import access_of, check_choice, check_day, require

CASE_FIELDS = ["facility", "technique", "performed_on", "performer", "visiting_practitioner", "supervision", "outcome"]
HAND_SET = (CapabilityStatus.PLANNED, CapabilityStatus.TRAINING)


def check_case(*, technique, performed_on, performer, supervision, outcome, visiting_practitioner) -> None:
    """The rules a logged case keeps, whichever door it comes in by (form, API, import)."""
    if technique is None:
        raise ValidationFailed.field("technique", _("Choose a technique from the catalogue."), code="required")
    check_day(performed_on, "performed_on")
    check_choice(performer, Performer, "performer",
                 _("“%(value)s” is not a kind of performer; choose one of: %(choices)s."))
    check_choice(supervision, Supervision, "supervision",
                 _("There is no supervision level “%(value)s”; choose one of: %(choices)s."))
    check_choice(outcome, Outcome, "outcome", _("There is no outcome “%(value)s”; choose one of: %(choices)s."))
    if performer == Performer.VISITING and supervision == Supervision.INDEPENDENT:
        raise ValidationFailed.field("supervision", _(
            "A case performed by a visiting expert cannot be independent: choose observed, assisted or supervised."
        ), code="visiting_independent")
    if visiting_practitioner is not None and performer != Performer.VISITING:
        raise ValidationFailed.field("visiting_practitioner", _(
            "Name a visiting expert only for a case a visiting expert performed."
        ), code="not_visiting")


@transaction.atomic
def case_log(*, by, facility: Facility, technique: Technique | None, performed_on: date | None,
             performer: str = Performer.LOCAL, supervision: str = Supervision.INDEPENDENT,
             outcome: str = Outcome.SUCCESS, visiting_practitioner: Practitioner | None = None) -> CaseLog:
    """Log one case at a facility whose staff the user is, and bring that capability up to date at once.

    The ledger of this one facility × technique is recomputed in the same
    transaction (a few queries), so whoever logs the case sees its effect
    straight away; imports recompute in their background task instead.
    """
    access = access_of(by)
    require(scope.is_staff_of(access, facility))
    check_case(technique=technique, performed_on=performed_on, performer=performer, supervision=supervision,
               outcome=outcome, visiting_practitioner=visiting_practitioner)
    case = CaseLog.objects.create(
        facility=facility, technique=technique, performed_on=performed_on, performer=performer,
        visiting_practitioner=visiting_practitioner, supervision=supervision, outcome=outcome, logged_by=by,
    )
    audit.record(actor=by, action=audit.Action.CREATE, obj=case, organisation=facility.organisation,
                 changes=audit.diff({}, audit.snapshot(case, CASE_FIELDS)))
    ledger.recompute([(facility.pk, technique.pk)])
    return case


@transaction.atomic
def case_delete(*, by, case: CaseLog) -> None:
    """Remove a case logged by mistake (the facility's staff only); the ledger follows."""
    access = access_of(by)
    case = CaseLog.objects.select_for_update().select_related("facility__organisation").get(pk=case.pk)
    require(scope.is_staff_of(access, case.facility))
    pair = (case.facility_id, case.technique_id)
    before = audit.snapshot(case, CASE_FIELDS)
    audit.record(actor=by, action=audit.Action.DELETE, obj=case, organisation=case.facility.organisation,
                 changes=audit.diff(before, dict.fromkeys(before)))
    case.delete()
    ledger.recompute([pair])


def may_set_status(access, facility: Facility, technique: Technique) -> bool:
    """Coordinators of the facility, or owners of a plan that brings the technique to it."""
    if scope.edits_facility(access, facility):
        return True
    from ..models import PlanItem  # plans import this module

    return PlanItem.objects.filter(
        scope.owned_plans_q(access, prefix="plan__"), plan__recipient=facility, technique=technique
    ).exists()


@transaction.atomic
def capability_set_status(*, by, facility: Facility, technique: Technique, status: str, on: date | None = None,
                          note: str = "") -> Capability:
    """Set a facility's planned or training status by hand; the other statuses come from the case log.

    Refused when the capability already stands at that step or higher.
    """
    access = access_of(by)
    require(may_set_status(access, facility, technique))
    on = on or timezone.localdate()
    if status not in HAND_SET:
        raise ValidationFailed.field("status", _(
            "Only planned and training are set by hand; supervised, independent and lapsed come from the case log."
        ), code="not_hand_set")
    check_day(on, "on")
    capability = (
        Capability.objects.select_for_update().filter(facility=facility, technique=technique).first()
    )
    before = capability.status if capability else None
    if capability is not None and capability.status != CapabilityStatus.LAPSED and RANK[capability.status] >= RANK[status]:
        raise ValidationFailed.field("status", _("The facility is already at this step or further: %(status)s.") % {
            "status": capability.get_status_display()}, code="already_there")
    return _hand_set(by=by, facility=facility, technique=technique, capability=capability, status=status, on=on,
                     note=note, before=before)


def _hand_set(*, by, facility, technique, capability, status, on, note, before) -> Capability:
    if capability is None:
        capability = Capability.objects.create(facility=facility, technique=technique, status=status, status_on=on)
    CapabilityEvent.objects.create(
        capability=capability, on=on, status=status, previous=before or "", source=CapabilityEvent.Source.MANUAL,
        reason="manual", note=note, by=by,
    )
    ledger.recompute([(facility.pk, technique.pk)])
    capability.refresh_from_db()
    audit.record(
        actor=by, action=audit.Action.CREATE if before is None else audit.Action.UPDATE, obj=capability,
        object_repr=f"{facility} · {technique}", organisation=facility.organisation,
        changes={"status": [before, capability.status], "on": [None, on.isoformat()], **({"note": [None, note]} if note else {})},
    )
    return capability


def capability_plan(*, by, facility: Facility, technique: Technique, on: date) -> Capability | None:
    """Mark a technique planned at a facility when a plan schedules it, unless the facility already has a status."""
    capability = Capability.objects.select_for_update().filter(facility=facility, technique=technique).first()
    if capability is not None:
        return None
    return _hand_set(by=by, facility=facility, technique=technique, capability=None, status=CapabilityStatus.PLANNED,
                     on=on, note="", before=None)
