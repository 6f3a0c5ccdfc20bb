"""Writes to specialty centres and mentoring studios (coordinators of the host facility's organisation)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed
from caravan.registry.models import Practitioner

from .. import scope
from ..models import SpecialtyCentre, Studio, StudioLead, StudioTrainee
from .common import access_of, assign, check_day, require, save, validate

CENTRE_FIELDS = ["kind", "name", "name_local", "facility", "specialty", "partner", "opened_on", "people_served",
                 "served_as_of", "description"]
STUDIO_FIELDS = ["name", "name_local", "department", "founder", "founded_on", "description"]


def _check_centre(centre: SpecialtyCentre) -> None:
    if centre.facility_id is None:
        raise ValidationFailed.field("facility", _("Choose the facility the centre belongs to."), code="required")
    if centre.kind not in SpecialtyCentre.Kind.values:
        raise ValidationFailed.field("kind", _("Choose a specialty hospital or a specialty centre."), code="unknown_kind")
    validate(centre, exclude=["facility", "specialty", "partner"])
    check_day(centre.opened_on, "opened_on", required=False)
    check_day(centre.served_as_of, "served_as_of", required=False)
    if centre.people_served is not None and centre.served_as_of is None:
        raise ValidationFailed.field("served_as_of", _("Say on which day the number of people served was counted."),
                                     code="required")
    duplicate = SpecialtyCentre.objects.filter(facility_id=centre.facility_id, name=centre.name).exclude(pk=centre.pk)
    if duplicate.exists():
        raise ValidationFailed.field("name", _("This facility already has a centre with this name."), code="duplicate")


@transaction.atomic
def centre_create(*, by, data: dict) -> SpecialtyCentre:
    """Record a specialty hospital or centre at a facility the user coordinates."""
    access = access_of(by)
    facility = data.get("facility")
    require(facility is not None and scope.edits_facility(access, facility))
    centre = SpecialtyCentre()
    assign(centre, data, CENTRE_FIELDS)
    _check_centre(centre)
    save(centre)
    audit.record(actor=by, action=audit.Action.CREATE, obj=centre, organisation=facility.organisation,
                 changes=audit.diff({}, audit.snapshot(centre, CENTRE_FIELDS)))
    return centre


@transaction.atomic
def centre_update(*, by, centre: SpecialtyCentre, data: dict) -> SpecialtyCentre:
    """Change a centre (for example, the people it has served so far)."""
    access = access_of(by)
    centre = SpecialtyCentre.objects.select_for_update().select_related("facility__organisation").get(pk=centre.pk)
    require(scope.edits_facility(access, centre.facility))
    if "facility" in data and data["facility"] != centre.facility:
        require(scope.edits_facility(access, data["facility"]))
    before = audit.snapshot(centre, CENTRE_FIELDS)
    assign(centre, data, CENTRE_FIELDS)
    _check_centre(centre)
    save(centre)
    changes = audit.diff(before, audit.snapshot(centre, CENTRE_FIELDS))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=centre, organisation=centre.facility.organisation,
                     changes=changes)
    return centre


# ---------------------------------------------------------------- studios


def _check_studio(studio: Studio) -> None:
    if studio.department_id is None:
        raise ValidationFailed.field("department", _("Choose the host department."), code="required")
    if studio.founder_id is None:
        raise ValidationFailed.field("founder", _("Choose the founding expert."), code="required")
    validate(studio, exclude=["department", "founder"])
    check_day(studio.founded_on, "founded_on")
    duplicate = Studio.objects.filter(department_id=studio.department_id, name=studio.name).exclude(pk=studio.pk)
    if duplicate.exists():
        raise ValidationFailed.field("name", _("This department already has a studio with this name."),
                                     code="duplicate")


def _studio_snapshot(studio: Studio, techniques) -> dict:
    snap = audit.snapshot(studio, STUDIO_FIELDS)
    snap["techniques"] = sorted(t.code for t in techniques)
    return snap


@transaction.atomic
def studio_create(*, by, data: dict) -> Studio:
    """Found a studio in a department of a facility the user coordinates; its founder is its first lead."""
    access = access_of(by)
    department = data.get("department")
    require(department is not None and scope.edits_facility(access, department.facility))
    studio = Studio()
    assign(studio, data, STUDIO_FIELDS)
    _check_studio(studio)
    save(studio)
    techniques = list(data.get("techniques", []))
    studio.techniques.set(techniques)
    StudioLead.objects.create(studio=studio, practitioner=studio.founder, start=studio.founded_on)
    audit.record(actor=by, action=audit.Action.CREATE, obj=studio, organisation=department.facility.organisation,
                 changes=audit.diff({}, _studio_snapshot(studio, techniques)))
    return studio


def _locked_studio(studio: Studio) -> Studio:
    return Studio.objects.select_for_update().select_related("department__facility__organisation").get(pk=studio.pk)


@transaction.atomic
def studio_update(*, by, studio: Studio, data: dict) -> Studio:
    """Change a studio's name, description or the techniques it carries."""
    access = access_of(by)
    studio = _locked_studio(studio)
    require(scope.edits_facility(access, studio.department.facility))
    before = _studio_snapshot(studio, studio.techniques.all())
    allowed = {k: v for k, v in data.items() if k in ("name", "name_local", "description")}
    assign(studio, allowed, STUDIO_FIELDS)
    _check_studio(studio)
    save(studio)
    techniques = list(data["techniques"]) if "techniques" in data else list(studio.techniques.all())
    if "techniques" in data:
        studio.techniques.set(techniques)
    changes = audit.diff(before, _studio_snapshot(studio, techniques))
    if changes:
        audit.record(actor=by, action=audit.Action.UPDATE, obj=studio,
                     organisation=studio.department.facility.organisation, changes=changes)
    return studio


