"""A ready hospital's readiness for foreign patients, as the international office keeps it.

Readiness is the specialties a hospital takes foreign patients in, its monthly
capacity in each (with the languages interpreters cover and the accreditation),
and the languages its staff speak. It is what the matcher reads, so it is
edited here, in one place, by the office: admins and coordinators of the
hospital's organisation or above it (the same people who may edit the
hospital in the registry).

Errors name the field the page shows: `languages`, `specialties`, and per
specialty `monthly_<code>`, `interpreters_<code>`, `accreditation_<code>`.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.registry.models import SPOKEN_LANGUAGE_CODES, Facility, Specialty

from .models import Capacity
from .scope import OFFICE_ROLES

ACCREDITATION_LIMIT = 100


@dataclass
class SpecialtyReadiness:
    code: str
    label: str
    ready: bool = False
    monthly: int | None = None
    interpreters: list[str] = field(default_factory=list)
    accreditation: str = ""


@dataclass
class Readiness:
    facility: Facility
    languages: list[str]
    specialties: list[SpecialtyReadiness]

    @property
    def ready(self) -> list[SpecialtyReadiness]:
        return [s for s in self.specialties if s.ready]


# ------------------------------------------------------------------ reads


def _editable_facilities(user):
    access = access_for(user)
    qs = Facility.objects.all()
    if access.is_node_admin:
        return qs
    q = Q(pk__in=[])
    for _id, path, role in access.memberships:
        if role in OFFICE_ROLES:
            q |= Q(organisation__path__startswith=path)
    return qs.filter(q)


def hospitals_for_office(*, user):
    """Hospitals whose readiness the user may edit, by name, with their ready specialties prefetched."""
    return (_editable_facilities(user).select_related("organisation").prefetch_related("foreign_patient_specialties")
            .order_by("name", "id"))


def readiness_get_for_user(*, user, facility_id: int) -> Readiness:
    """One hospital's readiness over every specialty of the registry (three queries); NotFound when not editable."""
    facility = _editable_facilities(user).filter(pk=facility_id).select_related("organisation").first()
    if facility is None:
        raise NotFound()
    return _readiness(facility)


def _readiness(facility: Facility) -> Readiness:
    ready = set(Facility.foreign_patient_specialties.through.objects.filter(facility_id=facility.pk)
                .values_list("specialty__code", flat=True))
    caps = {c.specialty.code: c for c in Capacity.objects.filter(facility=facility).select_related("specialty")}
    rows = []
    for specialty in sorted(Specialty.objects.all(), key=lambda s: str(s.label)):
        cap = caps.get(specialty.code)
        rows.append(SpecialtyReadiness(
            code=specialty.code, label=str(specialty.label), ready=specialty.code in ready,
            monthly=cap.monthly if cap else None, interpreters=list(cap.interpreters) if cap else [],
            accreditation=cap.accreditation if cap else ""))
    return Readiness(facility=facility, languages=list(facility.languages or []), specialties=rows)


# ------------------------------------------------------------------ the write


def _whole(value) -> int | None:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError
    return int(text)


def validate(data: dict, *, known: dict[str, Specialty]) -> tuple[list[str], dict[str, dict], dict]:
    """Check the languages and each ready specialty; return (languages, {code: capacity}, errors)."""
    errors: dict = {}
    languages = data.get("languages") or []
    if isinstance(languages, str) or not isinstance(languages, list | tuple):
        errors["languages"] = [_("Give a list of language codes.")]
        languages = []
    unknown = sorted({str(c) for c in languages} - SPOKEN_LANGUAGE_CODES)
    if unknown:
        errors.setdefault("languages", []).append(
            _("Unknown language code: %(codes)s.") % {"codes": ", ".join(unknown)})
    specialties: dict[str, dict] = {}
    for row in data.get("specialties") or []:
        code = str(row.get("specialty") or "")
        specialty = known.get(code)
        if specialty is None:
            errors.setdefault("specialties", []).append(_("Unknown specialty: %(code)s.") % {"code": code or "—"})
            continue
        if code in specialties:
            errors.setdefault("specialties", []).append(
                _("%(specialty)s is listed twice.") % {"specialty": specialty.label})
            continue
        try:
            monthly = _whole(row.get("monthly"))
            if monthly < 0:
                raise ValueError
        except (TypeError, ValueError):
            monthly = None
            errors[f"monthly_{code}"] = [_("%(specialty)s: enter the patients a month as a whole number, 0 or more.")
                                         % {"specialty": specialty.label}]
        interpreters = row.get("interpreters") or []
        if isinstance(interpreters, str) or not isinstance(interpreters, list | tuple):
            interpreters = []
            errors[f"interpreters_{code}"] = [_("Give a list of language codes.")]
        bad = sorted({str(c) for c in interpreters} - SPOKEN_LANGUAGE_CODES)
        if bad:
            errors[f"interpreters_{code}"] = [_("Unknown language code: %(codes)s.") % {"codes": ", ".join(bad)}]
        accreditation = str(row.get("accreditation") or "").strip()
        if len(accreditation) > ACCREDITATION_LIMIT:
            errors[f"accreditation_{code}"] = [_("At most %(n)s characters.") % {"n": ACCREDITATION_LIMIT}]
        specialties[code] = {"monthly": monthly, "interpreters": sorted(set(interpreters)),
                             "accreditation": accreditation}
    return sorted(set(languages)), specialties, errors


@transaction.atomic
def readiness_set(*, by, facility: Facility, data: dict) -> Readiness:
    """Replace a hospital's readiness: the specialties listed become its ready ones with their capacity; the
    others stop being ready. Refused unless the user is the hospital's office; nothing is written on bad input.

    `data`: {"languages": [code, ...], "specialties": [{"specialty": code, "monthly": n,
    "interpreters": [code, ...], "accreditation": text}, ...]}
    """
    facility = Facility.objects.select_for_update().select_related("organisation").get(pk=facility.pk)
    if not access_for(by).can_edit_organisation(facility.organisation):
        raise PermissionDenied()
    known = {s.code: s for s in Specialty.objects.all()}
    languages, wanted, errors = validate(data, known=known)
    if errors:
        raise ValidationFailed(fields=errors)
    before = _readiness(facility)
    facility.languages = languages
    facility.save(update_fields=["languages"])
    facility.foreign_patient_specialties.set([known[code] for code in wanted])
    Capacity.objects.filter(facility=facility).exclude(specialty__code__in=list(wanted)).delete()
    for code, cap in wanted.items():
        Capacity.objects.update_or_create(facility=facility, specialty=known[code], defaults=cap)
    after = _readiness(facility)
    changes = audit.diff(_snapshot(before), _snapshot(after))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=facility, organisation=facility.organisation,
                     object_repr=f"{facility.code} readiness", changes=changes)
    return after


def _snapshot(readiness: Readiness) -> dict:
    snap: dict = {"languages": readiness.languages}
    for row in readiness.ready:
        snap[f"ready.{row.code}"] = {"monthly": row.monthly, "interpreters": row.interpreters,
                                     "accreditation": row.accreditation}
    return snap
