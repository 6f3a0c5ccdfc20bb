"""A national-scale registry, made up and deterministic (fixed seed), loaded through the bulk path.

One country with 60 provinces, 700 districts and 10,000 communes; 35,000
facilities of every kind and level; 400,000 practitioners with specialties and
appointments. A sixth of the provinces name their places in Persian and a sixth
in Chinese, so searches in each script hit real rows.

Organisations: a ministry with a health department per province and per
district and an organisation per public hospital, all in one national network;
plus 40 private hospital groups in a network of their own (the outsider's). The
coordinator works at a provincial health department and sees the national
network: about 86% of the facilities and 90% of the practitioners.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from caravan.core.models import Membership, Network, Organisation, Profile
from caravan.core.roles import Role
from caravan.registry.bulk import BulkLoad
from caravan.registry.models import (
    Appointment,
    Department,
    Equipment,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    Specialty,
)

SEED = 20_260_509


@dataclass(frozen=True)
class Scale:
    provinces: int = 60
    districts: int = 700
    communes: int = 10_000
    facilities: int = 35_000
    practitioners: int = 400_000
    private_groups: int = 40
    chunk: int = 20_000  # practitioners generated and loaded at a time


FULL = Scale()


# ---------------------------------------------------------------- names

LATIN_SYLLABLES = (
    "ka ra van shan dong hai bei sar ma zan lia cheng gang cha ta bri lo mon ne su vi den tal or "
    "bel quin ros mar ten gol ash fer nor kel dan mir pol sen tor ul ber cal dor el fin har in jor"
).split()

# Place names of the Persian- and Chinese-speaking provinces, with their Latin spelling.
PERSIAN_PLACES = [
    ("ساری", "Sari"), ("آمل", "Amol"), ("بابل", "Babol"), ("نور", "Nur"), ("رامسر", "Ramsar"),
    ("کرج", "Karaj"), ("قم", "Qom"), ("یزد", "Yazd"), ("کاشان", "Kashan"), ("تبریز", "Tabriz"),
    ("شیراز", "Shiraz"), ("اصفهان", "Esfahan"), ("مشهد", "Mashhad"), ("رشت", "Rasht"), ("گرگان", "Gorgan"),
    ("زنجان", "Zanjan"), ("همدان", "Hamedan"), ("کرمان", "Kerman"), ("اراک", "Arak"), ("سمنان", "Semnan"),
    ("بهشهر", "Behshahr"), ("نکا", "Neka"), ("قائمشهر", "Qaemshahr"), ("چالوس", "Chalus"), ("تنکابن", "Tonekabon"),
]
CHINESE_PLACES = [
    ("刚察", "Gangcha"), ("海北", "Haibei"), ("聊城", "Liaocheng"), ("西宁", "Xining"), ("济南", "Jinan"),
    ("德州", "Dezhou"), ("泰安", "Tai'an"), ("临沂", "Linyi"), ("烟台", "Yantai"), ("威海", "Weihai"),
    ("潍坊", "Weifang"), ("淄博", "Zibo"), ("枣庄", "Zaozhuang"), ("东营", "Dongying"), ("日照", "Rizhao"),
    ("滨州", "Binzhou"), ("菏泽", "Heze"), ("门源", "Menyuan"), ("祁连", "Qilian"), ("海晏", "Haiyan"),
    ("共和", "Gonghe"), ("贵德", "Guide"), ("同仁", "Tongren"), ("玉树", "Yushu"), ("格尔木", "Golmud"),
]
# Dedications of hospitals in the Persian-speaking provinces.
PERSIAN_DEDICATIONS = [
    ("امام خمینی", "Imam Khomeini"), ("شهید بهشتی", "Shahid Beheshti"), ("رازی", "Razi"), ("سینا", "Sina"),
    ("فاطمه زهرا", "Fatemeh Zahra"), ("ولیعصر", "Valiasr"), ("بوعلی", "Bu-Ali"), ("شفا", "Shafa"),
]

KIND_WORDS = {
    # kind: (English, Persian, Chinese)
    "general_hospital": ("General Hospital", "بیمارستان", "人民医院"),
    "specialty_hospital": ("Specialty Hospital", "بیمارستان تخصصی", "专科医院"),
    "university_hospital": ("University Hospital", "بیمارستان دانشگاهی", "大学附属医院"),
    "cancer_centre": ("Cancer Centre", "مرکز سرطان", "肿瘤医院"),
    "medical_centre": ("Medical Centre", "مرکز درمانی", "医疗中心"),
    "health_station": ("Health Station", "خانه بهداشت", "卫生院"),
    "clinic": ("Clinic", "درمانگاه", "诊所"),
}

LATIN_SURNAMES = "Smith Garcia Nguyen Tran Kim Ivanov Petrov Kumar Singh Ali Khan Silva Costa Dubois Martin Haddad Osei Mensah Bekov Nurlanov".split()
LATIN_GIVEN = "Anna Maria Ivan Olga David Sara Amir Leila Minh Lan Arjun Priya Omar Fatima Jean Claire Kwame Ama Aidos Dana".split()
PERSIAN_SURNAMES = [("رضایی", "Rezaei"), ("احمدی", "Ahmadi"), ("محمدی", "Mohammadi"), ("حسینی", "Hosseini"),
                    ("کریمی", "Karimi"), ("موسوی", "Mousavi"), ("جعفری", "Jafari"), ("صادقی", "Sadeghi")]
PERSIAN_GIVEN = [("مریم", "Maryam"), ("علی", "Ali"), ("زهرا", "Zahra"), ("حسن", "Hassan"),
                 ("سارا", "Sara"), ("رضا", "Reza"), ("نرگس", "Narges"), ("مهدی", "Mahdi")]
CHINESE_SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
                    ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang")]
CHINESE_GIVEN = [("建华", "Jianhua"), ("秀英", "Xiuying"), ("伟", "Wei"), ("芳", "Fang"),
                 ("娜", "Na"), ("强", "Qiang"), ("静", "Jing"), ("磊", "Lei")]

LATIN, PERSIAN, CHINESE = 0, 1, 2


def script_of_province(index: int) -> int:
    """Provinces 0, 6, 12… speak Persian, 1, 7, 13… Chinese, the others use Latin names only."""
    return {0: PERSIAN, 1: CHINESE}.get(index % 6, LATIN)


# ---------------------------------------------------------------- the plan


@dataclass
class PlannedFacility:
    id: int
    kind: str
    level: int
    region_id: int
    organisation_id: int
    beds: int
    weight: float  # share of practitioners working there
    departments: list[int] = field(default_factory=list)


@dataclass
class Registry:
    """What the benchmark needs to know about the loaded data."""

    coordinator_id: int
    outsider_id: int
    national_network_id: int
    rows: dict[str, int]
    queries: dict[str, str]  # scenario -> a query in that script that hits rows
    biggest_facility_id: int
    generate_seconds: float = 0.0


class RegistryGenerator:
    """Builds the rows table by table and hands them to a BulkLoad."""

    def __init__(self, load: BulkLoad, scale: Scale = FULL, seed: int = SEED):
        self.load = load
        self.scale = scale
        self.rng = random.Random(seed)
        self.specialty_ids = dict(Specialty.objects.values_list("code", "id"))
        self.equipment_ids = list(Equipment.objects.order_by("code").values_list("id", flat=True))
        self.today = date(2026, 5, 1)

    # ---------------------------------------------------------- helpers

    def _latin_place(self) -> str:
        rng = self.rng
        return "".join(rng.choice(LATIN_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    def _place(self, script: int, serial: int) -> tuple[str, str]:
        """(Latin name, local name) of a place; local names repeat with a serial so that they stay distinct."""
        if script == PERSIAN:
            local, latin = PERSIAN_PLACES[self.rng.randrange(len(PERSIAN_PLACES))]
            return f"{latin} {serial}", f"{local} {serial}"
        if script == CHINESE:
            local, latin = CHINESE_PLACES[self.rng.randrange(len(CHINESE_PLACES))]
            return f"{latin} {serial}", f"{local}{serial}"
        return self._latin_place(), ""

    # ---------------------------------------------------------- regions

    def regions(self) -> tuple[list[Region], list[Region], list[Region]]:
        s, rng = self.scale, self.rng
        ids = iter(self.load.reserve_ids(Region, 1 + s.provinces + s.districts + s.communes))
        country = Region(id=next(ids), code="XC", name="Caravania", name_local="", level=Region.Level.COUNTRY)
        provinces, districts, communes = [], [], []
        self.region_script: dict[int, int] = {}
        for i in range(s.provinces):
            script = script_of_province(i)
            name, local = self._place(script, i + 1)
            provinces.append(Region(id=next(ids), code=f"XC-{i + 1:02d}", name=f"{name} Province", name_local=local,
                                    level=Region.Level.PROVINCE, parent_id=country.id))
            self.region_script[provinces[-1].id] = script
        for i in range(s.districts):
            province = provinces[i % s.provinces]
            script = self.region_script[province.id]
            name, local = self._place(script, i + 1)
            districts.append(Region(id=next(ids), code=f"{province.code}-{i + 1:03d}", name=f"{name} District",
                                    name_local=local, level=Region.Level.DISTRICT, parent_id=province.id))
            self.region_script[districts[-1].id] = script
        for i in range(s.communes):
            district = districts[rng.randrange(s.districts)] if i >= s.districts else districts[i]
            script = self.region_script[district.id]
            name, local = self._place(script, i + 1)
            communes.append(Region(id=next(ids), code=f"{district.code}-{i + 1:05d}", name=name, name_local=local,
                                   level=Region.Level.COMMUNE, parent_id=district.id,
                                   meets_commune_criteria=rng.random() < 0.7))
            self.region_script[communes[-1].id] = script
        self.load.add(Region, [country, *provinces, *districts, *communes])
        self.country = country
        self.district_of = {c.id: c.parent_id for c in communes}
        self.province_of = {d.id: d.parent_id for d in districts}
        return provinces, districts, communes

    # ---------------------------------------------------------- organisations

    def organisations(self, provinces, districts) -> None:
        s = self.scale
        K = Organisation.Kind
        self.national = Network.objects.create(code="caravania-national", name="Caravania national health network")
        self.private = Network.objects.create(code="caravania-private", name="Private hospital groups")
        ids = iter(self.load.reserve_ids(Organisation, 1 + s.provinces + s.districts + s.private_groups))
        ministry = Organisation(id=next(ids), code="moh", name="Ministry of Health", kind=K.MINISTRY,
                                country_id=self.country.id)
        self.health_department: dict[int, int] = {}  # region id -> organisation id
        orgs = [ministry]
        for region in provinces + districts:
            parent = ministry.id if region.level == Region.Level.PROVINCE else self.health_department[region.parent_id]
            org = Organisation(id=next(ids), code=f"hd-{region.code.lower()}", name=f"{region.name} Health Department",
                               name_local=region.name_local, kind=K.HEALTH_DEPARTMENT, parent_id=parent,
                               country_id=self.country.id)
            self.health_department[region.id] = org.id
            orgs.append(org)
        self.private_groups = [
            Organisation(id=next(ids), code=f"private-{i + 1:02d}", name=f"{self._latin_place()} Private Health Group",
                         kind=K.HOSPITAL_GROUP, country_id=self.country.id)
            for i in range(s.private_groups)
        ]
        self.load.add(Organisation, orgs + self.private_groups)
        self.ministry = ministry
        self.national_org_ids = [o.id for o in orgs]

    # ---------------------------------------------------------- facilities

    def _facility_plan(self, provinces, districts, communes) -> list[tuple]:
        """(kind, level, region, ownership, private group or None, beds, weight) for every facility."""
        s, rng = self.scale, self.rng
        national_share = 1 - 4_800 / 35_000
        n_national = round(s.facilities * national_share)
        n_private = s.facilities - n_national

        def scaled(n: int) -> int:
            return max(1, round(n * n_national / 30_200))

        plan: list[tuple] = [("health_station", 4, c, "public", None, 0, 2.0) for c in communes]
        plan += [("clinic", 4, rng.choice(communes), "public", None, 0, 3.0) for _ in range(scaled(11_000))]
        plan += [("medical_centre", 3, rng.choice(districts), "public", None, rng.randint(10, 60), 8.0)
                 for _ in range(scaled(5_500))]
        for _ in range(scaled(2_100)):
            beds = rng.randint(150, 400)
            plan.append(("general_hospital", 3, rng.choice(districts), "public", None, beds, beds / 4))
        for _ in range(scaled(600)):
            beds = rng.randint(500, 2_000)
            plan.append(("general_hospital", 2, rng.choice(provinces), "public", None, beds, beds / 4))
        for _ in range(scaled(100)):
            beds = rng.randint(1_000, 3_000)
            plan.append(("general_hospital", 1, rng.choice(provinces), "public", None, beds, beds / 4))
        for kind, n, level, low, high in (("specialty_hospital", 600, 2, 200, 800),
                                          ("university_hospital", 120, 1, 1_500, 3_500),
                                          ("cancer_centre", 180, 2, 300, 1_000)):
            for _ in range(scaled(n)):
                beds = rng.randint(low, high)
                plan.append((kind, level, rng.choice(provinces), "public", None, beds, beds / 4))
        plan = plan[:n_national]
        for i in range(n_private):
            group = self.private_groups[i % len(self.private_groups)]
            roll = rng.random()
            if roll < 0.75:
                plan.append(("clinic", 4, rng.choice(communes), "private", group, 0, 3.0))
            elif roll < 0.81:
                plan.append(("medical_centre", 3, rng.choice(districts), "private", group, rng.randint(10, 60), 8.0))
            else:
                beds = rng.randint(50, 300)
                plan.append(("general_hospital", 3, rng.choice(districts), "private", group, beds, beds / 4))
        return plan

    def facilities(self, provinces, districts, communes) -> list[PlannedFacility]:
        rng = self.rng
        K = Organisation.Kind
        plan = self._facility_plan(provinces, districts, communes)
        hospital_kinds = {"general_hospital", "specialty_hospital", "university_hospital", "cancer_centre"}
        n_hospital_orgs = sum(1 for p in plan if p[0] in hospital_kinds and p[4] is None)
        org_ids = iter(self.load.reserve_ids(Organisation, n_hospital_orgs))
        facility_ids = iter(self.load.reserve_ids(Facility, len(plan)))
        hospital_orgs, facilities, planned = [], [], []
        serial = 0
        for kind, level, region, ownership, group, beds, weight in plan:
            serial += 1
            script = self.region_script[region.id]
            english, persian, chinese = KIND_WORDS[kind]
            place_latin = region.name.removesuffix(" District").removesuffix(" Province")
            if script == PERSIAN and kind in hospital_kinds:
                ded_local, ded_latin = PERSIAN_DEDICATIONS[rng.randrange(len(PERSIAN_DEDICATIONS))]
                name = f"{ded_latin} {english}, {place_latin}"
                local = f"{persian} {ded_local} {region.name_local}"
            elif script == PERSIAN:
                name, local = f"{place_latin} {english} {serial}", f"{persian} {region.name_local} {serial}"
            elif script == CHINESE:
                name, local = f"{place_latin} {english} {serial}", f"{region.name_local}{chinese}{serial}"
            else:
                name, local = f"{place_latin} {english} {serial}", ""
            if group is not None:
                org_id = group.id
            elif kind in hospital_kinds:
                org_id = next(org_ids)
                parent = self.health_department[region.id]  # hospitals sit in a district or a province
                hospital_orgs.append(Organisation(id=org_id, code=f"org-f{serial:05d}", name=name, name_local=local,
                                                  kind=K.HOSPITAL, parent_id=parent, country_id=self.country.id))
            else:
                district = region.id if region.level == Region.Level.DISTRICT else self.district_of[region.id]
                org_id = self.health_department[district]
            facility = Facility(
                id=next(facility_ids), code=f"F{serial:06d}", name=name, name_local=local, kind=kind, level=level,
                grade=("I" if beds >= 1_000 else "II" if beds >= 300 else "III" if beds else "none"),
                ownership=ownership, organisation_id=org_id, region_id=region.id, beds=beds,
                has_emr=rng.random() < 0.6, has_his=beds > 100, has_pacs=beds > 300,
                languages=["fa"] if script == PERSIAN else ["zh"] if script == CHINESE else ["en"],
            )
            facilities.append(facility)
            planned.append(PlannedFacility(facility.id, kind, level, region.id, org_id, beds, weight))
        self.load.add(Organisation, hospital_orgs)
        self.national_org_ids += [o.id for o in hospital_orgs]
        through = Organisation.networks.through
        self.load.add(through, [through(organisation_id=i, network_id=self.national.id) for i in self.national_org_ids]
                      + [through(organisation_id=g.id, network_id=self.private.id) for g in self.private_groups])
        self.load.add(Facility, facilities)
        self.facility_rows = facilities
        return planned

    def facility_details(self, planned: list[PlannedFacility]) -> None:
        """Departments and equipment of hospitals, and who is ready for foreign patients."""
        rng = self.rng
        codes = sorted(self.specialty_ids)
        hospitals = [p for p in planned if p.beds >= 50 and p.kind != "medical_centre"]
        dept_ids = iter(self.load.reserve_ids(Department, sum(3 + p.id % 6 for p in hospitals)))
        departments, equipment, ready = [], [], []
        through = Facility.foreign_patient_specialties.through
        for p in hospitals:
            chosen = rng.sample(codes, 3 + p.id % 6)
            for code in chosen:
                department = Department(id=next(dept_ids), facility_id=p.id, name=code.replace("_", " ").capitalize(),
                                        specialty_id=self.specialty_ids[code], beds=rng.randint(10, 80))
                departments.append(department)
                p.departments.append(department.id)
            equipment += [
                FacilityEquipment(facility_id=p.id, equipment_id=equipment_id, quantity=rng.randint(1, 4))
                for equipment_id in rng.sample(self.equipment_ids, rng.randint(2, 7))
            ]
            if rng.random() < 0.1:
                ready += [through(facility_id=p.id, specialty_id=self.specialty_ids[c]) for c in chosen[:3]]
        self.load.add(Department, departments)
        self.load.add(FacilityEquipment, equipment)
        self.load.add(through, ready)

    # ---------------------------------------------------------- practitioners

    def practitioners(self, planned: list[PlannedFacility]) -> None:
        s, rng = self.scale, self.rng
        cum, total = [], 0.0
        for p in planned:
            total += p.weight
            cum.append(total)
        ids = self.load.reserve_ids(Practitioner, s.practitioners)
        codes = sorted(c for c in self.specialty_ids if c != "nursing")
        nursing = self.specialty_ids["nursing"]
        professions = ["doctor"] * 45 + ["nurse"] * 40 + ["technician"] * 10 + ["manager"] * 3 + ["public_health"] * 2
        titles = ["senior"] * 10 + ["associate_senior"] * 20 + ["intermediate"] * 40 + ["junior"] * 30
        spec_through = Practitioner.specialties.through
        for start in range(0, s.practitioners, s.chunk):
            chunk_ids = ids[start:start + s.chunk]
            homes = rng.choices(planned, cum_weights=cum, k=len(chunk_ids))
            formers = rng.choices(planned, cum_weights=cum, k=len(chunk_ids))
            people, specialties, appointments = [], [], []
            for pid, home, former in zip(chunk_ids, homes, formers, strict=True):
                script = self.region_script[home.region_id]
                if script == PERSIAN:
                    (gl, gn), (sl, sn) = rng.choice(PERSIAN_GIVEN), rng.choice(PERSIAN_SURNAMES)
                    name, latin = f"{gl} {sl}", f"{gn} {sn}"
                elif script == CHINESE:
                    (sl, sn), (gl, gn) = rng.choice(CHINESE_SURNAMES), rng.choice(CHINESE_GIVEN)
                    name, latin = f"{sl}{gl}", f"{sn} {gn}"
                else:
                    name = latin = f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_SURNAMES)}"
                profession = rng.choice(professions)
                people.append(Practitioner(
                    id=pid, name=name, name_latin=latin, sex="female" if rng.random() < 0.55 else "male",
                    profession=profession, title=rng.choice(titles), organisation_id=home.organisation_id,
                    languages=["fa", "en"] if script == PERSIAN else ["zh"] if script == CHINESE else ["en"],
                ))
                if profession == "nurse":
                    own = [nursing]
                else:
                    own = [self.specialty_ids[c] for c in rng.sample(codes, 1 + (rng.random() < 0.3) + (rng.random() < 0.1))]
                specialties += [spec_through(practitioner_id=pid, specialty_id=sid) for sid in own]
                began = self.today - timedelta(days=rng.randint(30, 9_000))
                appointments.append(Appointment(
                    practitioner_id=pid, facility_id=home.id, position=profession.replace("_", " ").capitalize(),
                    department_id=rng.choice(home.departments) if home.departments else None, start=began,
                ))
                if rng.random() < 0.3 and former.id != home.id:
                    appointments.append(Appointment(
                        practitioner_id=pid, facility_id=former.id, position="Former post",
                        start=began - timedelta(days=rng.randint(400, 4_000)), end=began - timedelta(days=1),
                    ))
            self.load.add(Practitioner, people)
            self.load.add(spec_through, specialties)
            self.load.add(Appointment, appointments)

    # ---------------------------------------------------------- users

    def users(self) -> tuple[int, int]:
        """The coordinator (a provincial health department, national network) and the outsider (a private group)."""
        User = get_user_model()
        coordinator_org = Organisation.objects.get(code="hd-xc-01")
        result = []
        for username, org in (("coordinator", coordinator_org), ("outsider", self.private_groups[0])):
            user = User(username=f"bench-{username}")
            user.set_unusable_password()
            user.save()
            Profile.objects.create(user=user, display_name=username.title())
            Membership.objects.create(user=user, organisation_id=org.id, role=Role.COORDINATOR)
            result.append(user.id)
        return result[0], result[1]

    # ---------------------------------------------------------- all of it

    def run(self) -> Registry:
        provinces, districts, communes = self.regions()
        self.organisations(provinces, districts)
        planned = self.facilities(provinces, districts, communes)
        self.facility_details(planned)
        self.practitioners(planned)
        coordinator_id, outsider_id = self.users()
        national = set(self.national_org_ids)
        biggest = max(planned, key=lambda p: (p.beds if p.organisation_id in national else -1, -p.id))
        return Registry(
            coordinator_id=coordinator_id, outsider_id=outsider_id, national_network_id=self.national.id,
            rows={name: t.rows for name, t in self.load.tables.items()},
            queries=self.sample_queries(),
            biggest_facility_id=biggest.id,
        )

    def sample_queries(self) -> dict[str, str]:
        """A query per script that hits some, not all, facilities."""
        # Latin: a place of a Latin-named province (its facilities and those of other places sharing the name).
        latin_place = next(f.name.split()[0] for f in self.facility_rows if self.region_script[f.region_id] == LATIN)
        return {
            "latin": latin_place.lower(),
            # Typed on an Arabic keyboard (Arabic yeh): folding must still find "بیمارستان امام".
            "persian": "بيمارستان امام",
            "chinese": "人民医院",
        }
