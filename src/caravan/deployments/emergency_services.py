"""Writes on emergencies: pressure updates, allocating the team, daily reports, extensions."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.errors import PermissionDenied, ValidationFailed

from . import allocation
from .models import AffectedRegion, DailyReport, Emergency, PressureUpdate, TeamMember
from .scope import can_manage
from .vocab import AGE_SEX_KEYS

A = audit.Action
COUNTS = ("consultations", "admissions", "procedures", "referrals", "deaths")


def _require(by, emergency: Emergency) -> None:
    if not can_manage(by, emergency):
        raise PermissionDenied()


def _record(by, action, obj, emergency, changes):
    audit.record(actor=by, action=action, obj=obj, organisation=emergency.receiving_organisation, changes=changes)


@transaction.atomic
def pressure_record(*, by, affected: AffectedRegion, day: date, cases_per_100k, icu_occupancy: int) -> PressureUpdate:
    """The pressure in a region on a day (one figure a day; a second one for the same day replaces it)."""
    emergency = affected.emergency
    _require(by, emergency)
    if day is None or day > timezone.localdate():
        raise ValidationFailed.field("day", _("The day cannot be in the future."))
    if cases_per_100k is None or Decimal(str(cases_per_100k)) < 0:
        raise ValidationFailed.field("cases_per_100k", _("Cases cannot be negative."))
    if icu_occupancy is None or not 0 <= icu_occupancy <= 100:
        raise ValidationFailed.field("icu_occupancy", _("ICU occupancy is a percentage from 0 to 100."))
    update, created = PressureUpdate.objects.update_or_create(
        affected=affected, day=day,
        defaults={"cases_per_100k": Decimal(str(cases_per_100k)), "icu_occupancy": icu_occupancy})
    _record(by, A.CREATE if created else A.UPDATE, update, emergency,
            {"cases_per_100k": [None, str(update.cases_per_100k)], "icu_occupancy": [None, icu_occupancy]})
    return update


def allocation_input(emergency: Emergency) -> tuple[list[allocation.Member], list[allocation.Area]]:
    """The team and the regions with their latest pressure (three queries)."""
    regions = list(emergency.regions.select_related("region").order_by("id"))
    latest: dict[int, PressureUpdate] = {}
    for update in PressureUpdate.objects.filter(affected__emergency=emergency).order_by("day", "id"):
        latest[update.affected_id] = update
    areas = [
        allocation.Area(id=r.pk, label=r.region.name,
                        cases_per_100k=float(latest[r.pk].cases_per_100k) if r.pk in latest else 0.0,
                        icu_occupancy=float(latest[r.pk].icu_occupancy) if r.pk in latest else 0.0,
                        skill_minimums=tuple(sorted((r.skill_minimums or {}).items())))
        for r in regions
    ]
    members = [allocation.Member(id=m.pk, skill=m.skill, current=m.affected_id)
               for m in TeamMember.objects.filter(emergency=emergency).order_by("id")]
    return members, areas


@transaction.atomic
def team_allocate(*, by, emergency: Emergency) -> allocation.Allocation:
    """Place (or re-place) every member by the latest pressure; only members who move are written."""
    _require(by, emergency)
    members, areas = allocation_input(emergency)
    result = allocation.allocate(members, areas)
    if result.status == "infeasible":
        raise ValidationFailed.field("allocation", _("No allocation is possible: %(reason)s.") % {
            "reason": result.reason})
    rows = {m.pk: m for m in TeamMember.objects.filter(emergency=emergency)}
    for member in members:
        target = result.placement[member.id]
        if member.current != target:
            row = rows[member.id]
            row.affected_id = target
            row.save(update_fields=["affected"])
            _record(by, A.UPDATE, row, emergency, {"affected": [member.current, target]})
    return result


@transaction.atomic
def daily_report_record(*, by, affected: AffectedRegion, day: date, by_age_sex: dict | None = None,
                        **counts) -> DailyReport:
    """A team's day in a region, its consultations optionally by age band and sex; a future day, a negative count
    or a breakdown that does not add up is refused."""
    emergency = affected.emergency
    _require(by, emergency)
    if day is None or day > timezone.localdate():
        raise ValidationFailed.field("day", _("A daily report cannot be for a future day."))
    for name in COUNTS:
        value = counts.get(name)
        if value is None or int(value) < 0:
            raise ValidationFailed.field(name, _("A count cannot be negative."))
    breakdown = _breakdown_valid(by_age_sex or {}, int(counts["consultations"]))
    if DailyReport.objects.filter(affected=affected, day=day).exists():
        raise ValidationFailed.field("day", _("This region already has a report for this day."))
    report = DailyReport.objects.create(affected=affected, day=day, by_age_sex=breakdown,
                                        **{n: int(counts[n]) for n in COUNTS})
    changes = {n: [None, int(counts[n])] for n in COUNTS}
    if breakdown:
        changes["by_age_sex"] = [None, breakdown]
    _record(by, A.CREATE, report, emergency, changes)
    return report


def _breakdown_valid(breakdown: dict, consultations: int) -> dict[str, int]:
    """Consultations by age band and sex: known keys, no negative count, and (when given) adding up to the day's
    consultations, so the two figures of one report never disagree. Zeros are dropped; nothing given is {}."""
    unknown = sorted(k for k in breakdown if k not in AGE_SEX_KEYS)
    if unknown:
        raise ValidationFailed.field("by_age_sex", _("Unknown age band or sex: %(keys)s.") % {
            "keys": ", ".join(unknown)})
    for key, value in breakdown.items():
        if value is not None and int(value) < 0:
            raise ValidationFailed.field(key, _("A count cannot be negative."))
    clean = {k: int(breakdown[k]) for k in AGE_SEX_KEYS if breakdown.get(k)}
    if clean and sum(clean.values()) != consultations:
        raise ValidationFailed.field("by_age_sex", _(
            "The consultations by age and sex add up to %(sum)s, not to the %(total)s consultations.") % {
            "sum": sum(clean.values()), "total": consultations})
    return clean


@transaction.atomic
def region_extend(*, by, affected: AffectedRegion, until: date) -> AffectedRegion:
    """Keep the team in a region until a later day, while it stabilises."""
    emergency = affected.emergency
    _require(by, emergency)
    if until is None or until <= emergency.arrival or (affected.extended_until and until <= affected.extended_until):
        raise ValidationFailed.field("until", _("The extension must end after the current end."))
    before = affected.extended_until
    affected.extended_until = until
    affected.save(update_fields=["extended_until"])
    _record(by, A.UPDATE, affected, emergency,
            {"extended_until": [before.isoformat() if before else None, until.isoformat()]})
    return affected
