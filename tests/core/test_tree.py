"""Materialised paths: computed on create, rewritten for a whole subtree on a move, cycles refused."""

import pytest

from caravan.core.errors import ValidationFailed
from caravan.core.models import Organisation
from caravan.core.tree import tree_check_parent, tree_save_path
from caravan.registry.models import Facility, Region


def _paths(model, *rows):
    return dict(model.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "path"))


def test_paths_on_create_chain_every_ancestor_id(cast):
    c = cast
    assert c.china.path == f"/{c.china.pk}/"
    assert c.qinghai.path == f"/{c.china.pk}/{c.qinghai.pk}/"
    assert c.haibei_region.path == f"/{c.china.pk}/{c.qinghai.pk}/{c.haibei_region.pk}/"
    assert c.gangcha_county.path == f"/{c.china.pk}/{c.qinghai.pk}/{c.haibei_region.pk}/{c.gangcha_county.pk}/"
    assert c.gangcha_org.path == f"/{c.haibei.pk}/{c.gangcha_org.pk}/"
    assert c.haibei.path == f"/{c.haibei.pk}/"
    # What is in memory is what was stored.
    assert _paths(Region, c.gangcha_county)[c.gangcha_county.pk] == c.gangcha_county.path


def test_depth_and_ancestor_ids(cast):
    c = cast
    assert c.china.depth == 0
    assert c.gangcha_county.depth == 3
    assert c.gangcha_org.depth == 1
    assert c.gangcha_county.ancestor_ids() == [c.china.pk, c.qinghai.pk, c.haibei_region.pk]
    assert c.china.ancestor_ids() == []


def test_subtree_filter_matches_the_node_and_everything_below(cast):
    c = cast
    assert set(Region.objects.filter(c.qinghai.subtree_filter())) == {c.qinghai, c.haibei_region, c.gangcha_county}
    assert set(Facility.objects.filter(c.qinghai.subtree_filter("region__"))) == {c.gangcha, c.liaocheng}
    assert set(Facility.objects.filter(c.haibei_region.subtree_filter("region__"))) == {c.gangcha}


def test_creating_a_node_costs_one_update_and_no_subtree_rewrite(cast, django_assert_num_queries):
    gansu = Region.objects.create(code="CN-GS", name="Gansu", level=Region.Level.PROVINCE, parent=cast.china)
    assert gansu.path == ""
    with django_assert_num_queries(1):
        tree_save_path(gansu)
    assert gansu.path == f"/{cast.china.pk}/{gansu.pk}/"
    assert _paths(Region, gansu) == {gansu.pk: f"/{cast.china.pk}/{gansu.pk}/"}


def test_moving_a_subtree_rewrites_descendants_in_one_update(cast, django_assert_num_queries):
    c = cast
    gansu = Region.objects.create(code="CN-GS", name="Gansu", level=Region.Level.PROVINCE, parent=c.china)
    tree_save_path(gansu)
    untouched = _paths(Region, c.china, c.qinghai, c.iran, c.mazandaran_region)

    region = Region.objects.get(pk=c.haibei_region.pk)
    region.parent = gansu
    region.save()
    # One UPDATE for the node itself, one for all of its descendants.
    with django_assert_num_queries(2):
        tree_save_path(region)

    assert region.path == f"/{c.china.pk}/{gansu.pk}/{region.pk}/"
    assert _paths(Region, c.haibei_region, c.gangcha_county) == {
        c.haibei_region.pk: f"/{c.china.pk}/{gansu.pk}/{c.haibei_region.pk}/",
        c.gangcha_county.pk: f"/{c.china.pk}/{gansu.pk}/{c.haibei_region.pk}/{c.gangcha_county.pk}/",
    }
    assert _paths(Region, c.china, c.qinghai, c.iran, c.mazandaran_region) == untouched
    # The facility in the moved commune is now found under Gansu and no longer under Qinghai.
    gansu.refresh_from_db()
    assert list(Facility.objects.filter(gansu.subtree_filter("region__"))) == [c.gangcha]
    assert list(Facility.objects.filter(Region.objects.get(pk=c.qinghai.pk).subtree_filter("region__"))) == [
        c.liaocheng
    ]


def test_moving_to_the_top_and_back(cast):
    c = cast
    org = Organisation.objects.get(pk=c.gangcha_org.pk)
    org.parent = None
    org.save()
    tree_save_path(org)
    assert _paths(Organisation, org) == {org.pk: f"/{org.pk}/"}

    org.parent = c.shandong
    org.save()
    tree_save_path(org)
    assert _paths(Organisation, org) == {org.pk: f"/{c.shandong.pk}/{org.pk}/"}


def test_saving_an_unmoved_node_issues_no_write(cast, django_assert_num_queries):
    region = Region.objects.select_related("parent").get(pk=cast.haibei_region.pk)
    with django_assert_num_queries(0):
        tree_save_path(region)
    region = Region.objects.get(pk=cast.haibei_region.pk)
    with django_assert_num_queries(1):  # reads the parent's path, writes nothing
        tree_save_path(region)


def test_a_prefix_of_digits_is_not_a_subtree(db):
    """/100/ must not catch /1000/: the trailing slash is part of the prefix."""
    a = Organisation.objects.create(pk=100, code="a", name="A")
    tree_save_path(a)
    a_child = Organisation.objects.create(pk=101, code="a-child", name="A child", parent=a)
    tree_save_path(a_child)
    b = Organisation.objects.create(pk=1000, code="b", name="B")
    tree_save_path(b)
    b_child = Organisation.objects.create(pk=1001, code="b-child", name="B child", parent=b)
    tree_save_path(b_child)
    root = Organisation.objects.create(pk=7, code="root", name="Root")
    tree_save_path(root)

    a.parent = root
    a.save()
    tree_save_path(a)

    assert dict(Organisation.objects.values_list("pk", "path")) == {
        7: "/7/", 100: "/7/100/", 101: "/7/100/101/", 1000: "/1000/", 1001: "/1000/1001/",
    }
    tree_check_parent(b, a)  # /7/100/ does not start with /1000/: no cycle


def test_check_parent_refuses_the_node_itself(cast):
    with pytest.raises(ValidationFailed) as exc:
        tree_check_parent(cast.qinghai, cast.qinghai)
    assert exc.value.code == "cycle"
    assert exc.value.fields == {"parent": ["This would make a cycle: a node cannot sit below itself."]}


def test_check_parent_refuses_a_descendant_at_any_depth(cast):
    for below in (cast.haibei_region, cast.gangcha_county):
        with pytest.raises(ValidationFailed) as exc:
            tree_check_parent(cast.qinghai, below, field="into")
        assert exc.value.code == "cycle"
        assert exc.value.fields == {"into": ["This would make a cycle: a node cannot sit below itself."]}


def test_check_parent_accepts_siblings_ancestors_none_and_new_nodes(cast):
    c = cast
    assert tree_check_parent(c.haibei_region, c.china) is None
    assert tree_check_parent(c.haibei_region, c.mazandaran_region) is None
    assert tree_check_parent(c.haibei_region, None) is None
    assert tree_check_parent(Region(code="new", name="New", level=2), c.haibei_region) is None
