"""3. Beijing-Ulaanbaatar-Astana: a tripartite cancer MoU (seeds/002).

Peking University Shougang Hospital (in the Shouyi healthcare group) signs
memoranda with Mongolia's National Cancer Center and Kazakhstan's National
Cancer Research Center; the hospital of the Kazakh President's Affairs
Administration attends. The departments are those the delegation visited.
Beds are approximate; every person is invented.
"""

from datetime import date
from decimal import Decimal

from caravan.core.models import Organisation
from caravan.registry.models import Facility, TechnicalLevel

from ..accounts import users_for
from ..names import chinese_names
from ..spec import AppointmentSpec, DepartmentSpec, FacilitySpec, OrgSpec, PersonSpec, Programme, RegionSpec
from .common import PROVINCE

K = Organisation.Kind
F = Facility.Kind

REGIONS = (
    RegionSpec("CN-BJ", "Beijing", PROVINCE, "CN", "北京市", populations={2023: 21_860_000, 2024: 21_830_000}),
    RegionSpec("MN-UB", "Ulaanbaatar", PROVINCE, "MN", "Улаанбаатар", populations={2023: 1_690_000, 2024: 1_720_000}),
)

ORGANISATIONS = (
    OrgSpec("cn-shouyi", "Shouyi Healthcare Group", K.HOSPITAL_GROUP, name_local="首颐医疗集团", country="CN"),
    OrgSpec("cn-pku-shougang", "Peking University Shougang Hospital", K.HOSPITAL, "cn-shouyi", "北京大学首钢医院", "CN"),
    OrgSpec("mn-moh", "Ministry of Health of Mongolia", K.MINISTRY, name_local="Эрүүл мэндийн яам", country="MN"),
    OrgSpec("mn-ncc", "National Cancer Center of Mongolia", K.HOSPITAL, "mn-moh", "Хавдар судлалын үндэсний төв",
            "MN"),
    OrgSpec("kz-ncrc", "National Cancer Research Center", K.HOSPITAL,
            name_local="Ұлттық ғылыми онкологиялық орталық", country="KZ"),
    OrgSpec("kz-upd-mc", "Medical Centre of the President's Affairs Administration", K.AGENCY,
            name_local="Қазақстан Республикасы Президенті Іс басқармасының Медициналық орталығы", country="KZ"),
    OrgSpec("kz-upd-hospital", "Medical Centre Hospital of the President's Affairs Administration", K.HOSPITAL,
            "kz-upd-mc", "Қазақстан Республикасы Президенті Іс басқармасы Медициналық орталығының ауруханасы", "KZ"),
)

_DIGITAL = {"has_emr": True, "has_his": True, "has_pacs": True}

FACILITIES = (
    FacilitySpec(
        code="CN-BJ-PKUSG", name="Peking University Shougang Hospital", name_local="北京大学首钢医院",
        kind=F.UNIVERSITY_HOSPITAL, level=TechnicalLevel.CENTRAL, organisation="cn-pku-shougang", region="CN-BJ",
        grade="III", beds=1100, latitude=Decimal("39.9070"), longitude=Decimal("116.1690"),
        languages=("zh", "en", "ru"), ready_for=("oncology", "general_surgery", "neurosurgery"), **_DIGITAL,
        equipment=(("ct", 4), ("mri", 3), ("linac", 2), ("endoscope", 6), ("laparoscope", 6), ("pacs", 12)),
        departments=(
            DepartmentSpec("Gastrointestinal Surgery", "胃肠外科", "general_surgery", 60),
            DepartmentSpec("Brain Centre", "脑科中心", "neurosurgery", 80),
            DepartmentSpec("Special Needs Services (VIP clinic)", "特需服务部"),
            DepartmentSpec("Hospice Centre", "安宁疗护中心", "palliative_care", 20),
            DepartmentSpec("Health Management Centre", "健康管理中心"),
            DepartmentSpec("Medical Simulation Training Centre", "医疗模拟培训中心"),
        ),
    ),
    FacilitySpec(
        code="MN-UB-NCC", name="National Cancer Center of Mongolia", name_local="Хавдар судлалын үндэсний төв",
        kind=F.CANCER_CENTRE, level=TechnicalLevel.CENTRAL, organisation="mn-ncc", region="MN-UB", beds=500,
        latitude=Decimal("47.9077"), longitude=Decimal("106.9330"), languages=("mn", "en", "ru"), **_DIGITAL,
        equipment=(("linac", 2), ("ct", 2), ("mri", 1), ("endoscope", 3)),
        departments=(DepartmentSpec("Hepatobiliary Surgery", "Элэг цөс, нойр булчирхайн мэс засал", "oncology", 40),
                     DepartmentSpec("Gastric Oncology", "Ходоодны хавдар", "oncology", 40)),
    ),
    FacilitySpec(
        code="KZ-AST-NCRC", name="National Cancer Research Center", name_local="Ұлттық ғылыми онкологиялық орталық",
        kind=F.CANCER_CENTRE, level=TechnicalLevel.CENTRAL, organisation="kz-ncrc", region="KZ-AST", beds=250,
        latitude=Decimal("51.1090"), longitude=Decimal("71.4020"), languages=("kk", "ru", "en"), **_DIGITAL,
        equipment=(("linac", 2), ("ct", 2), ("mri", 1)),
        departments=(DepartmentSpec("Breast Oncology", "Сүт безі онкологиясы", "oncology", 30),
                     DepartmentSpec("Thoracic Oncology", "Торакалды онкология", "thoracic_surgery", 30)),
    ),
    FacilitySpec(
        code="KZ-AST-UPD", name="Medical Centre Hospital of the President's Affairs Administration",
        name_local="Қазақстан Республикасы Президенті Іс басқармасы Медициналық орталығының ауруханасы",
        kind=F.GENERAL_HOSPITAL, level=TechnicalLevel.CENTRAL, organisation="kz-upd-hospital", region="KZ-AST",
        beds=300, latitude=Decimal("51.1280"), longitude=Decimal("71.4300"), languages=("kk", "ru", "en"),
        equipment=(("ct", 2), ("mri", 1), ("cath_lab", 1)), **_DIGITAL,
    ),
)

