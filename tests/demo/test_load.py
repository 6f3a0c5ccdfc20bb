"""The demo network: what it holds, exactly, and that loading it again changes nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from caravan.core.models import AuditEvent, Membership, Network, Organisation, Profile
from caravan.core.text import search_blob
from caravan.demo.accounts import DEMO_PASSWORD
from caravan.demo.programmes import PROGRAMMES
from caravan.demo.programmes.haibei import BATCHES
from caravan.registry.models import (
    Appointment,
    Department,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    RegionPopulation,
    Technique,
)

User = get_user_model()

NETWORKS = {
    # code: (organisations, facilities, practitioners)
    "mazandaran": (17, 9, 20),
    "lao-cai": (28, 43, 1056),
    "beijing-ulaanbaatar-astana": (7, 4, 15),
    "russia-kazakhstan": (17, 10, 35),
    "shandong-haibei": (19, 12, 118),
}


def _table_counts() -> dict[str, int]:
    models = (Network, Organisation, User, Membership, Profile, Region, RegionPopulation, Facility, Department,
              FacilityEquipment, Practitioner, Practitioner.specialties.through, Appointment, Technique, AuditEvent)
    return {m._meta.label: m.objects.count() for m in models}


def test_the_first_load_creates_every_row_and_audits_it(demo):
    assert demo.created == {
        "network": 5, "region": 382, "population": 49, "organisation": 89, "facility": 84, "department": 56,
        "equipment line": 244, "technique": 23, "practitioner": 2104, "appointment": 2103, "user": 25,
        "membership": 29, "agreement": 15, "visit": 19,
        "logged case": 16390, "case import": 19, "capability": 44, "transfer plan": 8, "plan item": 22,
        "specialty centre": 7, "studio": 5,
        "course": 8, "session": 28, "enrolment": 51, "attendance sheet": 26, "assessment": 31, "completion": 28,
        "certificate": 16, "tele-mentoring series": 1, "tele-mentoring session": 6, "case presentation": 7,
        "case approval": 6, "head count": 19,
        "aid programme": 1, "pool candidate": 102, "posting": 102, "emergency": 1,
        "teleconsult case": 4, "MDT session": 1,
        "referral capacity": 23, "referral": 161,
        "data value": 10,
    }
    assert demo.updated == {}
    # The node administrator's creation and promotion come before the loader starts counting.
    assert demo.audit_events == AuditEvent.objects.count() == 4070


def test_one_network_per_programme_with_its_organisations_facilities_and_people(demo):
    assert sorted(Network.objects.values_list("code", flat=True)) == sorted(NETWORKS)
    for code, (orgs, facilities, people) in NETWORKS.items():
        network = Network.objects.get(code=code)
        members = Organisation.objects.filter(networks=network)
        assert (
            members.count(),
            Facility.objects.filter(organisation__in=members).count(),
            Practitioner.objects.filter(organisation__in=members).count(),
        ) == (orgs, facilities, people), code
    # Every organisation belongs to exactly one network, so the networks do not overlap; the one
    # outside them is Yen Bai's health department, there for the indicators' history before the 2025 merger.
    per_org = dict(Organisation.objects.annotate(n=Count("networks")).values_list("code", "n"))
    assert {code for code, n in per_org.items() if n != 1} == {"yb-doh"}
    assert (per_org["yb-doh"], len(per_org)) == (0, 89)


def test_one_demo_user_per_role_per_network_and_a_node_administrator(demo):
    roles = Membership.objects.values("role").annotate(users=Count("user", distinct=True))
    assert {r["role"]: r["users"] for r in roles} == {
        "admin": 5, "coordinator": 5, "clinician": 5, "consultant": 5, "analyst": 5,
    }
    assert User.objects.count() == 26
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff, admin.memberships.count()) == (True, True, 0)
    languages = dict(Profile.objects.values_list("user__username", "language"))
    assert languages["admin"] == "en"
    assert Counter(languages.values()) == {"fa": 5, "vi": 5, "en": 6, "ru": 5, "zh-hans": 5}
    assert [languages[f"{p}.analyst"] for p in ("mazandaran", "laocai", "silkroad", "emergency", "haibei")] == [
        "fa", "vi", "en", "ru", "zh-hans",
    ]


def test_a_second_load_changes_nothing_and_writes_no_audit_event(demo):
    before = _table_counts()
    out = StringIO()
    call_command("demo_load", stdout=out)
    assert _table_counts() == before
    text = out.getvalue()
    assert "0 audit events written" in text
    assert "Nothing to change: the demo was already loaded." in text
    assert "http://127.0.0.1:8000/" in text
    assert "haibei.coordinator" in text and DEMO_PASSWORD in text
    rows = {line.split("  ")[0]: line.split() for line in text.splitlines()}
    assert rows["Lao Cai technique transfer"][-5:] == ["28", "43", "1,056", "1,058", "5"]
    assert rows["Whole node"][-5:] == ["89", "84", "2,104", "2,103", "26"]


def test_a_second_load_restores_a_changed_row_with_one_audit_event(demo):
    facility = Facility.objects.get(code="VN-LC-BVDK1")
    Facility.objects.filter(pk=facility.pk).update(beds=1)
    before = AuditEvent.objects.count()
    call_command("demo_load", stdout=StringIO())
    assert Facility.objects.get(pk=facility.pk).beds == 550
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.changes) == ("update", "registry.facility", {"beds": [1, 550]})


def test_every_searchable_row_carries_its_folded_names(demo):
    for r in Region.objects.all():
        assert r.search_text == search_blob(r.name, r.name_local, r.code), r.code
    for f in Facility.objects.all():
        assert f.search_text == search_blob(f.name, f.name_local, f.code), f.code
    for p in Practitioner.objects.all():
        assert p.search_text == search_blob(p.name, p.name_latin), p.name_latin
    for t in Technique.objects.all():
        assert t.search_text == search_blob(t.name, t.name_local, t.code), t.code


def test_tree_paths_follow_the_parents(demo):
    for model in (Region, Organisation):
        rows = {row.pk: row for row in model.objects.all()}
        for row in rows.values():
            parent_path = rows[row.parent_id].path if row.parent_id else "/"
            assert row.path == f"{parent_path}{row.pk}/", (model.__name__, row.code)


def test_bulk_written_people_are_audited_like_the_rest(demo):
    by_type = dict(AuditEvent.objects.values_list("object_type").annotate(n=Count("id")))
    # One event per person in the programmes; Yen Bai's 860 doctors (no network, loaded in bulk for
    # the indicators) are audited as one batch by the indicators demo.
    in_programmes = Practitioner.objects.filter(organisation__networks__isnull=False)
    assert by_type["registry.practitioner"] == in_programmes.count() == 1244
    assert by_type["registry.appointment"] == Appointment.objects.filter(practitioner__in=in_programmes).count() == 1243
    event = AuditEvent.objects.filter(object_type="registry.practitioner", organisation__code="lc-bvdk1").first()
    person = Practitioner.objects.get(pk=event.object_id)
    assert event.actor.username == "admin"
    assert event.changes["name"] == [None, person.name]
    assert event.changes["specialties"] == [None, list(person.specialties.values_list("code", flat=True))]


def test_a_plain_user_called_admin_stops_the_load_before_anything_is_written(demo):
    User.objects.filter(username="admin").update(is_superuser=False)
    before = _table_counts()
    with pytest.raises(CommandError, match="exists but is not a superuser"):
        call_command("demo_load", stdout=StringIO())
    assert _table_counts() == before


def test_people_are_told_apart_by_organisation_and_latin_name(demo):
    keys = Practitioner.objects.values("organisation", "name_latin").annotate(n=Count("id")).filter(n__gt=1)
    assert list(keys) == []


def test_programme_users_are_listed_for_every_role():
    assert [len(p.users) for p in PROGRAMMES] == [5, 5, 5, 5, 5]
    assert BATCHES == 6
