"""Deployments over HTTP at /api/v1/deployments/.

Each endpoint parses its schema, reaches rows through the scoped selectors (a
row the caller cannot see is a 404, an id in a body that the caller cannot see
is a 400 naming the field), calls one service and answers with a schema.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import NotFound, ValidationFailed
from caravan.registry.models import Department, Facility, Practitioner

from . import (
    call_services,
    composer,
    emergency_selectors,
    emergency_services,
    fetch,
    inspection_services,
    selectors,
    services,
)
from .messages import say
from .schemas import (
    AllocationOut,
    CallIn,
    CallOut,
    CandidateIn,
    CandidateOut,
    CandidateQuery,
    ComposeIn,
    DailyReportIn,
    DailyReportOut,
    DayIn,
    DecideIn,
    ExtendIn,
    FindingIn,
    FindingOut,
    FollowUpIn,
    FollowUpOut,
    InspectionIn,
    InspectionOut,
    NeedIn,
    NeedOut,
    NominateIn,
    NominationOut,
    PostingOut,
    ProgrammeDetailOut,
    ProgrammeOut,
    ProposalOut,
    StatusIn,
    TransitionIn,
)
from .scope import can_manage

router = Router(tags=["deployments"])


def _unknown(field: str, pk: int):
    return ValidationFailed.field(field, _("Unknown reference: %(id)s.") % {"id": pk}, code="unknown_reference")


@router.get("/programmes/", response=page_of(ProgrammeOut))
def programme_list(request, query: Query[PageQuery]):
    return paginate(selectors.programme_list_for_user(user=request.user), query)


@router.get("/programmes/{pk}", response=ProgrammeDetailOut)
def programme_detail(request, pk: int):
    return selectors.programme_get_for_user(user=request.user, pk=pk)


@router.get("/programmes/{pk}/candidates/", response=page_of(CandidateOut))
def candidate_list(request, pk: int, query: Query[CandidateQuery]):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    return paginate(selectors.candidates_of(programme=programme, status=query.status).prefetch_related(None), query)


@router.post("/programmes/{pk}/candidates/", response={201: CandidateOut})
def candidate_create(request, pk: int, payload: CandidateIn):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    services.require_manager(request.user, programme)
    practitioner = Practitioner.objects.filter(pk=payload.practitioner,
                                               organisation__path__startswith=programme.sending_organisation.path
                                               ).first()
    if practitioner is None:
        raise _unknown("practitioner", payload.practitioner)
    candidate = services.candidate_create(
        by=request.user, programme=programme, practitioner=practitioner, roles=payload.roles, city=payload.city,
        status=payload.status, windows=[(w.start, w.end) for w in payload.windows])
    return 201, candidate


@router.get("/batches/{pk}/needs/", response=list[NeedOut])
def need_list(request, pk: int):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    return list(selectors.needs_of(batch=batch))


@router.post("/batches/{pk}/needs/", response={201: NeedOut})
def need_create(request, pk: int, payload: NeedIn):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    services.require_manager(request.user, batch.programme)
    facility = Facility.objects.filter(
        pk=payload.facility, organisation__path__startswith=batch.programme.receiving_organisation.path).first()
    if facility is None:
        raise _unknown("facility", payload.facility)
    department = None
    if payload.department is not None:
        department = Department.objects.filter(pk=payload.department).first()
        if department is None:
            raise _unknown("department", payload.department)
    need = services.need_create(
        by=request.user, batch=batch, facility=facility, department=department, kind=payload.kind,
        title=payload.title, roles=payload.roles, qualification=payload.qualification, priority=payload.priority,
        language=payload.language, critical=payload.critical)
    return 201, need


def _proposal(request, pk: int, payload: ComposeIn):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    services.require_manager(request.user, batch.programme)
    _people, _needs, proposal = fetch.compose_batch(
        batch, pins=[composer.Pin(p) for p in payload.pins], exclusions=frozenset(payload.exclusions))
    return batch, proposal


def _proposal_out(proposal: composer.Proposal) -> dict:
    return {
        "status": proposal.status, "proved_optimal": proposal.proved_optimal, "gap": round(proposal.gap, 4),
        "covered_priority": proposal.covered_priority, "team": proposal.team(),
        "assignments": [{"need": a.need, "role": a.role, "person": a.person} for a in proposal.assignments],
        "uncovered": [{"need": k, "code": v.code, "reason": say(v)} for k, v in sorted(proposal.uncovered.items())],
        "reasons": [say(r) for r in proposal.reasons],
    }


@router.post("/batches/{pk}/compose", response=ProposalOut)
def compose(request, pk: int, payload: ComposeIn):
    """The best team for the batch's needs (nothing is written)."""
    _batch, proposal = _proposal(request, pk, payload)
    return _proposal_out(proposal)


@router.post("/batches/{pk}/accept", response={201: list[PostingOut]})
def accept(request, pk: int, payload: ComposeIn):
    """Compose with the same pins and exclusions and write the team as proposed postings."""
    batch, proposal = _proposal(request, pk, payload)
    return 201, services.proposal_accept(by=request.user, batch=batch, proposal=proposal)


@router.get("/postings/", response=page_of(PostingOut))
def posting_list(request, query: Query[PageQuery]):
    return paginate(selectors.posting_list_for_user(user=request.user), query)


