"""Every write to the registry. One function per business action.

Each service checks permission first, validates, saves inside one transaction
and leaves an audit event with the before/after of the fields it changed.
Bad input raises ValidationFailed naming the field; nothing is saved.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.text import search_blob
from caravan.core.tree import tree_check_parent, tree_save_path

from .models import (
    SPOKEN_LANGUAGE_CODES,
    Appointment,
    Department,
    Equipment,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    RegionPopulation,
    Specialty,
    TechnicalLevel,
    Technique,
)

FACILITY_FIELDS = [
    "code", "name", "name_local", "kind", "level", "grade", "ownership", "organisation", "region", "beds",
    "latitude", "longitude", "has_emr", "has_his", "has_pacs", "languages",
]
PRACTITIONER_FIELDS = [
    "name", "name_latin", "sex", "profession", "title", "organisation", "languages", "qualifications",
]
REGION_FIELDS = ["code", "name", "name_local", "level", "parent", "valid_from", "meets_commune_criteria"]
TECHNIQUE_FIELDS = ["code", "name", "name_local", "specialty", "min_level", "cases_for_independence"]
DEPARTMENT_FIELDS = ["name", "name_local", "specialty", "beds"]


def _assign(instance, data: dict, fields: list[str]) -> None:
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def _validate(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's own validation and turn it into one field-named error."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None


def _check_languages(languages) -> None:
    if languages is None:
        return
    unknown = sorted(set(languages) - SPOKEN_LANGUAGE_CODES)
    if unknown:
        raise ValidationFailed.field(
            "languages", _("Unknown language code: %(codes)s.") % {"codes": ", ".join(unknown)}
        )


def _check_level(level, field: str) -> None:
    if level is not None and level not in TechnicalLevel.values:
        raise ValidationFailed.field(
            field,
            _("Technical level %(level)s does not exist; choose 1 (central) to 4 (commune).") % {"level": level},
            code="unknown_level",
        )


def _check_unique_code(model, code: str, *, exclude_pk=None, message) -> None:
    if model.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationFailed.field("code", message, code="duplicate_code")


def _require_editor(by, organisation) -> None:
    if not access_for(by).can_edit_organisation(organisation):
        raise PermissionDenied()


def _require_reference_editor(by) -> None:
    if not access_for(by).can_edit_reference_data():
        raise PermissionDenied()


def _save(instance, *, update_fields: list[str] | None = None) -> None:
    """Save; a constraint the checks above missed (a race) still becomes a field error."""
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationFailed(_("This record conflicts with another; reload and try again."), code="conflict") from None


# ---------------------------------------------------------------- regions


def _locked(region: Region | None) -> Region | None:
    """The region as stored now, locked: a caller's copy may hold a path or a merge that has since changed."""
    return None if region is None else Region.objects.select_for_update().get(pk=region.pk)


def _with_fresh_parent(data: dict) -> dict:
    return {**data, "parent": _locked(data["parent"])} if data.get("parent") is not None else data


@transaction.atomic
def region_create(*, by, data: dict) -> Region:
    """Create a region below `parent` (or a country at the top)."""
    _require_reference_editor(by)
    data = _with_fresh_parent(data)
    region = Region()
    _assign(region, data, REGION_FIELDS)
    _check_region(region, parent=data.get("parent"))
    region.search_text = search_blob(region.name, region.name_local, region.code)
    _save(region)
    tree_save_path(region)
    audit.record(actor=by, action=audit.Action.CREATE, obj=region, changes=audit.diff({}, audit.snapshot(region, REGION_FIELDS)))
    return region


@transaction.atomic
def region_update(*, by, region: Region, data: dict) -> Region:
    """Change a region; moving it under a new parent moves its whole subtree."""
    _require_reference_editor(by)
    region = Region.objects.select_for_update().get(pk=region.pk)
    data = _with_fresh_parent(data)
    before = audit.snapshot(region, REGION_FIELDS)
    _assign(region, data, REGION_FIELDS)
    tree_check_parent(region, region.parent)
    _check_region(region, parent=region.parent)
    if region.level != before["level"] and region.children.filter(level__lte=region.level).exists():
        raise ValidationFailed.field(
            "level", _("The region has regions below it at this level or higher; change those first."),
            code="children_level",
        )
    if region.valid_to is not None and region.valid_from >= region.valid_to:
        raise ValidationFailed.field(
            "valid_from", _("The region must start before the day it was merged."), code="valid_from_after_end"
        )
    region.search_text = search_blob(region.name, region.name_local, region.code)
    _save(region)
    tree_save_path(region)
    changes = audit.diff(before, audit.snapshot(region, REGION_FIELDS))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=region, changes=changes)
    return region


