"""4. Russia -> Kazakhstan: an emergency medical team (seeds/003).

On 6 July 2020 a team of 32 specialists (epidemiologists, virologists,
intensivists and others) from Russia's Ministry of Health and Rospotrebnadzor
arrived in Nur-Sultan (now Astana) to help against COVID-19, working in the
capital and the most affected western and southern regions for as long as
each needed. The Russian institutions are real ones; the Kazakh facilities are
named by what they are (each region's infectious-diseases hospital). The team
and its leader are invented, as is everyone else.
"""

from datetime import date, timedelta
from decimal import Decimal

from caravan.core.models import Organisation
from caravan.registry.models import Facility, TechnicalLevel

from ..accounts import users_for
from ..names import russian_names
from ..spec import AppointmentSpec, FacilitySpec, OrgSpec, PersonSpec, Programme, RegionSpec
from .common import PROVINCE

K = Organisation.Kind
F = Facility.Kind
ARRIVAL = date(2020, 7, 6)

REGIONS = (
    RegionSpec("RU-MOW", "Moscow", PROVINCE, "RU", "Москва"),
    RegionSpec("RU-NVS", "Novosibirsk Oblast", PROVINCE, "RU", "Новосибирская область"),
)

ORGANISATIONS = (
    OrgSpec("ru-moh", "Ministry of Health of the Russian Federation", K.MINISTRY,
            name_local="Министерство здравоохранения Российской Федерации", country="RU"),
    OrgSpec("ru-gamaleya", "Gamaleya National Research Centre for Epidemiology and Microbiology", K.OTHER, "ru-moh",
            "Национальный исследовательский центр эпидемиологии и микробиологии имени Н. Ф. Гамалеи", "RU"),
    OrgSpec("ru-rospotrebnadzor", "Rospotrebnadzor", K.AGENCY,
            name_local="Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
            country="RU"),
    OrgSpec("ru-crie", "Central Research Institute of Epidemiology", K.OTHER, "ru-rospotrebnadzor",
            "Центральный научно-исследовательский институт эпидемиологии Роспотребнадзора", "RU"),
    OrgSpec("ru-vector", "State Research Center of Virology and Biotechnology VECTOR", K.OTHER, "ru-rospotrebnadzor",
            "Государственный научный центр вирусологии и биотехнологии «Вектор»", "RU"),
    OrgSpec("ru-fmba", "Federal Medical-Biological Agency of Russia", K.AGENCY,
            name_local="Федеральное медико-биологическое агентство", country="RU"),
    OrgSpec("ru-burnasyan", "Burnasyan Federal Medical Biophysical Center", K.HOSPITAL, "ru-fmba",
            "Федеральный медицинский биофизический центр имени А. И. Бурназяна", "RU"),
    OrgSpec("kz-moh", "Ministry of Health of the Republic of Kazakhstan", K.MINISTRY,
            name_local="Қазақстан Республикасының Денсаулық сақтау министрлігі", country="KZ"),
)

# (region code, code, English, Kazakh, beds, where the team works)
_KZ_HOSPITALS = (
    ("KZ-AST", "Astana City Infectious Diseases Hospital", "Астана қалалық жұқпалы аурулар ауруханасы", 400,
     ("51.1600", "71.4700")),
    ("KZ-ATY", "Atyrau Regional Infectious Diseases Hospital", "Атырау облыстық жұқпалы аурулар ауруханасы", 250,
     ("47.1060", "51.9140")),
    ("KZ-ZAP", "West Kazakhstan Regional Infectious Diseases Hospital",
     "Батыс Қазақстан облыстық жұқпалы аурулар ауруханасы", 220, ("51.2270", "51.3870")),
    ("KZ-MAN", "Mangystau Regional Infectious Diseases Hospital", "Маңғыстау облыстық жұқпалы аурулар ауруханасы",
     200, ("43.6500", "51.1600")),
    ("KZ-AKT", "Aktobe Regional Infectious Diseases Hospital", "Ақтөбе облыстық жұқпалы аурулар ауруханасы", 240,
     ("50.2830", "57.1670")),
    ("KZ-YUZ", "Turkistan Regional Infectious Diseases Hospital", "Түркістан облыстық жұқпалы аурулар ауруханасы",
     260, ("43.2970", "68.2510")),
    ("KZ-SHY", "Shymkent City Infectious Diseases Hospital", "Шымкент қалалық жұқпалы аурулар ауруханасы", 300,
     ("42.3170", "69.5900")),
    ("KZ-KZY", "Kyzylorda Regional Infectious Diseases Hospital", "Қызылорда облыстық жұқпалы аурулар ауруханасы",
     200, ("44.8480", "65.4820")),
    ("KZ-ALM", "Almaty Regional Infectious Diseases Hospital", "Алматы облыстық жұқпалы аурулар ауруханасы", 230,
     ("43.8670", "77.0600")),
)


def _kz_code(region: str) -> str:
    return f"{region}-IDH"


def _kz_org(region: str) -> str:
    return f"{region.lower()}-idh"


ORGANISATIONS += tuple(
    OrgSpec(_kz_org(region), english, K.HOSPITAL, "kz-moh", kazakh, "KZ")
    for region, english, kazakh, _beds, _coords in _KZ_HOSPITALS
)

