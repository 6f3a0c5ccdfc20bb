"""5. Shandong -> Haibei (Qinghai): "group-style" medical aid teams (seeds/004).

Since 2019 Shandong has sent one batch a year (the 6th in 2024) from
Liaocheng, Weihai, Linyi and Binzhou (and the provincial university hospital)
to Haibei Tibetan Autonomous Prefecture, for one-year rotations. Each batch
mixes clinicians, hospital managers and technicians, because one service needs
several specialties at once (labour analgesia at Gangcha needed obstetrics,
anaesthesia and ultrasound). Managers take real posts, clinicians head
departments. The 6th batch's 12 centrally selected experts include 7 with
senior titles. Every alumnus is in the talent pool (100+ people) and can be
recalled. Which Shandong city serves which county is the demo's own pairing.
Everyone is invented.
"""

from datetime import date
from decimal import Decimal

from caravan.core.models import Organisation
from caravan.registry.models import Facility, TechnicalLevel

from ..accounts import users_for
from ..names import chinese_names
from ..spec import AppointmentSpec, DepartmentSpec, FacilitySpec, OrgSpec, PersonSpec, Programme, RegionSpec
from .common import COMMUNE, DISTRICT, PROVINCE

K = Organisation.Kind
F = Facility.Kind

REGIONS = (
    RegionSpec("CN-SD", "Shandong", PROVINCE, "CN", "山东省"),
    RegionSpec("CN-SD-LC", "Liaocheng", DISTRICT, "CN-SD", "聊城市"),
    RegionSpec("CN-SD-WH", "Weihai", DISTRICT, "CN-SD", "威海市"),
    RegionSpec("CN-SD-LY", "Linyi", DISTRICT, "CN-SD", "临沂市"),
    RegionSpec("CN-SD-BZ", "Binzhou", DISTRICT, "CN-SD", "滨州市"),
    RegionSpec("CN-SD-TA", "Tai'an", DISTRICT, "CN-SD", "泰安市"),
    RegionSpec("CN-QH", "Qinghai", PROVINCE, "CN", "青海省"),
    # The prefecture sits at the district level of the tree and its counties at the level below.
    RegionSpec("CN-QH-HB", "Haibei", DISTRICT, "CN-QH", "海北藏族自治州",
               populations={2020: 286_000, 2021: 287_000, 2022: 288_000, 2023: 289_000, 2024: 290_000}),
    RegionSpec("CN-QH-HB-HY", "Haiyan County", COMMUNE, "CN-QH-HB", "海晏县", populations={2024: 38_000}),
    RegionSpec("CN-QH-HB-QL", "Qilian County", COMMUNE, "CN-QH-HB", "祁连县", populations={2024: 46_000}),
    RegionSpec("CN-QH-HB-GC", "Gangcha County", COMMUNE, "CN-QH-HB", "刚察县", populations={2024: 45_000}),
    RegionSpec("CN-QH-HB-MY", "Menyuan County", COMMUNE, "CN-QH-HB", "门源回族自治县", populations={2024: 161_000}),
)

