"""Every write on referrals: validate first, write in one transaction, audit each change."""

import hashlib
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import Organisation
from caravan.partnerships.models import Agreement, AgreementParty, Scope
from caravan.partnerships.uploads import HEAD, sniff
from caravan.registry.models import SPOKEN_LANGUAGE_CODES, Facility, Specialty

from . import identity, scope, selectors
from . import stages as S
from .models import (
    LETTER_LANGUAGES,
    Capacity,
    FollowUp,
    Offer,
    Outcome,
    Referral,
    ReferralDocument,
    Sex,
    StageChange,
    Status,
    Urgency,
)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
FOLLOW_UP_DAYS = (30, 90)
CURRENCIES = frozenset({"USD", "EUR", "IRR", "CNY", "RUB", "GBP", "AED", "TJS", "KZT", "MNT", "BHD"})
AUDITED = ("status", "receiving_facility", "accepted_on", "letter_reference", "arrived_on", "admitted_on",
           "discharged_on", "outcome", "stop_reason")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _clean_text(data: dict, name: str, errors: dict, *, required=True, limit=None) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    if limit and len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(n)s characters.") % {"n": limit})
    return value


def _day(value, name: str, errors: dict, *, required=True) -> date | None:
    if value in (None, ""):
        if required:
            errors.setdefault(name, []).append(_("This field is required."))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a valid date."))
        return None


def _new_reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4).upper()}"


def _move(referral: Referral, to: str, *, by, note: str = "", at=None) -> None:
    at = at or timezone.now()
    referral.status = to
    referral.stage_since = at
    StageChange.objects.create(referral=referral, status=to, at=at, by=by if getattr(by, "pk", None) else None,
                               note=note)


def _save(referral: Referral, before: dict, *, by) -> None:
    referral.save()
    audit.record(actor=by, action=audit.Action.UPDATE, obj=referral, organisation=referral.receiving_organisation,
                 changes=audit.diff(before, audit.snapshot(referral, AUDITED)))


# ------------------------------------------------------------------ intake


def validate_intake(data: dict, *, today: date) -> tuple[dict, dict]:
    errors: dict = {}
    clean = {
        "patient_name": _clean_text(data, "patient_name", errors, limit=200),
        "patient_name_latin": _clean_text(data, "patient_name_latin", errors, limit=200),
        "diagnosis": _clean_text(data, "diagnosis", errors),
        "referring_doctor": _clean_text(data, "referring_doctor", errors, limit=200),
        "referring_doctor_email": _clean_text(data, "referring_doctor_email", errors, required=False, limit=254),
    }
    birth = _day(data.get("birth_date"), "birth_date", errors)
    if birth and birth > today:
        errors.setdefault("birth_date", []).append(_("The date of birth cannot be in the future."))
    clean["birth_date"] = birth
    sex = data.get("sex") or ""
    if sex not in Sex.values:
        errors.setdefault("sex", []).append(_("Choose one of the listed values."))
    clean["sex"] = sex
    nationality = (data.get("nationality") or "").strip().upper()
    if len(nationality) != 2 or not nationality.isalpha():
        errors.setdefault("nationality", []).append(_("Enter the two-letter country code (ISO 3166), e.g. TJ."))
    clean["nationality"] = nationality
    passport = identity.normalise_passport(data.get("passport_number") or "")
    if not passport:
        errors.setdefault("passport_number", []).append(_("This field is required."))
    elif "nationality" not in errors:
        example = identity.passport_problem(nationality, passport)
        if example is not None:
            errors.setdefault("passport_number", []).append(
                _("This is not a passport number of %(country)s: it looks like %(example)s.")
                % {"country": nationality, "example": example} if example
                else _("A passport number has 6 to 9 letters and digits."))
    clean["passport_number"] = passport
    icd = identity.normalise_icd10(data.get("icd10") or "")
    if not identity.icd10_valid(icd):
        errors.setdefault("icd10", []).append(_("Enter an ICD-10 code such as C50.9 or I25.1."))
    clean["icd10"] = icd
    urgency = data.get("urgency") or Urgency.ROUTINE
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Choose one of the listed values."))
    clean["urgency"] = urgency
    language = data.get("language") or ""
    if language not in SPOKEN_LANGUAGE_CODES:
        errors.setdefault("language", []).append(_("Choose one of the listed values."))
    clean["language"] = language
    return clean, errors