def _check_region(region: Region, *, parent: Region | None) -> None:
    if region.level is not None and region.level not in Region.Level.values:
        raise ValidationFailed.field(
            "level",
            _("Region level %(level)s does not exist; choose 0 (country) to 3 (commune).") % {"level": region.level},
            code="unknown_level",
        )
    _validate(region, exclude=["parent", "merged_into", "path"])
    _check_unique_code(Region, region.code, exclude_pk=region.pk, message=_("A region with this code already exists."))
    if parent is None and region.level != Region.Level.COUNTRY:
        raise ValidationFailed.field("parent", _("Only a country may have no parent region."), code="parent_required")
    if parent is not None and parent.level >= region.level:
        raise ValidationFailed.field(
            "parent", _("The parent region must be at a higher level than the region."), code="parent_level"
        )


@transaction.atomic
def region_merge(*, by, region: Region, into: Region, on: date) -> Region:
    """Merge `region` into `into` from day `on`.

    The absorbed region keeps its rows and history: figures before `on` stay its
    own; from `on` they count toward `into`. Nothing is moved or deleted.
    """
    _require_reference_editor(by)
    region = Region.objects.select_for_update().get(pk=region.pk)
    into = _locked(into)
    if into.pk == region.pk or into.path.startswith(region.path):
        raise ValidationFailed.field("into", _("A region cannot be merged into itself or a region below it."), code="cycle")
    if into.level != region.level:
        raise ValidationFailed.field("into", _("A region can only be merged into a region of the same level."), code="merge_level")
    if region.merged_into_id is not None:
        raise ValidationFailed.field("region", _("This region has already been merged."), code="already_merged")
    if not into.is_valid_on(on):
        raise ValidationFailed.field("into", _("The target region does not exist on that date."), code="merge_date")
    if on <= region.valid_from:
        raise ValidationFailed.field("on", _("The merge date must be after the region's start."), code="merge_date")
    before = audit.snapshot(region, ["valid_to", "merged_into"])
    region.valid_to = on
    region.merged_into = into
    region.save(update_fields=["valid_to", "merged_into"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=region, changes=audit.diff(before, audit.snapshot(region, ["valid_to", "merged_into"])))
    return region


@transaction.atomic
def region_population_set(*, by, region: Region, year: int, population: int) -> RegionPopulation:
    """Record (or correct) a region's population for a year."""
    _require_reference_editor(by)
    if population is None or population < 0:
        raise ValidationFailed.field("population", _("A population cannot be below zero."), code="negative_population")
    if not 1900 <= year <= 2200:
        raise ValidationFailed.field("year", _("Enter a year between 1900 and 2200."), code="bad_year")
    row, created = RegionPopulation.objects.select_for_update().get_or_create(
        region=region, year=year, defaults={"population": population}
    )
    before = None if created else row.population
    if before == population:
        return row  # the same figure again: nothing changed, nothing to audit
    if not created:
        row.population = population
        row.save(update_fields=["population"])
    audit.record(
        actor=by, action=audit.Action.CREATE if created else audit.Action.UPDATE, obj=row,
        changes={"population": [before, population]},
    )
    return row


# ---------------------------------------------------------------- facilities


def _facility_search_text(facility: Facility) -> str:
    return search_blob(facility.name, facility.name_local, facility.code)


def _check_facility(facility: Facility) -> None:
    _check_level(facility.level, "level")
    _validate(facility, exclude=["organisation", "region"])
    _check_unique_code(Facility, facility.code, exclude_pk=facility.pk, message=_("A facility with this code already exists."))
    _check_languages(facility.languages)
    if facility.region_id is None:
        raise ValidationFailed.field("region", _("Choose the region the facility is in."), code="required")
    if facility.organisation_id is None:
        raise ValidationFailed.field("organisation", _("Choose the organisation that runs the facility."), code="required")


@transaction.atomic
def facility_create(*, by, data: dict) -> Facility:
    """Create a facility for an organisation the user may edit."""
    _require_editor(by, data.get("organisation"))
    facility = Facility()
    _assign(facility, data, FACILITY_FIELDS)
    _check_facility(facility)
    facility.search_text = _facility_search_text(facility)
    _save(facility)
    if "foreign_patient_specialties" in data:
        facility.foreign_patient_specialties.set(data["foreign_patient_specialties"])
    snap = audit.snapshot(facility, FACILITY_FIELDS)
    snap["foreign_patient_specialties"] = sorted(s.code for s in data.get("foreign_patient_specialties", []))
    audit.record(actor=by, action=audit.Action.CREATE, obj=facility, organisation=facility.organisation, changes=audit.diff({}, snap))
    return facility


@transaction.atomic
def facility_update(*, by, facility: Facility, data: dict) -> Facility:
    """Change a facility; moving it to another organisation needs edit rights on both."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    _require_editor(by, facility.organisation)
    if "organisation" in data and data["organisation"] != facility.organisation:
        _require_editor(by, data["organisation"])
    before = audit.snapshot(facility, FACILITY_FIELDS)
    before["foreign_patient_specialties"] = sorted(facility.foreign_patient_specialties.values_list("code", flat=True))
    _assign(facility, data, FACILITY_FIELDS)
    _check_facility(facility)
    facility.search_text = _facility_search_text(facility)
    _save(facility)
    after = audit.snapshot(facility, FACILITY_FIELDS)
    if "foreign_patient_specialties" in data:
        facility.foreign_patient_specialties.set(data["foreign_patient_specialties"])
        after["foreign_patient_specialties"] = sorted(s.code for s in data["foreign_patient_specialties"])
    else:
        after["foreign_patient_specialties"] = before["foreign_patient_specialties"]
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=facility, organisation=facility.organisation, changes=changes)
    return facility


@transaction.atomic
def department_create(*, by, facility: Facility, data: dict) -> Department:
    """Add a department to a facility."""
    _require_editor(by, facility.organisation)
    department = Department(facility=facility)
    _assign(department, data, DEPARTMENT_FIELDS)
    _validate(department, exclude=["facility", "specialty"])
    if Department.objects.filter(facility=facility, name=department.name).exists():
        raise ValidationFailed.field("name", _("This facility already has a department with this name."), code="duplicate_name")
    _save(department)
    audit.record(actor=by, action=audit.Action.CREATE, obj=department, organisation=facility.organisation,
                 changes=audit.diff({}, audit.snapshot(department, DEPARTMENT_FIELDS)))
    return department


@transaction.atomic
def department_update(*, by, department: Department, data: dict) -> Department:
    """Rename a department or change its specialty or beds."""
    department = Department.objects.select_for_update().select_related("facility__organisation").get(pk=department.pk)
    _require_editor(by, department.facility.organisation)
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    _assign(department, data, DEPARTMENT_FIELDS)
    _validate(department, exclude=["facility", "specialty"])
    if Department.objects.filter(facility_id=department.facility_id, name=department.name).exclude(pk=department.pk).exists():
        raise ValidationFailed.field("name", _("This facility already has a department with this name."), code="duplicate_name")
    _save(department)
    changes = audit.diff(before, audit.snapshot(department, DEPARTMENT_FIELDS))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=department, organisation=department.facility.organisation, changes=changes)
    return department


@transaction.atomic
def facility_equipment_set(*, by, facility: Facility, equipment: Equipment, quantity: int) -> FacilityEquipment | None:
    """Set how many of a kind of equipment a facility has; zero removes the line."""
    _require_editor(by, facility.organisation)
    if quantity is None or quantity < 0:
        raise ValidationFailed.field("quantity", _("A quantity cannot be below zero."), code="negative_quantity")
    row = FacilityEquipment.objects.select_for_update().filter(facility=facility, equipment=equipment).first()
    before = row.quantity if row else 0
    if quantity == 0:
        if row:
            FacilityEquipment.objects.filter(pk=row.pk).delete()
        result = None
    elif row:
        row.quantity = quantity
        row.save(update_fields=["quantity"])
        result = row
    else:
        result = FacilityEquipment.objects.create(facility=facility, equipment=equipment, quantity=quantity)
    if before != quantity:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=facility, organisation=facility.organisation,
                     changes={f"equipment.{equipment.code}": [before, quantity]})
    return result


# ---------------------------------------------------------------- practitioners


def _practitioner_search_text(p: Practitioner) -> str:
    return search_blob(p.name, p.name_latin)


def _check_practitioner(practitioner: Practitioner) -> None:
    _validate(practitioner, exclude=["organisation"])
    _check_languages(practitioner.languages)
    if practitioner.organisation_id is None:
        raise ValidationFailed.field("organisation", _("Choose the practitioner's home organisation."), code="required")


@transaction.atomic
def practitioner_create(*, by, data: dict) -> Practitioner:
    """Register a practitioner with their home organisation."""
    _require_editor(by, data.get("organisation"))
    practitioner = Practitioner()
    _assign(practitioner, data, PRACTITIONER_FIELDS)
    _check_practitioner(practitioner)
    practitioner.search_text = _practitioner_search_text(practitioner)
    _save(practitioner)
    if "specialties" in data:
        practitioner.specialties.set(data["specialties"])
    snap = audit.snapshot(practitioner, PRACTITIONER_FIELDS)
    snap["specialties"] = sorted(s.code for s in data.get("specialties", []))
    audit.record(actor=by, action=audit.Action.CREATE, obj=practitioner, organisation=practitioner.organisation, changes=audit.diff({}, snap))
    return practitioner


@transaction.atomic
def practitioner_update(*, by, practitioner: Practitioner, data: dict) -> Practitioner:
    """Change a practitioner's record."""
    practitioner = Practitioner.objects.select_for_update().get(pk=practitioner.pk)
    _require_editor(by, practitioner.organisation)
    if "organisation" in data and data["organisation"] != practitioner.organisation:
        _require_editor(by, data["organisation"])
    before = audit.snapshot(practitioner, PRACTITIONER_FIELDS)
    before["specialties"] = sorted(practitioner.specialties.values_list("code", flat=True))
    _assign(practitioner, data, PRACTITIONER_FIELDS)
    _check_practitioner(practitioner)
    practitioner.search_text = _practitioner_search_text(practitioner)
    _save(practitioner)
    after = audit.snapshot(practitioner, PRACTITIONER_FIELDS)
    if "specialties" in data:
        practitioner.specialties.set(data["specialties"])
        after["specialties"] = sorted(s.code for s in data["specialties"])
    else:
        after["specialties"] = before["specialties"]
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=practitioner, organisation=practitioner.organisation, changes=changes)
    return practitioner


