"""Agreements and visits over HTTP.

Every endpoint parses its schema, turns the ids it references into rows through
the selectors (an id the caller cannot see is a 400 naming the field), calls
one service or selector and answers with a schema. The agreement or visit in
the URL is a 404 whether it is missing or hidden; the services check who may
write.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import NotFound, ValidationFailed
from caravan.registry import selectors as registry_selectors

from . import (
    document_services,
    fetch,
    ics,
    notify,
    selectors,
    services,
    visit_calendar,
    visit_selectors,
    visit_services,
)
from .models import Agreement, Visit
from .schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementQuery,
    CommitmentIn,
    CommitmentOut,
    CommitmentPatch,
    CommitmentReportOut,
    DocumentOut,
    NetworkOut,
    NetworkQuery,
    NotificationOut,
    OutcomeIn,
    OutcomeOut,
    ParticipantIn,
    ParticipantOut,
    PartyOut,
    PartyPatch,
    ReadIn,
    RenewIn,
    StopIn,
    StopOut,
    TransitionIn,
    VisitDetailOut,
    VisitIn,
    VisitOut,
    VisitPatch,
    VisitQuery,
)

router = Router(tags=["agreements"])


# ---------------------------------------------------------------- references in request bodies


def _one(queryset, pk: int, field: str, message):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise ValidationFailed.field(field, message, code="unknown_reference")
    return row


def _organisation(user, pk: int, field: str):
    return _one(selectors.party_choices_for(user=user), pk, field, _("Unknown organisation: %(id)s.") % {"id": pk})


def _agreement_ref(user, pk: int | None, field: str):
    if pk is None:
        return None
    return _one(selectors.visible_agreements(user), pk, field, _("Unknown agreement: %(id)s.") % {"id": pk})


def _dump(payload, lists: tuple[str, ...]) -> dict:
    """The fields sent; items of the lists sent keep their defaults (exclude_unset would drop them)."""
    data = payload.model_dump(exclude_unset=True)
    for name in lists:
        if name in data:
            data[name] = [item.model_dump() for item in getattr(payload, name)]
    return data


def _agreement_data(user, payload) -> dict:
    data = _dump(payload, ("parties", "commitments"))
    if "parent" in data:
        data["parent"] = _agreement_ref(user, data["parent"], "parent")
    if "parties" in data:
        data["parties"] = [{**p, "organisation": _organisation(user, p["organisation"], "parties")}
                           for p in data["parties"]]
    return data


# ---------------------------------------------------------------- shaping answers


def _health(health) -> dict:
    return {"dormant": health.dormant, "expiring": health.expiring, "behind": health.behind,
            "days_left": health.days_left}


def _scopes(agreement: Agreement) -> list[str]:
    return [s.area for s in fetch.prefetched(agreement, "scopes")]


def _row_out(row: selectors.AgreementRow) -> dict:
    a = row.agreement
    return {
        "id": a.pk, "code": a.code, "kind": a.kind, "kind_label": a.get_kind_display(), "title": a.title,
        "title_local": a.title_local, "status": a.status, "status_label": a.get_status_display(), "start": a.start,
        "end": a.end, "public": a.public, "parties": fetch.prefetched(a, "parties"), "scopes": _scopes(a),
        "health": _health(row.health), "progress": [{"commitment": c, "progress": p} for c, p in row.progress],
    }


def _ref(agreement: Agreement | None) -> dict | None:
    return None if agreement is None else {"id": agreement.pk, "code": agreement.code, "title": agreement.title}


def _document_out(document) -> dict:
    return {
        "id": document.pk, "language": document.language, "language_label": document.language_label,
        "title": document.title, "name": document.original_name, "content_type": document.content_type,
        "size": document.size, "sha256": document.sha256, "uploaded_at": document.uploaded_at,
        "url": reverse("api:agreement_document_file", args=[document.agreement_id, document.pk]),
    }


def _detail(user, pk: int) -> dict:
    agreement = selectors.agreement_get_for_user(user=user, pk=pk)
    row = selectors.agreement_rows([agreement], today=timezone.localdate())[0]
    try:
        successor = agreement.successor
    except Agreement.successor.RelatedObjectDoesNotExist:
        successor = None
    return {
        **_row_out(row), "summary": agreement.summary, "parent": _ref(agreement.parent),
        "predecessor": _ref(agreement.predecessor), "successor": _ref(successor), "signed_on": agreement.signed_on,
        "terminated_on": agreement.terminated_on, "termination_reason": agreement.termination_reason,
        "commitments": list(agreement.commitments.all()),
        "documents": [_document_out(d) for d in agreement.documents.all()],
    }


# ---------------------------------------------------------------- agreements


@router.get("/", response=page_of(AgreementOut), summary="Agreements you can see, with health and this period's progress")
def agreement_list(request, query: Query[AgreementQuery]):
    today = timezone.localdate()
    filters = selectors.AgreementFilters(
        q=query.q, status=query.status or "", kind=query.kind or "", scope=query.scope or "", country=query.country,
        organisation=query.organisation, expiring=query.expiring,
    )
    result = paginate(selectors.agreement_list_for_user(user=request.auth, filters=filters, today=today), query)
    result["items"] = [_row_out(r) for r in selectors.agreement_rows(result["items"], today=today)]
    return result


@router.post("/", response={201: AgreementDetailOut}, summary="Record a draft agreement with parties and commitments")
def agreement_create(request, payload: AgreementIn):
    agreement = services.agreement_create(by=request.auth, data=_agreement_data(request.auth, payload))
    return Status(201, _detail(request.auth, agreement.pk))


@router.get("/{int:agreement_id}", response=AgreementDetailOut, summary="One agreement")
def agreement_detail(request, agreement_id: int):
    return _detail(request.auth, agreement_id)


@router.patch("/{int:agreement_id}", response=AgreementDetailOut,
              summary="Change an agreement; parties, scopes and commitments sent replace the current ones")
def agreement_update(request, agreement_id: int, payload: AgreementPatch):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    services.agreement_update(by=request.auth, agreement=agreement, data=_agreement_data(request.auth, payload))
    return _detail(request.auth, agreement_id)


@router.post("/{int:agreement_id}/transition", response=AgreementDetailOut,
             summary="Sign, activate or terminate an agreement")
def agreement_transition(request, agreement_id: int, payload: TransitionIn):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    services.agreement_transition(by=request.auth, agreement=agreement, to=payload.to, signed_on=payload.signed_on,
                                  reason=payload.reason)
    return _detail(request.auth, agreement_id)


@router.delete("/{int:agreement_id}", response={204: None},
               summary="Delete a draft agreement (refused once signed, or while others cite it)")
def agreement_delete(request, agreement_id: int):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    services.agreement_delete(by=request.auth, agreement=agreement)
    return Status(204, None)


@router.post("/{int:agreement_id}/renew", response={201: AgreementDetailOut},
             summary="Renew: a draft successor with the same parties, scopes and commitments")
def agreement_renew(request, agreement_id: int, payload: RenewIn):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    successor = services.agreement_renew(by=request.auth, agreement=agreement, code=payload.code,
                                         start=payload.start, end=payload.end, title=payload.title)
    return Status(201, _detail(request.auth, successor.pk))


@router.patch("/{int:agreement_id}/parties/{int:party_id}", response=PartyOut,
              summary="Record a party's signatory and signature")
def party_update(request, agreement_id: int, party_id: int, payload: PartyPatch):
    party = selectors.party_get_for_user(user=request.auth, agreement_pk=agreement_id, pk=party_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    services.party_update(by=request.auth, party=party, data=data)
    return selectors.party_get_for_user(user=request.auth, agreement_pk=agreement_id, pk=party_id)


@router.get("/{int:agreement_id}/fulfilment", response=list[CommitmentReportOut],
            summary="Progress per commitment and period, and the activities behind one period")
def agreement_fulfilment(request, agreement_id: int, commitment: int | None = None, period: str = ""):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    reports = selectors.agreement_fulfilment(agreement=agreement, today=timezone.localdate(),
                                             commitment_id=commitment, period_key=period)
    return [
        {"commitment": r.commitment, "counted": r.provided, "periods": r.history,
         "selected_period": r.selected.key if r.selected else None, "activities": r.activities}
        for r in reports
    ]


# ---------------------------------------------------------------- commitments


@router.post("/{int:agreement_id}/commitments", response={201: CommitmentOut}, summary="Add a commitment")
def commitment_create(request, agreement_id: int, payload: CommitmentIn):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    return Status(201, services.commitment_add(by=request.auth, agreement=agreement, data=payload.model_dump()))


@router.patch("/{int:agreement_id}/commitments/{int:commitment_id}", response=CommitmentOut,
              summary="Change a commitment")
def commitment_update(request, agreement_id: int, commitment_id: int, payload: CommitmentPatch):
    commitment = selectors.commitment_get_for_user(user=request.auth, agreement_pk=agreement_id, pk=commitment_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.commitment_update(by=request.auth, commitment=commitment, data=data)


@router.delete("/{int:agreement_id}/commitments/{int:commitment_id}", response={204: None},
               summary="Remove a commitment")
def commitment_delete(request, agreement_id: int, commitment_id: int):
    commitment = selectors.commitment_get_for_user(user=request.auth, agreement_pk=agreement_id, pk=commitment_id)
    services.commitment_remove(by=request.auth, commitment=commitment)
    return Status(204, None)


# ---------------------------------------------------------------- documents


@router.post("/{int:agreement_id}/documents", response={201: DocumentOut},
             summary="Attach a signed text (PDF or image, multipart/form-data)")
def document_upload(request, agreement_id: int, language: Form[str], title: Form[str] = "",
                    file: File[UploadedFile] = None):
    agreement = selectors.agreement_get_for_user(user=request.auth, pk=agreement_id)
    document = document_services.document_add(by=request.auth, agreement=agreement, upload=file, language=language,
                                     title=title)
    return Status(201, _document_out(document))


@router.get("/{int:agreement_id}/documents/{int:document_id}/file", url_name="agreement_document_file",
            summary="The document's file", openapi_extra={"responses": {200: {"description": "The file."}}})
def document_file(request, agreement_id: int, document_id: int):
    document = selectors.document_get_for_user(user=request.auth, agreement_pk=agreement_id, pk=document_id)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            filename=document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/{int:agreement_id}/documents/{int:document_id}", response={204: None}, summary="Remove a document")
def document_delete(request, agreement_id: int, document_id: int):
    document = selectors.document_get_for_user(user=request.auth, agreement_pk=agreement_id, pk=document_id)
    document_services.document_remove(by=request.auth, document=document)
    return Status(204, None)


# ---------------------------------------------------------------- network and notifications


@router.get("/network", response=NetworkOut, summary="Organisations and the agreements between them")
def network(request, query: Query[NetworkQuery]):
    filters = selectors.AgreementFilters(status=query.status or "", scope=query.scope or "", country=query.country,
                                         region=query.region)
    graph = selectors.network_graph(user=request.auth, filters=filters)
    return {
        "agreements": graph.agreements, "nodes": graph.nodes,
        "edges": [{"source": e.source, "target": e.target, "count": e.count,
                   "agreements": [{"id": a.id, "code": a.code, "title": a.title, "status": a.status}
                                  for a in e.agreements]} for e in graph.edges],
    }


@router.get("/notifications", response=page_of(NotificationOut), summary="Your notifications, newest first")
def notification_list(request, query: Query[PageQuery]):
    def row(note):
        return {"id": note.pk, "kind": note.kind, "message": notify.message_for(note.kind, note.agreement)[1],
                "agreement": _ref(note.agreement), "created_at": note.created_at, "read_at": note.read_at}

    return paginate(selectors.notifications_for(user=request.auth), query, row=row)


@router.post("/notifications/read", response={200: dict}, summary="Mark your notifications as read")
def notifications_read(request, payload: ReadIn):
    return {"marked": services.notifications_mark_read(by=request.auth, ids=payload.ids)}


# ---------------------------------------------------------------- visits


def _aware(moment: datetime | None, zone: str) -> datetime | None:
    """A naive time is local to the visit's zone; an aware one is kept."""
    if moment is None or moment.tzinfo is not None:
        return moment
    try:
        return moment.replace(tzinfo=ZoneInfo(zone))
    except (KeyError, ValueError):
        return moment.replace(tzinfo=ZoneInfo("UTC"))