ORGANISATIONS = (
    OrgSpec("cn-sd-hc", "Shandong Provincial Health Commission", K.HEALTH_DEPARTMENT, name_local="山东省卫生健康委员会",
            country="CN"),
    OrgSpec("cn-lc-hc", "Liaocheng Municipal Health Commission", K.HEALTH_DEPARTMENT, "cn-sd-hc", "聊城市卫生健康委员会",
            "CN"),
    OrgSpec("cn-lc-ph", "Liaocheng People's Hospital", K.HOSPITAL, "cn-lc-hc", "聊城市人民医院", "CN"),
    OrgSpec("cn-wh-hc", "Weihai Municipal Health Commission", K.HEALTH_DEPARTMENT, "cn-sd-hc", "威海市卫生健康委员会",
            "CN"),
    OrgSpec("cn-wh-mh", "Weihai Municipal Hospital", K.HOSPITAL, "cn-wh-hc", "威海市立医院", "CN"),
    OrgSpec("cn-ly-hc", "Linyi Municipal Health Commission", K.HEALTH_DEPARTMENT, "cn-sd-hc", "临沂市卫生健康委员会",
            "CN"),
    OrgSpec("cn-ly-ph", "Linyi People's Hospital", K.HOSPITAL, "cn-ly-hc", "临沂市人民医院", "CN"),
    OrgSpec("cn-bz-hc", "Binzhou Municipal Health Commission", K.HEALTH_DEPARTMENT, "cn-sd-hc", "滨州市卫生健康委员会",
            "CN"),
    OrgSpec("cn-bz-bmuh", "Binzhou Medical University Hospital", K.HOSPITAL, "cn-bz-hc", "滨州医学院附属医院", "CN"),
    OrgSpec("cn-sdfmu", "Shandong First Medical University", K.UNIVERSITY, "cn-sd-hc", "山东第一医科大学", "CN"),
    OrgSpec("cn-sdfmu-2", "Second Affiliated Hospital of Shandong First Medical University", K.HOSPITAL, "cn-sdfmu",
            "山东第一医科大学第二附属医院", "CN"),
    OrgSpec("cn-qh-hc", "Qinghai Provincial Health Commission", K.HEALTH_DEPARTMENT, name_local="青海省卫生健康委员会",
            country="CN"),
    OrgSpec("cn-hb-hc", "Haibei Prefecture Health Commission", K.HEALTH_DEPARTMENT, "cn-qh-hc",
            "海北藏族自治州卫生健康委员会", "CN"),
    OrgSpec("cn-hb-fph", "Haibei First People's Hospital", K.HOSPITAL, "cn-hb-hc", "海北藏族自治州第一人民医院", "CN"),
    OrgSpec("cn-hy-cph", "Haiyan County People's Hospital", K.HOSPITAL, "cn-hb-hc", "海晏县人民医院", "CN"),
    OrgSpec("cn-ql-cph", "Qilian County People's Hospital", K.HOSPITAL, "cn-hb-hc", "祁连县人民医院", "CN"),
    OrgSpec("cn-gc-cph", "Gangcha County People's Hospital", K.HOSPITAL, "cn-hb-hc", "刚察县人民医院", "CN"),
    OrgSpec("cn-my-cph", "Menyuan County People's Hospital", K.HOSPITAL, "cn-hb-hc", "门源回族自治县人民医院", "CN"),
    OrgSpec("cn-my-luqing", "Lu-Qing Eye Hospital", K.HOSPITAL, "cn-hb-hc", "鲁青眼科医院", "CN"),
)

_DIGITAL = {"has_emr": True, "has_his": True, "has_pacs": True}


def _fac(code, org, region, name, local, beds, lat, lon, *, kind=F.GENERAL_HOSPITAL, level=TechnicalLevel.DISTRICT,
         grade="II", languages=("zh", "bo"), equipment=(), departments=()):
    return FacilitySpec(
        code=code, name=name, name_local=local, kind=kind, level=level, organisation=org, region=region, grade=grade,
        beds=beds, latitude=Decimal(lat), longitude=Decimal(lon), languages=languages, equipment=equipment,
        departments=departments, **_DIGITAL,
    )


_SD = {"level": TechnicalLevel.PROVINCIAL, "grade": "III", "languages": ("zh", "en")}

