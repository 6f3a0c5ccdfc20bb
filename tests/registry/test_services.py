"""Registry services: what each write stores, the one audit event it leaves, and what it refuses.

Every refusal is checked to leave the database exactly as it was (all registry
tables and the audit trail, row by row).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.registry import services
from caravan.registry.models import (
    Appointment,
    Department,
    Equipment,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    RegionPopulation,
    Specialty,
    Technique,
)

TABLES = [
    Region, RegionPopulation, Facility, Facility.foreign_patient_specialties.through, Department, FacilityEquipment,
    Practitioner, Practitioner.specialties.through, Appointment, Technique, Technique.prerequisites.through,
    Technique.equipment_needed.through, AuditEvent,
]
CYCLE = "This would make a cycle: a node cannot sit below itself."
BAD_LEVEL_9 = "Technical level 9 does not exist; choose 1 (central) to 4 (commune)."
END_BEFORE_START = "The end date is before the start date."

# Who must not change Haibei-side rows (Gangcha), and who must not change the shared reference data.
NOT_GANGCHA_EDITORS = ["clinician_a", "consultant_b", "analyst", "outsider", "anonymous"]
NOT_REFERENCE_EDITORS = ["coordinator", "clinician_a", "consultant_b", "analyst", "outsider", "anonymous"]


def _state() -> dict:
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in TABLES}


def _user(cast, who):
    return AnonymousUser() if who == "anonymous" else getattr(cast, who)


def _invalid(call, fields: dict, code: str | None = None) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert exc.value.fields == fields
    if code is not None:
        assert exc.value.code == code
    assert _state() == before


def _denied(call) -> None:
    before = _state()
    with pytest.raises(PermissionDenied):
        call()
    assert _state() == before


def _events_after(pk_before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=pk_before).order_by("pk"))


def _last_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _one_event(pk_before: int, *, action, obj, actor, organisation=None, changes) -> None:
    events = _events_after(pk_before)
    assert len(events) == 1, events
    event = events[0]
    assert (event.action, event.object_type, event.object_id, event.actor_id, event.organisation_id) == (
        action, obj._meta.label_lower, str(obj.pk), actor.pk, organisation.pk if organisation else None,
    )
    assert event.changes == changes


def _specialty(code):
    return Specialty.objects.get(code=code)


def _equipment(code):
    return Equipment.objects.get(code=code)


# ---------------------------------------------------------------- regions


def test_region_create(cast):
    mark = _last_pk()
    region = services.region_create(by=cast.admin_a, data={
        "code": "CN-QH-HD", "name": "Haidong", "name_local": "海东市", "level": Region.Level.DISTRICT,
        "parent": cast.qinghai,
    })
    stored = Region.objects.values("code", "name", "name_local", "level", "parent", "path", "valid_from", "valid_to",
                                   "merged_into", "search_text").get(pk=region.pk)
    assert stored == {
        "code": "CN-QH-HD", "name": "Haidong", "name_local": "海东市", "level": 2, "parent": cast.qinghai.pk,
        "path": f"{cast.qinghai.path}{region.pk}/", "valid_from": date(1900, 1, 1), "valid_to": None,
        "merged_into": None, "search_text": "haidong | 海东市 | cn-qh-hd",
    }
    _one_event(mark, action="create", obj=region, actor=cast.admin_a, changes={
        "code": [None, "CN-QH-HD"], "name": [None, "Haidong"], "name_local": [None, "海东市"], "level": [None, 2],
        "parent": [None, cast.qinghai.pk], "valid_from": [None, "1900-01-01"],
    })


def test_region_create_a_country(cast):
    region = services.region_create(by=cast.node_admin, data={"code": "VN", "name": "Viet Nam", "level": 0})
    assert Region.objects.values_list("path", "parent").get(pk=region.pk) == (f"/{region.pk}/", None)


@pytest.mark.parametrize(
    ("data", "fields", "code"),
    [
        ({"code": "CN-QH", "name": "Qinghai again", "level": 1, "parent": "china"},
         {"code": ["A region with this code already exists."]}, "duplicate_code"),
        ({"code": "CN-X", "name": "X", "level": 2, "parent": "haibei_region"},  # same level
         {"parent": ["The parent region must be at a higher level than the region."]}, "parent_level"),
        ({"code": "CN-X", "name": "X", "level": 1, "parent": "gangcha_county"},  # lower level
         {"parent": ["The parent region must be at a higher level than the region."]}, "parent_level"),
        ({"code": "CN-X", "name": "X", "level": 2},
         {"parent": ["Only a country may have no parent region."]}, "parent_required"),
        ({"code": "CN-X", "name": "X", "level": 9, "parent": "china"},
         {"level": ["Region level 9 does not exist; choose 0 (country) to 3 (commune)."]}, "unknown_level"),
        ({"code": "CN-X", "name": "", "level": 2, "parent": "qinghai"},
         {"name": ["This field cannot be blank."]}, "invalid"),
    ],
)
def test_region_create_refuses_bad_input(cast, data, fields, code):
    if "parent" in data:
        data = {**data, "parent": getattr(cast, data["parent"])}
    _invalid(lambda: services.region_create(by=cast.admin_a, data=data), fields, code)


@pytest.mark.parametrize("who", NOT_REFERENCE_EDITORS)
def test_region_writes_are_for_admins(cast, who):
    user = _user(cast, who)
    _denied(lambda: services.region_create(by=user, data={"code": "CN-X", "name": "X", "level": 1, "parent": cast.china}))
    _denied(lambda: services.region_update(by=user, region=cast.haibei_region, data={"name": "Renamed"}))
    _denied(lambda: services.region_merge(by=user, region=cast.gangcha_county, into=cast.gangcha_county,
                                          on=date(2025, 1, 1)))
    _denied(lambda: services.region_population_set(by=user, region=cast.haibei_region, year=2024, population=1))


def test_region_update_renames_and_refreshes_search_text(cast):
    mark = _last_pk()
    services.region_update(by=cast.admin_a, region=cast.haibei_region,
                           data={"name": "Haibei Tibetan Autonomous Prefecture", "meets_commune_criteria": True})
    assert Region.objects.values_list("name", "search_text", "meets_commune_criteria").get(pk=cast.haibei_region.pk) == (
        "Haibei Tibetan Autonomous Prefecture", "haibei tibetan autonomous prefecture | 海北藏族自治州 | cn-qh-hb", True
    )
    _one_event(mark, action="update", obj=cast.haibei_region, actor=cast.admin_a, changes={
        "name": ["Haibei", "Haibei Tibetan Autonomous Prefecture"], "meets_commune_criteria": [None, True],
    })


def test_region_update_moves_the_subtree(cast):
    gansu = services.region_create(by=cast.node_admin, data={"code": "CN-GS", "name": "Gansu", "level": 1,
                                                             "parent": cast.china})
    mark = _last_pk()
    services.region_update(by=cast.node_admin, region=cast.haibei_region, data={"parent": gansu})
    assert dict(Region.objects.filter(pk__in=[cast.haibei_region.pk, cast.gangcha_county.pk]).values_list("pk", "path")) == {
        cast.haibei_region.pk: f"{gansu.path}{cast.haibei_region.pk}/",
        cast.gangcha_county.pk: f"{gansu.path}{cast.haibei_region.pk}/{cast.gangcha_county.pk}/",
    }
    _one_event(mark, action="update", obj=cast.haibei_region, actor=cast.node_admin,
               changes={"parent": [cast.qinghai.pk, gansu.pk]})


def test_a_stale_copy_of_the_parent_does_not_corrupt_paths(cast):
    gansu = services.region_create(by=cast.node_admin, data={"code": "CN-GS", "name": "Gansu", "level": 1,
                                                             "parent": cast.china})
    stale = Region.objects.get(pk=gansu.pk)
    services.region_update(by=cast.node_admin, region=gansu, data={"parent": cast.iran})
    district = services.region_create(by=cast.node_admin, data={"code": "CN-GS-TZ", "name": "Tianzhu", "level": 2,
                                                                "parent": stale})
    assert Region.objects.get(pk=district.pk).path == f"/{cast.iran.pk}/{gansu.pk}/{district.pk}/"
    services.region_update(by=cast.node_admin, region=cast.haibei_region, data={"parent": stale})
    assert Region.objects.get(pk=cast.gangcha_county.pk).path == (
        f"/{cast.iran.pk}/{gansu.pk}/{cast.haibei_region.pk}/{cast.gangcha_county.pk}/"
    )


def test_region_update_without_a_change_records_nothing(cast):
    before = _state()
    services.region_update(by=cast.admin_a, region=cast.haibei_region, data={"name": "Haibei"})
    assert _state() == before


def test_region_update_refuses_a_province_under_its_own_district(cast):
    _invalid(lambda: services.region_update(by=cast.admin_a, region=cast.qinghai, data={"parent": cast.haibei_region}),
             {"parent": [CYCLE]}, "cycle")
    _invalid(lambda: services.region_update(by=cast.admin_a, region=cast.qinghai, data={"parent": cast.qinghai}),
             {"parent": [CYCLE]}, "cycle")


def test_region_update_refuses_a_level_at_or_below_its_children(cast):
    _invalid(lambda: services.region_update(by=cast.admin_a, region=cast.qinghai, data={"level": 2}),
             {"level": ["The region has regions below it at this level or higher; change those first."]},
             "children_level")


def test_region_update_refuses_a_duplicate_code_and_a_parent_below_its_level(cast):
    _invalid(lambda: services.region_update(by=cast.admin_a, region=cast.haibei_region, data={"code": "CN-QH"}),
             {"code": ["A region with this code already exists."]}, "duplicate_code")
    _invalid(lambda: services.region_update(by=cast.admin_a, region=cast.mazandaran_region,
                                            data={"parent": cast.haibei_region}),
             {"parent": ["The parent region must be at a higher level than the region."]}, "parent_level")


def test_region_population_set_creates_corrects_and_ignores_repeats(cast):
    mark = _last_pk()
    row = services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=2024, population=296_000)
    assert RegionPopulation.objects.values_list("region", "year", "population").get(pk=row.pk) == (
        cast.haibei_region.pk, 2024, 296_000
    )
    _one_event(mark, action="create", obj=row, actor=cast.admin_a, changes={"population": [None, 296_000]})

    mark = _last_pk()
    again = services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=2024, population=301_500)
    assert again.pk == row.pk
    assert RegionPopulation.objects.get(pk=row.pk).population == 301_500
    _one_event(mark, action="update", obj=row, actor=cast.admin_a, changes={"population": [296_000, 301_500]})

    before = _state()
    services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=2024, population=301_500)
    assert _state() == before

    services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=2023, population=0)
    assert list(RegionPopulation.objects.filter(region=cast.haibei_region).values_list("year", "population")) == [
        (2024, 301_500), (2023, 0),
    ]


def test_region_population_refuses_below_zero_and_odd_years(cast):
    services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=2024, population=296_000)
    _invalid(lambda: services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=2024,
                                                    population=-1),
             {"population": ["A population cannot be below zero."]}, "negative_population")
    _invalid(lambda: services.region_population_set(by=cast.admin_a, region=cast.haibei_region, year=1850,
                                                    population=10),
             {"year": ["Enter a year between 1900 and 2200."]}, "bad_year")


# ---------------------------------------------------------------- merges


@pytest.fixture
def menyuan(cast):
    """A second district of Qinghai, beside Haibei."""
    return services.region_create(by=cast.node_admin, data={"code": "CN-QH-MY", "name": "Menyuan", "level": 2,
                                                            "parent": cast.qinghai})


def test_region_merge(cast, menyuan):
    mark = _last_pk()
    merged = services.region_merge(by=cast.admin_a, region=menyuan, into=cast.haibei_region, on=date(2025, 1, 1))
    assert Region.objects.values_list("valid_to", "merged_into", "path").get(pk=menyuan.pk) == (
        date(2025, 1, 1), cast.haibei_region.pk, menyuan.path
    )
    assert (merged.valid_to, merged.merged_into_id) == (date(2025, 1, 1), cast.haibei_region.pk)
    _one_event(mark, action="update", obj=menyuan, actor=cast.admin_a, changes={
        "valid_to": [None, "2025-01-01"], "merged_into": [None, cast.haibei_region.pk],
    })


def test_region_merge_rules(cast, menyuan):
    on = date(2025, 1, 1)
    merge = services.region_merge
    admin = cast.admin_a
    _invalid(lambda: merge(by=admin, region=cast.haibei_region, into=cast.haibei_region, on=on),
             {"into": ["A region cannot be merged into itself or a region below it."]}, "cycle")
    _invalid(lambda: merge(by=admin, region=cast.qinghai, into=cast.haibei_region, on=on),
             {"into": ["A region cannot be merged into itself or a region below it."]}, "cycle")
    _invalid(lambda: merge(by=admin, region=menyuan, into=cast.mazandaran_region, on=on),
             {"into": ["A region can only be merged into a region of the same level."]}, "merge_level")
    _invalid(lambda: merge(by=admin, region=menyuan, into=cast.haibei_region, on=date(1900, 1, 1)),
             {"on": ["The merge date must be after the region's start."]}, "merge_date")

    later = services.region_create(by=cast.node_admin, data={"code": "CN-QH-NEW", "name": "New district", "level": 2,
                                                             "parent": cast.qinghai, "valid_from": date(2026, 1, 1)})
    _invalid(lambda: merge(by=admin, region=menyuan, into=later, on=on),
             {"into": ["The target region does not exist on that date."]}, "merge_date")

    merge(by=admin, region=menyuan, into=cast.haibei_region, on=on)
    _invalid(lambda: merge(by=admin, region=menyuan, into=cast.haibei_region, on=date(2026, 1, 1)),
             {"region": ["This region has already been merged."]}, "already_merged")
    # A region merged away is no target after its merge date.
    _invalid(lambda: merge(by=admin, region=cast.haibei_region, into=menyuan, on=date(2025, 6, 1)),
             {"into": ["The target region does not exist on that date."]}, "merge_date")


# ---------------------------------------------------------------- facilities


def _new_facility_data(cast, **changes):
    data = {
        "code": "CN-GC-02", "name": "Gangcha Tibetan Medicine Hospital", "name_local": "刚察县藏医院",
        "kind": Facility.Kind.SPECIALTY_HOSPITAL, "level": 3, "grade": Facility.Grade.II,
        "ownership": Facility.Ownership.PUBLIC, "organisation": cast.gangcha_org, "region": cast.gangcha_county,
        "beds": 60, "latitude": Decimal("37.325000"), "longitude": Decimal("100.130000"), "has_emr": True,
        "languages": ["zh", "bo"], "foreign_patient_specialties": [_specialty("cardiology")],
    }
    data.update(changes)
    return data


def test_facility_create(cast):
    mark = _last_pk()
    facility = services.facility_create(by=cast.coordinator, data=_new_facility_data(cast))
    stored = Facility.objects.values(
        "code", "name", "name_local", "kind", "level", "grade", "ownership", "organisation", "region", "beds",
        "latitude", "longitude", "has_emr", "has_his", "has_pacs", "languages", "search_text",
    ).get(pk=facility.pk)
    assert stored == {
        "code": "CN-GC-02", "name": "Gangcha Tibetan Medicine Hospital", "name_local": "刚察县藏医院",
        "kind": "specialty_hospital", "level": 3, "grade": "II", "ownership": "public",
        "organisation": cast.gangcha_org.pk, "region": cast.gangcha_county.pk, "beds": 60,
        "latitude": Decimal("37.325000"), "longitude": Decimal("100.130000"), "has_emr": True, "has_his": False,
        "has_pacs": False, "languages": ["zh", "bo"],
        "search_text": "gangcha tibetan medicine hospital | 刚察县藏医院 | cn-gc-02",
    }
    assert list(facility.foreign_patient_specialties.values_list("code", flat=True)) == ["cardiology"]
    _one_event(mark, action="create", obj=facility, actor=cast.coordinator, organisation=cast.gangcha_org, changes={
        "code": [None, "CN-GC-02"], "name": [None, "Gangcha Tibetan Medicine Hospital"],
        "name_local": [None, "刚察县藏医院"], "kind": [None, "specialty_hospital"], "level": [None, 3],
        "grade": [None, "II"], "ownership": [None, "public"], "organisation": [None, cast.gangcha_org.pk],
        "region": [None, cast.gangcha_county.pk], "beds": [None, 60], "latitude": [None, "37.325"],
        "longitude": [None, "100.13"], "has_emr": [None, True], "has_his": [None, False],
        "has_pacs": [None, False], "languages": [None, ["zh", "bo"]],
        "foreign_patient_specialties": [None, ["cardiology"]],
    })


@pytest.mark.parametrize(
    ("changes", "fields", "code"),
    [
        ({"code": "CN-LC-01"}, {"code": ["A facility with this code already exists."]}, "duplicate_code"),
        ({"level": 9}, {"level": [BAD_LEVEL_9]}, "unknown_level"),
        ({"languages": ["zh", "xx", "qq"]}, {"languages": ["Unknown language code: qq, xx."]}, "invalid"),
        ({"region": None}, {"region": ["Choose the region the facility is in."]}, "required"),
        ({"name": ""}, {"name": ["This field cannot be blank."]}, "invalid"),
        ({"kind": "castle"}, {"kind": ["Value 'castle' is not a valid choice."]}, "invalid"),
        ({"latitude": Decimal("91")}, {"latitude": ["Ensure this value is less than or equal to 90."]}, "invalid"),
    ],
)
def test_facility_create_refuses_bad_input(cast, changes, fields, code):
    data = _new_facility_data(cast, **changes)
    _invalid(lambda: services.facility_create(by=cast.coordinator, data=data), fields, code)


def test_facility_create_without_an_organisation(cast):
    data = _new_facility_data(cast, organisation=None)
    _denied(lambda: services.facility_create(by=cast.coordinator, data=data))
    _invalid(lambda: services.facility_create(by=cast.node_admin, data=data),
             {"organisation": ["Choose the organisation that runs the facility."]}, "required")


@pytest.mark.parametrize("who", NOT_GANGCHA_EDITORS)
def test_facility_writes_refused(cast, who):
    user = _user(cast, who)
    _denied(lambda: services.facility_create(by=user, data=_new_facility_data(cast)))
    _denied(lambda: services.facility_update(by=user, facility=cast.gangcha, data={"beds": 1}))
    _denied(lambda: services.department_create(by=user, facility=cast.gangcha, data={"name": "Cardiology"}))
    _denied(lambda: services.facility_equipment_set(by=user, facility=cast.gangcha, equipment=_equipment("ct"),
                                                    quantity=1))


def test_a_coordinator_edits_below_their_organisation_only(cast):
    _denied(lambda: services.facility_create(by=cast.coordinator,
                                             data=_new_facility_data(cast, organisation=cast.liaocheng_org)))
    _denied(lambda: services.facility_update(by=cast.coordinator, facility=cast.liaocheng, data={"beds": 1}))
    # Moving a facility needs edit rights on the organisation it goes to as well.
    _denied(lambda: services.facility_update(by=cast.coordinator, facility=cast.gangcha,
                                             data={"organisation": cast.liaocheng_org}))


def test_facility_update(cast):
    mark = _last_pk()
    services.facility_update(by=cast.coordinator, facility=cast.gangcha, data={
        "beds": 150, "has_emr": True, "name_local": "刚察县人民医院",
        "foreign_patient_specialties": [_specialty("oncology"), _specialty("cardiology")],
    })
    stored = Facility.objects.get(pk=cast.gangcha.pk)
    assert (stored.beds, stored.has_emr, stored.name_local) == (150, True, "刚察县人民医院")
    assert sorted(stored.foreign_patient_specialties.values_list("code", flat=True)) == ["cardiology", "oncology"]
    _one_event(mark, action="update", obj=cast.gangcha, actor=cast.coordinator, organisation=cast.gangcha_org, changes={
        "beds": [120, 150], "has_emr": [False, True], "foreign_patient_specialties": [[], ["cardiology", "oncology"]],
    })


def test_facility_update_moves_it_between_organisations_the_user_edits(cast):
    mark = _last_pk()
    services.facility_update(by=cast.admin_a, facility=cast.gangcha, data={"organisation": cast.haibei, "name": "GCPH"})
    assert Facility.objects.values_list("organisation", "search_text").get(pk=cast.gangcha.pk) == (
        cast.haibei.pk, "gcph | 刚察县人民医院 | cn-gc-01"
    )
    _one_event(mark, action="update", obj=cast.gangcha, actor=cast.admin_a, organisation=cast.haibei, changes={
        "organisation": [cast.gangcha_org.pk, cast.haibei.pk], "name": ["Gangcha County People's Hospital", "GCPH"],
    })


def test_facility_update_without_a_change_records_nothing(cast):
    mark = _last_pk()
    services.facility_update(by=cast.coordinator, facility=cast.gangcha, data={"beds": 120})
    assert _events_after(mark) == []


def test_facility_update_refuses_bad_input(cast):
    for data, fields in [
        ({"code": "IR-MZ-IK"}, {"code": ["A facility with this code already exists."]}),
        ({"level": 9}, {"level": [BAD_LEVEL_9]}),
        ({"languages": ["xx"]}, {"languages": ["Unknown language code: xx."]}),
        ({"beds": -5}, {"beds": ["Ensure this value is greater than or equal to 0."]}),
    ]:
        _invalid(lambda data=data: services.facility_update(by=cast.coordinator, facility=cast.gangcha, data=data),
                 fields)


# ---------------------------------------------------------------- departments and equipment


def test_department_create_and_update(cast):
    mark = _last_pk()
    department = services.department_create(by=cast.coordinator, facility=cast.gangcha, data={
        "name": "Cardiology", "name_local": "心内科", "specialty": _specialty("cardiology"), "beds": 30,
    })
    assert Department.objects.values_list("facility", "name", "name_local", "specialty__code", "beds").get(
        pk=department.pk
    ) == (cast.gangcha.pk, "Cardiology", "心内科", "cardiology", 30)
    _one_event(mark, action="create", obj=department, actor=cast.coordinator, organisation=cast.gangcha_org, changes={
        "name": [None, "Cardiology"], "name_local": [None, "心内科"],
        "specialty": [None, _specialty("cardiology").pk], "beds": [None, 30],
    })

    mark = _last_pk()
    services.department_update(by=cast.coordinator, department=department, data={"name": "Cardiovascular", "beds": 36})
    assert Department.objects.values_list("name", "beds").get(pk=department.pk) == ("Cardiovascular", 36)
    _one_event(mark, action="update", obj=department, actor=cast.coordinator, organisation=cast.gangcha_org,
               changes={"name": ["Cardiology", "Cardiovascular"], "beds": [30, 36]})


def test_department_refusals(cast):
    department = services.department_create(by=cast.coordinator, facility=cast.gangcha, data={"name": "Cardiology"})
    services.department_create(by=cast.coordinator, facility=cast.gangcha, data={"name": "Surgery"})
    duplicate = {"name": ["This facility already has a department with this name."]}
    _invalid(lambda: services.department_create(by=cast.coordinator, facility=cast.gangcha, data={"name": "Cardiology"}),
             duplicate, "duplicate_name")
    _invalid(lambda: services.department_update(by=cast.coordinator, department=department, data={"name": "Surgery"}),
             duplicate, "duplicate_name")
    _invalid(lambda: services.department_create(by=cast.coordinator, facility=cast.gangcha, data={"name": ""}),
             {"name": ["This field cannot be blank."]})
    for who in NOT_GANGCHA_EDITORS:
        user = _user(cast, who)
        _denied(lambda user=user: services.department_update(by=user, department=department, data={"beds": 3}))
    # Another facility may have a department of the same name.
    services.department_create(by=cast.node_admin, facility=cast.liaocheng, data={"name": "Cardiology"})


def test_facility_equipment_set(cast):
    ct = _equipment("ct")
    mark = _last_pk()
    row = services.facility_equipment_set(by=cast.coordinator, facility=cast.gangcha, equipment=ct, quantity=2)
    assert list(FacilityEquipment.objects.values_list("facility", "equipment", "quantity")) == [
        (cast.gangcha.pk, ct.pk, 2)
    ]
    assert row.quantity == 2
    _one_event(mark, action="update", obj=cast.gangcha, actor=cast.coordinator, organisation=cast.gangcha_org,
               changes={"equipment.ct": [0, 2]})

    mark = _last_pk()
    services.facility_equipment_set(by=cast.coordinator, facility=cast.gangcha, equipment=ct, quantity=3)
    assert list(FacilityEquipment.objects.values_list("quantity", flat=True)) == [3]
    _one_event(mark, action="update", obj=cast.gangcha, actor=cast.coordinator, organisation=cast.gangcha_org,
               changes={"equipment.ct": [2, 3]})

    mark = _last_pk()
    assert services.facility_equipment_set(by=cast.coordinator, facility=cast.gangcha, equipment=ct, quantity=0) is None
    assert FacilityEquipment.objects.count() == 0
    _one_event(mark, action="update", obj=cast.gangcha, actor=cast.coordinator, organisation=cast.gangcha_org,
               changes={"equipment.ct": [3, 0]})

    before = _state()
    services.facility_equipment_set(by=cast.coordinator, facility=cast.gangcha, equipment=ct, quantity=0)
    assert _state() == before
    _invalid(lambda: services.facility_equipment_set(by=cast.coordinator, facility=cast.gangcha, equipment=ct,
                                                     quantity=-1),
             {"quantity": ["A quantity cannot be below zero."]}, "negative_quantity")


# ---------------------------------------------------------------- practitioners and appointments


def _new_practitioner_data(cast, **changes):
    data = {
        "name": "才让", "name_latin": "Cairang", "sex": "male", "profession": "doctor", "title": "intermediate",
        "organisation": cast.gangcha_org, "languages": ["zh", "bo"], "qualifications": "MBBS, Qinghai University",
        "specialties": [_specialty("internal_medicine")],
    }
    data.update(changes)
    return data


def test_practitioner_create(cast):
    mark = _last_pk()
    practitioner = services.practitioner_create(by=cast.coordinator, data=_new_practitioner_data(cast))
    assert Practitioner.objects.values(
        "name", "name_latin", "sex", "profession", "title", "organisation", "languages", "qualifications", "search_text"
    ).get(pk=practitioner.pk) == {
        "name": "才让", "name_latin": "Cairang", "sex": "male", "profession": "doctor", "title": "intermediate",
        "organisation": cast.gangcha_org.pk, "languages": ["zh", "bo"], "qualifications": "MBBS, Qinghai University",
        "search_text": "才让 | cairang",
    }
    assert list(practitioner.specialties.values_list("code", flat=True)) == ["internal_medicine"]
    _one_event(mark, action="create", obj=practitioner, actor=cast.coordinator, organisation=cast.gangcha_org,
               changes={
                   "name": [None, "才让"], "name_latin": [None, "Cairang"], "sex": [None, "male"],
                   "profession": [None, "doctor"], "title": [None, "intermediate"],
                   "organisation": [None, cast.gangcha_org.pk], "languages": [None, ["zh", "bo"]],
                   "qualifications": [None, "MBBS, Qinghai University"], "specialties": [None, ["internal_medicine"]],
               })


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"languages": ["zh", "xx"]}, {"languages": ["Unknown language code: xx."]}),
        ({"sex": "unknown"}, {"sex": ["Value 'unknown' is not a valid choice."]}),
        ({"name_latin": ""}, {"name_latin": ["This field cannot be blank."]}),
    ],
)
def test_practitioner_create_refuses_bad_input(cast, changes, fields):
    data = _new_practitioner_data(cast, **changes)
    _invalid(lambda: services.practitioner_create(by=cast.coordinator, data=data), fields)


def test_practitioner_create_without_an_organisation(cast):
    data = _new_practitioner_data(cast, organisation=None)
    _invalid(lambda: services.practitioner_create(by=cast.node_admin, data=data),
             {"organisation": ["Choose the practitioner's home organisation."]}, "required")


@pytest.mark.parametrize("who", NOT_GANGCHA_EDITORS)
def test_practitioner_writes_refused(cast, who):
    user = _user(cast, who)
    practitioner = services.practitioner_create(by=cast.coordinator, data=_new_practitioner_data(cast))
    _denied(lambda: services.practitioner_create(by=user, data=_new_practitioner_data(cast)))
    _denied(lambda: services.practitioner_update(by=user, practitioner=practitioner, data={"title": "senior"}))


def test_practitioner_update(cast):
    mark = _last_pk()
    services.practitioner_update(by=cast.node_admin, practitioner=cast.doctor_b, data={
        "languages": ["zh", "en"], "specialties": [_specialty("cardiology"), _specialty("cardiac_surgery")],
    })
    stored = Practitioner.objects.get(pk=cast.doctor_b.pk)
    assert stored.languages == ["zh", "en"]
    assert sorted(stored.specialties.values_list("code", flat=True)) == ["cardiac_surgery", "cardiology"]
    _one_event(mark, action="update", obj=cast.doctor_b, actor=cast.node_admin, organisation=cast.liaocheng_org,
               changes={"languages": [[], ["zh", "en"]],
                        "specialties": [["cardiology"], ["cardiac_surgery", "cardiology"]]})
    _invalid(lambda: services.practitioner_update(by=cast.node_admin, practitioner=cast.doctor_b,
                                                  data={"languages": ["klingon"]}),
             {"languages": ["Unknown language code: klingon."]})
    # A Haibei coordinator does not edit Liaocheng's people.
    _denied(lambda: services.practitioner_update(by=cast.coordinator, practitioner=cast.doctor_b, data={"title": "junior"}))


@pytest.fixture
def gangcha_cardiology(cast):
    return services.department_create(by=cast.coordinator, facility=cast.gangcha, data={"name": "Cardiology"})


def test_appointment_create_and_end(cast, gangcha_cardiology):
    mark = _last_pk()
    appointment = services.appointment_create(
        by=cast.coordinator, practitioner=cast.doctor_b, facility=cast.gangcha,
        data={"department": gangcha_cardiology, "position": "Visiting cardiologist", "start": date(2025, 3, 1),
              "end": date(2025, 8, 31)},
    )
    assert Appointment.objects.values_list("practitioner", "facility", "department", "position", "start", "end").get(
        pk=appointment.pk
    ) == (cast.doctor_b.pk, cast.gangcha.pk, gangcha_cardiology.pk, "Visiting cardiologist", date(2025, 3, 1),
          date(2025, 8, 31))
    _one_event(mark, action="create", obj=appointment, actor=cast.coordinator, organisation=cast.gangcha_org, changes={
        "practitioner": [None, cast.doctor_b.pk], "facility": [None, cast.gangcha.pk],
        "department": [None, gangcha_cardiology.pk], "position": [None, "Visiting cardiologist"],
        "start": [None, "2025-03-01"], "end": [None, "2025-08-31"],
    })

    mark = _last_pk()
    services.appointment_end(by=cast.coordinator, appointment=appointment, end=date(2025, 6, 30))
    assert Appointment.objects.get(pk=appointment.pk).end == date(2025, 6, 30)
    _one_event(mark, action="update", obj=appointment, actor=cast.coordinator, organisation=cast.gangcha_org,
               changes={"end": ["2025-08-31", "2025-06-30"]})


def test_appointment_open_ended_and_ended_by_the_home_side(cast):
    """Liaocheng's side may post its own doctor to a facility it can see, and end that posting."""
    Membership = cast.consultant_b.memberships.model
    Membership.objects.create(user=cast.consultant_b, organisation=cast.liaocheng_org, role="coordinator")
    appointment = services.appointment_create(by=cast.consultant_b, practitioner=cast.doctor_b, facility=cast.gangcha,
                                              data={"position": "Mentor", "start": date(2025, 3, 1)})
    assert Appointment.objects.values_list("department", "end").get(pk=appointment.pk) == (None, None)
    services.appointment_end(by=cast.consultant_b, appointment=appointment, end=date(2025, 3, 1))
    assert Appointment.objects.get(pk=appointment.pk).end == date(2025, 3, 1)


