"""A batch's call for candidates: the coordinator opens it, the sending hospitals nominate, the coordinator decides.

A nomination moves its candidate in the pool: nominated while it waits, approved (and so composed) when the
coordinator approves, back to applied when declined, with the reason kept on the nomination.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.errors import PermissionDenied, ValidationFailed

from .models import Batch, Call, Candidate, Nomination
from .scope import can_manage, can_nominate
from .services import require_manager

A = audit.Action


def _record(by, action, obj, programme, changes):
    audit.record(actor=by, action=action, obj=obj, organisation=programme.receiving_organisation, changes=changes)


@transaction.atomic
def call_open(*, by, batch: Batch, opens_on: date, closes_on: date, notes: str = "") -> Call:
    programme = batch.programme
    require_manager(by, programme)
    if opens_on is None:
        raise ValidationFailed.field("opens_on", _("Give the day the call opens."))
    if closes_on is None:
        raise ValidationFailed.field("closes_on", _("Give the day the call closes."))
    if closes_on < opens_on:
        raise ValidationFailed.field("closes_on", _("The call cannot close before it opens."))
    if closes_on > batch.start:
        raise ValidationFailed.field("closes_on", _("The call must close by the start of the rotation."))
    if Call.objects.filter(batch=batch).exists():
        raise ValidationFailed.field("opens_on", _("This batch already has a call for candidates."))
    call = Call.objects.create(batch=batch, opens_on=opens_on, closes_on=closes_on, notes=notes.strip())
    _record(by, A.CREATE, call, programme, {"opens_on": [None, opens_on.isoformat()],
                                            "closes_on": [None, closes_on.isoformat()]})
    return call


@transaction.atomic
def nomination_create(*, by, call: Call, candidate: Candidate, today: date) -> Nomination:
    """A sending hospital (or the coordinator) puts one of its practitioners forward while the call is open."""
    programme = call.batch.programme
    if not can_nominate(by, programme, candidate.practitioner.organisation):
        raise PermissionDenied()
    if candidate.programme_id != programme.pk:
        raise ValidationFailed.field("candidate", _("This candidate is not in the programme's pool."))
    if not call.is_open(today):
        raise ValidationFailed.field("candidate", _("The call is not open today."))
    if Nomination.objects.filter(call=call, candidate=candidate).exists():
        raise ValidationFailed.field("candidate", _("This candidate is already nominated under this call."))
    nomination = Nomination.objects.create(call=call, candidate=candidate, nominated_on=today)
    changes = {"candidate": [None, candidate.pk]}
    if candidate.status == Candidate.Status.APPLIED:
        candidate.status = Candidate.Status.NOMINATED
        candidate.save(update_fields=["status"])
        changes["status"] = [Candidate.Status.APPLIED, Candidate.Status.NOMINATED]
    _record(by, A.CREATE, nomination, programme, changes)
    return nomination


@transaction.atomic
def nomination_decide(*, by, nomination: Nomination, approve: bool, reason: str, today: date) -> Nomination:
    """The coordinator approves (the candidate can now be composed) or declines, and a decline says why."""
    programme = nomination.call.batch.programme
    if not can_manage(by, programme):
        raise PermissionDenied()
    if nomination.status != Nomination.Status.PENDING:
        raise ValidationFailed.field("reason", _("This nomination is already decided."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationFailed.field("reason", _("Say why the nomination is declined."))
    candidate = nomination.candidate
    before = candidate.status
    nomination.status = Nomination.Status.APPROVED if approve else Nomination.Status.DECLINED
    nomination.reason, nomination.decided_on = reason, today
    nomination.save(update_fields=["status", "reason", "decided_on"])
    candidate.status = Candidate.Status.APPROVED if approve else Candidate.Status.APPLIED
    candidate.save(update_fields=["status"])
    _record(by, A.UPDATE, nomination, programme, {"status": [Nomination.Status.PENDING, nomination.status],
                                                  "candidate_status": [before, candidate.status],
                                                  **({"reason": [None, reason]} if reason else {})})
    return nomination