def _require_appointment_editor(by, *, facility: Facility, practitioner: Practitioner) -> None:
    """Editors of the host facility, or of the practitioner's home organisation, manage an appointment.

    The home side may post its people only to facilities it can see: an
    organisation of another network is not reachable by appointing someone there.
    """
    access = access_for(by)
    if access.can_edit_organisation(facility.organisation):
        return
    if access.can_edit_organisation(practitioner.organisation) and (
        access.visible_organisations().filter(pk=facility.organisation_id).exists()
    ):
        return
    raise PermissionDenied()


@transaction.atomic
def appointment_create(*, by, practitioner: Practitioner, facility: Facility, data: dict) -> Appointment:
    """Appoint a practitioner at a facility for a period (open-ended when no end)."""
    _require_appointment_editor(by, facility=facility, practitioner=practitioner)
    department = data.get("department")
    if department is not None and department.facility_id != facility.pk:
        raise ValidationFailed.field("department", _("The department belongs to another facility."), code="wrong_facility")
    appointment = Appointment(
        practitioner=practitioner, facility=facility, department=department,
        position=data.get("position", ""), start=data.get("start"), end=data.get("end"),
    )
    _validate(appointment, exclude=["practitioner", "facility", "department"])
    if appointment.end is not None and appointment.end < appointment.start:
        raise ValidationFailed.field("end", _("The end date is before the start date."), code="end_before_start")
    _save(appointment)
    audit.record(actor=by, action=audit.Action.CREATE, obj=appointment, organisation=facility.organisation,
                 changes=audit.diff({}, audit.snapshot(appointment, ["practitioner", "facility", "department", "position", "start", "end"])))
    return appointment


