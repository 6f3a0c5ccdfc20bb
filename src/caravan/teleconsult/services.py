"""Every write of teleconsultation: open, route, assign, review, return, report, discuss, confirm, attach.

Each service checks permission first, validates, writes in one transaction and
records an audit event; a refused input raises ValidationFailed naming the field.
"""

import hashlib
import io
import random
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.partnerships.models import Agreement, AgreementParty
from caravan.partnerships.notify import coordinators_of

from . import notify, refusals, scope
from .ecg import EcgRefused, heart_rate, r_peaks, read_ecg
from .ecg.rpeaks import rhythm_lead
from .imaging import DicomRefused, is_dicom_image, read_image
from .models import (
    DEFAULT_TARGET_MINUTES,
    OPEN_STATUSES,
    Attachment,
    Case,
    FollowUp,
    Message,
    Notice,
    Report,
    ResponseTargets,
    Status,
    Urgency,
)
from .pseudonym import case_uid_key, patient_key
from .routing_rules import eligible_consultants

CASE_FIELDS = ["agreement", "facility", "patient_age", "patient_sex", "question", "specialty", "urgency", "status",
               "due_at", "assigned_to"]
LIVE_AGREEMENT_STATUSES = (Agreement.Status.SIGNED, Agreement.Status.ACTIVE)


def _access(by):
    access = access_for(by)
    if not access.is_authenticated:
        raise PermissionDenied()
    return access


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def target_minutes(agreement_id: int, urgency: str) -> int:
    targets = ResponseTargets.objects.filter(agreement_id=agreement_id).first()
    return targets.minutes(urgency) if targets else DEFAULT_TARGET_MINUTES[urgency]


