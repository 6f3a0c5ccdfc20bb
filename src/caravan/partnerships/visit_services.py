"""Every write to visits: record a delegation's visit, its itinerary, participants and outcomes.

Like the agreement services: permission first, every bad field named with its
own reason, one transaction, one audit event with the before and after.
"""

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import NotFound, PermissionDenied

from . import visit_selectors
from .models import Visit, VisitOutcome, VisitParticipant, VisitParty, VisitStop
from .services import Errors

VISIT_FIELDS = ["title", "title_local", "purpose", "agreement", "start", "end", "time_zone", "language", "status"]
STOP_FIELDS = ["starts_at", "ends_at", "facility", "department", "place", "host_person", "topic", "topic_local"]
PARTICIPANT_FIELDS = ["name", "position", "organisation", "side"]
OUTCOME_FIELDS = ["kind", "agreement", "description"]
UI_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _zones() -> set[str]:
    return available_timezones() | {"UTC"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# ---------------------------------------------------------------- checks


def _check_visit(errors: Errors, data: dict) -> None:
    if not (data.get("title") or "").strip():
        errors.add("title", _("Enter the visit's title."))
    start, end = data.get("start"), data.get("end")
    if start is None:
        errors.add("start", _("Enter the visit's first day."))
    if end is None:
        errors.add("end", _("Enter the visit's last day."))
    if start is not None and end is not None and end < start:
        errors.add("end", _("The last day must be on or after the first day."))
    if data.get("time_zone") not in _zones():
        errors.add("time_zone", _("Unknown time zone: %(zone)s.") % {"zone": data.get("time_zone")})
    if data.get("language") not in UI_LANGUAGES:
        errors.add("language", _("Choose the visitors' language from the list."))
    if data.get("status") not in Visit.Status.values:
        errors.add("status", _("Choose the visit's status: planned, held or cancelled."))


def _check_sides(errors: Errors, visiting: list, hosts: list, *, by) -> None:
    if not visiting:
        errors.add("visiting", _("Name at least one visiting organisation."))
    if not hosts:
        errors.add("hosts", _("Name at least one host organisation."))
    if len({o.pk for o in visiting}) != len(visiting) or len({o.pk for o in hosts}) != len(hosts):
        errors.add("visiting", _("Each organisation appears once on each side."))
    for org in sorted({o.pk: o for o in visiting}.values(), key=lambda o: o.name):
        if any(h.pk == org.pk for h in hosts):
            errors.add("hosts", _("%(name)s cannot be both visiting and hosting.") % {"name": org.name})
    access = access_for(by)
    if (visiting or hosts) and not access.is_node_admin and not any(
        access.can_edit_organisation(o) for o in [*visiting, *hosts]
    ):
        errors.add("visiting", _("One of the visiting or host organisations must be one you coordinate."))


def _local_day(moment: datetime, zone: str):
    return moment.astimezone(ZoneInfo(zone)).date() if zone in _zones() else moment.date()


def _check_stop(errors: Errors, data: dict, visit: dict, *, prefix: str = "") -> None:
    if not (data.get("topic") or "").strip():
        errors.add(f"{prefix}topic", _("Enter what the stop is about."))
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is None:
        errors.add(f"{prefix}starts_at", _("Enter the time the stop starts."))
    elif starts_at.tzinfo is None:
        errors.add(f"{prefix}starts_at", _("Give the time with its time zone."))
    else:
        day = _local_day(starts_at, visit.get("time_zone"))
        if visit.get("start") and visit.get("end") and not visit["start"] <= day <= visit["end"]:
            errors.add(f"{prefix}starts_at", _("The stop must fall within the days of the visit."))
        if ends_at is not None and (ends_at.tzinfo is None or ends_at < starts_at):
            errors.add(f"{prefix}ends_at", _("The stop must end after it starts."))
    facility, department = data.get("facility"), data.get("department")
    if department is not None and (facility is None or department.facility_id != facility.pk):
        errors.add(f"{prefix}department", _("The department is not part of the chosen facility."))
    if facility is None and not (data.get("place") or "").strip():
        errors.add(f"{prefix}place", _("Choose the facility or name the place of the stop."))


def _check_participant(errors: Errors, data: dict, *, prefix: str = "") -> None:
    if not (data.get("name") or "").strip():
        errors.add(f"{prefix}name", _("Enter the participant's name."))
    if data.get("side", VisitParty.Side.VISITING) not in VisitParty.Side.values:
        errors.add(f"{prefix}side", _("Choose whether the participant is visiting or hosting."))


def _check_outcome(errors: Errors, data: dict, *, prefix: str = "") -> None:
    kind = data.get("kind")
    if kind not in VisitOutcome.Kind.values:
        errors.add(f"{prefix}kind", _("Choose the kind of outcome from the list."))
    if kind in {VisitOutcome.Kind.AGREEMENT_SIGNED, VisitOutcome.Kind.AGREEMENT_RENEWED} and not data.get("agreement"):
        errors.add(f"{prefix}agreement", _("Name the agreement that was signed or renewed."))
    if kind == VisitOutcome.Kind.OTHER and not (data.get("description") or "").strip():
        errors.add(f"{prefix}description", _("Describe the outcome."))


def _check_lists(errors: Errors, data: dict, visit: dict) -> None:
    for item in data.get("stops") or []:
        _check_stop(errors, item, visit, prefix="stops.")
    for item in data.get("participants") or []:
        _check_participant(errors, item, prefix="participants.")
    for item in data.get("outcomes") or []:
        _check_outcome(errors, item, prefix="outcomes.")


# ---------------------------------------------------------------- writing helpers


def _state(visit: Visit) -> dict:
    state = audit.snapshot(visit, VISIT_FIELDS)
    state["visiting"] = sorted(visit.parties.filter(side="visiting").values_list("organisation_id", flat=True))
    state["hosts"] = sorted(visit.parties.filter(side="host").values_list("organisation_id", flat=True))
    state["participants"] = [
        [p.name, p.position, p.organisation_id, p.side] for p in visit.participants.order_by("id")
    ]
    state["stops"] = [
        [s.starts_at.isoformat(), s.ends_at.isoformat() if s.ends_at else None, s.facility_id, s.department_id,
         s.place, s.host_person, s.topic, s.topic_local]
        for s in visit.stops.order_by("starts_at", "id")
    ]
    state["outcomes"] = [[o.kind, o.agreement_id, o.description] for o in visit.outcomes.order_by("id")]
    return state


def _host_organisation(visit: Visit):
    party = visit.parties.select_related("organisation").filter(side="host").order_by("id").first()
    return party.organisation if party else None


def _record(by, action, visit: Visit, before: dict) -> None:
    changes = audit.diff(before, _state(visit))
    if changes or action == audit.Action.CREATE:
        audit.record(actor=by, action=action, obj=visit, organisation=_host_organisation(visit), changes=changes)


def _write_sides(visit: Visit, visiting: list, hosts: list) -> None:
    VisitParty.objects.filter(visit=visit).delete()
    VisitParty.objects.bulk_create(
        [VisitParty(visit=visit, organisation=o, side=VisitParty.Side.VISITING) for o in visiting]
        + [VisitParty(visit=visit, organisation=o, side=VisitParty.Side.HOST) for o in hosts]
    )


def _fill(model, visit: Visit, data: dict, fields: list[str]):
    return model(visit=visit, **{k: _strip(data[k]) if data.get(k) is not None else _blank(model, k)
                                 for k in fields if k in data})


def _blank(model, name: str):
    field = model._meta.get_field(name)
    return None if field.null else ""


def _write_lists(visit: Visit, data: dict) -> None:
    if "stops" in data:
        visit.stops.all().delete()
        VisitStop.objects.bulk_create([_fill(VisitStop, visit, s, STOP_FIELDS) for s in data["stops"]])
    if "participants" in data:
        visit.participants.all().delete()
        VisitParticipant.objects.bulk_create(
            [_fill(VisitParticipant, visit, p, PARTICIPANT_FIELDS) for p in data["participants"]]
        )
    if "outcomes" in data:
        visit.outcomes.all().delete()
        VisitOutcome.objects.bulk_create([_fill(VisitOutcome, visit, o, OUTCOME_FIELDS) for o in data["outcomes"]])


def _require_recorder(by) -> None:
    access = access_for(by)
    if not (access.is_node_admin or access.has_role("admin", "coordinator")):
        raise PermissionDenied()


def _require_editor(by, visit: Visit) -> None:
    if not visit_selectors.visit_editable_by(user=by, visit=visit):
        raise PermissionDenied()


# ---------------------------------------------------------------- services


DEFAULTS = {"time_zone": "UTC", "language": "en", "status": Visit.Status.PLANNED, "title_local": "", "purpose": ""}


@transaction.atomic
def visit_create(*, by, data: dict) -> Visit:
    """Record a visit with its sides and, optionally, its participants, stops and outcomes.

    `data` holds the visit's fields, `visiting` and `hosts` (organisations) and
    lists `participants`, `stops` (aware `starts_at`) and `outcomes`. The
    recorder must coordinate one of the organisations on either side.
    """
    _require_recorder(by)
    data = {**DEFAULTS, **data}
    visiting, hosts = list(data.get("visiting") or []), list(data.get("hosts") or [])
    errors = Errors()
    _check_visit(errors, data)
    _check_sides(errors, visiting, hosts, by=by)
    _check_lists(errors, data, data)
    errors.raise_if_any()
    visit = Visit(**{k: _strip(data.get(k)) for k in VISIT_FIELDS})
    visit.save()
    _write_sides(visit, visiting, hosts)
    _write_lists(visit, data)
    _record(by, audit.Action.CREATE, visit, {})
    return visit


@transaction.atomic
def visit_update(*, by, visit: Visit, data: dict) -> Visit:
    """Change a visit; `visiting`/`hosts` and the lists in `data` replace the current ones."""
    _require_editor(by, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    before = _state(visit)
    merged = {k: getattr(visit, k) for k in VISIT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in VISIT_FIELDS})
    visiting = list(data["visiting"]) if "visiting" in data else [
        p.organisation for p in visit.parties.select_related("organisation").filter(side="visiting")
    ]
    hosts = list(data["hosts"]) if "hosts" in data else [
        p.organisation for p in visit.parties.select_related("organisation").filter(side="host")
    ]
    errors = Errors()
    _check_visit(errors, merged)
    _check_sides(errors, visiting, hosts, by=by)
    _check_lists(errors, data, merged)
    if "stops" not in data and ({"start", "end", "time_zone"} & data.keys()):
        # Moving the visit's days must not strand stops outside them.
        for stop in visit.stops.all():
            day = _local_day(stop.starts_at, merged.get("time_zone"))
            if merged.get("start") and merged.get("end") and not merged["start"] <= day <= merged["end"]:
                errors.add("start", _("Some stops of the itinerary fall outside these days; move them first."))
                break
    errors.raise_if_any()
    for name in VISIT_FIELDS:
        setattr(visit, name, _strip(merged[name]))
    visit.save()
    if "visiting" in data or "hosts" in data:
        _write_sides(visit, visiting, hosts)
    _write_lists(visit, data)
    _record(by, audit.Action.UPDATE, visit, before)
    return visit


def _visit_facts(visit: Visit) -> dict:
    return {k: getattr(visit, k) for k in VISIT_FIELDS}


@transaction.atomic
def visit_stop_add(*, by, visit: Visit, data: dict) -> VisitStop:
    """Add one stop to the itinerary; its time must fall within the visit's days, in its time zone."""
    _require_editor(by, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    errors = Errors()
    _check_stop(errors, data, _visit_facts(visit))
    errors.raise_if_any()
    before = _state(visit)
    stop = _fill(VisitStop, visit, data, STOP_FIELDS)
    stop.save()
    _record(by, audit.Action.UPDATE, visit, before)
    return stop


@transaction.atomic
def visit_participant_add(*, by, visit: Visit, data: dict) -> VisitParticipant:
    """Add one participant (visiting or hosting)."""
    _require_editor(by, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    errors = Errors()
    _check_participant(errors, data)
    errors.raise_if_any()
    before = _state(visit)
    participant = _fill(VisitParticipant, visit, {"side": VisitParty.Side.VISITING, **data}, PARTICIPANT_FIELDS)
    participant.save()
    _record(by, audit.Action.UPDATE, visit, before)
    return participant


@transaction.atomic
def visit_outcome_add(*, by, visit: Visit, data: dict) -> VisitOutcome:
    """Add one outcome, such as the agreement signed at the end of the visit."""
    _require_editor(by, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    errors = Errors()
    _check_outcome(errors, data)
    errors.raise_if_any()
    before = _state(visit)
    outcome = _fill(VisitOutcome, visit, data, OUTCOME_FIELDS)
    outcome.save()
    _record(by, audit.Action.UPDATE, visit, before)
    return outcome


ITEMS = {"stop": VisitStop, "participant": VisitParticipant, "outcome": VisitOutcome}


@transaction.atomic
def visit_item_remove(*, by, visit: Visit, item: str, pk: int) -> None:
    """Remove one stop, participant or outcome of the visit; another visit's row is NotFound."""
    _require_editor(by, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    model = ITEMS.get(item)
    if model is None or not model.objects.filter(visit=visit, pk=pk).exists():
        raise NotFound()
    before = _state(visit)
    model.objects.filter(visit=visit, pk=pk).delete()
    _record(by, audit.Action.UPDATE, visit, before)