@router.post("/postings/{pk}/transition", response=PostingOut)
def posting_transition(request, pk: int, payload: TransitionIn):
    posting = selectors.posting_get_for_user(user=request.user, pk=pk)
    return services.posting_transition(by=request.user, posting=posting, status=payload.status)


@router.post("/postings/{pk}/extend", response=PostingOut)
def posting_extend(request, pk: int, payload: ExtendIn):
    posting = selectors.posting_get_for_user(user=request.user, pk=pk)
    services.posting_extend(by=request.user, posting=posting, new_end=payload.new_end, reason=payload.reason)
    return posting


@router.post("/emergencies/{pk}/allocate", response=AllocationOut)
def emergency_allocate(request, pk: int):
    emergency = emergency_selectors.emergency_get_for_user(user=request.user, pk=pk)
    result = emergency_services.team_allocate(by=request.user, emergency=emergency)
    return {"status": result.status, "moves": result.moves, "counts": result.counts()}


@router.post("/emergencies/{pk}/reports", response={201: DailyReportOut})
def daily_report_create(request, pk: int, payload: DailyReportIn):
    emergency = emergency_selectors.emergency_get_for_user(user=request.user, pk=pk)
    affected = emergency.regions.filter(pk=payload.region).first()
    if affected is None:
        raise _unknown("region", payload.region)
    affected.emergency = emergency
    data = payload.dict()
    data.pop("region")
    return 201, emergency_services.daily_report_record(by=request.user, affected=affected, **data)


@router.post("/candidates/{pk}/status", response=CandidateOut)
def candidate_status(request, pk: int, payload: StatusIn):
    """Nominated by the sending hospital, approved by the coordinator: only approved candidates are composed."""
    candidate = selectors.candidate_get_for_user(user=request.user, pk=pk)
    return services.candidate_set_status(by=request.user, candidate=candidate, status=payload.status)


@router.post("/programmes/{pk}/inspections", response={201: InspectionOut})
def inspection_create(request, pk: int, payload: InspectionIn):
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    services.require_manager(request.user, programme)
    facility = Facility.objects.filter(
        pk=payload.facility, organisation__path__startswith=programme.receiving_organisation.path).first()
    if facility is None:
        raise _unknown("facility", payload.facility)
    return 201, inspection_services.inspection_create(by=request.user, programme=programme, facility=facility,
                                                      visited_on=payload.visited_on, inspectors=payload.inspectors)


@router.post("/inspections/{pk}/findings", response={201: FindingOut})
def finding_add(request, pk: int, payload: FindingIn):
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk)
    return 201, inspection_services.finding_add(by=request.user, inspection=inspection, text=payload.text,
                                                severity=payload.severity)


@router.post("/findings/{pk}/actions", response={201: FollowUpOut})
def followup_add(request, pk: int, payload: FollowUpIn):
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    return 201, inspection_services.followup_add(by=request.user, finding=finding, action=payload.action,
                                                 owner=payload.owner, due=payload.due)


@router.post("/actions/{pk}/done", response=FollowUpOut)
def followup_done(request, pk: int, payload: DayIn):
    followup = selectors.followup_get_for_user(user=request.user, pk=pk)
    return inspection_services.followup_done(by=request.user, followup=followup, on=payload.on)


@router.post("/inspections/{pk}/close", response=InspectionOut)
def inspection_close(request, pk: int, payload: DayIn):
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk)
    return inspection_services.inspection_close(by=request.user, inspection=inspection, on=payload.on)


# ---------------------------------------------------------------- the call for candidates


def _call_of(request, pk: int):
    """(batch, call, manager) for the programme's managers and the sending side's hospitals; no call is a 404."""
    batch = selectors.batch_for_call(user=request.user, pk=pk)
    call = selectors.call_of(batch=batch)
    if call is None:
        raise NotFound()
    return batch, call, can_manage(request.user, batch.programme)


@router.get("/batches/{pk}/call", response=CallOut)
def call_detail(request, pk: int):
    """The call with its nominations: all of them for a manager, a hospital's own for the hospital."""
    _batch, call, manager = _call_of(request, pk)
    call.nomination_rows = list(selectors.nominations_of(call=call, user=request.user, manager=manager))
    return call


@router.post("/batches/{pk}/call", response={201: CallOut})
def call_open(request, pk: int, payload: CallIn):
    batch = selectors.batch_for_call(user=request.user, pk=pk)
    return 201, call_services.call_open(by=request.user, batch=batch, opens_on=payload.opens_on,
                                        closes_on=payload.closes_on, notes=payload.notes)


@router.post("/batches/{pk}/call/nominations", response={201: NominationOut})
def nominate(request, pk: int, payload: NominateIn):
    _batch, call, manager = _call_of(request, pk)
    candidate = selectors.nominable_of(call=call, user=request.user, manager=manager).filter(
        pk=payload.candidate).first()
    if candidate is None:
        raise _unknown("candidate", payload.candidate)
    return 201, call_services.nomination_create(by=request.user, call=call, candidate=candidate,
                                                today=timezone.localdate())


@router.post("/batches/{pk}/call/nominations/{nomination}/decide", response=NominationOut)
def decide(request, pk: int, nomination: int, payload: DecideIn):
    _batch, call, _manager = _call_of(request, pk)
    row = selectors.nomination_of(call=call, pk=nomination)
    return call_services.nomination_decide(by=request.user, nomination=row, approve=payload.approve,
                                           reason=payload.reason, today=timezone.localdate())
