"""Every write on aid programmes: batches, needs, the pool, accepting a proposal, postings.

Each service checks that the user manages the programme, validates, writes in
one transaction and records an audit event per row written. A refused input
raises ValidationFailed naming the field; nothing is half-saved.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.errors import PermissionDenied, ValidationFailed

from . import composer
from .models import Availability, Batch, Candidate, Extension, Need, Posting, Programme
from .scope import can_manage
from .vocab import ROLES

A = audit.Action


def require_manager(by, programme: Programme) -> None:
    if not can_manage(by, programme):
        raise PermissionDenied()


def _period_valid(start: date | None, end: date | None, field: str = "end") -> None:
    if start is None:
        raise ValidationFailed.field("start", _("Give a start date."))
    if end is None:
        raise ValidationFailed.field(field, _("Give an end date."))
    if end < start:
        raise ValidationFailed.field(field, _("The end date is before the start date."))


def _roles_valid(roles: list[str], field: str = "roles") -> list[str]:
    if not roles:
        raise ValidationFailed.field(field, _("Name at least one role."))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationFailed.field(field, _("Unknown role: %(role)s.") % {"role": ", ".join(unknown)})
    return list(roles)


def _record(by, action, obj, programme, changes=None):
    audit.record(actor=by, action=action, obj=obj, organisation=programme.receiving_organisation,
                 changes=changes or {})


@transaction.atomic
def batch_create(*, by, programme: Programme, number: int, start: date, end: date) -> Batch:
    """A new batch of the programme; its number is unique within the programme."""
    require_manager(by, programme)
    _period_valid(start, end)
    if number < 1:
        raise ValidationFailed.field("number", _("A batch number starts at 1."))
    if Batch.objects.filter(programme=programme, number=number).exists():
        raise ValidationFailed.field("number", _("This programme already has batch %(n)s.") % {"n": number})
    batch = Batch.objects.create(programme=programme, number=number, start=start, end=end)
    _record(by, A.CREATE, batch, programme, {"number": [None, number], "start": [None, start.isoformat()],
                                             "end": [None, end.isoformat()]})
    return batch


@transaction.atomic
def need_create(*, by, batch: Batch, facility, title: str, roles: list[str], kind: str = Need.Kind.SERVICE,
                department=None, qualification: str = "", priority: int = 3, language: str = "",
                critical: bool = False) -> Need:
    """A host's need for a batch: a service (roles needed together) or a post (one role, a qualification)."""
    programme = batch.programme
    require_manager(by, programme)
    if not title.strip():
        raise ValidationFailed.field("title", _("Give the need a title."))
    roles = _roles_valid(roles)
    if kind not in Need.Kind.values:
        raise ValidationFailed.field("kind", _("Choose a service or a post."))
    if kind == Need.Kind.POST and len(roles) != 1:
        raise ValidationFailed.field("roles", _("A post is held by one person: name exactly one role."))
    if kind == Need.Kind.POST and not qualification.strip():
        raise ValidationFailed.field("qualification", _("A post needs the qualification it requires."))
    if not 1 <= priority <= 5:
        raise ValidationFailed.field("priority", _("Priority goes from 1 (low) to 5 (high)."))
    if department is not None and department.facility_id != facility.pk:
        raise ValidationFailed.field("department", _("This department is not in the host facility."))
    need = Need.objects.create(batch=batch, facility=facility, department=department, kind=kind, title=title.strip(),
                               roles=roles, qualification=qualification.strip(), priority=priority,
                               language=language.strip(), critical=bool(critical))
    _record(by, A.CREATE, need, programme, {"title": [None, need.title], "roles": [None, roles],
                                            **({"critical": [None, True]} if critical else {})})
    return need