_ZH_STAFF = (
    # (specialty, profession, title, position, department)
    ("oncology", "doctor", "senior", "Head of oncology", None),
    ("general_surgery", "doctor", "senior", "Head of gastrointestinal surgery", "Gastrointestinal Surgery"),
    ("neurosurgery", "doctor", "associate_senior", "Neurosurgeon", "Brain Centre"),
    ("palliative_care", "nurse", "associate_senior", "Head nurse, hospice centre", "Hospice Centre"),
    ("hospital_management", "manager", "intermediate", "International office, special needs services",
     "Special Needs Services (VIP clinic)"),
    ("general_surgery", "doctor", "intermediate", "Simulation training instructor", "Medical Simulation Training Centre"),
)

# Invented Mongolian and Kazakh staff: (name, Latin, sex, organisation, facility, specialty, title, position, dept)
_PARTNER_STAFF = (
    ("Батбаярын Оюунчимэг", "Batbayaryn Oyunchimeg", "female", "mn-ncc", "MN-UB-NCC", "oncology", "senior",
     "Head of hepatobiliary surgery", "Hepatobiliary Surgery", ("mn", "en", "ru")),
    ("Должинсүрэнгийн Ганболд", "Dolzhinsurengiin Ganbold", "male", "mn-ncc", "MN-UB-NCC", "oncology",
     "associate_senior", "Gastric oncologist", "Gastric Oncology", ("mn", "ru")),
    ("Цэрэндоржийн Сарангэрэл", "Tserendorjiin Sarangerel", "female", "mn-ncc", "MN-UB-NCC", "pathology",
     "intermediate", "Pathologist", None, ("mn", "en")),
    ("Энхбаатарын Тэмүүлэн", "Enkhbaataryn Temuulen", "male", "mn-ncc", "MN-UB-NCC", "radiology",
     "intermediate", "Radiologist", None, ("mn", "en")),
    ("Айгерім Серікқызы Нұрланова", "Aigerim Serikkyzy Nurlanova", "female", "kz-ncrc", "KZ-AST-NCRC", "oncology",
     "senior", "Head of breast oncology", "Breast Oncology", ("kk", "ru", "en")),
    ("Ерлан Асқарұлы Жұмабаев", "Yerlan Askaruly Zhumabayev", "male", "kz-ncrc", "KZ-AST-NCRC", "thoracic_surgery",
     "associate_senior", "Thoracic surgeon", "Thoracic Oncology", ("kk", "ru")),
    ("Динара Бауыржанқызы Әлиева", "Dinara Bauyrzhankyzy Aliyeva", "female", "kz-ncrc", "KZ-AST-NCRC", "oncology",
     "intermediate", "Clinical research coordinator", None, ("kk", "ru", "en")),
    ("Қайрат Маратұлы Сейітов", "Kairat Maratuly Seitov", "male", "kz-upd-hospital", "KZ-AST-UPD",
     "hospital_management", "senior", "Deputy director", None, ("kk", "ru", "en")),
    ("Гүлнар Ержанқызы Оспанова", "Gulnar Yerzhankyzy Ospanova", "female", "kz-upd-hospital", "KZ-AST-UPD",
     "oncology", "associate_senior", "Oncologist", None, ("kk", "ru")),
)


def _people() -> tuple[PersonSpec, ...]:
    people = []
    names = chinese_names(len(_ZH_STAFF), start=7)
    for i, ((specialty, profession, title, position, dept), (name, latin, sex)) in enumerate(
        zip(_ZH_STAFF, names, strict=True)
    ):
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title=title, organisation="cn-pku-shougang", profession=profession,
            languages=("zh", "en"), specialties=(specialty,),
            appointments=(AppointmentSpec("CN-BJ-PKUSG", position, date(2008 + 2 * i, 9, 1), department=dept),),
        ))
    for i, (name, latin, sex, org, facility, specialty, title, position, dept, languages) in enumerate(_PARTNER_STAFF):
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title=title, organisation=org, languages=languages,
            profession="manager" if specialty == "hospital_management" else "doctor", specialties=(specialty,),
            appointments=(AppointmentSpec(facility, position, date(2010 + i, 3, 1), department=dept),),
        ))
    return tuple(people)


PROGRAMME = Programme(
    key="silkroad",
    network_code="beijing-ulaanbaatar-astana",
    network_name="Beijing–Ulaanbaatar–Astana cancer partnership",
    network_description=(
        "Peking University Shougang Hospital's memoranda with Mongolia's National Cancer Center and Kazakhstan's "
        "National Cancer Research Center: international medical care, continuing education for doctors, research "
        "cooperation, difficult cases and academic exchange visits."
    ),
    regions=REGIONS,
    organisations=ORGANISATIONS,
    facilities=FACILITIES,
    people=_people(),
    users=users_for("silkroad", language="en", time_zone="Asia/Shanghai", seats={
        "admin": (("cn-shouyi",), "Zhou Yiming"),
        "coordinator": (("cn-pku-shougang",), "Liang Xiaoqing"),
        "clinician": (("mn-ncc",), "Gantulgyn Narantuyaa"),
        "consultant": (("cn-pku-shougang",), "Sun Haifeng"),
        "analyst": (("cn-shouyi",), "Meng Lixia"),
    }),
)
