"""Pre-assessment through a teleconsultation case, when the teleconsultation module is installed.

The international office asks a specialist through the teleconsultation
module instead of typing the pre-assessment in: the case is opened by one of
the office's hospitals ready in the specialty, under the referral's agreement,
with the referral's reference as the patient's local identifier (the
teleconsultation module keeps only a keyed hash of it and the age, never the
name). The referral keeps the case's id and links to it.
"""

from datetime import date

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.registry.models import Facility

from . import scope
from . import stages as S
from .models import Referral, StageChange, Urgency

TELECONSULT_APP = "caravan.teleconsult"
# A referral that is urgent within a week is urgent for the consultant too; "soon" and "routine" are routine.
URGENCY = {Urgency.ROUTINE: "routine", Urgency.SOON: "routine", Urgency.URGENT: "urgent"}


def teleconsult_installed() -> bool:
    return apps.is_installed(TELECONSULT_APP)


def can_open_case(user, referral: Referral) -> bool:
    """Whether the page offers "open a teleconsultation case": module installed, office, before the offers."""
    return (teleconsult_installed() and referral.teleconsult_case_id is None
            and referral.status in (S.RECEIVED, S.PRE_ASSESSMENT) and scope.is_office(user, referral))


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@transaction.atomic
def teleconsult_open(*, by, referral: Referral, facility_id, question: str) -> int:
    """Open the teleconsultation case for this referral's pre-assessment and link it; returns the case's id.

    The teleconsultation module checks its own rules (agreement in force for teleconsultation, requesting
    facility a party to it, who may ask); its refusals come back naming its fields, and then nothing is saved.
    """
    if not teleconsult_installed():
        raise ValidationFailed.field("case", _("The teleconsultation module is not installed."),
                                     code="not_installed")
    if not scope.is_office(by, referral):
        raise PermissionDenied()
    referral = Referral.objects.select_for_update().select_related(
        "receiving_organisation", "agreement", "specialty").get(pk=referral.pk)
    errors: dict = {}
    if referral.teleconsult_case_id is not None:
        errors["case"] = [_("A teleconsultation case is already open for this referral.")]
    elif referral.status not in (S.RECEIVED, S.PRE_ASSESSMENT):
        errors["case"] = [_("The pre-assessment is recorded before the offers.")]
    facility = (Facility.objects.filter(pk=facility_id, foreign_patient_specialties=referral.specialty_id)
                .select_related("organisation").first() if str(facility_id or "").isdigit() else None)
    if facility is None:
        errors["facility"] = [_("Choose a hospital ready for foreign patients in %(specialty)s.")
                              % {"specialty": referral.specialty.label}]
    if not (question or "").strip():
        errors["question"] = [_("Say what you want the consultant to answer.")]
    if errors:
        raise ValidationFailed(fields=errors)
    from caravan.teleconsult import services as teleconsult

    case = teleconsult.case_open(
        by=by, agreement=referral.agreement, facility=facility,
        patient_age=_age(referral.birth_date, timezone.localdate()), patient_sex=referral.sex,
        patient_local_id=referral.reference, question=question.strip(), specialty=referral.specialty,
        urgency=URGENCY.get(referral.urgency, "routine"))
    before = {"teleconsult_case_id": None, "status": referral.status}
    referral.teleconsult_case_id = case.pk
    if referral.status == S.RECEIVED:
        referral.status = S.PRE_ASSESSMENT
        referral.stage_since = timezone.now()
        StageChange.objects.create(referral=referral, status=S.PRE_ASSESSMENT, at=referral.stage_since,
                                   by=by if getattr(by, "pk", None) else None,
                                   note=_("Teleconsultation case %(id)s") % {"id": case.pk})
    referral.save(update_fields=["teleconsult_case_id", "status", "stage_since"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=referral, organisation=referral.receiving_organisation,
                 changes=audit.diff(before, {"teleconsult_case_id": case.pk, "status": referral.status}))
    return case.pk