@transaction.atomic
def appointment_end(*, by, appointment: Appointment, end: date) -> Appointment:
    """Close an appointment on a given day (the same editors as appointment_create)."""
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("facility__organisation", "practitioner__organisation")
        .get(pk=appointment.pk)
    )
    _require_appointment_editor(by, facility=appointment.facility, practitioner=appointment.practitioner)
    if end is None:
        raise ValidationFailed.field("end", _("Enter the last day of the appointment."), code="required")
    if end < appointment.start:
        raise ValidationFailed.field("end", _("The end date is before the start date."), code="end_before_start")
    before = audit.snapshot(appointment, ["end"])
    appointment.end = end
    appointment.save(update_fields=["end"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=appointment, organisation=appointment.facility.organisation,
                 changes=audit.diff(before, audit.snapshot(appointment, ["end"])))
    return appointment


# ---------------------------------------------------------------- reference data


@transaction.atomic
def technique_create(*, by, data: dict) -> Technique:
    """Add a technique to the national list."""
    _require_reference_editor(by)
    technique = Technique()
    _assign(technique, data, TECHNIQUE_FIELDS)
    _check_technique(technique)
    _save(technique)
    if "prerequisites" in data:
        technique.prerequisites.set(data["prerequisites"])
    if "equipment_needed" in data:
        technique.equipment_needed.set(data["equipment_needed"])
    audit.record(actor=by, action=audit.Action.CREATE, obj=technique, changes=audit.diff({}, _technique_snapshot(technique)))
    return technique


def _technique_snapshot(technique: Technique) -> dict:
    """The technique's fields plus the codes of its prerequisites and equipment (two queries)."""
    snap = audit.snapshot(technique, TECHNIQUE_FIELDS)
    snap["prerequisites"] = sorted(technique.prerequisites.values_list("code", flat=True))
    snap["equipment_needed"] = sorted(technique.equipment_needed.values_list("code", flat=True))
    return snap


@transaction.atomic
def technique_update(*, by, technique: Technique, data: dict) -> Technique:
    """Change a technique's level, specialty, threshold or prerequisites."""
    _require_reference_editor(by)
    technique = Technique.objects.select_for_update().get(pk=technique.pk)
    before = _technique_snapshot(technique)
    _assign(technique, data, TECHNIQUE_FIELDS)
    _check_technique(technique)
    if "prerequisites" in data and _prerequisites_reach(data["prerequisites"], technique):
        raise ValidationFailed.field(
            "prerequisites", _("A technique cannot require itself, directly or through other prerequisites."), code="cycle",
        )
    _save(technique)
    if "prerequisites" in data:
        technique.prerequisites.set(data["prerequisites"])
    if "equipment_needed" in data:
        technique.equipment_needed.set(data["equipment_needed"])
    changes = audit.diff(before, _technique_snapshot(technique))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=technique, changes=changes)
    return technique