@transaction.atomic
def referral_create(*, by, data: dict, documents=(), today: date | None = None) -> Referral:
    """Record a referral arriving from a partner under an agreement with the patient-referral scope."""
    today = today or timezone.localdate()
    _require(scope.can_refer(by))
    clean, errors = validate_intake(data, today=today)
    agreement = Agreement.objects.filter(pk=data.get("agreement") or 0, scopes__area=Scope.PATIENT_REFERRAL).first()
    if agreement is None:
        errors.setdefault("agreement", []).append(_("Choose an agreement that covers patient referral."))
    parties = {p.organisation_id: p for p in AgreementParty.objects.filter(agreement=agreement)
               .select_related("organisation")} if agreement else {}
    referring = Organisation.objects.filter(pk=data.get("referring_organisation") or 0).first()
    if agreement and (referring is None or not any(
            referring.path.startswith(p.organisation.path) for p in parties.values() if p.role != "lead")):
        errors.setdefault("referring_organisation", []).append(
            _("The referring partner must be a party of the agreement (or belong to one)."))
    lead = next((p.organisation for p in parties.values() if p.role == "lead"), None)
    if agreement and lead is None:
        errors.setdefault("agreement", []).append(_("This agreement has no lead party to receive patients."))
    specialty = Specialty.objects.filter(pk=data.get("specialty") or 0).first()
    if specialty is None:
        errors.setdefault("specialty", []).append(_("Choose a specialty."))
    if errors:
        raise ValidationFailed(fields=errors)
    referral = Referral(agreement=agreement, referring_organisation=referring, receiving_organisation=lead,
                        specialty=specialty, created_by=by, received_on=today, **clean)
    # The intake is allowed to the referring side and to the receiving office only.
    _require(scope.is_referrer(by, referral) or scope.is_office(by, referral))
    # The matcher says so clearly when no hospital is ready for this specialty at all.
    if selectors.match_for_referral(referral=referral, day=today).nobody_ready:
        raise ValidationFailed.field("specialty", _(
            "No hospital of the receiving side is ready for foreign patients in %(specialty)s.")
            % {"specialty": specialty.label}, code="no_ready_hospital")
    docs = [_check_document(f) for f in documents]
    referral.reference = _new_reference("RF")
    referral.save()
    StageChange.objects.create(referral=referral, status=Status.RECEIVED, at=referral.stage_since,
                               by=by if getattr(by, "pk", None) else None)
    for upload, kind, head in docs:
        _store_document(referral, upload, kind, head)
    audit.record(actor=by, action=audit.Action.CREATE, obj=referral, organisation=referral.receiving_organisation,
                 changes={"specialty": [None, specialty.code], "nationality": [None, referral.nationality]})
    return referral