def test_appointment_refusals(cast, gangcha_cardiology):
    liaocheng_ward = services.department_create(by=cast.node_admin, facility=cast.liaocheng, data={"name": "Ward 3"})
    create = services.appointment_create
    _invalid(lambda: create(by=cast.coordinator, practitioner=cast.doctor_b, facility=cast.gangcha,
                            data={"position": "Mentor", "start": date(2025, 3, 1), "end": date(2025, 2, 28)}),
             {"end": [END_BEFORE_START]}, "end_before_start")
    _invalid(lambda: create(by=cast.coordinator, practitioner=cast.doctor_b, facility=cast.gangcha,
                            data={"department": liaocheng_ward, "position": "Mentor", "start": date(2025, 3, 1)}),
             {"department": ["The department belongs to another facility."]}, "wrong_facility")
    _invalid(lambda: create(by=cast.coordinator, practitioner=cast.doctor_b, facility=cast.gangcha,
                            data={"position": "Mentor"}),
             {"start": ["This field cannot be null."]})

    for who in NOT_GANGCHA_EDITORS:
        user = _user(cast, who)
        _denied(lambda user=user: create(by=user, practitioner=cast.doctor_b, facility=cast.gangcha,
                                         data={"position": "Mentor", "start": date(2025, 3, 1)}))
    # The outsider edits their own doctor, but cannot post her to a facility of another network.
    _denied(lambda: create(by=cast.outsider, practitioner=cast.doctor_outside, facility=cast.gangcha,
                           data={"position": "Mentor", "start": date(2025, 3, 1)}))

    appointment = create(by=cast.coordinator, practitioner=cast.doctor_b, facility=cast.gangcha,
                         data={"position": "Mentor", "start": date(2025, 3, 1)})
    _invalid(lambda: services.appointment_end(by=cast.coordinator, appointment=appointment, end=date(2025, 2, 1)),
             {"end": [END_BEFORE_START]}, "end_before_start")
    _invalid(lambda: services.appointment_end(by=cast.coordinator, appointment=appointment, end=None),
             {"end": ["Enter the last day of the appointment."]}, "required")
    for who in NOT_GANGCHA_EDITORS:
        user = _user(cast, who)
        _denied(lambda user=user: services.appointment_end(by=user, appointment=appointment, end=date(2025, 4, 1)))