def _prerequisites_reach(prerequisites, technique: Technique) -> bool:
    """Whether `technique` is among `prerequisites` or what they require, at any depth.

    One query per level of the prerequisite chain, which is short in practice.
    """
    through = Technique.prerequisites.through
    seen: set[int] = set()
    frontier = {p.pk for p in prerequisites}
    while frontier:
        if technique.pk in frontier:
            return True
        seen |= frontier
        frontier = set(
            through.objects.filter(from_technique_id__in=frontier).values_list("to_technique_id", flat=True)
        ) - seen
    return False


def _check_technique(technique: Technique) -> None:
    _check_level(technique.min_level, "min_level")
    _validate(technique, exclude=["specialty"])
    _check_unique_code(Technique, technique.code, exclude_pk=technique.pk, message=_("A technique with this code already exists."))
    if technique.specialty_id is None:
        raise ValidationFailed.field("specialty", _("Choose the technique's specialty."), code="required")
    technique.search_text = search_blob(technique.name, technique.name_local, technique.code)


@transaction.atomic
def specialty_ensure(*, code: str, name: str) -> Specialty:
    """Make sure a controlled-list specialty exists (used by seeding and the demo)."""
    specialty, _created = Specialty.objects.get_or_create(code=code, defaults={"name": name})
    return specialty