@transaction.atomic
def studio_lead_succeed(*, by, studio: Studio, practitioner: Practitioner, start: date | None) -> StudioLead:
    """Hand a studio to its next lead from `start`; the current lead's period ends the day before."""
    access = access_of(by)
    studio = _locked_studio(studio)
    require(scope.edits_facility(access, studio.department.facility))
    if practitioner is None:
        raise ValidationFailed.field("practitioner", _("Choose the next lead."), code="required")
    check_day(start, "start")
    current = studio.leads.filter(end__isnull=True).order_by("-start").first()
    if current is not None:
        if current.practitioner_id == practitioner.pk:
            raise ValidationFailed.field("practitioner", _("This practitioner already leads the studio."),
                                         code="already_lead")
        if start <= current.start:
            raise ValidationFailed.field("start", _(
                "The new lead must start after the current lead started (%(day)s)."
            ) % {"day": current.start.isoformat()}, code="start_before_current")
        current.end = date.fromordinal(start.toordinal() - 1)
        current.save(update_fields=["end"])
    lead = StudioLead.objects.create(studio=studio, practitioner=practitioner, start=start)
    audit.record(actor=by, action=audit.Action.UPDATE, obj=studio, organisation=studio.department.facility.organisation,
                 changes={"lead": [current.practitioner_id if current else None, practitioner.pk],
                          "lead_start": [None, start.isoformat()]})
    return lead


@transaction.atomic
def studio_trainee_add(*, by, studio: Studio, practitioner: Practitioner, since: date | None,
                       note: str = "") -> StudioTrainee:
    """Record a practitioner the studio formed."""
    access = access_of(by)
    studio = _locked_studio(studio)
    require(scope.edits_facility(access, studio.department.facility))
    if practitioner is None:
        raise ValidationFailed.field("practitioner", _("Choose the trainee."), code="required")
    check_day(since, "since")
    if studio.trainees.filter(practitioner=practitioner).exists():
        raise ValidationFailed.field("practitioner", _("This practitioner is already a trainee of the studio."),
                                     code="duplicate")
    trainee = StudioTrainee.objects.create(studio=studio, practitioner=practitioner, since=since, note=note[:300])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=studio, organisation=studio.department.facility.organisation,
                 changes={"trainee_added": [None, practitioner.pk]})
    return trainee