FACILITIES = (
    _fac("CN-SD-LCPH", "cn-lc-ph", "CN-SD-LC", "Liaocheng People's Hospital", "聊城市人民医院", 3000,
         "36.4570", "115.9850", **_SD,
         equipment=(("ct", 6), ("mri", 4), ("ecg", 40), ("cath_lab", 3), ("pacs", 20)),
         departments=(DepartmentSpec("ECG Diagnosis Centre", "心电诊断中心", "cardiology"),
                      DepartmentSpec("Cardiology", "心内科", "cardiology", 120))),
    _fac("CN-SD-WHMH", "cn-wh-mh", "CN-SD-WH", "Weihai Municipal Hospital", "威海市立医院", 1800,
         "37.5130", "122.1200", **_SD, equipment=(("ct", 4), ("mri", 2), ("endoscope", 6))),
    _fac("CN-SD-LYPH", "cn-ly-ph", "CN-SD-LY", "Linyi People's Hospital", "临沂市人民医院", 3500,
         "35.0600", "118.3400", **_SD, equipment=(("ct", 6), ("mri", 4))),
    _fac("CN-SD-BMUH", "cn-bz-bmuh", "CN-SD-BZ", "Binzhou Medical University Hospital", "滨州医学院附属医院", 2600,
         "37.3800", "118.0200", **_SD, equipment=(("ct", 4), ("mri", 3))),
    _fac("CN-SD-SDFMU2", "cn-sdfmu-2", "CN-SD-TA", "Second Affiliated Hospital of Shandong First Medical University",
         "山东第一医科大学第二附属医院", 1500, "36.2000", "117.1000", **_SD, equipment=(("ct", 3), ("mri", 2))),
    _fac("CN-QH-HB-FPH", "cn-hb-fph", "CN-QH-HB-HY", "Haibei First People's Hospital", "海北藏族自治州第一人民医院",
         300, "36.9500", "100.9000", level=TechnicalLevel.PROVINCIAL,
         equipment=(("ct", 1), ("mri", 1), ("ultrasound", 4), ("ventilator", 6), ("oxygen_plant", 1)),
         departments=(DepartmentSpec("Cardiology", "心内科", "cardiology", 30),
                      DepartmentSpec("Intensive Care", "重症医学科", "critical_care", 10),
                      DepartmentSpec("MDT Office", "多学科会诊办公室"))),
    _fac("CN-QH-HB-HYCPH", "cn-hy-cph", "CN-QH-HB-HY", "Haiyan County People's Hospital", "海晏县人民医院", 100,
         "36.9000", "100.9900",
         equipment=(("ct", 1), ("endoscope", 1), ("ultrasound", 2)),
         departments=(DepartmentSpec("Gastroenterology", "消化内科", "gastroenterology", 20),
                      DepartmentSpec("Surgery", "外科", "general_surgery", 20),
                      DepartmentSpec("Radiology", "放射科", "radiology"))),
    _fac("CN-QH-HB-QLCPH", "cn-ql-cph", "CN-QH-HB-QL", "Qilian County People's Hospital", "祁连县人民医院", 120,
         "38.1800", "100.2500", equipment=(("ct", 1), ("ultrasound", 2)),
         departments=(DepartmentSpec("Emergency", "急诊科", "emergency_medicine", 10),
                      DepartmentSpec("Paediatrics", "儿科", "paediatrics", 20),
                      DepartmentSpec("Laboratory", "检验科", "pathology"))),
    _fac("CN-QH-HB-GCCPH", "cn-gc-cph", "CN-QH-HB-GC", "Gangcha County People's Hospital", "刚察县人民医院", 120,
         "37.3300", "100.1400", equipment=(("ecg", 4), ("ultrasound", 3), ("ventilator", 2)),
         departments=(DepartmentSpec("Obstetrics and Gynaecology", "妇产科", "obstetrics_gynaecology", 20),
                      DepartmentSpec("Anaesthesiology", "麻醉科", "anaesthesiology"),
                      DepartmentSpec("Ultrasound", "超声科", "ultrasound"),
                      DepartmentSpec("Internal Medicine", "内科", "internal_medicine", 30),
                      DepartmentSpec("Remote Consultation Centre", "远程会诊中心"))),
    _fac("CN-QH-HB-MYCPH", "cn-my-cph", "CN-QH-HB-MY", "Menyuan County People's Hospital", "门源回族自治县人民医院",
         200, "37.3800", "101.6200", equipment=(("ct", 1), ("ultrasound", 3), ("oxygen_plant", 1)),
         departments=(DepartmentSpec("Respiratory Medicine", "呼吸内科", "pulmonology", 30),
                      DepartmentSpec("Radiology", "放射科", "radiology"))),
    _fac("CN-QH-HB-LUQING", "cn-my-luqing", "CN-QH-HB-MY", "Lu-Qing Eye Hospital", "鲁青眼科医院", 40,
         "37.3760", "101.6180", kind=F.SPECIALTY_HOSPITAL,
         departments=(DepartmentSpec("Ophthalmology", "眼科", "ophthalmology", 40),)),
    # Opened June 2023 with the aid team; it has served 6,000+ people. Run by the First People's Hospital.
    _fac("CN-QH-HB-PLATEAU", "cn-hb-fph", "CN-QH-HB-HY", "Lu-Qing Plateau Health Check Centre", "鲁青高原体检中心", 0,
         "36.9510", "100.9010", kind=F.MEDICAL_CENTRE, equipment=(("ultrasound", 2), ("ecg", 2), ("xray", 1))),
)

