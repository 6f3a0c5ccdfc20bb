"""Certificates: issued for a completed enrolment, revocable, verifiable by anyone with the code.

Verification is public and says as little as possible: the holder's name, the
course, the day of issue and whether the certificate is valid. An unknown
code, a malformed one and a code of another format all get the same answer,
so the page cannot be used to learn which codes exist.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed

from . import codes
from .models import Certificate, Enrolment
from .services import Problems, locked_enrolment, require_course_manager

CERTIFICATE_FIELDS = ["enrolment", "code", "holder_name", "course_title", "issued_on", "valid_until"]
_ATTEMPTS = 5  # a clash of two random 12-symbol codes is already a one-in-10^17 event


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _holder_name(enrolment: Enrolment) -> str:
    if enrolment.name_latin and enrolment.name_latin != enrolment.name:
        return f"{enrolment.name} ({enrolment.name_latin})"
    return enrolment.name


@transaction.atomic
def certificate_issue(*, by, enrolment: Enrolment, issued_on: date | None = None,
                      valid_until: date | None = None) -> Certificate:
    """Issue a certificate with a fresh verification code for a completed enrolment.

    Validity defaults to the course's certificate period from the day of issue
    (no end when the course sets none). One valid certificate per enrolment:
    revoke the old one before issuing another.
    """
    enrolment = locked_enrolment(enrolment)
    course = enrolment.course
    require_course_manager(by, course)
    issued_on = issued_on or timezone.localdate()
    if valid_until is None and course.certificate_months:
        valid_until = add_months(issued_on, course.certificate_months)
    problems = Problems()
    if enrolment.status != Enrolment.Status.COMPLETED:
        problems.add("enrolment", _("Only a completed enrolment can receive a certificate."), code="not_completed")
    elif enrolment.certificates.filter(revoked_at__isnull=True).exists():
        problems.add("enrolment", _("This participant already holds a valid certificate for this course; "
                                    "revoke it before issuing another."), code="already_certified")
    if valid_until is not None and valid_until < issued_on:
        problems.add("valid_until", _("The certificate would expire before it is issued."), code="end_before_start")
    problems.raise_if_any()
    certificate = Certificate(
        enrolment=enrolment, holder_name=_holder_name(enrolment), course_title=course.title,
        issued_on=issued_on, valid_until=valid_until, issued_by=by,
    )
    for _attempt in range(_ATTEMPTS):
        certificate.code = codes.new_code()
        if not Certificate.objects.filter(code=certificate.code).exists():
            break
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise ValidationFailed(_("This record conflicts with another; reload and try again."), code="conflict") from None
    audit.record(actor=by, action=audit.Action.CREATE, obj=certificate, organisation=course.provider,
                 changes=audit.diff({}, audit.snapshot(certificate, CERTIFICATE_FIELDS)))
    return certificate


@transaction.atomic
def certificate_revoke(*, by, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate for a stated reason; verification then says it is revoked."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    enrolment = locked_enrolment(certificate.enrolment)
    require_course_manager(by, enrolment.course)
    problems = Problems()
    if certificate.revoked_at is not None:
        problems.add("certificate", _("This certificate is already revoked."), code="already_revoked")
    if not (reason or "").strip():
        problems.add("reason", _("Say why the certificate is revoked."), code="required")
    problems.raise_if_any()
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=certificate, organisation=enrolment.course.provider,
                 changes={"revoked_at": [None, certificate.revoked_at.isoformat()],
                          "revoke_reason": ["", certificate.revoke_reason]})
    return certificate


# ---------------------------------------------------------------- public verification

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


@dataclass(frozen=True)
class Verification:
    """Everything the public learns about a certificate: nothing more."""

    code: str
    holder_name: str
    course_title: str
    issued_on: date
    valid_until: date | None
    state: str  # VALID, EXPIRED or REVOKED

    @property
    def display_code(self) -> str:
        return codes.display(self.code)


def state_of(*, valid_until: date | None, revoked: bool, today: date) -> str:
    if revoked:
        return REVOKED
    if valid_until is not None and valid_until < today:
        return EXPIRED
    return VALID


def certificate_verify(*, code: str | None, today: date | None = None) -> Verification | None:
    """What the public verification page shows for a typed code, or None when no certificate has it.

    A code that cannot be a code at all costs no query; a well-formed one costs one.
    """
    stored = codes.normalise(code)
    if stored is None:
        return None
    row = (
        Certificate.objects.filter(code=stored)
        .values("code", "holder_name", "course_title", "issued_on", "valid_until", "revoked_at")
        .first()
    )
    if row is None:
        return None
    return Verification(
        code=row["code"], holder_name=row["holder_name"], course_title=row["course_title"],
        issued_on=row["issued_on"], valid_until=row["valid_until"],
        state=state_of(valid_until=row["valid_until"], revoked=row["revoked_at"] is not None,
                       today=today or timezone.localdate()),
    )
