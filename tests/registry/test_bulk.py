"""The bulk-load path: exact rows, tree paths and search text, and the regular selectors find what it loads."""

import gc
from datetime import date

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from caravan.core.models import Organisation
from caravan.registry import selectors
from caravan.registry.bulk import BulkLoad
from caravan.registry.models import Appointment, Facility, Practitioner, Region, Specialty
from caravan.registry.selectors import FacilityFilters, PractitionerFilters


def _load_small_registry(cast, load: BulkLoad) -> dict:
    """A province below China (already in the database) with two districts and three communes,
    a health department with a hospital below it in the Shandong–Haibei network, three facilities
    (Latin, Persian, Chinese names) and three practitioners with specialties and appointments."""
    L = Region.Level
    r = list(load.reserve_ids(Region, 6))
    regions = [
        # Children before their parents on purpose: the paths do not depend on the order.
        Region(id=r[3], code="XQ-1-1", name="Oasis", name_local="", level=L.COMMUNE, parent_id=r[1]),
        Region(id=r[0], code="XQ", name="Xiqiao", name_local="西樵", level=L.PROVINCE, parent_id=cast.china.pk),
        Region(id=r[1], code="XQ-1", name="Dunes", name_local="", level=L.DISTRICT, parent_id=r[0]),
        Region(id=r[2], code="XQ-2", name="Rivers", name_local="", level=L.DISTRICT, parent_id=r[0]),
        Region(id=r[4], code="XQ-1-2", name="Well", name_local="", level=L.COMMUNE, parent_id=r[1]),
        Region(id=r[5], code="XQ-2-1", name="Ford", name_local="", level=L.COMMUNE, parent_id=r[2]),
    ]
    o = list(load.reserve_ids(Organisation, 2))
    K = Organisation.Kind
    orgs = [
        Organisation(id=o[0], code="xq-hd", name="Xiqiao Health Department", kind=K.HEALTH_DEPARTMENT),
        Organisation(id=o[1], code="xq-ph", name="Xiqiao People's Hospital", kind=K.HOSPITAL, parent_id=o[0]),
    ]
    through = Organisation.networks.through
    f = list(load.reserve_ids(Facility, 3))
    facilities = [
        Facility(id=f[0], code="XQ-F1", name="Xiqiao People's Hospital", name_local="西樵人民医院",
                 kind=Facility.Kind.GENERAL_HOSPITAL, level=2, organisation_id=o[1], region_id=r[0], beds=800),
        Facility(id=f[1], code="XQ-F2", name="Imam Khomeini Hospital, Dunes", name_local="بیمارستان امام خمینی",
                 kind=Facility.Kind.GENERAL_HOSPITAL, level=3, organisation_id=o[0], region_id=r[1], beds=200),
        Facility(id=f[2], code="XQ-F3", name="Oasis Health Station", kind=Facility.Kind.HEALTH_STATION,
                 level=4, organisation_id=o[0], region_id=r[3]),
    ]
    p = list(load.reserve_ids(Practitioner, 3))
    practitioners = [
        Practitioner(id=p[0], name="李静", name_latin="Li Jing", sex="female", title="senior", organisation_id=o[1]),
        Practitioner(id=p[1], name="زهرا کریمی", name_latin="Zahra Karimi", sex="female", title="junior",
                     organisation_id=o[0]),
        Practitioner(id=p[2], name="Anna Silva", name_latin="Anna Silva", sex="female", title="intermediate",
                     organisation_id=o[0]),
    ]
    cardiology, nursing = Specialty.objects.get(code="cardiology").pk, Specialty.objects.get(code="nursing").pk
    specialties = Practitioner.specialties.through
    load.add(Region, regions)
    load.add(Organisation, orgs)
    load.add(through, [through(organisation_id=pk, network_id=cast.network.pk) for pk in o])
    load.add(Facility, facilities)
    load.add(Practitioner, practitioners)
    load.add(specialties, [
        specialties(practitioner_id=p[0], specialty_id=cardiology),
        specialties(practitioner_id=p[1], specialty_id=nursing),
        specialties(practitioner_id=p[2], specialty_id=cardiology),
    ])
    load.add(Appointment, [
        Appointment(practitioner_id=p[0], facility_id=f[0], position="Head of cardiology", start=date(2019, 3, 1)),
        Appointment(practitioner_id=p[1], facility_id=f[1], position="Nurse", start=date(2021, 9, 1)),
        Appointment(practitioner_id=p[1], facility_id=f[0], position="Nurse", start=date(2015, 1, 1),
                    end=date(2021, 8, 31)),
    ])
    return {"r": r, "o": o, "f": f, "p": p}