FACILITIES = (
    FacilitySpec(
        code="RU-MOW-BURNASYAN", name="Burnasyan Federal Medical Biophysical Center",
        name_local="Федеральный медицинский биофизический центр имени А. И. Бурназяна", kind=F.MEDICAL_CENTRE,
        level=TechnicalLevel.CENTRAL, organisation="ru-burnasyan", region="RU-MOW", beds=900,
        latitude=Decimal("55.8060"), longitude=Decimal("37.4690"), languages=("ru", "en"),
        has_emr=True, has_his=True, has_pacs=True, equipment=(("ecmo", 4), ("ventilator", 60), ("ct", 3)),
    ),
) + tuple(
    FacilitySpec(
        code=_kz_code(region), name=english, name_local=kazakh, kind=F.SPECIALTY_HOSPITAL,
        level=TechnicalLevel.PROVINCIAL, organisation=_kz_org(region), region=region, beds=beds,
        latitude=Decimal(lat), longitude=Decimal(lon), languages=("kk", "ru"), has_emr=True, has_his=True,
        ready_for=(), equipment=(("ventilator", 20 if region == "KZ-AST" else 10), ("oxygen_plant", 1), ("ct", 1)),
    )
    for region, english, kazakh, beds, (lat, lon) in _KZ_HOSPITALS
)

# The 32: (profession, specialty, home organisation, how many, Russian label for the position)
_TEAM = (
    ("manager", "epidemiology", "ru-moh", 1, "Team leader"),
    ("public_health", "epidemiology", "ru-crie", 9, "Epidemiologist"),
    ("public_health", "virology", "ru-vector", 3, "Virologist"),
    ("public_health", "virology", "ru-gamaleya", 2, "Virologist"),
    ("doctor", "critical_care", "ru-burnasyan", 8, "Intensivist"),
    ("doctor", "infectious_diseases", "ru-burnasyan", 5, "Infectious diseases physician"),
    ("doctor", "pulmonology", "ru-moh", 2, "Pulmonologist"),
    ("technician", "virology", "ru-crie", 2, "Laboratory technician"),
)
TEAM_SIZE = sum(row[3] for row in _TEAM)
assert TEAM_SIZE == 32

# Where each member works: the leader and a core in the capital, the rest in the west and south.
_POSTINGS = ("KZ-AST", "KZ-ATY", "KZ-ZAP", "KZ-MAN", "KZ-AKT", "KZ-YUZ", "KZ-SHY", "KZ-KZY", "KZ-ALM")
_TITLES = ("senior", "associate_senior", "intermediate", "associate_senior")


def _team() -> list[PersonSpec]:
    slots = [(p, s, org, label) for p, s, org, n, label in _TEAM for _ in range(n)]
    sexes = ["male"] + ["female" if i % 3 == 1 else "male" for i in range(1, len(slots))]
    names = russian_names(sexes)
    people = []
    for i, ((profession, specialty, org, label), (name, latin, sex)) in enumerate(zip(slots, names, strict=True)):
        region = "KZ-AST" if i == 0 else _POSTINGS[i % len(_POSTINGS)]
        # The stay was open-ended: each region kept the team until it stabilised (4 to 7 weeks here).
        end = ARRIVAL + timedelta(weeks=4 + i % 4)
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title="senior" if i == 0 else _TITLES[i % len(_TITLES)],
            organisation=org, profession=profession, languages=("ru", "en") if i % 2 == 0 else ("ru",),
            specialties=(specialty,),
            qualifications="Russian emergency medical team, COVID-19, Kazakhstan 2020.",
            appointments=(AppointmentSpec(_kz_code(region), f"Russian emergency team: {label.lower()}", ARRIVAL, end),),
        ))
    return people


_KZ_STAFF = (
    PersonSpec(name="Бауыржан Серікұлы Тоқтаров", name_latin="Bauyrzhan Serikuly Toktarov", sex="male",
               title="associate_senior", organisation="kz-aty-idh", languages=("kk", "ru"),
               specialties=("infectious_diseases",),
               appointments=(AppointmentSpec("KZ-ATY-IDH", "Head of infectious diseases", date(2014, 9, 1)),)),
    PersonSpec(name="Әсел Қанатқызы Бекова", name_latin="Asel Kanatkyzy Bekova", sex="female",
               title="intermediate", organisation="kz-shy-idh", languages=("kk", "ru"), specialties=("critical_care",),
               appointments=(AppointmentSpec("KZ-SHY-IDH", "Intensivist", date(2017, 2, 1)),)),
    PersonSpec(name="Мадина Ерболқызы Сапарова", name_latin="Madina Erbolkyzy Saparova", sex="female",
               title="senior", organisation="kz-moh", profession="public_health", languages=("kk", "ru", "en"),
               specialties=("epidemiology",)),
)

PROGRAMME = Programme(
    key="emergency",
    network_code="russia-kazakhstan",
    network_name="Russia–Kazakhstan COVID-19 emergency team",
    network_description=(
        "A Russian team of 32 epidemiologists, virologists, intensivists and other specialists working with "
        "Kazakh colleagues in Nur-Sultan (now Astana) and the western and southern regions from 6 July 2020, "
        "for as long as each region needs; online seminars for infectious-disease doctors across the country."
    ),
    regions=REGIONS,
    organisations=ORGANISATIONS,
    facilities=FACILITIES,
    people=tuple(_team()) + _KZ_STAFF,
    users=users_for("emergency", language="ru", time_zone="Asia/Almaty", seats={
        "admin": (("ru-moh", "kz-moh"), "Гусева Ирина Павловна"),
        "coordinator": (("ru-moh", "kz-moh"), "Ершов Константин Олегович"),
        "clinician": (("kz-aty-idh",), "Нұрлан Жандосұлы Әбенов"),
        "consultant": (("ru-crie",), "Лаврова Ксения Игоревна"),
        "analyst": (("kz-moh",), "Жанар Мұратқызы Исаева"),
    }),
)