# One batch: (home organisation, host facility, profession, specialty, post, department)
_SLOTS = (
    ("cn-sdfmu-2", "CN-QH-HB-FPH", "manager", "hospital_management", "Director (posted)", None),
    ("cn-lc-ph", "CN-QH-HB-GCCPH", "manager", "hospital_management", "Vice director (posted)", None),
    ("cn-lc-ph", "CN-QH-HB-GCCPH", "doctor", "obstetrics_gynaecology", "Head of obstetrics and gynaecology",
     "Obstetrics and Gynaecology"),
    ("cn-lc-ph", "CN-QH-HB-GCCPH", "doctor", "anaesthesiology", "Head of anaesthesiology", "Anaesthesiology"),
    ("cn-lc-ph", "CN-QH-HB-GCCPH", "doctor", "cardiology", "Head of internal medicine", "Internal Medicine"),
    ("cn-wh-mh", "CN-QH-HB-HYCPH", "doctor", "gastroenterology", "Head of gastroenterology", "Gastroenterology"),
    ("cn-wh-mh", "CN-QH-HB-HYCPH", "doctor", "general_surgery", "Head of surgery", "Surgery"),
    ("cn-ly-ph", "CN-QH-HB-QLCPH", "doctor", "emergency_medicine", "Head of emergency", "Emergency"),
    ("cn-ly-ph", "CN-QH-HB-QLCPH", "doctor", "paediatrics", "Head of paediatrics", "Paediatrics"),
    ("cn-bz-bmuh", "CN-QH-HB-LUQING", "doctor", "ophthalmology", "Head of ophthalmology", "Ophthalmology"),
    ("cn-bz-bmuh", "CN-QH-HB-MYCPH", "doctor", "pulmonology", "Head of respiratory medicine", "Respiratory Medicine"),
    ("cn-sdfmu-2", "CN-QH-HB-FPH", "doctor", "cardiology", "Head of cardiology", "Cardiology"),
    ("cn-sdfmu-2", "CN-QH-HB-FPH", "doctor", "critical_care", "Head of intensive care", "Intensive Care"),
    ("cn-lc-ph", "CN-QH-HB-GCCPH", "technician", "ultrasound", "Ultrasound technician", "Ultrasound"),
    ("cn-wh-mh", "CN-QH-HB-HYCPH", "technician", "radiology", "Radiology technician", "Radiology"),
    ("cn-ly-ph", "CN-QH-HB-QLCPH", "technician", "pathology", "Laboratory technician", "Laboratory"),
    ("cn-bz-bmuh", "CN-QH-HB-MYCPH", "technician", "radiology", "Imaging technician", "Radiology"),
)
BATCHES = 6
BATCH_SIZE = len(_SLOTS)  # 17 a batch, 102 alumni in the talent pool
CENTRALLY_SELECTED = 12  # the first 12 slots of the 6th batch
# Titles slot by slot. In the 6th batch, 7 of the 12 centrally selected experts are senior.
_TITLES_LATEST = ("senior", "senior", "senior", "senior", "associate_senior", "senior", "senior", "associate_senior",
                  "associate_senior", "senior", "associate_senior", "associate_senior",
                  "intermediate", "intermediate", "associate_senior", "intermediate", "junior")
