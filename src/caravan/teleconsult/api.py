"""Teleconsultation over HTTP at /api/v1/teleconsult/: cases, their actions, attachments and reports.

Endpoints parse, call one service or selector and answer with a schema; the
services decide who may write. A case the user may not open is a 404.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from caravan.core.api_pagination import page_of, paginate
from caravan.core.errors import ValidationFailed
from caravan.registry.models import Specialty

from . import selectors, services
from .models import Status as CaseStatus
from .schemas import AssignIn, AttachmentOut, CaseIn, CaseOut, CaseQuery, ReportIn, ReportOut, ReturnIn

router = Router(tags=["teleconsult"])


def _case(request, pk: int):
    return selectors.case_get_for_user(user=request.auth, pk=pk)


@router.get("/cases", response=page_of(CaseOut), summary="Cases you may open, the most pressing first")
def case_list(request, query: Query[CaseQuery]):
    status = query.status if query.status in CaseStatus.values else ""
    return paginate(selectors.case_list_for_user(user=request.auth, status=status, queue=query.queue), query)


@router.post("/cases", response={201: CaseOut}, summary="Open a case; it is routed to a consultant at once")
def case_open(request, payload: CaseIn):
    user = request.auth
    agreement = selectors.agreements_for_cases(user=user).filter(pk=payload.agreement).first()
    facility = selectors.requesting_facilities(user=user).filter(pk=payload.facility).first()
    specialty = Specialty.objects.filter(code=payload.specialty).first() if payload.specialty else None
    if payload.specialty and specialty is None:
        raise ValidationFailed.field("specialty", _("“%(code)s” is not a specialty.") % {"code": payload.specialty})
    if facility is None:
        raise ValidationFailed.field("facility", _("You do not open cases for this facility."))
    case = services.case_open(
        by=user, agreement=agreement, facility=facility, patient_age=payload.patient_age,
        patient_sex=payload.patient_sex, patient_local_id=payload.patient_local_id, question=payload.question,
        specialty=specialty, urgency=payload.urgency,
    )
    return Status(201, case)


@router.get("/cases/{pk}", response=CaseOut, summary="One case (the read is audited)")
def case_detail(request, pk: int):
    return _case(request, pk)


@router.post("/cases/{pk}/assign", response=CaseOut, summary="Assign the case to a consultant (coordinators)")
def case_assign(request, pk: int, payload: AssignIn):
    consultant = get_user_model().objects.filter(pk=payload.consultant).first() if payload.consultant else None
    return services.case_assign(by=request.auth, case=_case(request, pk), consultant=consultant)


@router.post("/cases/{pk}/review", response=CaseOut, summary="Start reading the case (its consultant)")
def case_review(request, pk: int):
    return services.case_start_review(by=request.auth, case=_case(request, pk))


@router.post("/cases/{pk}/return", response=CaseOut, summary="Send the case back for more information")
def case_return(request, pk: int, payload: ReturnIn):
    return services.case_return(by=request.auth, case=_case(request, pk), reason=payload.reason)


@router.post("/cases/{pk}/confirm", response=CaseOut, summary="Confirm receipt of the answer (requesting side)")
def case_confirm(request, pk: int):
    return services.case_confirm_receipt(by=request.auth, case=_case(request, pk))


@router.get("/cases/{pk}/reports", response=list[ReportOut], summary="The signed reports and addenda")
def report_list(request, pk: int):
    return list(_case(request, pk).reports.all())


@router.post("/cases/{pk}/reports", response={201: ReportOut}, summary="Sign a report or an addendum (its consultant)")
def report_sign(request, pk: int, payload: ReportIn):
    report = services.report_sign(by=request.auth, case=_case(request, pk), findings=payload.findings,
                                  impression=payload.impression, recommendation=payload.recommendation,
                                  addendum=payload.addendum)
    return Status(201, report)


@router.get("/cases/{pk}/attachments", response=list[AttachmentOut], summary="The case's ECGs and images")
def attachment_list(request, pk: int):
    return list(_case(request, pk).attachments.all())


@router.post("/cases/{pk}/attachments", response={201: AttachmentOut},
             summary="Attach an ECG (WFDB header with its data files, DICOM, HL7 aECG, CSV/TSV) or a DICOM image")
def attachment_add(request, pk: int, files: File[list[UploadedFile]], sampling_rate: Form[float | None] = None):
    case = _case(request, pk)
    attachment = services.attachment_add(by=request.auth, case=case,
                                         files={f.name.rsplit("/", 1)[-1]: f.read() for f in files},
                                         sampling_rate=sampling_rate)
    return Status(201, attachment)
