"""Writing the audit trail. Services call these inside their transaction."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from . import context
from .models import AuditEvent

Action = AuditEvent.Action


def _plain(value):
    """Turn a field value into something JSON keeps exactly."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 22.4856 typed and 22.485600 read back are the same value: compare them as such.
        return format(value.normalize(), "f")
    if isinstance(value, set | frozenset):
        # Sorted, so that the same set always gives the same list and diffs stay quiet.
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The current values of `fields`, ready to compare with a later snapshot.

    A foreign key is kept as the related id, read from its column so that taking
    a snapshot never loads the related row.
    """
    return {f: _plain(getattr(instance, _attname(instance, f))) for f in fields}


def _attname(instance: models.Model, name: str) -> str:
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    forward_key = field.concrete and (field.many_to_one or field.one_to_one)
    return field.attname if forward_key else name


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    organisation=None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit event; who and from where come from the request context."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=(actor_obj.get_username() if actor_obj else "")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        organisation=organisation,
        changes=changes or {},
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def record_read(*, actor, obj: models.Model, organisation=None) -> AuditEvent:
    """Reads of records marked sensitive (patient data) leave an event too."""
    return record(actor=actor, action=Action.READ, obj=obj, organisation=organisation)