# ---------------------------------------------------------------- techniques


def _technique_data(**changes):
    data = {
        "code": "CARD-PCI", "name": "Percutaneous coronary intervention", "name_local": "经皮冠状动脉介入治疗",
        "specialty": _specialty("cardiology"), "min_level": 2, "cases_for_independence": 30,
        "equipment_needed": [_equipment("cath_lab")],
    }
    data.update(changes)
    return data


def test_technique_create(cast):
    mark = _last_pk()
    technique = services.technique_create(by=cast.admin_a, data=_technique_data())
    assert Technique.objects.values_list(
        "code", "name", "name_local", "specialty__code", "min_level", "cases_for_independence", "search_text"
    ).get(pk=technique.pk) == (
        "CARD-PCI", "Percutaneous coronary intervention", "经皮冠状动脉介入治疗", "cardiology", 2, 30,
        "percutaneous coronary intervention | 经皮冠状动脉介入治疗 | card-pci",
    )
    assert list(technique.equipment_needed.values_list("code", flat=True)) == ["cath_lab"]
    _one_event(mark, action="create", obj=technique, actor=cast.admin_a, changes={
        "code": [None, "CARD-PCI"], "name": [None, "Percutaneous coronary intervention"],
        "name_local": [None, "经皮冠状动脉介入治疗"], "specialty": [None, _specialty("cardiology").pk],
        "min_level": [None, 2], "cases_for_independence": [None, 30], "prerequisites": [None, []],
        "equipment_needed": [None, ["cath_lab"]],
    })