_TITLES_EARLIER = ("senior", "associate_senior", "senior", "associate_senior", "associate_senior", "senior",
                   "associate_senior", "intermediate", "associate_senior", "associate_senior", "intermediate",
                   "senior", "intermediate", "intermediate", "junior", "intermediate", "junior")
assert _TITLES_LATEST[:CENTRALLY_SELECTED].count("senior") == 7


def batch_dates(batch: int) -> tuple[date, date]:
    """Batch 1 left in December 2019; each serves one year (the 5th ended in November 2023)."""
    return date(2018 + batch, 12, 1), date(2019 + batch, 11, 30)


def _talent_pool(names) -> list[PersonSpec]:
    people = []
    for batch in range(1, BATCHES + 1):
        start, end = batch_dates(batch)
        titles = _TITLES_LATEST if batch == BATCHES else _TITLES_EARLIER
        for slot, (home, host, profession, specialty, post, dept) in enumerate(_SLOTS):
            name, latin, sex = names[(batch - 1) * BATCH_SIZE + slot]
            notes = [f"Shandong aid team, batch {batch} ({start.year}-{end.year})."]
            if batch == BATCHES and slot < CENTRALLY_SELECTED:
                notes.append("Selected centrally.")
            post_start, post_end = start, end
            if batch == 4 and slot == 0:
                # The director who introduced MDT at Haibei First People's Hospital took up the post in July 2022.
                post_start, post_end = date(2022, 7, 1), date(2023, 6, 30)
                notes.append("Introduced multidisciplinary team (MDT) meetings; designed the plateau health checks.")
            if batch == 5 and slot == 5:
                notes.append("Second lead of the Lu-Qing famous doctor studio in gastroenterology.")
            notes.append("Talent pool: available for recall.")
            people.append(PersonSpec(
                name=name, name_latin=latin, sex=sex, title=titles[slot], organisation=home, profession=profession,
                languages=("zh",), specialties=(specialty,), qualifications=" ".join(notes),
                appointments=(AppointmentSpec(host, post, post_start, post_end, dept),),
            ))
    return people


# Home-hospital consultants who read Gangcha's ECGs from Liaocheng, and a quality-control nurse.
_HOME_STAFF = (
    ("cn-lc-ph", "doctor", "senior", "cardiology", "CN-SD-LCPH", "ECG reading consultant", "ECG Diagnosis Centre"),
    ("cn-lc-ph", "doctor", "associate_senior", "cardiology", "CN-SD-LCPH", "Cardiologist", "Cardiology"),
    ("cn-lc-ph", "doctor", "intermediate", "cardiology", "CN-SD-LCPH", "ECG reading consultant",
     "ECG Diagnosis Centre"),
    ("cn-lc-ph", "nurse", "associate_senior", "nursing", "CN-SD-LCPH", "Quality-control group, nursing", None),
)

