"""What the articles say, as the demo holds it: indicators, techniques, teams and names in their scripts."""

import unicodedata
from datetime import date

from django.db.models import Q, Sum

from caravan.core.models import Organisation, Profile
from caravan.demo.names import ARTICLE_PERSONS, vi_ascii
from caravan.demo.programmes import laocai
from caravan.registry.models import Appointment, Facility, Practitioner, Region, RegionPopulation, Technique


def _lao_cai():
    return Region.objects.get(code="VN-LC")


def _doctors_active(region: Region, *, first: date, last: date) -> int:
    """Doctors with an appointment at a facility in the region that covers the whole period."""
    posts = Appointment.objects.filter(facility__region__path__startswith=region.path, start__lte=first).filter(
        Q(end__isnull=True) | Q(end__gte=last)
    )
    return Practitioner.objects.filter(profession="doctor", appointments__in=posts).distinct().count()


def test_lao_cai_has_12_8_doctors_per_10000_people_in_2024(demo):
    province = _lao_cai()
    population = RegionPopulation.objects.get(region=province, year=2024).population
    doctors = _doctors_active(province, first=date(2024, 1, 1), last=date(2024, 12, 31))
    assert (population, doctors) == (800_000, 1_024)
    assert round(doctors / population * 10_000, 1) == 12.8
    # On any single day of 2024 the count is the same; doctors who left in 2023 and the Hanoi
    # experts who rotate in from 2025 do not count.
    assert _doctors_active(province, first=date(2024, 7, 1), last=date(2024, 7, 1)) == 1_024
    # Mid-2023 the sixteen who left on 30 June were still there, and some of the 1,024 had not started.
    mid_2023 = date(2023, 6, 30)
    started = sum(1 for p in laocai.bulk_people()[:1_024] if p.appointments[0].start <= mid_2023)
    assert (started, _doctors_active(province, first=mid_2023, last=mid_2023)) == (999, 999 + 16)


def test_lao_cai_has_38_1_beds_per_10000_people_in_2024(demo):
    province = _lao_cai()
    beds = Facility.objects.filter(region__path__startswith=province.path).aggregate(n=Sum("beds"))["n"]
    assert beds == 3_048
    assert round(beds / 800_000 * 10_000, 1) == 38.1


def test_315_of_319_lao_cai_communes_meet_the_commune_health_criteria(demo):
    communes = Region.objects.filter(path__startswith=_lao_cai().path, level=Region.Level.COMMUNE)
    meeting = communes.filter(meets_commune_criteria=True).count()
    assert (communes.count(), meeting, communes.filter(meets_commune_criteria=False).count()) == (319, 315, 4)
    assert round(100 * meeting / communes.count(), 1) == 98.7
    districts = Region.objects.filter(parent=_lao_cai()).order_by("code").values_list("name_local", flat=True)
    assert list(districts) == [
        "Huyện Bắc Hà", "Huyện Bảo Thắng", "Huyện Bát Xát", "Huyện Bảo Yên", "Huyện Mường Khương",
        "Huyện Si Ma Cai", "Thị xã Sa Pa", "Thành phố Lào Cai", "Huyện Văn Bàn",
    ]


def test_lao_cai_grades_and_digital_maturity(demo):
    hospitals = Facility.objects.filter(code__startswith="VN-LC-").exclude(kind=Facility.Kind.HEALTH_STATION)
    grades = sorted(hospitals.values_list("grade", flat=True))
    assert (grades.count("I"), grades.count("II"), len(grades)) == (2, 19, 21)
    assert hospitals.filter(has_emr=True, has_his=True, has_pacs=True).count() == 21
    stations = Facility.objects.filter(code__startswith="VN-LC-", kind=Facility.Kind.HEALTH_STATION)
    assert (stations.count(), stations.filter(level=4, has_emr=True, has_his=True).count()) == (18, 18)


def test_the_named_techniques_with_levels_prerequisites_and_equipment(demo):
    rows = {
        t.code: (t.specialty.code, t.min_level, sorted(p.code for p in t.prerequisites.all()),
                 sorted(e.code for e in t.equipment_needed.all()))
        for t in Technique.objects.select_related("specialty").prefetch_related("prerequisites", "equipment_needed")
    }
    # Lao Cai's 16, and the 7 of China's list the transfer demo adds for the Shandong teams.
    assert (sum(c.startswith("VN-") for c in rows), sum(c.startswith("CN-") for c in rows)) == (16, 7)
    assert rows["VN-ECMO"] == ("critical_care", 1, ["VN-MV"], ["ecmo", "ventilator"])
    assert rows["VN-KTX"] == ("transplantation", 1, ["VN-HD"], ["dialysis", "ultrasound"])
    assert rows["VN-AMNIO-TX"] == ("obstetrics_gynaecology", 1, ["VN-AMNIO-DX"], ["ultrasound"])
    assert rows["VN-EPI"] == ("anaesthesiology", 2, [], [])
    assert Technique.objects.get(code="VN-WHIPPLE").name_local == "Phẫu thuật cắt khối tá tụy"