def test_technique_update_and_prerequisites(cast):
    ecg = services.technique_create(by=cast.admin_a, data=_technique_data(
        code="CARD-ECG", name="12-lead ECG reading", name_local="", min_level=4, cases_for_independence=20,
        equipment_needed=[]))
    pci = services.technique_create(by=cast.admin_a, data=_technique_data())
    mark = _last_pk()
    services.technique_update(by=cast.admin_a, technique=pci, data={"prerequisites": [ecg], "min_level": 1})
    assert list(pci.prerequisites.values_list("code", flat=True)) == ["CARD-ECG"]
    assert Technique.objects.get(pk=pci.pk).min_level == 1
    _one_event(mark, action="update", obj=pci, actor=cast.admin_a,
               changes={"min_level": [2, 1], "prerequisites": [[], ["CARD-ECG"]]})

    before = _state()
    services.technique_update(by=cast.admin_a, technique=pci, data={"prerequisites": [ecg]})
    assert _state() == before

    _invalid(lambda: services.technique_update(by=cast.admin_a, technique=pci, data={"prerequisites": [pci]}),
             {"prerequisites": ["A technique cannot require itself, directly or through other prerequisites."]},
             "cycle")
    # ECG reading cannot require PCI, which already requires ECG reading.
    _invalid(lambda: services.technique_update(by=cast.admin_a, technique=ecg, data={"prerequisites": [pci]}),
             {"prerequisites": ["A technique cannot require itself, directly or through other prerequisites."]},
             "cycle")


