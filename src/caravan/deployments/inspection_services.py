"""Quality-control visits from the sending hospitals: findings, follow-up actions, closure."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed

from .models import Finding, FollowUp, Inspection, Programme
from .services import require_manager

A = audit.Action


def _record(by, action, obj, programme, changes):
    audit.record(actor=by, action=action, obj=obj, organisation=programme.receiving_organisation, changes=changes)


@transaction.atomic
def inspection_create(*, by, programme: Programme, facility, visited_on: date, inspectors: str,
                      department=None) -> Inspection:
    require_manager(by, programme)
    if visited_on is None:
        raise ValidationFailed.field("visited_on", _("Give the day of the visit."))
    if not inspectors.strip():
        raise ValidationFailed.field("inspectors", _("Name the inspectors."))
    inspection = Inspection.objects.create(programme=programme, facility=facility, department=department,
                                           visited_on=visited_on, inspectors=inspectors.strip())
    _record(by, A.CREATE, inspection, programme, {"visited_on": [None, visited_on.isoformat()]})
    return inspection


@transaction.atomic
def finding_add(*, by, inspection: Inspection, text: str, severity: str) -> Finding:
    require_manager(by, inspection.programme)
    if inspection.status == Inspection.Status.CLOSED:
        raise ValidationFailed.field("text", _("This inspection is closed."))
    if not text.strip():
        raise ValidationFailed.field("text", _("Describe the finding."))
    if severity not in Finding.Severity.values:
        raise ValidationFailed.field("severity", _("Choose a severity."))
    finding = Finding.objects.create(inspection=inspection, text=text.strip(), severity=severity)
    _record(by, A.CREATE, finding, inspection.programme, {"severity": [None, severity]})
    return finding


@transaction.atomic
def followup_add(*, by, finding: Finding, action: str, owner: str, due: date) -> FollowUp:
    require_manager(by, finding.inspection.programme)
    if not action.strip():
        raise ValidationFailed.field("action", _("Describe the action."))
    if not owner.strip():
        raise ValidationFailed.field("owner", _("Name who owns the action."))
    if due is None or due < finding.inspection.visited_on:
        raise ValidationFailed.field("due", _("The due date cannot be before the visit."))
    followup = FollowUp.objects.create(finding=finding, action=action.strip(), owner=owner.strip(), due=due)
    _record(by, A.CREATE, followup, finding.inspection.programme, {"owner": [None, followup.owner],
                                                                   "due": [None, due.isoformat()]})
    return followup


@transaction.atomic
def followup_done(*, by, followup: FollowUp, on: date) -> FollowUp:
    require_manager(by, followup.finding.inspection.programme)
    if on is None or on < followup.finding.inspection.visited_on:
        raise ValidationFailed.field("done_on", _("An action cannot be done before the visit."))
    followup.done_on = on
    followup.save(update_fields=["done_on"])
    _record(by, A.UPDATE, followup, followup.finding.inspection.programme, {"done_on": [None, on.isoformat()]})
    return followup


@transaction.atomic
def inspection_close(*, by, inspection: Inspection, on: date) -> Inspection:
    """Close a visit once every follow-up action is done."""
    require_manager(by, inspection.programme)
    if FollowUp.objects.filter(finding__inspection=inspection, done_on__isnull=True).exists():
        raise ValidationFailed.field("closed_on", _("Some follow-up actions are still open."))
    if on is None or on < inspection.visited_on:
        raise ValidationFailed.field("closed_on", _("An inspection cannot close before the visit."))
    inspection.status, inspection.closed_on = Inspection.Status.CLOSED, on
    inspection.save(update_fields=["status", "closed_on"])
    _record(by, A.UPDATE, inspection, inspection.programme, {"status": ["open", "closed"]})
    return inspection