# Local staff: Han and Hui names from the generator, Tibetan names written out.
_LOCAL_ZH = (
    ("cn-gc-cph", "doctor", "intermediate", "obstetrics_gynaecology", "CN-QH-HB-GCCPH", "Obstetrician",
     "Obstetrics and Gynaecology"),
    ("cn-gc-cph", "doctor", "junior", "anaesthesiology", "CN-QH-HB-GCCPH", "Anaesthetist", "Anaesthesiology"),
    ("cn-gc-cph", "manager", "associate_senior", "hospital_management", "CN-QH-HB-GCCPH", "Vice director", None),
    ("cn-hy-cph", "doctor", "intermediate", "gastroenterology", "CN-QH-HB-HYCPH", "Gastroenterologist (studio successor)",
     "Gastroenterology"),
    ("cn-hb-fph", "doctor", "associate_senior", "internal_medicine", "CN-QH-HB-FPH", "Head of health checks", None),
    ("cn-my-cph", "doctor", "intermediate", "pulmonology", "CN-QH-HB-MYCPH", "Respiratory physician",
     "Respiratory Medicine"),
)
_LOCAL_BO = (
    ("བཀྲ་ཤིས་ཚེ་རིང", "Tashi Tsering", "male", "cn-gc-cph", "technician", "ultrasound", "CN-QH-HB-GCCPH",
     "Ultrasound technician", "Ultrasound"),
    ("སྒྲོལ་མ་མཚོ", "Drolma Tso", "female", "cn-gc-cph", "nurse", "nursing", "CN-QH-HB-GCCPH", "Midwife",
     "Obstetrics and Gynaecology"),
    ("ཚེ་རིང་ལྷ་མོ", "Tsering Lhamo", "female", "cn-hb-fph", "doctor", "cardiology", "CN-QH-HB-FPH", "Cardiologist",
     "Cardiology"),
    ("བསོད་ནམས་དོན་གྲུབ", "Sonam Dondrub", "male", "cn-ql-cph", "doctor", "emergency_medicine", "CN-QH-HB-QLCPH",
     "Emergency physician", "Emergency"),
    ("པདྨ་རྒྱལ", "Pema Gyal", "male", "cn-my-luqing", "doctor", "ophthalmology", "CN-QH-HB-LUQING",
     "Ophthalmologist (studio successor)", "Ophthalmology"),
    ("ལྷ་མོ་སྐྱིད", "Lhamo Kyi", "female", "cn-hy-cph", "technician", "radiology", "CN-QH-HB-HYCPH",
     "Radiographer", "Radiology"),
)


def _people() -> tuple[PersonSpec, ...]:
    needed = BATCHES * BATCH_SIZE + len(_HOME_STAFF) + len(_LOCAL_ZH)
    names = chinese_names(needed, start=101)
    people = _talent_pool(names)
    rest = names[BATCHES * BATCH_SIZE:]
    for i, ((org, profession, title, specialty, facility, post, dept), (name, latin, sex)) in enumerate(
        zip(_HOME_STAFF + _LOCAL_ZH, rest, strict=True)
    ):
        local = i >= len(_HOME_STAFF)  # Haibei staff speak Tibetan as well, some of them
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title=title, organisation=org, profession=profession,
            languages=("zh", "bo") if local and i % 2 else ("zh",), specialties=(specialty,),
            appointments=(AppointmentSpec(facility, post, date(2009 + i, 8, 1), department=dept),),
        ))
    for i, (name, latin, sex, org, profession, specialty, facility, post, dept) in enumerate(_LOCAL_BO):
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title="intermediate" if i % 2 else "junior", organisation=org,
            profession=profession, languages=("bo", "zh"), specialties=(specialty,),
            appointments=(AppointmentSpec(facility, post, date(2012 + i, 9, 1), department=dept),),
        ))
    return tuple(people)


PROGRAMME = Programme(
    key="haibei",
    network_code="shandong-haibei",
    network_name="Shandong–Haibei group-style medical aid",
    network_description=(
        "Shandong's yearly aid teams to Haibei Tibetan Autonomous Prefecture (Qinghai) since 2019: clinicians, "
        "hospital managers and technicians from Liaocheng, Weihai, Linyi and Binzhou on one-year rotations, "
        "specialty centres, famous doctor studios, remote ECG reading from Gangcha to Liaocheng, and a talent pool "
        "of former team members who can be recalled."
    ),
    regions=REGIONS,
    organisations=ORGANISATIONS,
    facilities=FACILITIES,
    people=_people(),
    users=users_for("haibei", language="zh-hans", time_zone="Asia/Shanghai", seats={
        "admin": (("cn-sd-hc", "cn-qh-hc"), "韩立群"),
        "coordinator": (("cn-sd-hc", "cn-hb-hc"), "孔庆华"),
        "clinician": (("cn-gc-cph",), "才让卓玛"),
        "consultant": (("cn-lc-ph",), "田振宇"),
        "analyst": (("cn-hb-hc",), "董雪梅"),
    }),
)