@pytest.mark.parametrize(
    ("changes", "fields", "code"),
    [
        ({"min_level": 9}, {"min_level": [BAD_LEVEL_9]}, "unknown_level"),
        ({"specialty": None}, {"specialty": ["Choose the technique's specialty."]}, "required"),
        ({"cases_for_independence": 0},
         {"cases_for_independence": ["Ensure this value is greater than or equal to 1."]}, "invalid"),
    ],
)
def test_technique_create_refuses_bad_input(cast, changes, fields, code):
    data = _technique_data(**changes)
    _invalid(lambda: services.technique_create(by=cast.admin_a, data=data), fields, code)


def test_technique_refuses_a_duplicate_code(cast):
    services.technique_create(by=cast.admin_a, data=_technique_data())
    other = services.technique_create(by=cast.admin_a, data=_technique_data(code="CARD-ECG"))
    _invalid(lambda: services.technique_create(by=cast.admin_a, data=_technique_data()),
             {"code": ["A technique with this code already exists."]}, "duplicate_code")
    _invalid(lambda: services.technique_update(by=cast.admin_a, technique=other, data={"code": "CARD-PCI"}),
             {"code": ["A technique with this code already exists."]}, "duplicate_code")


@pytest.mark.parametrize("who", NOT_REFERENCE_EDITORS)
def test_technique_writes_are_for_admins(cast, who):
    user = _user(cast, who)
    technique = services.technique_create(by=cast.node_admin, data=_technique_data())
    _denied(lambda: services.technique_create(by=user, data=_technique_data(code="OTHER")))
    _denied(lambda: services.technique_update(by=user, technique=technique, data={"min_level": 1}))


def test_specialty_ensure_is_idempotent(db):
    before = Specialty.objects.count()
    made = services.specialty_ensure(code="sports_medicine", name="Sports medicine")
    again = services.specialty_ensure(code="sports_medicine", name="Another name")
    assert again.pk == made.pk
    assert Specialty.objects.values_list("code", "name").get(pk=made.pk) == ("sports_medicine", "Sports medicine")
    assert Specialty.objects.count() == before + 1
    # A seeded specialty is found, not duplicated.
    assert services.specialty_ensure(code="cardiology", name="x").name == "Cardiology"
    assert Specialty.objects.count() == before + 1
