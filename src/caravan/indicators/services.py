"""Every write of the indicators: definitions, data values, pins, rebuilds. Each one transaction, audited."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.audit import Action
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import Network
from caravan.registry.models import Region

from . import periods, sources
from .catalogue import BUILTIN
from .models import DataValue, Indicator, Pin, RebuildJob
from .scope import APPROVERS, DEFINERS, scope_for

DEFINITION_FIELDS = ["code", "name", "description", "scope", "numerator", "denominator", "factor", "unit",
                     "decimals", "periodicity", "baseline"]
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")


def builtin_sync() -> int:
    """Create the built-in indicators that are missing (idempotent); returns how many were created."""
    have = set(Indicator.objects.filter(builtin=True).values_list("code", flat=True))
    missing = [
        Indicator(code=s.code, name=str(s.code), scope=s.scope, numerator=s.numerator, denominator=s.denominator,
                  factor=s.factor, unit=str(s.unit), decimals=s.decimals, periodicity=s.periodicity,
                  baseline=s.baseline, builtin=True)
        for s in BUILTIN.values() if s.code not in have
    ]
    Indicator.objects.bulk_create(missing)
    return len(missing)


def _validate_definition(data: dict, *, instance: Indicator | None) -> dict:
    errors: dict[str, list] = {}
    code = (data.get("code") or "").strip()
    if not _CODE.match(code):
        errors.setdefault("code", []).append(_("Use 2 to 64 lower-case letters, digits, - or _."))
    elif Indicator.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.setdefault("code", []).append(_("Another indicator already has this code."))
    if not (data.get("name") or "").strip():
        errors.setdefault("name", []).append(_("Give the indicator a name."))
    scope = data.get("scope") or Indicator.Scope.REGION
    if scope not in Indicator.Scope.values:
        errors.setdefault("scope", []).append(_("Choose by region or by programme."))
    for name in ("numerator", "denominator"):
        value = (data.get(name) or "").strip()
        if not value:
            if name == "numerator":
                errors.setdefault(name, []).append(_("Choose the source of the numerator."))
            continue
        source = sources.get(value)
        if source is None:
            errors.setdefault(name, []).append(
                _("There is no source called “%(code)s”.") % {"code": value})
        elif source.scope != scope:
            errors.setdefault(name, []).append(
                _("“%(code)s” is not counted the way this indicator is (by region or by programme).") % {"code": value})
    try:
        factor = int(data.get("factor") or 1)
        if factor not in Indicator.Factor.values:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("factor", []).append(_("Choose ×1, ×100, ×1,000, ×10,000 or ×100,000."))
        factor = 1
    try:
        decimals = int(data.get("decimals") if data.get("decimals") not in (None, "") else 1)
        if not 0 <= decimals <= 4:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("decimals", []).append(_("Use 0 to 4 decimals."))
        decimals = 1
    periodicity = data.get("periodicity") or periods.YEAR
    if periodicity not in periods.KINDS:
        errors.setdefault("periodicity", []).append(_("Choose year, quarter or month."))
    if errors:
        raise ValidationFailed(fields=errors)
    return {
        "code": code, "name": data["name"].strip(), "description": (data.get("description") or "").strip(),
        "scope": scope, "numerator": data["numerator"].strip(), "denominator": (data.get("denominator") or "").strip(),
        "factor": factor, "unit": (data.get("unit") or "").strip(), "decimals": decimals,
        "periodicity": periodicity, "baseline": data.get("baseline") or None,
    }


def _author_network(by) -> Network | None:
    scope = scope_for(by)
    if scope.everything and not scope.network_ids:
        return None
    return Network.objects.filter(pk__in=sorted(scope.network_ids)).order_by("pk").first()


def indicator_create(*, by, data: dict) -> Indicator:
    """Define an indicator from the available sources; it belongs to the author's programme."""
    scope = scope_for(by)
    if not scope.may(DEFINERS):
        raise PermissionDenied()
    clean = _validate_definition(data, instance=None)
    with transaction.atomic():
        indicator = Indicator.objects.create(**clean, network=_author_network(by), created_by=by)
        audit.record(actor=by, action=Action.CREATE, obj=indicator,
                     changes={k: [None, v] for k, v in audit.snapshot(indicator, DEFINITION_FIELDS).items()})
    return indicator