def _facility(user, pk: int | None, field: str):
    if pk is None:
        return None
    return _one(registry_selectors.facility_list_for_user(user=user), pk, field,
                _("Unknown facility: %(id)s.") % {"id": pk})


def _department(user, pk: int | None, field: str):
    if pk is None:
        return None
    try:
        return registry_selectors.department_get_for_user(user=user, pk=pk)
    except NotFound:
        raise ValidationFailed.field(field, _("Unknown department: %(id)s.") % {"id": pk},
                                     code="unknown_reference") from None


def _stop_data(user, stop: dict, zone: str) -> dict:
    return {**stop, "starts_at": _aware(stop.get("starts_at"), zone), "ends_at": _aware(stop.get("ends_at"), zone),
            "facility": _facility(user, stop.get("facility"), "stops.facility"),
            "department": _department(user, stop.get("department"), "stops.department")}


def _visit_data(user, payload, *, zone: str) -> dict:
    data = _dump(payload, ("stops", "participants", "outcomes"))
    zone = data.get("time_zone", zone)
    if "agreement" in data:
        data["agreement"] = _agreement_ref(user, data["agreement"], "agreement")
    for side in ("visiting", "hosts"):
        if side in data:
            data[side] = [_organisation(user, pk, side) for pk in data[side]]
    if "stops" in data:
        data["stops"] = [_stop_data(user, s, zone) for s in data["stops"]]
    if "participants" in data:
        data["participants"] = [
            {**p, "organisation": _organisation(user, p["organisation"], "participants.organisation")
             if p.get("organisation") else None}
            for p in data["participants"]
        ]
    if "outcomes" in data:
        data["outcomes"] = [{**o, "agreement": _agreement_ref(user, o.get("agreement"), "outcomes.agreement")}
                            for o in data["outcomes"]]
    return data