def check_case(*, agreement, facility, patient_age, patient_sex, patient_local_id, question, specialty, urgency):
    """The rules every case keeps, whichever door it comes in by (form, API, demo)."""
    errors: dict[str, list] = {}
    if not (question or "").strip():
        errors["question"] = [_("Say what you want the consultant to answer.")]
    if specialty is None:
        errors["specialty"] = [_("Choose the specialty you want to consult.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("There is no urgency “%(value)s”; choose one of: %(choices)s.")
                             % {"value": urgency, "choices": ", ".join(Urgency.values)}]
    if patient_age is None or not 0 <= patient_age <= 130:
        errors["patient_age"] = [_("Enter the patient's age in years, from 0 to 130.")]
    if patient_sex not in ("female", "male", "other"):
        errors["patient_sex"] = [_("Choose the patient's sex.")]
    if not (patient_local_id or "").strip():
        errors["patient_local_id"] = [_("Enter your hospital's identifier for the patient; only a keyed hash is kept.")]
    if agreement is None:
        errors["agreement"] = [_("Choose the agreement the case runs under.")]
    elif agreement.status not in LIVE_AGREEMENT_STATUSES or not scope.agreement_allows_cases(agreement):
        errors["agreement"] = [_("This agreement is not in force for teleconsultation or difficult cases.")]
    elif facility is not None and not AgreementParty.objects.filter(
        agreement=agreement, organisation__in=_ancestors(facility.organisation)
    ).exists():
        errors["facility"] = [_("This facility is not a party to the agreement.")]
    if facility is None:
        errors["facility"] = [_("Choose the requesting facility.")]
    if errors:
        raise ValidationFailed(fields=errors)


def _ancestors(organisation):
    """The organisation and those above it (its path's prefixes)."""
    from caravan.core.models import Organisation

    parts = organisation.path.strip("/").split("/") if organisation.path else []
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return Organisation.objects.filter(path__in=prefixes + [organisation.path])


@transaction.atomic
def case_open(*, by, agreement, facility, patient_age, patient_sex, patient_local_id, question, specialty,
              urgency) -> Case:
    """Open a case at a facility where the user is clinician or coordinator, and route it at once."""
    access = _access(by)
    _require(facility is None or access.is_node_admin or any(
        facility.organisation.path.startswith(p) for p in scope.paths(access, scope.REQUESTING_ROLES)))
    check_case(agreement=agreement, facility=facility, patient_age=patient_age, patient_sex=patient_sex,
               patient_local_id=patient_local_id, question=question, specialty=specialty, urgency=urgency)
    now = timezone.now()
    case = Case.objects.create(
        agreement=agreement, facility=facility, requesting_path=facility.organisation.path, requested_by=by,
        patient_age=patient_age, patient_sex=patient_sex, patient_key=patient_key(patient_local_id),
        question=question.strip(), specialty=specialty, urgency=urgency,
        due_at=now + timedelta(minutes=target_minutes(agreement.pk, urgency)),
        date_shift_days=-random.randint(30, 365),  # noqa: S311 — a de-identification offset, not a secret
    )
    audit.record(actor=by, action=audit.Action.CREATE, obj=case, organisation=facility.organisation,
                 changes=audit.diff({}, audit.snapshot(case, CASE_FIELDS)))
    _route(case, by=by)
    return case


def _route(case: Case, *, by, exclude_ids=()) -> bool:
    consultant = eligible_consultants(agreement_id=case.agreement_id, specialty_id=case.specialty_id,
                                      requesting_path=case.requesting_path, exclude_ids=exclude_ids).first()
    if consultant is None:
        return False
    _set_assignee(case, consultant, by=by)
    return True


def _set_assignee(case: Case, consultant, *, by) -> None:
    before = audit.snapshot(case, ["assigned_to", "status"])
    case.assigned_to = consultant
    if case.status in (Status.SUBMITTED, Status.ASSIGNED, Status.IN_REVIEW):
        case.status = Status.ASSIGNED
    case.save(update_fields=["assigned_to", "status"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=case, organisation=case.facility.organisation,
                 changes=audit.diff(before, audit.snapshot(case, ["assigned_to", "status"])))


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("facility__organisation").get(pk=case.pk)


@transaction.atomic
def case_assign(*, by, case: Case, consultant) -> Case:
    """A coordinator of the agreement hands the case to an eligible consultant."""
    access = _access(by)
    case = _locked(case)
    _require(scope.coordinates(access, case.agreement_id))
    if not case.is_open:
        raise ValidationFailed.field("status", _("This case is no longer open."), code="not_open")
    eligible = eligible_consultants(agreement_id=case.agreement_id, specialty_id=case.specialty_id,
                                    requesting_path=case.requesting_path)
    if consultant is None or not eligible.filter(pk=consultant.pk).exists():
        raise ValidationFailed.field("consultant", _(
            "Choose a consultant of a partner facility under this agreement who reads this specialty."
        ), code="not_eligible")
    _set_assignee(case, consultant, by=by)
    return case


def _transition(case: Case, status: str, *, by, fields=()) -> None:
    before = audit.snapshot(case, ["status", *fields])
    case.status = status
    case.save(update_fields=["status", *fields])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=case, organisation=case.facility.organisation,
                 changes=audit.diff(before, audit.snapshot(case, ["status", *fields])))


@transaction.atomic
def case_start_review(*, by, case: Case) -> Case:
    """The assigned consultant starts reading the case."""
    access = _access(by)
    case = _locked(case)
    _require(scope.is_assigned(access, case))
    if case.status != Status.ASSIGNED:
        raise ValidationFailed.field("status", _("Only an assigned case can be taken into review."), code="bad_status")
    _transition(case, Status.IN_REVIEW, by=by)
    return case


@transaction.atomic
def case_return(*, by, case: Case, reason: str) -> Case:
    """The assigned consultant sends the case back for more information, saying what is missing."""
    access = _access(by)
    case = _locked(case)
    _require(scope.is_assigned(access, case))
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Say what information is missing."), code="required")
    if case.status not in (Status.ASSIGNED, Status.IN_REVIEW):
        raise ValidationFailed.field("status", _("Only a case under review can be returned."), code="bad_status")
    Message.objects.create(case=case, author=by, body=reason.strip())
    _transition(case, Status.RETURNED, by=by)
    return case


@transaction.atomic
def case_resubmit(*, by, case: Case) -> Case:
    """The requesting side sends a returned case back to its consultant."""
    access = _access(by)
    case = _locked(case)
    _require(scope.is_requesting_side(access, case))
    if case.status != Status.RETURNED:
        raise ValidationFailed.field("status", _("Only a returned case can be sent again."), code="bad_status")
    _transition(case, Status.ASSIGNED if case.assigned_to_id else Status.SUBMITTED, by=by)
    return case


@transaction.atomic
def report_sign(*, by, case: Case, findings: str, impression: str, recommendation: str,
                addendum: bool = False) -> Report:
    """The assigned consultant signs a report (a new version) or an addendum; the case becomes answered."""
    access = _access(by)
    case = _locked(case)
    _require(scope.is_assigned(access, case))
    if not (impression or "").strip():
        raise ValidationFailed.field("impression", _("Give your impression: it is the answer the requester reads."),
                                     code="required")
    if case.status in (Status.SUBMITTED, Status.RETURNED):
        raise ValidationFailed.field("status", _("This case cannot be answered in its present state."),
                                     code="bad_status")
    has_report = case.reports.exists()
    if addendum and not has_report:
        raise ValidationFailed.field("impression", _("An addendum needs a signed report first."), code="no_report")
    now = timezone.now()
    version = (case.reports.aggregate(m=Max("version"))["m"] or 0) + 1
    report = Report.objects.create(
        case=case, kind=Report.Kind.ADDENDUM if addendum else Report.Kind.REPORT, version=version,
        findings=(findings or "").strip(), impression=impression.strip(),
        recommendation=(recommendation or "").strip(), signed_by=by, signed_at=now,
    )
    audit.record(actor=by, action=audit.Action.CREATE, obj=report, organisation=case.facility.organisation,
                 changes={"version": [None, version], "kind": [None, report.kind]})
    fields = []
    if case.answered_at is None:
        case.answered_at = now
        fields.append("answered_at")
    if case.status != Status.CLOSED:
        _transition(case, Status.ANSWERED, by=by, fields=fields)
    # Every signed version reaches the requester: an addendum can change what they do.
    notify.tell(case.requested_by, case=case, kind=Notice.Kind.REPORT_SIGNED, ref=version)
    return report


@transaction.atomic
def case_confirm_receipt(*, by, case: Case) -> Case:
    """The requesting side confirms it has read the answer; the loop is closed."""
    access = _access(by)
    case = _locked(case)
    _require(scope.is_requesting_side(access, case))
    if case.status != Status.ANSWERED:
        raise ValidationFailed.field("status", _("There is no answer to confirm yet."), code="bad_status")
    now = timezone.now()
    case.received_at = now
    case.closed_at = now
    _transition(case, Status.CLOSED, by=by, fields=["received_at", "closed_at"])
    Notice.objects.filter(case=case, recipient=by, read_at__isnull=True).update(read_at=now)
    return case


@transaction.atomic
def notices_mark_read(*, by, ids=None) -> int:
    """Mark the user's notices read (all of them, or those ids); another user's notices are never touched."""
    _require(scope.may_use(_access(by)))
    qs = Notice.objects.filter(recipient=by, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- Follow-ups ---------------------------------------------------------------------------------------------

@transaction.atomic
def follow_up_request(*, by, case: Case, reason: str) -> FollowUp:
    """The requesting side asks for the case to be seen again, once it has an answer."""
    access = _access(by)
    _require(scope.is_requesting_side(access, case))
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Say why the patient should be seen again."), code="required")
    if case.answered_at is None:
        raise ValidationFailed.field("reason", _("A follow-up can be asked for once the case has an answer."),
                                     code="not_answered")
    follow_up = FollowUp.objects.create(case=case, reason=reason.strip(), requested_by=by)
    audit.record(actor=by, action=audit.Action.CREATE, obj=follow_up, organisation=case.facility.organisation,
                 changes={"reason": [None, follow_up.reason]})
    return follow_up


@transaction.atomic
def follow_up_schedule(*, by, follow_up: FollowUp, scheduled_for, consultant) -> FollowUp:
    """The case's consultant or a coordinator of its agreement gives the follow-up a time and a consultant."""
    access = _access(by)
    follow_up = FollowUp.objects.select_for_update().select_related(
        "case__facility__organisation", "case__requested_by").get(pk=follow_up.pk)
    case = follow_up.case
    _require(scope.is_assigned(access, case) or scope.coordinates(access, case.agreement_id))
    errors: dict[str, list] = {}
    if scheduled_for is None or timezone.is_naive(scheduled_for):
        errors["scheduled_for"] = [_("Enter the date and time of the follow-up.")]
    elif scheduled_for <= timezone.now():
        errors["scheduled_for"] = [_("The follow-up must be in the future.")]
    eligible = eligible_consultants(agreement_id=case.agreement_id, specialty_id=case.specialty_id,
                                    requesting_path=case.requesting_path)
    if consultant is None or not (consultant.pk == case.assigned_to_id or eligible.filter(pk=consultant.pk).exists()):
        errors["consultant"] = [_(
            "Choose the case's consultant or another consultant of a partner facility who reads this specialty.")]
    if errors:
        raise ValidationFailed(fields=errors)
    before = audit.snapshot(follow_up, ["scheduled_for", "consultant"])
    follow_up.scheduled_for, follow_up.consultant, follow_up.scheduled_by = scheduled_for, consultant, by
    follow_up.save(update_fields=["scheduled_for", "consultant", "scheduled_by"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=follow_up, organisation=case.facility.organisation,
                 changes=audit.diff(before, audit.snapshot(follow_up, ["scheduled_for", "consultant"])))
    notify.tell(case.requested_by, case=case, kind=Notice.Kind.FOLLOW_UP_SCHEDULED, ref=follow_up.pk)
    return follow_up


@transaction.atomic
def message_post(*, by, case: Case, body: str) -> Message:
    """Anyone who may open the case adds to its discussion."""
    access = _access(by)
    _require(scope.is_requesting_side(access, case) or scope.is_assigned(access, case)
             or scope.coordinates(access, case.agreement_id))
    if not (body or "").strip():
        raise ValidationFailed.field("body", _("Write a message."), code="required")
    message = Message.objects.create(case=case, author=by, body=body.strip())
    audit.record(actor=by, action=audit.Action.CREATE, obj=message, organisation=case.facility.organisation)
    return message


@transaction.atomic
def escalate(*, case_id: int, by=None) -> str:
    """One step for a case whose clock is running out: to a backup consultant first, then to the coordinators.

    Idempotent per step: `escalations` counts the steps taken, so running it twice does nothing new.
    """
    case = Case.objects.select_for_update().select_related("facility__organisation").get(pk=case_id)
    if not case.is_open or case.answered_at is not None:
        return "answered"
    if case.escalations == 0:
        exclude = [case.assigned_to_id] if case.assigned_to_id else []
        moved = _route(case, by=by, exclude_ids=exclude)
        case.escalations = 1
        case.save(update_fields=["escalations"])
        audit.record(actor=by, action=audit.Action.UPDATE, obj=case, organisation=case.facility.organisation,
                     changes={"escalations": [0, 1]})
        if moved:
            notify.tell(case.assigned_to, case=case, kind=Notice.Kind.ESCALATED)
            return "backup"
    if case.escalations == 1:
        case.escalations = 2
        case.save(update_fields=["escalations"])
        audit.record(actor=by, action=audit.Action.UPDATE, obj=case, organisation=case.facility.organisation,
                     changes={"escalations": [1, 2]})
        # The last step is a person who can reassign the case: every coordinator of the agreement's parties.
        for coordinator in coordinators_of([case.agreement_id]).get(case.agreement_id, []):
            notify.tell(coordinator, case=case, kind=Notice.Kind.ESCALATED)
        return "coordinator"
    return "done"


def cases_to_escalate(*, now=None, margin: float = 0.2) -> list[int]:
    """Open, unanswered cases with less than `margin` of their target left (or overdue) and a step to take."""
    now = now or timezone.now()
    out = []
    for pk, created, due, steps in Case.objects.filter(status__in=OPEN_STATUSES, escalations__lt=2).values_list(
        "pk", "created_at", "due_at", "escalations"
    ):
        left = (due - now).total_seconds()
        if left <= margin * (due - created).total_seconds() and (steps == 0 or left <= 0):
            out.append(pk)
    return out


# --- Attachments -----------------------------------------------------------------------------------------

def _bundle(files: dict[str, bytes]) -> tuple[str, bytes]:
    """One stored original per attachment: the file itself, or a zip of a WFDB record's files."""
    if len(files) == 1:
        ((name, data),) = files.items()
        return name, data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    first = sorted(files)[0].rsplit(".", 1)[0]
    return f"{first}.zip", buffer.getvalue()


@transaction.atomic
def attachment_add(*, by, case: Case, files: dict[str, bytes], sampling_rate: float | None = None,
                   kind: str | None = None) -> Attachment:
    """Check, read and store an ECG or a DICOM image; a file that cannot be read is refused and nothing is kept."""
    access = _access(by)
    _require(scope.is_requesting_side(access, case) or scope.is_assigned(access, case))
    if not files:
        raise ValidationFailed.field("file", _("Choose a file."), code="required")
    total = sum(len(d) for d in files.values())
    if total > settings.CARAVAN_MAX_UPLOAD_BYTES:
        raise ValidationFailed.field("file", _("The upload is larger than the limit of %(mb)s MB.")
                                     % {"mb": settings.CARAVAN_MAX_UPLOAD_BYTES // (1024 * 1024)}, code="too_large")
    name, original = _bundle(files)
    try:
        if len(files) == 1 and is_dicom_image(original):
            identified = ResponseTargets.objects.filter(agreement_id=case.agreement_id,
                                                        identified_images=True).exists()
            image = read_image(original, date_shift_days=case.date_shift_days, keep_identity=identified,
                               uid_key=case_uid_key(case.pk))
            kind, fmt, data, meta = Attachment.Kind.IMAGE, "dicom", image.dicom_bytes, image.meta
            original = image.dicom_bytes  # only the de-identified file is ever stored
        else:
            record = read_ecg(files, sampling_rate=sampling_rate)
            lead = rhythm_lead(record.leads)
            peaks = r_peaks(record.signals[lead], record.sampling_rate)
            rate = heart_rate(peaks, record.sampling_rate)
            meta = {"leads": record.leads, "sampling_rate": record.sampling_rate, "samples": record.sample_count,
                    "duration_s": round(record.duration_s, 3), "heart_rate": round(rate, 1) if rate else None,
                    "r_peaks": len(peaks), "rhythm_lead": record.leads[lead]}
            kind, fmt, data = kind or Attachment.Kind.ECG, record.format, record.to_npz()
    except (EcgRefused, DicomRefused) as exc:
        raise ValidationFailed.field("file", refusals.message_for(exc), code=exc.code) from None
    digest = hashlib.sha256(original).hexdigest()
    attachment = Attachment(case=case, kind=kind, name=name[:255], format=fmt, size=len(original), sha256=digest,
                            meta=meta, uploaded_by=by)
    attachment.original.save(f"{digest[:16]}.bin", ContentFile(original), save=False)
    attachment.data.save(f"{digest[:16]}.{'dcm' if kind == Attachment.Kind.IMAGE else 'npz'}", ContentFile(data),
                         save=False)
    attachment.save()
    audit.record(actor=by, action=audit.Action.CREATE, obj=attachment, organisation=case.facility.organisation,
                 changes={"name": [None, attachment.name], "sha256": [None, digest]})
    return attachment


@transaction.atomic
def live_recording_save(*, by, case: Case, record) -> Attachment:
    """Keep a finished live stream as an ECG attachment of its case (the samples as they were received)."""
    access = _access(by)
    _require(scope.is_requesting_side(access, case) or scope.is_assigned(access, case))
    data = record.to_npz()
    lead = rhythm_lead(record.leads)
    rate = heart_rate(r_peaks(record.signals[lead], record.sampling_rate), record.sampling_rate)
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        case=case, kind=Attachment.Kind.LIVE, name=f"live-{timezone.now():%Y%m%d-%H%M%S}.npz", format="live",
        size=len(data), sha256=digest, uploaded_by=by,
        meta={"leads": record.leads, "sampling_rate": record.sampling_rate, "samples": record.sample_count,
              "duration_s": round(record.duration_s, 3), "heart_rate": round(rate, 1) if rate else None,
              "rhythm_lead": record.leads[lead]},
    )
    attachment.original.save(f"{digest[:16]}.npz", ContentFile(data), save=False)
    attachment.data.save(f"{digest[:16]}.npz", ContentFile(data), save=False)
    attachment.save()
    audit.record(actor=by, action=audit.Action.CREATE, obj=attachment, organisation=case.facility.organisation,
                 changes={"name": [None, attachment.name], "sha256": [None, digest]})
    return attachment