def indicator_update(*, by, indicator: Indicator, data: dict) -> Indicator:
    """Change a user-defined indicator (built-in ones are fixed); the change is audited field by field."""
    scope = scope_for(by)
    if indicator.builtin or not scope.may(DEFINERS) or not (
        scope.everything or indicator.network_id in scope.network_ids
    ):
        raise PermissionDenied()
    clean = _validate_definition(data, instance=indicator)
    with transaction.atomic():
        before = audit.snapshot(indicator, DEFINITION_FIELDS)
        for k, v in clean.items():
            setattr(indicator, k, v)
        indicator.save(update_fields=[*clean.keys(), "updated_at"])
        changes = audit.diff(before, audit.snapshot(indicator, DEFINITION_FIELDS))
        if changes:
            audit.record(actor=by, action=Action.UPDATE, obj=indicator, changes=changes)
    return indicator


def parse_value(raw) -> float:
    text = str(raw).strip().replace(",", "") if raw is not None else ""
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(raw)
    return value


def data_value_set(*, by, element: str, region: Region, period: str, value, replace: bool = False) -> DataValue:
    """Enter one data value; it waits for approval. An existing value is replaced only when asked to."""
    scope = scope_for(by)
    if not scope.may(DEFINERS) or not scope.sees_region(region):
        raise PermissionDenied()
    errors: dict[str, list] = {}
    if element not in sources.DATA_ELEMENTS:
        errors["element"] = [_("There is no data element called “%(code)s”.") % {"code": element}]
    try:
        p = periods.parse(period)
    except ValueError:
        errors["period"] = [_("“%(period)s” is not a period: write 2024, 2024-Q2 or 2024-03.") % {"period": period}]
        p = None
    if p is not None and not region.is_valid_on(p.end) and not region.is_valid_on(p.start):
        errors["region"] = [_("%(region)s did not exist in %(period)s.") % {"region": region.name, "period": period}]
    try:
        number = parse_value(value)
    except (TypeError, ValueError):
        errors["value"] = [_("“%(value)s” is not a number.") % {"value": value}]
        number = 0.0
    if errors:
        raise ValidationFailed(fields=errors)
    existing = DataValue.objects.filter(element=element, region=region, period=p.code).first()
    if existing is not None and not replace:
        raise ValidationFailed.field(
            "value", _("A value is already recorded for this region and period: replace it?"), code="duplicate")
    with transaction.atomic():
        if existing is None:
            dv = DataValue.objects.create(element=element, region=region, period=p.code, value=number, entered_by=by)
            audit.record(actor=by, action=Action.CREATE, obj=dv, object_repr=f"{element} {region.code} {p.code}",
                         changes={"value": [None, number]})
        else:
            before = existing.value
            existing.value, existing.status, existing.entered_by, existing.approved_by = number, "pending", by, None
            existing.save(update_fields=["value", "status", "entered_by", "approved_by", "updated_at"])
            dv = existing
            audit.record(actor=by, action=Action.UPDATE, obj=dv, object_repr=f"{element} {region.code} {p.code}",
                         changes={"value": [before, number], "status": ["approved_or_pending", "pending"]})
    return dv


def data_values_approve(*, by, ids: list[int]) -> int:
    """Approve pending data values of regions the approver sees; returns how many were approved."""
    scope = scope_for(by)
    if not scope.may(APPROVERS):
        raise PermissionDenied()
    with transaction.atomic():
        rows = list(DataValue.objects.select_for_update().filter(
            scope.regions_q("region__"), pk__in=ids, status=DataValue.Status.PENDING).order_by("pk"))
        for dv in rows:
            dv.status, dv.approved_by = DataValue.Status.APPROVED, by
        DataValue.objects.bulk_update(rows, ["status", "approved_by"])
        for dv in rows:
            audit.record(actor=by, action=Action.UPDATE, obj=dv, object_repr=f"{dv.element} {dv.region_id} {dv.period}",
                         changes={"status": ["pending", "approved"]})
    return len(rows)


def pin_add(*, by, indicator: Indicator, region: Region | None = None, network: Network | None = None) -> Pin:
    pin, _created = Pin.objects.get_or_create(user=by, indicator=indicator, region=region, network=network)
    return pin


def pin_remove(*, by, pin_id: int) -> None:
    Pin.objects.filter(user=by, pk=pin_id).delete()


def rebuild_start(*, by) -> RebuildJob:
    """Queue a rebuild of every value from scratch; the worker runs it after the commit."""
    from .tasks import indicators_rebuild

    if not scope_for(by).may(DEFINERS):
        raise PermissionDenied()
    builtin_sync()
    with transaction.atomic():
        job = RebuildJob.objects.create(requested_by=by, total=Indicator.objects.count())
        audit.record(actor=by, action=Action.CREATE, obj=job, object_repr=_("Rebuild of the indicator values"))
        pk = job.pk
        transaction.on_commit(lambda: indicators_rebuild.enqueue(pk))
    return job