@router.get("/visits", response=page_of(VisitOut), summary="Visits you can see, newest first")
def visit_list(request, query: Query[VisitQuery]):
    visits = visit_selectors.visit_list_for_user(user=request.auth, q=query.q, status=query.status or "",
                                                 agreement=query.agreement)
    return paginate(visits, query)


@router.post("/visits", response={201: VisitDetailOut}, summary="Record a visit with its itinerary")
def visit_create(request, payload: VisitIn):
    visit = visit_services.visit_create(by=request.auth, data=_visit_data(request.auth, payload, zone="UTC"))
    return Status(201, visit_selectors.visit_get_for_user(user=request.auth, pk=visit.pk))


@router.get("/visits/calendar.ics", summary="Your visits as an iCalendar file (the last year and to come)",
            openapi_extra={"responses": {200: {"description": "text/calendar"}}})
def visit_calendar_all(request):
    since = timezone.localdate() - timedelta(days=365)
    visits = list(visit_selectors.visits_for_calendar(user=request.auth, since=since))
    return _ics(request, visits, "caravan-visits.ics", _("Caravan visits"))


@router.get("/visits/{int:visit_id}", response=VisitDetailOut, summary="One visit")
def visit_detail(request, visit_id: int):
    return visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)


@router.patch("/visits/{int:visit_id}", response=VisitDetailOut,
              summary="Change a visit; sides and lists sent replace the current ones")