def test_bulk_load_writes_exact_rows_paths_and_search_text(cast):
    before = {m: m.objects.count() for m in (Region, Organisation, Facility, Practitioner, Appointment)}
    load = BulkLoad(batch_size=2)
    ids = _load_small_registry(cast, load)
    r, o = ids["r"], ids["o"]

    assert {m: m.objects.count() - before[m] for m in before} == {
        Region: 6, Organisation: 2, Facility: 3, Practitioner: 3, Appointment: 3,
    }
    assert {name: t.rows for name, t in load.tables.items()} == {
        "registry_region": 6, "core_organisation": 2, "core_organisation_networks": 2, "registry_facility": 3,
        "registry_practitioner": 3, "registry_practitioner_specialties": 3, "registry_appointment": 3,
    }
    assert load.total.rows == 22

    china = cast.china.path
    assert dict(Region.objects.filter(pk__in=r).values_list("code", "path")) == {
        "XQ": f"{china}{r[0]}/",
        "XQ-1": f"{china}{r[0]}/{r[1]}/",
        "XQ-2": f"{china}{r[0]}/{r[2]}/",
        "XQ-1-1": f"{china}{r[0]}/{r[1]}/{r[3]}/",
        "XQ-1-2": f"{china}{r[0]}/{r[1]}/{r[4]}/",
        "XQ-2-1": f"{china}{r[0]}/{r[2]}/{r[5]}/",
    }
    assert dict(Organisation.objects.filter(pk__in=o).values_list("code", "path")) == {
        "xq-hd": f"/{o[0]}/", "xq-ph": f"/{o[0]}/{o[1]}/",
    }
    # The same folded names the services store.
    assert Region.objects.get(code="XQ").search_text == "xiqiao | 西樵 | xq"
    assert dict(Facility.objects.filter(code__startswith="XQ-").values_list("code", "search_text")) == {
        "XQ-F1": "xiqiao people's hospital | 西樵人民医院 | xq-f1",
        "XQ-F2": "imam khomeini hospital, dunes | بیمارستان امام خمینی | xq-f2",
        "XQ-F3": "oasis health station | xq-f3",
    }
    assert dict(Practitioner.objects.filter(pk__in=ids["p"]).values_list("name_latin", "search_text")) == {
        "Li Jing": "李静 | li jing", "Zahra Karimi": "زهرا کریمی | zahra karimi", "Anna Silva": "anna silva",
    }
    assert sorted(Practitioner.objects.get(pk=ids["p"][0]).specialties.values_list("code", flat=True)) == [
        "cardiology"
    ]


def test_the_regular_selectors_find_bulk_loaded_rows(cast):
    ids = _load_small_registry(cast, BulkLoad())

    def facilities(user, **filters):
        return [f.code for f in selectors.facility_list_for_user(user=user, filters=FacilityFilters(**filters))]

    assert facilities(cast.coordinator, q="XQ") == ["XQ-F2", "XQ-F3", "XQ-F1"]  # by name
    # Typed on an Arabic keyboard (Arabic yeh), found in Persian; Chinese by substring; Latin by any case.
    assert facilities(cast.coordinator, q="بيمارستان امام") == ["XQ-F2"]
    assert facilities(cast.coordinator, q="人民医院") == ["CN-GC-01", "CN-LC-01", "XQ-F1"]
    assert facilities(cast.coordinator, q="OASIS") == ["XQ-F3"]
    # A region filter takes the whole subtree, through the computed paths.
    assert facilities(cast.coordinator, region=ids["r"][1]) == ["XQ-F2", "XQ-F3"]
    assert facilities(cast.coordinator, region=cast.china.pk, q="xq") == ["XQ-F2", "XQ-F3", "XQ-F1"]
    # The outsider's network does not hold the new organisations.
    assert facilities(cast.outsider, q="xq") == []

    def practitioners(user, **filters):
        qs = selectors.practitioner_list_for_user(user=user, filters=PractitionerFilters(**filters))
        return [p.name_latin for p in qs]

    assert practitioners(cast.coordinator, q="李静") == ["Li Jing"]
    assert practitioners(cast.coordinator, q="كريمي") == ["Zahra Karimi"]  # Arabic kaf and yeh
    assert practitioners(cast.coordinator, specialty="cardiology") == ["Anna Silva", "Li Jing", "Wang Jianhua"]
    assert practitioners(cast.coordinator, facility=ids["f"][0]) == ["Li Jing", "Zahra Karimi"]
    assert practitioners(cast.outsider, q="anna") == []

    facility = selectors.facility_get_for_user(user=cast.coordinator, pk=ids["f"][0])
    staff = selectors.facility_staff(user=cast.coordinator, facility=facility, on=date(2024, 1, 1))
    assert [a.practitioner.name_latin for a in staff] == ["Li Jing"]


