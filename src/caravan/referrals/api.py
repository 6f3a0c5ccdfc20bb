"""Referrals over HTTP at /api/v1/referrals/: intake, list, detail, transitions, offers, letter, stay, verify.

Every read of one referral is audited; passport numbers are masked for those who
do not need them; the services check who may write.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from caravan.core.api_pagination import page_of, paginate
from caravan.core.errors import NotFound, ValidationFailed
from caravan.registry.models import Specialty

from . import identity, preassessment, public_views, readiness, scope, selectors, services
from .schemas import (
    DocumentOut,
    FollowUpIn,
    LetterIn,
    MatchOut,
    OfferIn,
    OfferOut,
    ReadinessIn,
    ReadinessOut,
    ReferralDetailOut,
    ReferralIn,
    ReferralOut,
    ReferralQuery,
    StayIn,
    TeleconsultIn,
    TeleconsultOut,
    TransitionIn,
    VerificationOut,
)

router = Router(tags=["referrals"])


def _row(r) -> dict:
    return {"id": r.pk, "reference": r.reference, "status": r.status, "stage_since": r.stage_since.isoformat(),
            "nationality": r.nationality, "specialty": r.specialty.code, "urgency": r.urgency,
            "received_on": r.received_on, "receiving_facility": r.receiving_facility_id,
            "patient_name_latin": r.patient_name_latin}


def _offer(o) -> dict:
    return {"id": o.pk, "facility": o.facility_id, "facility_name": o.facility.name,
            "treatment_plan": o.treatment_plan, "expected_stay_days": o.expected_stay_days,
            "cost_estimate": o.cost_estimate, "currency": o.currency, "state": o.state}


def _document(d) -> dict:
    return {"id": d.pk, "title": d.title, "content_type": d.content_type, "size": d.size, "sha256": d.sha256,
            "uploaded_at": d.uploaded_at.isoformat()}


def _detail(user, r) -> dict:
    extra = selectors.referral_detail(user=user, referral=r)
    return _row(r) | {
        "patient_name": r.patient_name, "birth_date": r.birth_date, "sex": r.sex,
        "passport_number": r.passport_number if scope.sees_passport(user, r)
        else identity.mask_passport(r.passport_number),
        "diagnosis": r.diagnosis, "icd10": r.icd10, "language": r.language, "referring_doctor": r.referring_doctor,
        "agreement": r.agreement.code, "referring_organisation": r.referring_organisation_id,
        "receiving_organisation": r.receiving_organisation_id, "letter_reference": r.letter_reference,
        "accepted_on": r.accepted_on, "arrived_on": r.arrived_on, "admitted_on": r.admitted_on,
        "discharged_on": r.discharged_on, "outcome": r.outcome, "stop_reason": r.stop_reason,
        "teleconsult_case": r.teleconsult_case_id,
        "offers": [_offer(o) for o in extra["offers"]],
        "documents": [_document(d) for d in extra["documents"]],
        "follow_ups": [{"id": f.pk, "day_offset": f.day_offset, "due_on": f.due_on, "done_on": f.done_on,
                        "outcome": f.outcome} for f in extra["follow_ups"]],
    }


def _get(user, pk: int, *, read: bool = True):
    return selectors.referral_get_for_user(user=user, pk=pk, record_read=read)


@router.get("/", response=page_of(ReferralOut), summary="Referrals you may see, the longest in their stage first")
def referral_list(request, query: Query[ReferralQuery]):
    filters = selectors.BoardFilters(status=query.status, nationality=query.nationality, specialty=query.specialty,
                                     q=query.q)
    return paginate(selectors.referral_list_for_user(user=request.auth, filters=filters), query, row=_row)


@router.post("/", response={201: ReferralDetailOut}, summary="Record a referral arriving under an agreement")
def referral_create(request, payload: ReferralIn):
    data = payload.dict()
    specialty = Specialty.objects.filter(code=data.pop("specialty")).first()
    if specialty is None:
        raise ValidationFailed.field("specialty", _("Unknown specialty."), code="unknown_reference")
    data["specialty"] = specialty.pk
    referral = services.referral_create(by=request.auth, data=data)
    return Status(201, _detail(request.auth, _get(request.auth, referral.pk, read=False)))


@router.get("/verify/{reference}", auth=None, response={200: VerificationOut},
            summary="Verify an invitation letter by its reference (public; says only whether it is valid)")
def letter_verify(request, reference: str):
    if public_views._over_limit(request):
        response = JsonResponse({"code": "rate_limited", "fields": {}, "message": _(
            "Too many references were checked from your address in the last minute. Wait a minute and try again.")},
            status=429)
        response["Retry-After"] = "60"
        return response
    state = selectors.verify_letter(reference=reference[:24])
    if state is None:
        raise NotFound(_("No invitation letter has this reference. Check the reference and try again."))
    return {"valid": state == "valid"}


@router.get("/{referral_id}", response=ReferralDetailOut, summary="One referral (the read is audited)")
def referral_detail(request, referral_id: int):
    return _detail(request.auth, _get(request.auth, referral_id))


@router.get("/{referral_id}/match", response=MatchOut, summary="Ready hospitals ranked for this referral, explained")
def referral_match(request, referral_id: int):
    referral = _get(request.auth, referral_id, read=False)
    if not scope.is_office(request.auth, referral):
        raise NotFound()
    match = selectors.match_for_referral(referral=referral)
    return {"nobody_ready": match.nobody_ready, "candidates": [
        {"facility": c.hospital.facility_id, "name": c.hospital.name, "eligible": c.eligible, "score": c.score,
         "reasons": c.reasons, "capacity": c.hospital.capacity, "used": c.hospital.used} for c in match.candidates]}


@router.post("/{referral_id}/transitions", response=ReferralDetailOut,
             summary="Move along the pathway, or decline / withdraw with a reason")
def referral_transition(request, referral_id: int, payload: TransitionIn):
    referral = _get(request.auth, referral_id, read=False)
    services.referral_advance(by=request.auth, referral=referral, to=payload.to, reason=payload.reason)
    return _detail(request.auth, _get(request.auth, referral_id, read=False))


@router.post("/{referral_id}/offers", response={201: OfferOut}, summary="An offer from a ready hospital")
def offer_create(request, referral_id: int, payload: OfferIn):
    referral = _get(request.auth, referral_id, read=False)
    offer = services.offer_create(by=request.auth, referral=referral, data=payload.dict())
    return Status(201, _offer(offer))


@router.post("/{referral_id}/offers/{offer_id}/acceptance", response=ReferralDetailOut,
             summary="Accept one offer (refused when the hospital's month is full)")
def offer_accept(request, referral_id: int, offer_id: int):
    referral = _get(request.auth, referral_id, read=False)
    services.offer_accept(by=request.auth, referral=referral, offer_id=offer_id)
    return _detail(request.auth, _get(request.auth, referral_id, read=False))


@router.post("/{referral_id}/letter", response=ReferralDetailOut, summary="Issue the invitation letter for the visa")
def letter_issue(request, referral_id: int, payload: LetterIn):
    referral = _get(request.auth, referral_id, read=False)
    services.letter_issue(by=request.auth, referral=referral, language=payload.language)
    return _detail(request.auth, _get(request.auth, referral_id, read=False))


@router.post("/{referral_id}/stay", response=ReferralDetailOut, summary="Arrival, admission or discharge")
def stay_record(request, referral_id: int, payload: StayIn):
    referral = _get(request.auth, referral_id, read=False)
    services.stay_record(by=request.auth, referral=referral, step=payload.step, day=payload.day,
                         procedures=payload.procedures, summary=payload.summary)
    return _detail(request.auth, _get(request.auth, referral_id, read=False))


@router.post("/{referral_id}/follow-ups/{follow_up_id}", response=ReferralDetailOut,
             summary="A follow-up with the home doctor, with the outcome")
def follow_up_record(request, referral_id: int, follow_up_id: int, payload: FollowUpIn):
    referral = _get(request.auth, referral_id, read=False)
    services.follow_up_record(by=request.auth, referral=referral, follow_up_id=follow_up_id,
                              done_on=payload.done_on, outcome=payload.outcome, note=payload.note)
    return _detail(request.auth, _get(request.auth, referral_id, read=False))


def _readiness(r: readiness.Readiness) -> dict:
    return {"facility": r.facility.pk, "name": r.facility.name, "languages": r.languages, "specialties": [
        {"specialty": s.code, "monthly": s.monthly, "interpreters": s.interpreters, "accreditation": s.accreditation}
        for s in r.ready]}


@router.get("/hospitals/{facility_id}/readiness", response=ReadinessOut,
            summary="A hospital's readiness for foreign patients (its office only)")
def readiness_get(request, facility_id: int):
    return _readiness(readiness.readiness_get_for_user(user=request.auth, facility_id=facility_id))


@router.put("/hospitals/{facility_id}/readiness", response=ReadinessOut,
            summary="Replace a hospital's readiness: ready specialties with monthly capacity, languages")
def readiness_put(request, facility_id: int, payload: ReadinessIn):
    current = readiness.readiness_get_for_user(user=request.auth, facility_id=facility_id)
    return _readiness(readiness.readiness_set(by=request.auth, facility=current.facility, data=payload.dict()))


@router.post("/{referral_id}/documents", response={201: DocumentOut},
             summary="Add a report or image (PDF or image, checked by content) to a referral")
def document_add(request, referral_id: int, file: File[UploadedFile] = None, title: Form[str] = ""):
    referral = _get(request.auth, referral_id, read=False)
    return Status(201, _document(services.document_add(by=request.auth, referral=referral, upload=file,
                                                       title=title)))


@router.post("/{referral_id}/teleconsultation", response={201: TeleconsultOut},
             summary="Open a teleconsultation case for the pre-assessment (when that module is installed)")
def teleconsult_open(request, referral_id: int, payload: TeleconsultIn):
    referral = _get(request.auth, referral_id, read=False)
    case_id = preassessment.teleconsult_open(by=request.auth, referral=referral, facility_id=payload.facility,
                                             question=payload.question)
    return Status(201, {"case": case_id})