def visit_update(request, visit_id: int, payload: VisitPatch):
    visit = visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)
    data = _visit_data(request.auth, payload, zone=visit.time_zone)
    visit_services.visit_update(by=request.auth, visit=visit, data=data)
    return visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)


@router.post("/visits/{int:visit_id}/stops", response={201: StopOut}, summary="Add a stop to the itinerary")
def visit_stop_add(request, visit_id: int, payload: StopIn):
    visit = visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)
    data = _stop_data(request.auth, payload.model_dump(), visit.time_zone)
    return Status(201, visit_services.visit_stop_add(by=request.auth, visit=visit, data=data))


@router.post("/visits/{int:visit_id}/participants", response={201: ParticipantOut}, summary="Add a participant")
def visit_participant_add(request, visit_id: int, payload: ParticipantIn):
    visit = visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)
    data = payload.model_dump()
    if data.get("organisation"):
        data["organisation"] = _organisation(request.auth, data["organisation"], "organisation")
    return Status(201, visit_services.visit_participant_add(by=request.auth, visit=visit, data=data))


@router.post("/visits/{int:visit_id}/outcomes", response={201: OutcomeOut}, summary="Record an outcome")
def visit_outcome_add(request, visit_id: int, payload: OutcomeIn):
    visit = visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)
    data = payload.model_dump()
    data["agreement"] = _agreement_ref(request.auth, data.get("agreement"), "agreement")
    return Status(201, visit_services.visit_outcome_add(by=request.auth, visit=visit, data=data))


@router.delete("/visits/{int:visit_id}/{item}/{int:item_id}", response={204: None},
               summary="Remove a stop, participant or outcome (item: stops, participants, outcomes)")
def visit_item_remove(request, visit_id: int, item: str, item_id: int):
    visit = visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)
    kinds = {"stops": "stop", "participants": "participant", "outcomes": "outcome"}
    if item not in kinds:
        raise NotFound()
    visit_services.visit_item_remove(by=request.auth, visit=visit, item=kinds[item], pk=item_id)
    return Status(204, None)


@router.get("/visits/{int:visit_id}/calendar.ics", summary="One visit as an iCalendar file",
            openapi_extra={"responses": {200: {"description": "text/calendar"}}})
def visit_ics(request, visit_id: int):
    visit = visit_selectors.visit_get_for_user(user=request.auth, pk=visit_id)
    if visit.status == Visit.Status.CANCELLED:
        raise NotFound()
    return _ics(request, [visit], f"visit-{visit.pk}.ics", visit.title)


def _ics(request, visits, filename: str, name: str) -> HttpResponse:
    host = request.get_host().split(":")[0] or "caravan"
    events = visit_calendar.events_for(visits, host=host, base_url=request.build_absolute_uri("/").rstrip("/"))
    body = ics.calendar(events, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