def test_a_tree_node_may_hang_below_a_row_loaded_earlier(cast):
    load = BulkLoad()
    (first,) = load.reserve_ids(Region, 1)
    load.add(Region, [Region(id=first, code="QH-X", name="X", level=Region.Level.DISTRICT, parent_id=cast.qinghai.pk)])
    (second,) = load.reserve_ids(Region, 1)
    load.add(Region, [Region(id=second, code="QH-X-1", name="X1", level=Region.Level.COMMUNE, parent_id=first)])
    assert Region.objects.get(pk=second).path == f"{cast.qinghai.path}{first}/{second}/"


def test_reserved_ids_follow_the_rows_already_there_and_never_repeat(cast):
    load = BulkLoad()
    top = Region.objects.order_by("-pk").first().pk
    assert load.reserve_ids(Region, 3) == range(top + 1, top + 4)
    assert load.reserve_ids(Region, 2) == range(top + 4, top + 6)


def test_after_finish_ordinary_inserts_take_ids_above_the_bulk_ones(cast):
    load = BulkLoad()
    ids = _load_small_registry(cast, load)
    load.finish()
    region = Region.objects.create(code="AFTER", name="After", level=Region.Level.DISTRICT)
    practitioner = Practitioner.objects.create(name="A", name_latin="A", sex="male", title="junior",
                                               organisation=cast.haibei)
    assert region.pk == ids["r"][-1] + 1
    assert practitioner.pk == ids["p"][-1] + 1


def test_tree_rows_need_an_id_and_a_parent_that_exists(cast):
    load = BulkLoad()
    with pytest.raises(ValueError, match="need an id"):
        load.add(Region, [Region(code="NOID", name="No id", level=Region.Level.PROVINCE)])
    (pk,) = load.reserve_ids(Region, 1)
    with pytest.raises(ValueError, match="parents not found"):
        load.add(Region, [Region(id=pk, code="ORPHAN", name="Orphan", level=Region.Level.DISTRICT, parent_id=pk + 99)])
    a, b = load.reserve_ids(Region, 2)
    with pytest.raises(ValueError, match="sits below itself"):
        load.add(Region, [Region(id=a, code="A", name="A", level=Region.Level.DISTRICT, parent_id=b),
                          Region(id=b, code="B", name="B", level=Region.Level.DISTRICT, parent_id=a)])
    assert Region.objects.filter(code__in=["NOID", "ORPHAN", "A", "B"]).count() == 0


def test_rows_are_inserted_in_batches(cast):
    load = BulkLoad(batch_size=2)
    p = list(load.reserve_ids(Practitioner, 5))
    rows = [Practitioner(id=pk, name=f"P{pk}", name_latin=f"P{pk}", sex="male", title="junior",
                         organisation_id=cast.haibei.pk) for pk in p]
    with CaptureQueriesContext(connection) as captured:
        assert load.add(Practitioner, rows) == 5
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    # One transaction (a savepoint inside the test's), three INSERTs of 2 + 2 + 1 rows.
    assert statements == ["SAVEPOINT", "INSERT", "INSERT", "INSERT", "RELEASE"]
    assert Practitioner.objects.filter(pk__in=p).count() == 5


def test_a_failed_load_saves_nothing_and_leaves_the_cycle_collector_on(cast):
    load = BulkLoad(batch_size=1)
    duplicate = [
        Facility(code="DUP-1", name="First", kind=Facility.Kind.CLINIC, level=4, organisation=cast.haibei,
                 region=cast.gangcha_county),
        Facility(code=cast.gangcha.code, name="Same code", kind=Facility.Kind.CLINIC, level=4,
                 organisation=cast.haibei, region=cast.gangcha_county),
    ]
    assert gc.isenabled()
    with pytest.raises(IntegrityError):
        load.add(Facility, duplicate)
    assert gc.isenabled()
    assert Facility.objects.filter(code="DUP-1").count() == 0
    assert load.tables == {}
