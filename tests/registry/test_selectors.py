"""Registry selectors: scoping to the user, search folding, region subtrees and merges, query counts."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.models import Membership
from caravan.registry import selectors, services
from caravan.registry.models import Equipment, Facility, Region, Specialty, Technique
from caravan.registry.selectors import FacilityFilters, PractitionerFilters, region_ids_counting_toward
from caravan.registry.vocab import EQUIPMENT


def _codes(facilities) -> list[str]:
    return [f.code for f in facilities]


def _latin(practitioners) -> list[str]:
    return [p.name_latin for p in practitioners]


def _facilities(user, **filters) -> list[str]:
    return _codes(selectors.facility_list_for_user(user=user, filters=FacilityFilters(**filters)))


# ---------------------------------------------------------------- scoping


def test_facility_lists_are_scoped_to_the_network(cast):
    assert _facilities(cast.node_admin) == ["CN-GC-01", "IR-MZ-IK", "CN-LC-01"]  # by name
    for user in (cast.admin_a, cast.coordinator, cast.clinician_a, cast.consultant_b, cast.analyst):
        assert _facilities(user) == ["CN-GC-01", "CN-LC-01"], user
    assert _facilities(cast.outsider) == ["IR-MZ-IK"]
    assert _facilities(AnonymousUser()) == []


def test_practitioner_lists_are_scoped_to_the_network(cast):
    assert _latin(selectors.practitioner_list_for_user(user=cast.node_admin)) == ["Maryam Rezaei", "Wang Jianhua"]
    assert _latin(selectors.practitioner_list_for_user(user=cast.clinician_a)) == ["Wang Jianhua"]
    assert _latin(selectors.practitioner_list_for_user(user=cast.outsider)) == ["Maryam Rezaei"]
    assert _latin(selectors.practitioner_list_for_user(user=AnonymousUser())) == []


def test_the_outsider_never_reaches_shandong_haibei_rows(cast):
    for pk in (cast.gangcha.pk, cast.liaocheng.pk):
        with pytest.raises(NotFound):
            selectors.facility_get_for_user(user=cast.outsider, pk=pk)
    with pytest.raises(NotFound):
        selectors.practitioner_get_for_user(user=cast.outsider, pk=cast.doctor_b.pk)
    assert _facilities(cast.outsider, q="人民医院") == []
    assert _facilities(cast.outsider, region=cast.qinghai.pk) == []
    assert _facilities(cast.outsider, organisation=cast.gangcha_org.pk) == []
    assert _latin(selectors.practitioner_list_for_user(user=cast.outsider, filters=PractitionerFilters(q="wang"))) == []
    # And the other way round.
    with pytest.raises(NotFound):
        selectors.facility_get_for_user(user=cast.clinician_a, pk=cast.sari.pk)
    with pytest.raises(NotFound):
        selectors.practitioner_get_for_user(user=cast.consultant_b, pk=cast.doctor_outside.pk)


def test_missing_and_forbidden_are_the_same_not_found(cast):
    with pytest.raises(NotFound) as missing:
        selectors.facility_get_for_user(user=cast.outsider, pk=cast.sari.pk + 1000)
    with pytest.raises(NotFound) as forbidden:
        selectors.facility_get_for_user(user=cast.outsider, pk=cast.gangcha.pk)
    assert missing.value.as_dict() == forbidden.value.as_dict() == {"code": "not_found", "message": "Not found.",
                                                                    "fields": {}}
    with pytest.raises(NotFound):
        selectors.facility_get_for_user(user=AnonymousUser(), pk=cast.gangcha.pk)


def test_the_node_admin_reaches_everything(cast):
    assert selectors.facility_get_for_user(user=cast.node_admin, pk=cast.sari.pk) == cast.sari
    assert selectors.facility_get_for_user(user=cast.node_admin, pk=cast.gangcha.pk) == cast.gangcha
    assert selectors.practitioner_get_for_user(user=cast.node_admin, pk=cast.doctor_b.pk) == cast.doctor_b


def test_editable_by(cast):
    assert selectors.facility_editable_by(user=cast.coordinator, facility=cast.gangcha) is True
    assert selectors.facility_editable_by(user=cast.coordinator, facility=cast.liaocheng) is False
    assert selectors.facility_editable_by(user=cast.clinician_a, facility=cast.gangcha) is False
    assert selectors.practitioner_editable_by(user=cast.outsider, practitioner=cast.doctor_outside) is True
    assert selectors.practitioner_editable_by(user=cast.outsider, practitioner=cast.doctor_b) is False


def test_organisation_choices(cast):
    assert [o.code for o in selectors.organisation_choices_for_editing(user=cast.coordinator)] == [
        "gangcha-cph", "haibei-hc",
    ]
    assert [o.code for o in selectors.organisations_visible_to(user=cast.outsider)] == ["mazums"]
    assert list(selectors.organisations_visible_to(user=AnonymousUser())) == []


# ---------------------------------------------------------------- search


@pytest.fixture
def persian_facilities(cast):
    """Facilities of the Mazandaran network named the way Persian users write."""

    def make(code, name, name_local):
        return services.facility_create(by=cast.node_admin, data={
            "code": code, "name": name, "name_local": name_local, "kind": Facility.Kind.CLINIC, "level": 4,
            "organisation": cast.mazandaran, "region": cast.mazandaran_region,
        })

    return {
        "kowsar": make("IR-MZ-KW", "Kowsar Clinic", "درمانگاه کوثر"),  # Persian keheh
        "niknam": make("IR-MZ-NN", "Niknam Clinic", "درمانگاه نیک\u200cنام"),  # with a zero-width non-joiner
        "shahrivar": make("IR-MZ-SH", "Shahrivar Hospital", "بیمارستان ۱۷ شهریور"),  # Persian digits
    }


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("خميني", ["IR-MZ-IK"]),  # Arabic yeh finds the Persian yeh in بیمارستان امام خمینی
        ("خمینی", ["IR-MZ-IK"]),
        ("كوثر", ["IR-MZ-KW"]),  # Arabic kaf finds Persian keheh
        ("کوثر", ["IR-MZ-KW"]),
        ("نیکنام", ["IR-MZ-NN"]),  # without the ZWNJ
        ("نیک\u200cنام", ["IR-MZ-NN"]),  # with it
        ("۱۷", ["IR-MZ-SH"]),  # Persian digits
        ("١٧", ["IR-MZ-SH"]),  # Arabic-Indic digits
        ("17", ["IR-MZ-SH"]),  # Latin digits
        ("درمانگاه", ["IR-MZ-KW", "IR-MZ-NN"]),
        ("KOWSAR", ["IR-MZ-KW"]),
        ("imam khomeini SARI", ["IR-MZ-IK"]),  # every word must match, in any case
        ("imam kowsar", []),
        ("ir-mz-sh", ["IR-MZ-SH"]),  # the code is searchable too
    ],
)
def test_search_folds_persian_variants(cast, persian_facilities, query, codes):
    assert _facilities(cast.outsider, q=query) == codes


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("人民医院", ["CN-GC-01", "CN-LC-01"]),  # Chinese: a substring, no word breaks
        ("刚察", ["CN-GC-01"]),
        ("聊城市人民", ["CN-LC-01"]),
        ("gangcha", ["CN-GC-01"]),
        ("GANGCHA County", ["CN-GC-01"]),
        ("people's hospital", ["CN-GC-01", "CN-LC-01"]),
        ("", ["CN-GC-01", "IR-MZ-IK", "CN-LC-01"]),
        ("   ", ["CN-GC-01", "IR-MZ-IK", "CN-LC-01"]),
        ("beijing", []),
    ],
)
def test_search_chinese_and_latin(cast, query, codes):
    assert _facilities(cast.node_admin, q=query) == codes


def test_practitioner_search(cast):
    def search(user, q):
        return _latin(selectors.practitioner_list_for_user(user=user, filters=PractitionerFilters(q=q)))

    assert search(cast.node_admin, "王建") == ["Wang Jianhua"]
    assert search(cast.node_admin, "WANG") == ["Wang Jianhua"]
    assert search(cast.node_admin, "رضايي") == ["Maryam Rezaei"]  # Arabic yeh
    assert search(cast.node_admin, "maryam rezaei") == ["Maryam Rezaei"]
    assert search(cast.clinician_a, "rezaei") == []


def test_reference_data_search(cast):
    services.technique_create(by=cast.node_admin, data={
        "code": "CARD-PCI", "name": "Percutaneous coronary intervention", "name_local": "经皮冠状动脉介入治疗",
        "specialty": Specialty.objects.get(code="cardiology"), "min_level": 2,
    })
    assert [t.code for t in selectors.technique_list(user=cast.outsider, q="冠状动脉")] == ["CARD-PCI"]
    assert [t.code for t in selectors.technique_list(user=cast.outsider, q="coronary", specialty="oncology")] == []
    assert [t.code for t in selectors.technique_list(user=AnonymousUser(), q="coronary")] == []
    assert [r.code for r in selectors.region_list(user=cast.outsider, q="مازندران")] == ["IR-MZ"]
    assert [r.code for r in selectors.region_list(user=cast.outsider, q="青海")] == ["CN-QH"]
    assert [r.code for r in selectors.region_list(user=cast.outsider, level=2)] == ["CN-QH-HB"]
    assert [r.code for r in selectors.region_list(user=cast.outsider, parent=cast.china.pk)] == ["CN-QH"]
    assert list(selectors.region_list(user=AnonymousUser())) == []


# ---------------------------------------------------------------- filters


def test_region_filter_includes_the_subtree(cast):
    admin = cast.node_admin
    assert _facilities(admin, region=cast.china.pk) == ["CN-GC-01", "CN-LC-01"]
    assert _facilities(admin, region=cast.qinghai.pk) == ["CN-GC-01", "CN-LC-01"]
    assert _facilities(admin, region=cast.haibei_region.pk) == ["CN-GC-01"]
    assert _facilities(admin, region=cast.gangcha_county.pk) == ["CN-GC-01"]
    assert _facilities(admin, region=cast.iran.pk) == ["IR-MZ-IK"]
    assert _facilities(admin, region=cast.iran.pk + 1000) == []
    assert _facilities(cast.clinician_a, region=cast.iran.pk) == []


def test_other_facility_filters(cast):
    cast.gangcha.foreign_patient_specialties.add(Specialty.objects.get(code="cardiology"))
    admin = cast.node_admin
    assert _facilities(admin, level=2) == ["IR-MZ-IK", "CN-LC-01"]
    assert _facilities(admin, level=3, q="gangcha") == ["CN-GC-01"]
    assert _facilities(admin, kind="clinic") == []
    assert _facilities(admin, ownership="public") == ["CN-GC-01", "IR-MZ-IK", "CN-LC-01"]
    assert _facilities(admin, ready_for="cardiology") == ["CN-GC-01"]
    assert _facilities(admin, organisation=cast.liaocheng_org.pk) == ["CN-LC-01"]


def test_practitioner_filters(cast):
    services.appointment_create(by=cast.node_admin, practitioner=cast.doctor_b, facility=cast.gangcha,
                                data={"position": "Mentor", "start": date(2025, 1, 1)})
    services.appointment_create(by=cast.node_admin, practitioner=cast.doctor_b, facility=cast.gangcha,
                                data={"position": "Mentor again", "start": date(2026, 1, 1)})

    def find(**filters):
        return _latin(selectors.practitioner_list_for_user(user=cast.node_admin,
                                                           filters=PractitionerFilters(**filters)))

    assert find(specialty="cardiology") == ["Wang Jianhua"]
    assert find(title="associate_senior") == ["Maryam Rezaei"]
    assert find(profession="nurse") == []
    assert find(organisation=cast.mazandaran.pk) == ["Maryam Rezaei"]
    assert find(facility=cast.gangcha.pk) == ["Wang Jianhua"]  # two appointments, listed once


def test_facility_staff_on_a_day(cast):
    services.appointment_create(by=cast.node_admin, practitioner=cast.doctor_b, facility=cast.gangcha,
                                data={"position": "Mentor", "start": date(2025, 3, 1), "end": date(2025, 8, 31)})
    assert [a.position for a in selectors.facility_staff(user=cast.coordinator, facility=cast.gangcha,
                                                         on=date(2025, 8, 31))] == ["Mentor"]
    assert list(selectors.facility_staff(user=cast.coordinator, facility=cast.gangcha, on=date(2025, 9, 1))) == []
    assert list(selectors.facility_staff(user=cast.coordinator, facility=cast.gangcha, on=date(2025, 2, 28))) == []
    with pytest.raises(NotFound):
        selectors.facility_staff(user=AnonymousUser(), facility=cast.gangcha, on=date(2025, 3, 1))


# ---------------------------------------------------------------- merges


@pytest.fixture
def merged(cast):
    """Menyuan (a district of Qinghai, with the commune Haomen) merged into Haibei on 2025-01-01."""
    admin = cast.node_admin
    menyuan = services.region_create(by=admin, data={"code": "CN-QH-MY", "name": "Menyuan", "level": 2,
                                                     "parent": cast.qinghai})
    haomen = services.region_create(by=admin, data={"code": "CN-QH-MY-HM", "name": "Haomen", "level": 3,
                                                    "parent": menyuan})
    services.region_merge(by=admin, region=menyuan, into=cast.haibei_region, on=date(2025, 1, 1))
    return menyuan, haomen


BEFORE, ON, AFTER = date(2024, 12, 31), date(2025, 1, 1), date(2030, 6, 1)


def test_a_merged_district_counts_for_itself_until_the_merge(cast, merged):
    menyuan, haomen = merged
    assert region_ids_counting_toward(Region.objects.get(pk=menyuan.pk), BEFORE) == sorted([menyuan.pk, haomen.pk])
    assert region_ids_counting_toward(Region.objects.get(pk=menyuan.pk), ON) == []
    assert region_ids_counting_toward(Region.objects.get(pk=menyuan.pk), AFTER) == []


def test_the_successor_counts_its_own_subtree_always_and_the_merged_one_from_the_merge(cast, merged):
    menyuan, haomen = merged
    haibei = Region.objects.get(pk=cast.haibei_region.pk)
    own = [haibei.pk, cast.gangcha_county.pk]
    assert region_ids_counting_toward(haibei, date(2000, 1, 1)) == sorted(own)
    assert region_ids_counting_toward(haibei, BEFORE) == sorted(own)
    assert region_ids_counting_toward(haibei, ON) == sorted(own + [menyuan.pk, haomen.pk])
    assert region_ids_counting_toward(haibei, AFTER) == sorted(own + [menyuan.pk, haomen.pk])
    # The province holds both districts before and after.
    everything = sorted([cast.qinghai.pk, *own, menyuan.pk, haomen.pk])
    assert region_ids_counting_toward(Region.objects.get(pk=cast.qinghai.pk), BEFORE) == everything
    assert region_ids_counting_toward(Region.objects.get(pk=cast.qinghai.pk), AFTER) == everything


def test_counting_costs_two_queries_per_region_followed(cast, merged, django_assert_num_queries):
    haibei = Region.objects.get(pk=cast.haibei_region.pk)
    with django_assert_num_queries(2):
        region_ids_counting_toward(haibei, BEFORE)
    with django_assert_num_queries(4):  # Haibei, then Menyuan merged into it
        region_ids_counting_toward(haibei, AFTER)


def test_a_district_merged_across_provinces_leaves_its_old_province(cast):
    admin = cast.node_admin
    gansu = services.region_create(by=admin, data={"code": "CN-GS", "name": "Gansu", "level": 1, "parent": cast.china})
    tianzhu = services.region_create(by=admin, data={"code": "CN-GS-TZ", "name": "Tianzhu", "level": 2,
                                                     "parent": gansu})
    town = services.region_create(by=admin, data={"code": "CN-GS-TZ-1", "name": "Huazangsi", "level": 3,
                                                  "parent": tianzhu})
    services.region_merge(by=admin, region=tianzhu, into=cast.haibei_region, on=ON)
    gansu = Region.objects.get(pk=gansu.pk)
    qinghai = Region.objects.get(pk=cast.qinghai.pk)
    qinghai_own = [cast.qinghai.pk, cast.haibei_region.pk, cast.gangcha_county.pk]

    assert region_ids_counting_toward(gansu, BEFORE) == sorted([gansu.pk, tianzhu.pk, town.pk])
    assert region_ids_counting_toward(gansu, ON) == [gansu.pk]  # its commune went with the district
    assert region_ids_counting_toward(qinghai, BEFORE) == sorted(qinghai_own)
    assert region_ids_counting_toward(qinghai, ON) == sorted([*qinghai_own, tianzhu.pk, town.pk])
    assert region_ids_counting_toward(Region.objects.get(pk=cast.china.pk), ON) == sorted(
        [cast.china.pk, gansu.pk, *qinghai_own, tianzhu.pk, town.pk]
    )


def test_a_commune_merged_within_the_district_still_counts_for_the_district(cast):
    admin = cast.node_admin
    shaliu = services.region_create(by=admin, data={"code": "CN-QH-HB-SL", "name": "Shaliu", "level": 3,
                                                    "parent": cast.haibei_region})
    services.region_merge(by=admin, region=shaliu, into=cast.gangcha_county, on=ON)
    haibei = Region.objects.get(pk=cast.haibei_region.pk)
    gangcha = Region.objects.get(pk=cast.gangcha_county.pk)
    assert region_ids_counting_toward(haibei, AFTER) == sorted([haibei.pk, gangcha.pk, shaliu.pk])
    assert region_ids_counting_toward(gangcha, BEFORE) == [gangcha.pk]
    assert region_ids_counting_toward(gangcha, AFTER) == sorted([gangcha.pk, shaliu.pk])


def test_merges_are_followed_through_chains(cast, merged):
    menyuan, haomen = merged
    admin = cast.node_admin
    # Before Menyuan itself merged, the commune Xianmi had been merged into Haomen.
    xianmi = services.region_create(by=admin, data={"code": "CN-QH-MY-XM", "name": "Xianmi", "level": 3,
                                                    "parent": Region.objects.get(pk=menyuan.pk)})
    services.region_merge(by=admin, region=xianmi, into=haomen, on=date(2020, 1, 1))
    haibei = Region.objects.get(pk=cast.haibei_region.pk)
    assert region_ids_counting_toward(Region.objects.get(pk=haomen.pk), date(2019, 12, 31)) == [haomen.pk]
    assert region_ids_counting_toward(Region.objects.get(pk=haomen.pk), BEFORE) == sorted([haomen.pk, xianmi.pk])
    assert region_ids_counting_toward(haibei, AFTER) == sorted(
        [haibei.pk, cast.gangcha_county.pk, menyuan.pk, haomen.pk, xianmi.pk]
    )


def test_a_region_not_yet_valid_counts_nothing(cast):
    later = services.region_create(by=cast.node_admin, data={"code": "CN-QH-NEW", "name": "New", "level": 2,
                                                             "parent": cast.qinghai, "valid_from": date(2026, 1, 1)})
    assert region_ids_counting_toward(later, BEFORE) == []
    assert region_ids_counting_toward(later, AFTER) == [later.pk]


# ---------------------------------------------------------------- summary and query counts


def test_network_summary_counts(cast, django_assert_num_queries):
    Technique.objects.create(code="T-1", name="Technique", specialty=Specialty.objects.get(code="cardiology"),
                             min_level=2)
    with django_assert_num_queries(5):
        summary = selectors.network_summary_for_user(user=cast.node_admin)
    assert summary == selectors.NetworkSummary(countries=2, regions=4, facilities=3, practitioners=2, techniques=1)

    with django_assert_num_queries(7):  # the user's access facts (two queries), then five counts
        summary = selectors.network_summary_for_user(user=cast.clinician_a)
    assert summary == selectors.NetworkSummary(countries=1, regions=4, facilities=2, practitioners=1, techniques=1)
    with django_assert_num_queries(5):
        selectors.network_summary_for_user(user=cast.clinician_a)

    assert selectors.network_summary_for_user(user=cast.outsider) == selectors.NetworkSummary(
        countries=1, regions=4, facilities=1, practitioners=1, techniques=1
    )
    with django_assert_num_queries(0):
        assert selectors.network_summary_for_user(user=AnonymousUser()) == selectors.NetworkSummary(0, 0, 0, 0, 0)


def test_facility_counts_by_level(cast):
    assert selectors.facility_counts_by_level(user=cast.node_admin) == {2: 2, 3: 1}
    assert selectors.facility_counts_by_level(user=cast.outsider) == {2: 1}


@pytest.fixture
def furnished_gangcha(cast):
    admin = cast.node_admin
    for name, code in [("Cardiology", "cardiology"), ("Emergency", "emergency_medicine"), ("Ward", None)]:
        services.department_create(by=admin, facility=cast.gangcha, data={
            "name": name, "specialty": Specialty.objects.get(code=code) if code else None,
        })
    for code, quantity in [("ct", 1), ("ecg", 4), ("ventilator", 6)]:
        services.facility_equipment_set(by=admin, facility=cast.gangcha, equipment=Equipment.objects.get(code=code),
                                        quantity=quantity)
    cast.gangcha.foreign_patient_specialties.set(Specialty.objects.filter(code__in=["cardiology", "oncology"]))
    return cast.gangcha


def test_facility_get_prefetches_everything_it_shows(cast, furnished_gangcha, django_assert_num_queries):
    # Access facts (2), the facility with its region and organisation (1), departments, equipment, readiness (3).
    with django_assert_num_queries(6):
        facility = selectors.facility_get_for_user(user=cast.coordinator, pk=furnished_gangcha.pk)
    with django_assert_num_queries(0):
        shown = {
            "region": facility.region.name,
            "organisation": facility.organisation.code,
            "departments": [(d.name, d.specialty.code if d.specialty else None) for d in facility.departments.all()],
            "equipment": [(e.equipment.code, e.quantity) for e in facility.equipment.all()],
            "ready_for": [s.code for s in facility.foreign_patient_specialties.all()],
        }
    assert shown == {
        "region": "Gangcha",
        "organisation": "gangcha-cph",
        "departments": [("Cardiology", "cardiology"), ("Emergency", "emergency_medicine"), ("Ward", None)],
        "equipment": [("ct", 1), ("ecg", 4), ("ventilator", 6)],  # by equipment name: CT, ECG, Ventilator
        "ready_for": ["cardiology", "oncology"],
    }
    with django_assert_num_queries(4):  # the node admin needs no access facts
        selectors.facility_get_for_user(user=cast.node_admin, pk=furnished_gangcha.pk)


def test_list_queries_do_not_grow_with_rows(cast, django_assert_num_queries):
    access_for(cast.clinician_a).network_ids  # noqa: B018 - load the access facts first
    with django_assert_num_queries(1):
        rows = [(f.code, f.region.name, f.organisation.code)
                for f in selectors.facility_list_for_user(user=cast.clinician_a)]
    assert rows == [("CN-GC-01", "Gangcha", "gangcha-cph"), ("CN-LC-01", "Qinghai", "liaocheng-ph")]
    for i in range(5):
        services.facility_create(by=cast.node_admin, data={
            "code": f"CN-LC-1{i}", "name": f"Liaocheng clinic {i}", "kind": "clinic", "level": 4,
            "organisation": cast.liaocheng_org, "region": cast.qinghai,
        })
    with django_assert_num_queries(1):
        rows = [(f.code, f.region.name, f.organisation.code)
                for f in selectors.facility_list_for_user(user=cast.clinician_a)]
    assert len(rows) == 7
    with django_assert_num_queries(1):
        names = [(p.name_latin, p.organisation.code) for p in selectors.practitioner_list_for_user(user=cast.clinician_a)]
    assert names == [("Wang Jianhua", "liaocheng-ph")]


def test_a_new_membership_widens_what_a_fresh_request_sees(cast):
    Membership.objects.create(user=cast.outsider, organisation=cast.gangcha_org, role="analyst")
    outsider = type(cast.outsider).objects.get(pk=cast.outsider.pk)  # a new request loads the user afresh
    assert _facilities(outsider) == ["CN-GC-01", "IR-MZ-IK", "CN-LC-01"]


def test_reference_data_gets(cast):
    region = selectors.region_get(user=cast.outsider, pk=cast.haibei_region.pk)
    assert (region.name, region.parent.name, region.merged_into) == ("Haibei", "Qinghai", None)
    with pytest.raises(NotFound):
        selectors.region_get(user=cast.outsider, pk=cast.iran.pk + 1000)
    with pytest.raises(NotFound):
        selectors.region_get(user=AnonymousUser(), pk=cast.iran.pk)
    assert selectors.specialty_list(user=cast.outsider).count() == Specialty.objects.count()
    assert sorted(e.code for e in selectors.equipment_list(user=cast.outsider)) == sorted(EQUIPMENT)
    assert list(selectors.equipment_list(user=AnonymousUser())) == []
    with pytest.raises(NotFound):
        selectors.technique_get(user=cast.outsider, pk=1)
