"""Access: what each member of the cast sees and may change, and what it costs in queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from caravan.core.access import Access, access_for
from caravan.core.errors import PermissionDenied
from caravan.core.models import Membership, Organisation
from caravan.core.roles import Role
from caravan.core.tree import tree_save_path


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_memberships_are_org_id_path_and_role(cast):
    assert Access(cast.admin_a).memberships == [(cast.haibei.pk, cast.haibei.path, "admin")]
    assert Access(cast.clinician_a).memberships == [(cast.gangcha_org.pk, cast.gangcha_org.path, "clinician")]
    assert Access(cast.node_admin).memberships == []
    assert Access(AnonymousUser()).memberships == []
    assert Access(None).memberships == []


def test_a_user_with_two_roles(cast):
    Membership.objects.create(user=cast.coordinator, organisation=cast.gangcha_org, role=Role.CLINICIAN)
    access = Access(cast.coordinator)
    assert sorted(access.memberships) == sorted([
        (cast.haibei.pk, cast.haibei.path, "coordinator"),
        (cast.gangcha_org.pk, cast.gangcha_org.path, "clinician"),
    ])
    assert access.roles() == frozenset({"coordinator", "clinician"})
    assert access.has_role(Role.CLINICIAN) is True
    assert access.has_role(Role.ADMIN, Role.ANALYST) is False


def test_network_ids(cast):
    assert Access(cast.admin_a).network_ids == frozenset({cast.network.pk})
    assert Access(cast.consultant_b).network_ids == frozenset({cast.network.pk})
    assert Access(cast.outsider).network_ids == frozenset({cast.other_network.pk})
    assert Access(cast.node_admin).network_ids == frozenset()
    assert Access(AnonymousUser()).network_ids == frozenset()


def test_visible_organisations_are_the_network_members(cast):
    c = cast
    network_members = {c.shandong.pk, c.liaocheng_org.pk, c.haibei.pk, c.gangcha_org.pk}
    for user in (c.admin_a, c.coordinator, c.clinician_a, c.consultant_b, c.analyst):
        assert _ids(Access(user).visible_organisations()) == network_members, user
    assert _ids(Access(c.outsider).visible_organisations()) == {c.mazandaran.pk}
    assert _ids(Access(c.node_admin).visible_organisations()) == network_members | {c.mazandaran.pk}
    assert _ids(Access(AnonymousUser()).visible_organisations()) == set()


def test_own_subtree_is_visible_even_outside_any_network(cast):
    c = cast
    clinic = Organisation.objects.create(code="gangcha-clinic", name="Gangcha township clinic", parent=c.gangcha_org)
    tree_save_path(clinic)
    lone = Organisation.objects.create(code="lone", name="An organisation in no network")
    tree_save_path(lone)
    member = Organisation.objects.create(code="lone-member", name="Lone member")
    tree_save_path(member)

    assert clinic.pk in _ids(Access(c.coordinator).visible_organisations())  # below Haibei
    assert clinic.pk in _ids(Access(c.clinician_a).visible_organisations())  # below Gangcha
    assert clinic.pk not in _ids(Access(c.consultant_b).visible_organisations())  # same network, not below
    assert clinic.pk not in _ids(Access(c.outsider).visible_organisations())

    Membership.objects.create(user=c.outsider, organisation=lone, role=Role.ANALYST)
    assert _ids(Access(c.outsider).visible_organisations()) == {c.mazandaran.pk, lone.pk}
    assert _ids(Access(c.outsider).visible_organisation_ids()) == {c.mazandaran.pk, lone.pk}


def test_a_user_without_membership_sees_no_organisation(cast, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", password="x-long-password-1")
    assert _ids(Access(nobody).visible_organisations()) == set()
    assert Access(nobody).can_edit_organisation(cast.gangcha_org) is False


@pytest.mark.parametrize(
    ("who", "editable"),
    [
        ("node_admin", {"shandong", "liaocheng_org", "haibei", "gangcha_org", "mazandaran"}),
        ("admin_a", {"haibei", "gangcha_org"}),
        ("coordinator", {"haibei", "gangcha_org"}),
        ("outsider", {"mazandaran"}),
        ("clinician_a", set()),
        ("consultant_b", set()),
        ("analyst", set()),
    ],
)
def test_can_edit_organisation(cast, who, editable):
    access = Access(getattr(cast, who))
    orgs = ("shandong", "liaocheng_org", "haibei", "gangcha_org", "mazandaran")
    assert {name for name in orgs if access.can_edit_organisation(getattr(cast, name))} == editable
    assert {o.code for o in access.editable_organisations()} == {getattr(cast, name).code for name in editable}


def test_can_edit_none_only_for_the_node_admin(cast):
    assert Access(cast.node_admin).can_edit_organisation(None) is True
    assert Access(cast.admin_a).can_edit_organisation(None) is False
    assert Access(AnonymousUser()).can_edit_organisation(None) is False


def test_inactive_and_anonymous_users_can_do_nothing(cast):
    cast.coordinator.is_active = False
    cast.node_admin.is_active = False
    for user in (cast.coordinator, cast.node_admin, AnonymousUser(), None):
        access = Access(user)
        assert access.is_authenticated is False
        assert access.is_node_admin is False
        assert access.can_edit_organisation(cast.gangcha_org) is False
        assert access.can_read_audit() is False
        assert access.can_edit_reference_data() is False
        assert access.has_role(Role.COORDINATOR) is False
        assert list(access.editable_organisations()) == []


@pytest.mark.parametrize(
    ("who", "audit", "reference"),
    [
        ("node_admin", True, True),
        ("admin_a", True, True),
        ("coordinator", False, False),
        ("clinician_a", False, False),
        ("consultant_b", False, False),
        ("analyst", False, False),
        ("outsider", False, False),
    ],
)
def test_audit_and_reference_data_rights(cast, who, audit, reference):
    access = Access(getattr(cast, who))
    assert access.can_read_audit() is audit
    assert access.can_edit_reference_data() is reference


def test_node_admin_has_every_role(cast):
    assert Access(cast.node_admin).has_role(Role.ANALYST) is True
    assert Access(cast.node_admin).is_node_admin is True
    assert Access(cast.admin_a).is_node_admin is False


def test_require(cast):
    Access(cast.clinician_a).require(True)
    with pytest.raises(PermissionDenied) as exc:
        Access(cast.clinician_a).require(False)
    assert exc.value.code == "forbidden"
    assert exc.value.status == 403


def test_facts_load_in_two_queries_and_are_cached(cast, django_assert_num_queries):
    access = Access(cast.coordinator)
    with django_assert_num_queries(2):
        assert access.roles() == frozenset({"coordinator"})
        assert access.network_ids == frozenset({cast.network.pk})
        assert access.can_edit_organisation(cast.gangcha_org) is True
        assert access.can_edit_organisation(cast.liaocheng_org) is False
        assert access.can_read_audit() is False
        assert access.can_edit_reference_data() is False
        visible = access.visible_organisations()  # built, not run
    with django_assert_num_queries(0):
        access.memberships  # noqa: B018 - reading the cached facts
        access.network_ids  # noqa: B018
        access.can_edit_organisation(cast.haibei)
        access.editable_organisations()
    with django_assert_num_queries(1):
        assert len(list(visible)) == 4


def test_node_admin_decisions_cost_no_query(cast, django_assert_num_queries):
    access = Access(cast.node_admin)
    with django_assert_num_queries(0):
        assert access.can_edit_organisation(cast.sari.organisation) is True
        assert access.can_read_audit() is True
        access.visible_organisations()


def test_access_for_caches_on_the_user(cast, django_assert_num_queries):
    first = access_for(cast.analyst)
    assert access_for(cast.analyst) is first
    first.memberships  # noqa: B018 - load the facts once
    with django_assert_num_queries(0):
        assert access_for(cast.analyst).roles() == frozenset({"analyst"})
    assert access_for(None).is_authenticated is False
    assert access_for(None) is not access_for(None)