@transaction.atomic
def candidate_create(*, by, programme: Programme, practitioner, roles: list[str], city: str,
                     status: str = Candidate.Status.APPLIED, windows=()) -> Candidate:
    """A practitioner joins the programme's talent pool with the roles they can fill and when they can leave."""
    require_manager(by, programme)
    roles = _roles_valid(roles)
    if not city.strip():
        raise ValidationFailed.field("city", _("Give the sending city."))
    if status not in Candidate.Status.values:
        raise ValidationFailed.field("status", _("Unknown status."))
    for start, end in windows:
        _period_valid(start, end, "windows")
    if Candidate.objects.filter(programme=programme, practitioner=practitioner).exists():
        raise ValidationFailed.field("practitioner", _("This practitioner is already in the pool."))
    candidate = Candidate.objects.create(programme=programme, practitioner=practitioner, roles=roles,
                                         city=city.strip(), status=status)
    Availability.objects.bulk_create(Availability(candidate=candidate, start=s, end=e) for s, e in windows)
    _record(by, A.CREATE, candidate, programme, {"roles": [None, roles], "status": [None, status],
                                                 "windows": [None, [[s.isoformat(), e.isoformat()]
                                                                    for s, e in windows]]})
    return candidate


@transaction.atomic
def availability_add(*, by, candidate: Candidate, start: date, end: date) -> Availability:
    """A window in which the candidate can leave; it must not end before it starts."""
    require_manager(by, candidate.programme)
    _period_valid(start, end)
    window = Availability.objects.create(candidate=candidate, start=start, end=end)
    _record(by, A.CREATE, window, candidate.programme, {"start": [None, start.isoformat()],
                                                        "end": [None, end.isoformat()]})
    return window


@transaction.atomic
def candidate_set_status(*, by, candidate: Candidate, status: str) -> Candidate:
    """Applied → nominated (by the sending hospital) → approved (by the coordinator)."""
    require_manager(by, candidate.programme)
    if status not in Candidate.Status.values:
        raise ValidationFailed.field("status", _("Unknown status."))
    before = candidate.status
    candidate.status = status
    candidate.save(update_fields=["status"])
    _record(by, A.UPDATE, candidate, candidate.programme, {"status": [before, status]})
    return candidate


def alumni_refresh(*, programme: Programme) -> int:
    """Mark as alumni every candidate with an active or completed posting in the programme; returns how many."""
    served = Posting.objects.filter(batch__programme=programme,
                                    status__in=[Posting.Status.ACTIVE, Posting.Status.COMPLETED])
    ids = set(served.values_list("candidate_id", flat=True))
    Candidate.objects.filter(programme=programme, pk__in=ids, alumni=False).update(alumni=True)
    return len(ids)


@transaction.atomic
def proposal_accept(*, by, batch: Batch, proposal: composer.Proposal) -> list[Posting]:
    """Write an accepted proposal as proposed postings; an infeasible proposal is refused, never half-written."""
    programme = batch.programme
    require_manager(by, programme)
    if proposal.status not in ("optimal", "feasible") or not proposal.assignments:
        raise ValidationFailed.field("proposal", _("There is no team to accept: %(reason)s") % {
            "reason": proposal.reason or _("no need could be covered")})
    needs = {n.pk: n for n in Need.objects.filter(batch=batch)}
    candidates = {c.pk: c for c in Candidate.objects.filter(programme=programme)}
    taken = set(Posting.objects.filter(batch=batch).exclude(status=Posting.Status.WITHDRAWN)
                .values_list("candidate_id", flat=True))
    if taken & {a.person for a in proposal.assignments}:
        raise ValidationFailed.field("proposal", _("Some of these people are already posted in this batch."))
    postings = []
    for a in proposal.assignments:
        need = needs[a.need]
        postings.append(Posting(
            batch=batch, candidate=candidates[a.person], need=need, facility_id=need.facility_id, role=a.role,
            post=need.title if need.kind == Need.Kind.POST else "", start=batch.start, end=batch.end,
        ))
    Posting.objects.bulk_create(postings)
    for posting in postings:
        _record(by, A.CREATE, posting, programme, {"role": [None, posting.role], "need": [None, posting.need_id],
                                                   "status": [None, posting.status]})
    return postings


