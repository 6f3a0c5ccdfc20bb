"""Teleconsultation over HTTP at /api/v1/teleconsult/: cases, their actions, attachments and reports.

Endpoints parse, call one service or selector and answer with a schema; the
services decide who may write. A case the user may not open is a 404.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import NotFound, ValidationFailed
from caravan.registry.models import Facility, Specialty

from . import mdt_selectors, mdt_services, selectors, services
from .models import Case
from .models import Status as CaseStatus
from .schemas import (
    AssignIn,
    AttachmentOut,
    AttendanceIn,
    CaseIn,
    CaseOut,
    CaseQuery,
    FollowUpIn,
    FollowUpOut,
    MdtSessionDetailOut,
    MdtSessionIn,
    MdtSessionOut,
    NoticeOut,
    NoticesReadIn,
    ReportIn,
    ReportOut,
    ReturnIn,
    ScheduleIn,
)

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


@router.get("/cases/{pk}/follow-ups", response=list[FollowUpOut], summary="The follow-ups asked for on a case")
def follow_up_list(request, pk: int):
    return list(_case(request, pk).follow_ups.all())


@router.post("/cases/{pk}/follow-ups", response={201: FollowUpOut}, summary="Ask for a follow-up (requesting side)")
def follow_up_request(request, pk: int, payload: FollowUpIn):
    return Status(201, services.follow_up_request(by=request.auth, case=_case(request, pk), reason=payload.reason))


@router.post("/cases/{pk}/follow-ups/{follow_up}/schedule", response=FollowUpOut,
             summary="Give a follow-up its time and consultant (the case's consultant or a coordinator)")
def follow_up_schedule(request, pk: int, follow_up: int, payload: ScheduleIn):
    case = _case(request, pk)
    target = next((f for f in case.follow_ups.all() if f.pk == follow_up), None)
    if target is None:
        raise NotFound()
    consultant = get_user_model().objects.filter(pk=payload.consultant).first() if payload.consultant else None
    return services.follow_up_schedule(by=request.auth, follow_up=target, scheduled_for=payload.scheduled_for,
                                       consultant=consultant)


@router.get("/notices", response=page_of(NoticeOut), summary="Your notices, newest first, in your language")
def notice_list(request, query: Query[PageQuery]):
    return paginate(selectors.notices_for(user=request.auth), query)


@router.post("/notices/read", response={200: dict}, summary="Mark your notices as read")
def notices_read(request, payload: NoticesReadIn):
    return {"marked": services.notices_mark_read(by=request.auth, ids=payload.ids)}


@router.get("/awaiting-receipt", response=page_of(CaseOut),
            summary="Answered cases whose requester has not confirmed receipt (coordinators)")
def awaiting_receipt(request, query: Query[PageQuery]):
    return paginate(selectors.cases_awaiting_receipt(user=request.auth), query)


@router.get("/mdt", response=page_of(MdtSessionOut), summary="MDT sessions you coordinate or take part in")
def mdt_list(request, query: Query[PageQuery]):
    return paginate(mdt_selectors.session_list_for_user(user=request.auth), query)


@router.post("/mdt", response={201: MdtSessionDetailOut}, summary="Schedule an MDT session (the agreement's coordinators)")
def mdt_create(request, payload: MdtSessionIn):
    from caravan.partnerships.models import Agreement

    agreement = Agreement.objects.filter(pk=payload.agreement).first()
    if agreement is None:
        raise NotFound()
    session = mdt_services.session_create(
        by=request.auth, agreement=agreement, title=payload.title,
        host=Facility.objects.filter(pk=payload.host).select_related("organisation").first() if payload.host else None,
        starts_at=payload.starts_at, time_zone=payload.time_zone,
        facilities=_all_or_refuse(Facility.objects.filter(pk__in=payload.facilities), payload.facilities, "facilities"),
        participants=_all_or_refuse(get_user_model().objects.filter(pk__in=payload.participants), payload.participants,
                                    "participants"),
        cases=_in_order(Case.objects.filter(pk__in=payload.cases), payload.cases))
    return Status(201, mdt_selectors.session_get_for_user(user=request.auth, pk=session.pk))


def _all_or_refuse(qs, ids, field):
    rows = list(qs)
    if len(rows) != len(set(ids)):
        raise ValidationFailed.field(field, _("Some of the ids given do not exist."))
    return rows


def _in_order(qs, ids):
    by_id = {c.pk: c for c in qs}
    if len(by_id) != len(set(ids)):
        raise ValidationFailed.field("cases", _("Some of the ids given do not exist."))
    return [by_id[i] for i in dict.fromkeys(ids)]


@router.get("/mdt/{pk}", response=MdtSessionDetailOut, summary="One MDT session with its agenda (the read is audited)")
def mdt_detail(request, pk: int):
    return mdt_selectors.session_get_for_user(user=request.auth, pk=pk)


@router.post("/mdt/{pk}/attendance", response=MdtSessionDetailOut, summary="Record who attended (coordinators)")
def mdt_attendance(request, pk: int, payload: AttendanceIn):
    session = mdt_selectors.session_get_for_user(user=request.auth, pk=pk)
    mdt_services.attendance_record(by=request.auth, session=session, present_ids=payload.present)
    return mdt_selectors.session_get_for_user(user=request.auth, pk=pk)


@router.post("/mdt/{pk}/items/{item}/decision", response={201: ReportOut},
             summary="Sign the MDT's recommendation for one case; it becomes a report of the case")
def mdt_decision(request, pk: int, item: int, payload: ReportIn):
    session = mdt_selectors.session_get_for_user(user=request.auth, pk=pk)
    target = next((i for i in session.items.all() if i.pk == item), None)
    if target is None:
        raise NotFound()
    return Status(201, mdt_services.decision_record(by=request.auth, item=target, findings=payload.findings,
                                                    impression=payload.impression,
                                                    recommendation=payload.recommendation))