def _check_document(upload):
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed.field("documents", _("A document may be at most %(mb)s MB.")
                                     % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(HEAD)
    kind = sniff(head)
    if kind is None:
        raise ValidationFailed.field("documents", _("Only PDF files and images (PNG, JPEG, WebP) are accepted."))
    return upload, kind, head


def _store_document(referral, upload, kind, head, title: str = ""):
    upload.seek(0)
    content = upload.read()
    doc = ReferralDocument(referral=referral, token=secrets.token_hex(16), extension=kind.extension,
                           original_name=(getattr(upload, "name", "") or "document")[:255],
                           content_type=kind.content_type, size=len(content),
                           sha256=hashlib.sha256(content).hexdigest(),
                           title=(title.strip() or getattr(upload, "name", "") or "")[:200])
    doc.file.save(f"x{kind.extension}", ContentFile(content), save=False)
    doc.save()
    return doc


@transaction.atomic
def document_add(*, by, referral: Referral, upload, title: str = "") -> ReferralDocument:
    """A report or image added after intake, by the referring side or the office, while the referral is open.

    The file must be a PDF or an image by its content (not its name); it is stored under a random name.
    """
    _require(scope.is_referrer(by, referral) or scope.is_office(by, referral))
    if upload is None:
        raise ValidationFailed.field("file", _("Choose a file."))
    if referral.status in S.ENDED:
        raise ValidationFailed.field("file", _("Documents are added while the referral is open."), code="ended")
    if len(title.strip()) > 200:
        raise ValidationFailed.field("title", _("At most %(n)s characters.") % {"n": 200})
    try:
        upload, kind, head = _check_document(upload)
    except ValidationFailed as exc:
        # The intake form calls the field "documents"; here it is the one "file".
        raise ValidationFailed(fields={"file": exc.fields["documents"]}, code=exc.code) from None
    doc = _store_document(referral, upload, kind, head, title)
    audit.record(actor=by, action=audit.Action.CREATE, obj=doc, object_repr=f"{referral.reference} document",
                 organisation=referral.receiving_organisation,
                 changes={"content_type": [None, doc.content_type], "size": [None, doc.size]})
    return doc


# ------------------------------------------------------------------ stages


@transaction.atomic
def referral_advance(*, by, referral: Referral, to: str, note: str = "", reason: str = "") -> Referral:
    """A plain move along the pathway, or a stop (declined by the office, withdrawn by the referring side)."""
    referral = Referral.objects.select_for_update().select_related("receiving_organisation",
                                                                    "referring_organisation").get(pk=referral.pk)
    if to == S.WITHDRAWN:
        _require(scope.is_referrer(by, referral) or scope.is_office(by, referral))
    else:
        _require(scope.is_office(by, referral))
    if to in (S.ACCEPTED, S.LETTER_ISSUED, S.ARRIVED, S.ADMITTED, S.DISCHARGED, S.FOLLOW_UP):
        raise ValidationFailed.field("status", _("This step has its own form."), code="use_step")
    if not S.allowed(referral.status, to):
        raise ValidationFailed.field("status", _("A referral in stage “%(current)s” cannot move to “%(target)s”.")
                                     % {"current": referral.get_status_display(),
                                        "target": dict(Status.choices).get(to, to)}, code="bad_transition")
    if to in (S.DECLINED, S.WITHDRAWN) and not reason.strip():
        raise ValidationFailed.field("reason", _("Give the reason."))
    if to == S.CLOSED and referral.follow_ups.filter(done_on__isnull=True).exists():
        raise ValidationFailed.field("status", _("Record the outstanding follow-ups before closing."))
    before = audit.snapshot(referral, AUDITED)
    if reason:
        referral.stop_reason = reason.strip()
    if to in (S.DECLINED, S.WITHDRAWN):
        referral.offers.filter(state=Offer.State.ACCEPTED).update(state=Offer.State.SUPERSEDED)
    _move(referral, to, by=by, note=note or reason)
    _save(referral, before, by=by)
    return referral


@transaction.atomic
def pre_assessment_record(*, by, referral: Referral, text: str) -> Referral:
    _require(scope.is_office(by, referral))
    if not text.strip():
        raise ValidationFailed.field("pre_assessment", _("This field is required."))
    if referral.status not in (S.RECEIVED, S.PRE_ASSESSMENT):
        raise ValidationFailed.field("pre_assessment", _("The pre-assessment is recorded before the offers."))
    before = audit.snapshot(referral, AUDITED)
    referral.pre_assessment = text.strip()
    if referral.status == S.RECEIVED:
        _move(referral, S.PRE_ASSESSMENT, by=by)
    _save(referral, before, by=by)
    return referral


# ------------------------------------------------------------------ offers


@transaction.atomic
def offer_create(*, by, referral: Referral, data: dict) -> Offer:
    """An offer from a ready hospital: treatment plan, expected stay, cost estimate."""
    facility = Facility.objects.filter(pk=data.get("facility") or 0).select_related("organisation").first()
    _require(scope.is_office(by, referral) or scope.is_hospital_staff(by, facility))
    errors: dict = {}
    if referral.status not in (S.PRE_ASSESSMENT, S.OFFERS, S.RECEIVED):
        errors["facility"] = [_("Offers are made before one is accepted.")]
    if facility is None:
        errors.setdefault("facility", []).append(_("Choose a hospital."))
    elif not facility.foreign_patient_specialties.filter(pk=referral.specialty_id).exists():
        errors.setdefault("facility", []).append(
            _("This hospital is not ready for foreign patients in %(specialty)s.")
            % {"specialty": referral.specialty.label})
    elif referral.offers.filter(facility=facility).exists():
        errors.setdefault("facility", []).append(_("This hospital has already made an offer."))
    plan = _clean_text(data, "treatment_plan", errors)
    try:
        stay = int(data.get("expected_stay_days"))
        if stay < 1:
            raise ValueError
    except (TypeError, ValueError):
        stay = None
        errors["expected_stay_days"] = [_("Enter a whole number of days, at least 1.")]
    try:
        cost = Decimal(str(data.get("cost_estimate")).strip())
        if not cost.is_finite():
            raise InvalidOperation
        if cost < 0:
            errors["cost_estimate"] = [_("The cost estimate cannot be negative.")]
    except (InvalidOperation, ValueError):
        cost = None
        errors["cost_estimate"] = [_("Enter an amount.")]
    currency = (data.get("currency") or "").strip().upper()
    if currency not in CURRENCIES:
        errors["currency"] = [_("Choose a currency.")]
    if errors:
        raise ValidationFailed(fields=errors)
    offer = Offer.objects.create(referral=referral, facility=facility, treatment_plan=plan, expected_stay_days=stay,
                                 cost_estimate=cost, currency=currency)
    audit.record(actor=by, action=audit.Action.CREATE, obj=offer, object_repr=f"{referral.reference} offer",
                 organisation=referral.receiving_organisation,
                 changes={"cost_estimate": [None, f"{cost} {currency}"], "facility": [None, facility.pk]})
    if referral.status in (S.RECEIVED, S.PRE_ASSESSMENT):
        before = audit.snapshot(referral, AUDITED)
        _move(referral, S.OFFERS, by=by)
        _save(referral, before, by=by)
    return offer


@transaction.atomic
def offer_accept(*, by, referral: Referral, offer_id: int, today: date | None = None) -> Offer:
    """The patient or the referring side accepts one offer; refused when the hospital's month is full."""
    today = today or timezone.localdate()
    _require(scope.is_referrer(by, referral) or scope.is_office(by, referral))
    referral = Referral.objects.select_for_update().select_related("receiving_organisation").get(pk=referral.pk)
    offer = referral.offers.filter(pk=offer_id).select_related("facility").first()
    if offer is None:
        raise NotFound()
    if referral.status != S.OFFERS:
        raise ValidationFailed.field("offer", _("An offer can be accepted only while the referral collects offers."))
    capacity = Capacity.objects.filter(facility=offer.facility, specialty_id=referral.specialty_id).first()
    used = selectors.used_this_month(facility_ids=[offer.facility_id], specialty_id=referral.specialty_id,
                                     day=today).get(offer.facility_id, 0)
    if capacity is None or used >= capacity.monthly:
        raise ValidationFailed.field("offer", _(
            "%(hospital)s has no capacity left this month for foreign patients in %(specialty)s.")
            % {"hospital": offer.facility.name, "specialty": referral.specialty.label}, code="capacity_used_up")
    before = audit.snapshot(referral, AUDITED)
    referral.offers.exclude(pk=offer.pk).update(state=Offer.State.SUPERSEDED)
    offer.state = Offer.State.ACCEPTED
    offer.save(update_fields=["state"])
    referral.receiving_facility = offer.facility
    referral.accepted_on = today
    _move(referral, S.ACCEPTED, by=by)
    _save(referral, before, by=by)
    return offer


# ------------------------------------------------------------------ letter, stay, follow-up


@transaction.atomic
def letter_issue(*, by, referral: Referral, language: str, today: date | None = None) -> Referral:
    """The invitation letter for the visa; only once an offer is accepted."""
    _require(scope.is_office(by, referral))
    if language not in dict(LETTER_LANGUAGES):
        raise ValidationFailed.field("language", _("Choose one of the listed values."))
    if referral.status != S.ACCEPTED:
        raise ValidationFailed.field("language", _("The invitation letter is issued once an offer is accepted."),
                                     code="no_accepted_offer")
    before = audit.snapshot(referral, AUDITED)
    referral.letter_reference = _new_reference("INV") + secrets.token_hex(2).upper()
    referral.letter_language = language
    referral.letter_issued_on = today or timezone.localdate()
    _move(referral, S.LETTER_ISSUED, by=by)
    _save(referral, before, by=by)
    return referral


STAY_STEPS = {S.ARRIVED: (S.LETTER_ISSUED, "arrived_on"), S.ADMITTED: (S.ARRIVED, "admitted_on"),
              S.DISCHARGED: (S.ADMITTED, "discharged_on")}


@transaction.atomic
def stay_record(*, by, referral: Referral, step: str, day, procedures: str = "", summary: str = "") -> Referral:
    """Arrival, admission, discharge (with procedures and the summary sent back to the referring doctor)."""
    if step not in STAY_STEPS:
        raise ValidationFailed.field("step", _("Choose one of the listed values."))
    _require(scope.is_office(by, referral) or scope.is_hospital_staff(by, referral.receiving_facility))
    errors: dict = {}
    when = _day(day, "day", errors)
    previous_stage, field = STAY_STEPS[step]
    if referral.status != previous_stage:
        errors.setdefault("day", []).append(_("A referral in stage “%(current)s” cannot move to “%(target)s”.")
                                            % {"current": referral.get_status_display(),
                                               "target": dict(Status.choices)[step]})
    earlier = {S.ADMITTED: referral.arrived_on, S.DISCHARGED: referral.admitted_on}.get(step)
    if when and earlier and when < earlier:
        errors.setdefault("day", []).append(_("This day is before the previous step."))
    if when and when > timezone.localdate():
        errors.setdefault("day", []).append(_("This day is in the future."))
    if when and when < referral.received_on:
        errors.setdefault("day", []).append(_("This day is before the referral was received."))
    if step == S.DISCHARGED and not summary.strip():
        errors["summary"] = [_("Write the discharge summary.")]
    if errors:
        raise ValidationFailed(fields=errors)
    before = audit.snapshot(referral, AUDITED)
    setattr(referral, field, when)
    if procedures.strip():
        referral.procedures = procedures.strip()
    _move(referral, step, by=by)
    if step == S.DISCHARGED:
        referral.discharge_summary = summary.strip()
        for offset in FOLLOW_UP_DAYS:
            FollowUp.objects.create(referral=referral, day_offset=offset, due_on=when + timedelta(days=offset))
        if referral.referring_doctor_email:
            transaction.on_commit(lambda pk=referral.pk: send_discharge_summary(pk))
        referral.summary_sent_at = timezone.now() if referral.referring_doctor_email else None
    _save(referral, before, by=by)
    return referral


def discharge_letter_text(referral: Referral) -> str:
    from django.template.loader import render_to_string

    # Patients of the Russian-reading countries (Tajikistan, Kazakhstan, Mongolia) get the Russian template.
    lang = {"tg": "ru", "kk": "ru", "mn": "ru"}.get(referral.language, referral.language)
    lang = lang if lang in dict(LETTER_LANGUAGES) else "en"
    with translation.override("en"):
        return render_to_string(f"referrals/letters/summary_{lang}.txt", {"r": referral})


def send_discharge_summary(referral_id: int) -> None:
    """E-mail the discharge summary, in the patient's language, to the referring doctor."""
    referral = Referral.objects.select_related("receiving_facility").get(pk=referral_id)
    send_mail(subject=f"{referral.reference} · discharge summary", message=discharge_letter_text(referral),
              from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[referral.referring_doctor_email],
              fail_silently=True)


@transaction.atomic
def follow_up_record(*, by, referral: Referral, follow_up_id: int, done_on, outcome: str, note: str = "") -> FollowUp:
    """The home doctor's follow-up at 30 or 90 days, with the outcome; the referral moves to follow-up."""
    _require(scope.is_referrer(by, referral) or scope.is_office(by, referral))
    fu = referral.follow_ups.filter(pk=follow_up_id).first()
    if fu is None:
        raise NotFound()
    errors: dict = {}
    day = _day(done_on, "done_on", errors)
    if day and referral.discharged_on and day < referral.discharged_on:
        errors.setdefault("done_on", []).append(_("This day is before the discharge."))
    if day and day > timezone.localdate():
        errors.setdefault("done_on", []).append(_("This day is in the future."))
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose one of the listed values.")]
    if referral.status not in (S.DISCHARGED, S.FOLLOW_UP):
        errors.setdefault("done_on", []).append(_("Follow-ups are recorded after the discharge."))
    if errors:
        raise ValidationFailed(fields=errors)
    before = audit.snapshot(referral, AUDITED)
    fu.done_on, fu.outcome, fu.note = day, outcome, note.strip()
    fu.save()
    referral.outcome = outcome
    if referral.status == S.DISCHARGED:
        _move(referral, S.FOLLOW_UP, by=by)
    _save(referral, before, by=by)
    return fu


# ------------------------------------------------------------------ capacity


@transaction.atomic
def capacity_set(*, by, facility: Facility, specialty: Specialty, monthly: int, interpreters=(),
                 accreditation: str = "") -> Capacity:
    from caravan.core.access import access_for

    _require(access_for(by).can_edit_organisation(facility.organisation))
    if monthly is None or int(monthly) < 0:
        raise ValidationFailed.field("monthly", _("Enter a whole number, 0 or more."))
    row, created = Capacity.objects.update_or_create(
        facility=facility, specialty=specialty,
        defaults={"monthly": int(monthly), "interpreters": sorted(interpreters), "accreditation": accreditation})
    audit.record(actor=by, action=audit.Action.CREATE if created else audit.Action.UPDATE, obj=row,
                 object_repr=f"{facility.code} {specialty.code}", organisation=facility.organisation,
                 changes={"monthly": [None, int(monthly)]})
    return row


# ------------------------------------------------------------------ privacy


ERASED = "—"


def erase_expired(*, retention_days: int | None = None, now=None) -> int:
    """Blank the identity, clinical text and documents of referrals ended longer ago than the retention period.

    The row stays, with its country, specialty, hospital, dates and outcome, so
    the monthly figures do not change; one audit event per erased referral.
    """
    now = now or timezone.now()
    days = retention_days if retention_days is not None else getattr(settings, "CARAVAN_REFERRAL_RETENTION_DAYS",
                                                                        3650)
    cutoff = now - timedelta(days=days)
    ids = list(Referral.objects.filter(status__in=list(S.ENDED), stage_since__lt=cutoff, erased_at__isnull=True)
               .values_list("id", flat=True))
    for pk in ids:
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=pk)
            for doc in referral.documents.all():
                doc.file.delete(save=False)
            referral.documents.all().delete()
            referral.follow_ups.update(note="")
            referral.offers.update(treatment_plan=ERASED)
            referral.stage_changes.update(note="")
            for name in ("patient_name", "patient_name_latin", "diagnosis", "referring_doctor"):
                setattr(referral, name, ERASED)
            referral.birth_date = None
            referral.passport_number = ""
            referral.referring_doctor_email = ""
            referral.pre_assessment = referral.procedures = referral.discharge_summary = referral.stop_reason = ""
            if referral.status in (S.DECLINED, S.WITHDRAWN):
                referral.stop_reason = ERASED
            referral.erased_at = now
            referral.save()
            audit.record(actor=None, action=audit.Action.DELETE, obj=referral,
                         organisation=referral.receiving_organisation, changes={"erased": [False, True]})
    return len(ids)