TRANSITIONS = {
    Posting.Status.PROPOSED: {Posting.Status.CONFIRMED, Posting.Status.WITHDRAWN},
    Posting.Status.CONFIRMED: {Posting.Status.ACTIVE, Posting.Status.WITHDRAWN},
    Posting.Status.ACTIVE: {Posting.Status.COMPLETED, Posting.Status.WITHDRAWN},
    Posting.Status.COMPLETED: set(),
    Posting.Status.WITHDRAWN: set(),
}


@transaction.atomic
def posting_transition(*, by, posting: Posting, status: str) -> Posting:
    """Proposed → confirmed → active → completed, or withdrawn before completion."""
    programme = posting.batch.programme
    require_manager(by, programme)
    if status not in TRANSITIONS.get(posting.status, set()):
        raise ValidationFailed.field("status", _("A %(now)s posting cannot become %(to)s.") % {
            "now": posting.get_status_display(), "to": Posting.Status(status).label
            if status in Posting.Status.values else status})
    before = posting.status
    posting.status = status
    posting.save(update_fields=["status"])
    _record(by, A.UPDATE, posting, programme, {"status": [before, status]})
    if status in (Posting.Status.ACTIVE, Posting.Status.COMPLETED):
        alumni_refresh(programme=programme)
    return posting


@transaction.atomic
def posting_extend(*, by, posting: Posting, new_end: date, reason: str) -> Extension:
    """A later end date with its reason; the posting keeps the history of its extensions."""
    programme = posting.batch.programme
    require_manager(by, programme)
    if posting.status in (Posting.Status.COMPLETED, Posting.Status.WITHDRAWN):
        raise ValidationFailed.field("new_end", _("A finished posting cannot be extended."))
    if new_end is None or new_end <= posting.end:
        raise ValidationFailed.field("new_end", _("The new end must be after the current end."))
    if not reason.strip():
        raise ValidationFailed.field("reason", _("Say why the posting is extended."))
    extension = Extension.objects.create(posting=posting, previous_end=posting.end, new_end=new_end,
                                         reason=reason.strip())
    before = posting.end
    posting.end = new_end
    posting.save(update_fields=["end"])
    _record(by, A.UPDATE, posting, programme, {"end": [before.isoformat(), new_end.isoformat()],
                                               "reason": [None, extension.reason]})
    return extension


@transaction.atomic
def posting_handover(*, by, posting: Posting, notes: str) -> Posting:
    """Handover notes for the next batch's member at the same host."""
    programme = posting.batch.programme
    require_manager(by, programme)
    if not notes.strip():
        raise ValidationFailed.field("handover_notes", _("Write the handover notes."))
    before = posting.handover_notes
    posting.handover_notes = notes.strip()
    posting.save(update_fields=["handover_notes"])
    _record(by, A.UPDATE, posting, programme, {"handover_notes": [before, posting.handover_notes]})
    return posting


@transaction.atomic
def candidate_set_roles(*, by, candidate: Candidate, roles: list[str]) -> Candidate:
    """The roles a candidate can fill, as the coordinator knows them now."""
    require_manager(by, candidate.programme)
    roles = _roles_valid(roles)
    before = list(candidate.roles)
    candidate.roles = roles
    candidate.save(update_fields=["roles"])
    _record(by, A.UPDATE, candidate, candidate.programme, {"roles": [before, roles]})
    return candidate


@transaction.atomic
def availability_update(*, by, window: Availability, start: date, end: date) -> Availability:
    """Move a window in which the candidate can leave; it must still not end before it starts."""
    programme = window.candidate.programme
    require_manager(by, programme)
    _period_valid(start, end)
    before = (window.start.isoformat(), window.end.isoformat())
    window.start, window.end = start, end
    window.save(update_fields=["start", "end"])
    _record(by, A.UPDATE, window, programme, {"start": [before[0], start.isoformat()],
                                              "end": [before[1], end.isoformat()]})
    return window