def test_the_russian_team_is_32_specialists_arriving_on_6_july_2020(demo):
    russian = Organisation.objects.get(code="ru-moh").path, Organisation.objects.get(code="ru-rospotrebnadzor").path
    team = Practitioner.objects.filter(appointments__start=date(2020, 7, 6)).distinct()
    assert team.count() == 32
    assert all(p.organisation.path.startswith(russian) or p.organisation.code == "ru-burnasyan" for p in team)
    professions = sorted(team.values_list("specialties__code", flat=True))
    assert {code: professions.count(code) for code in set(professions)} == {
        "epidemiology": 10, "virology": 7, "critical_care": 8, "infectious_diseases": 5, "pulmonology": 2,
    }
    regions = set(Appointment.objects.filter(practitioner__in=team).values_list("facility__region__code", flat=True))
    assert regions == {"KZ-AST", "KZ-ATY", "KZ-ZAP", "KZ-MAN", "KZ-AKT", "KZ-YUZ", "KZ-SHY", "KZ-KZY", "KZ-ALM"}
    for p in team:
        assert _script(p.name) == {"CYRILLIC"} and p.name_latin.isascii(), p.name_latin


def test_the_haibei_talent_pool_and_the_latest_batch(demo):
    pool = Practitioner.objects.filter(qualifications__contains="Talent pool")
    assert pool.count() == 102
    latest = pool.filter(qualifications__contains="batch 6 ")
    central = latest.filter(qualifications__contains="Selected centrally.")
    assert (latest.count(), central.count(), central.filter(title="senior").count()) == (17, 12, 7)
    assert sorted(set(pool.values_list("profession", flat=True))) == ["doctor", "manager", "technician"]
    gangcha = Appointment.objects.filter(practitioner__in=latest, facility__code="CN-QH-HB-GCCPH")
    assert sorted(gangcha.values_list("department__name", flat=True).exclude(department=None)) == [
        "Anaesthesiology", "Internal Medicine", "Obstetrics and Gynaecology", "Ultrasound",
    ]


def _script(text: str) -> set[str]:
    """The scripts of the letters in `text` (first word of each letter's Unicode name)."""
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


def test_names_keep_their_scripts(demo):
    facility = Facility.objects.get
    assert _script(facility(code="IR-MZ-IK-SARI").name_local) == {"ARABIC"}
    assert "ی" in facility(code="IR-MZ-IK-SARI").name_local  # Persian yeh, not the Arabic one
    assert _script(facility(code="CN-BJ-PKUSG").name_local) == {"CJK"}
    assert facility(code="CN-BJ-PKUSG").name_local == "北京大学首钢医院"
    assert _script(facility(code="MN-UB-NCC").name_local) == {"CYRILLIC"}
    assert set("ұғқ") <= set(facility(code="KZ-AST-NCRC").name_local.lower())  # Kazakh letters
    assert _script(Organisation.objects.get(code="bd-mohfw").name_local) == {"BENGALI"}
    assert _script(Organisation.objects.get(code="bh-moh").name_local) == {"ARABIC"}
    assert "ҳ" in Organisation.objects.get(code="tj-moh").name_local  # Tajik Cyrillic
    tibetan = [p for p in Practitioner.objects.filter(organisation__code__startswith="cn-") if _script(p.name) == {"TIBETAN"}]
    assert len(tibetan) == 6
    assert all(p.languages == ["bo", "zh"] for p in tibetan)
    assert all(p.name_latin.isascii() for p in tibetan)


def test_vietnamese_names_are_normalised_and_have_a_latin_form(demo):
    communes = Region.objects.filter(code__startswith="VN-LC-", level=Region.Level.COMMUNE)
    for region in communes:
        assert unicodedata.is_normalized("NFC", region.name_local), region.code
        assert region.name == vi_ascii(region.name_local.split(" ", 1)[1].removeprefix("trấn ")), region.code
        assert region.name.isascii(), region.code
    assert Region.objects.get(code="VN-LC-SP-007").name_local == "Xã Tả Van"
    assert communes.values("name_local").distinct().count() == 318  # Thanh Bình is in Sa Pa and Mường Khương


def test_no_person_named_in_the_articles_appears(demo):
    names = list(Practitioner.objects.values_list("name", "name_latin"))
    names += [(p, "") for p in Organisation.objects.values_list("name_local", flat=True)]
    names += [(p, "") for p in Profile.objects.values_list("display_name", flat=True)]
    for banned in ARTICLE_PERSONS:
        assert not [n for n in names if banned in n[0] or banned in n[1]], banned
