"""The audit trail: who, what, from where; snapshots and diffs; and no way to change it afterwards."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction

from caravan.core import audit, context
from caravan.core.models import AuditEvent
from caravan.registry.models import Facility, Region


@pytest.fixture
def request_context():
    token = context.bind(context.RequestContext(ip="203.0.113.7", request_id="9f2c4e1a"))
    yield
    context.unbind(token)


def test_record_fills_actor_ip_and_request_id_from_the_context(cast, request_context):
    event = audit.record(actor=cast.admin_a, action=audit.Action.UPDATE, obj=cast.gangcha,
                         organisation=cast.gangcha_org, changes={"beds": [120, 130]})
    stored = AuditEvent.objects.values(
        "actor", "actor_label", "action", "object_type", "object_id", "object_repr", "organisation", "changes", "ip",
        "request_id",
    ).get(pk=event.pk)
    assert stored == {
        "actor": cast.admin_a.pk,
        "actor_label": "admin_a",
        "action": "update",
        "object_type": "registry.facility",
        "object_id": str(cast.gangcha.pk),
        "object_repr": "Gangcha County People's Hospital",
        "organisation": cast.gangcha_org.pk,
        "changes": {"beds": [120, 130]},
        "ip": "203.0.113.7",
        "request_id": "9f2c4e1a",
    }


def test_record_outside_a_request_has_no_address(cast):
    event = audit.record(actor=cast.coordinator, action=audit.Action.CREATE, obj=cast.haibei_region)
    event.refresh_from_db()
    assert (event.ip, event.request_id, event.changes, event.organisation) == (None, "", {}, None)
    assert (event.object_type, event.object_id, event.object_repr) == (
        "registry.region", str(cast.haibei_region.pk), "Haibei"
    )


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_record_without_a_signed_in_actor(db, actor, request_context):
    event = audit.record(actor=actor, action=audit.Action.LOGIN_FAILED, object_type="auth.user",
                         object_repr="someone")
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.object_type, event.object_id, event.object_repr) == (
        None, "", "auth.user", "", "someone"
    )
    assert event.ip == "203.0.113.7"


def test_record_explicit_names_win_and_repr_is_cut_to_255(cast):
    cast.gangcha.name = "x" * 300
    event = audit.record(actor=cast.node_admin, action=audit.Action.READ, obj=cast.gangcha, object_type="custom",
                         object_id="42")
    event.refresh_from_db()
    assert (event.object_type, event.object_id, event.object_repr) == ("custom", "42", "x" * 255)


def test_snapshot_keeps_plain_json_values(cast, django_assert_num_queries):
    facility = Facility.objects.get(pk=cast.gangcha.pk)
    facility.latitude = Decimal("37.325000")
    facility.languages = ["zh", "bo"]
    with django_assert_num_queries(0):  # foreign keys are read from their id column
        snap = audit.snapshot(facility, ["name", "level", "beds", "latitude", "longitude", "organisation", "region",
                                         "has_emr", "languages"])
    assert snap == {
        "name": "Gangcha County People's Hospital",
        "level": 3,
        "beds": 120,
        "latitude": "37.325",
        "longitude": None,
        "organisation": cast.gangcha_org.pk,
        "region": cast.gangcha_county.pk,
        "has_emr": False,
        "languages": ["zh", "bo"],
    }


def test_snapshot_of_dates_and_datetimes(cast):
    region = Region(code="X", name="X", level=1, valid_from=date(2024, 3, 21))
    assert audit.snapshot(region, ["valid_from", "valid_to", "parent"]) == {
        "valid_from": "2024-03-21", "valid_to": None, "parent": None,
    }
    assert audit._plain(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05"
    assert audit._plain((date(2025, 1, 1), Decimal("1.50"), cast.haibei)) == ["2025-01-01", "1.5", cast.haibei.pk]
    assert audit._plain({"zh", "bo", "en"}) == ["bo", "en", "zh"]
    assert audit._plain(cast.haibei) == cast.haibei.pk


def test_diff_lists_only_changed_fields():
    before = {"name": "Gangcha", "beds": 120, "latitude": None, "languages": ["zh"]}
    after = {"name": "Gangcha", "beds": 150, "latitude": "37.3", "languages": ["zh", "bo"]}
    assert audit.diff(before, after) == {"beds": [120, 150], "latitude": [None, "37.3"],
                                         "languages": [["zh"], ["zh", "bo"]]}
    assert audit.diff(after, after) == {}
    # Against nothing (a creation), every value that is not None is new.
    assert audit.diff({}, {"name": "New", "beds": 0, "latitude": None}) == {"name": [None, "New"], "beds": [None, 0]}


def _event(cast):
    return audit.record(actor=cast.admin_a, action=audit.Action.UPDATE, obj=cast.gangcha, changes={"beds": [1, 2]})


def test_an_event_cannot_be_saved_again(cast):
    event = _event(cast)
    event.changes = {"beds": [1, 3]}
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).changes == {"beds": [1, 2]}


def test_an_event_cannot_be_deleted(cast):
    event = _event(cast)
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


def test_querysets_cannot_update_or_delete_events(cast):
    event = _event(cast)
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.values_list("actor_label", flat=True).get(pk=event.pk) == "admin_a"
    assert AuditEvent.objects.count() == 1


def test_the_database_refuses_a_raw_update(cast):
    event = _event(cast)
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_label = %s WHERE id = %s", ["someone else", event.pk])  # noqa: S608 - fixed table name
    assert AuditEvent.objects.values_list("actor_label", flat=True).get(pk=event.pk) == "admin_a"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test teardown")
def test_the_database_refuses_a_raw_delete(cast):
    event = _event(cast)
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608 - fixed table name
    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


def test_decimals_equal_in_value_are_not_a_change():
    from decimal import Decimal

    from caravan.core.audit import _plain

    assert _plain(Decimal("22.485600")) == _plain(Decimal("22.4856")) == "22.4856"
    assert _plain(Decimal("100.000000")) == "100"
