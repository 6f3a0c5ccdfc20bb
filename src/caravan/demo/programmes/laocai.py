"""2. Lao Cai, Viet Nam: technique transfer and health-system indicators (seeds/001).

Facilities: Provincial General Hospitals No.1-No.4, the regional hospitals of
Bao Thang, Bao Yen and Bat Xat, the provincial rehabilitation hospital, three
other provincial specialty hospitals, a health centre in each district and a
commune health station in two communes of each district: 2 grade-I and 19
grade-II hospitals and medical centres, as in the article. Central partners in
Hanoi: Hanoi Medical University Hospital, Bach Mai, Viet Duc and the Central
Geriatric Hospital. Where the provincial hospitals stand inside the province
is illustrative.

The indicators of the article for 2024, with the province at 800,000 people:
  doctors per 10,000 = 1,024 doctors / 800,000 * 10,000 = 12.8
  beds per 10,000    = 3,048 beds    / 800,000 * 10,000 = 38.1
The 1,024 doctors hold an appointment at a Lao Cai facility that is active
throughout 2024; the beds of all Lao Cai facilities add up to 3,048.
(Sixteen more doctors left in 2023, and Hanoi experts rotate in from 2025,
so neither counts for 2024.)
"""

from datetime import date
from decimal import Decimal
from functools import cache

from caravan.core.models import Organisation
from caravan.registry.models import Facility, TechnicalLevel

from ..accounts import users_for
from ..names import vi_ascii, vietnamese_names
from ..spec import (
    AppointmentSpec,
    DepartmentSpec,
    FacilitySpec,
    OrgSpec,
    PersonSpec,
    Programme,
    TechniqueSpec,
)
from . import laocai_places as places

K = Organisation.Kind
F = Facility.Kind
CENTRAL, PROVINCIAL, DISTRICT_LEVEL, COMMUNE_LEVEL = (
    TechnicalLevel.CENTRAL, TechnicalLevel.PROVINCIAL, TechnicalLevel.DISTRICT, TechnicalLevel.COMMUNE,
)

DOCTORS_2024 = 1_024  # 12.8 per 10,000 of 800,000
BEDS_TOTAL = 3_048  # 38.1 per 10,000 of 800,000
STATION_BEDS = 5
FORMER_DOCTORS = 16  # left on 30 June 2023: not counted in 2024
DIGITAL = {"has_emr": True, "has_his": True, "has_pacs": True}  # every Lao Cai hospital runs EMR, HIS and RIS-PACS

ORGANISATIONS = [
    OrgSpec("vn-moh", "Ministry of Health of Viet Nam", K.MINISTRY, name_local="Bộ Y tế", country="VN"),
    OrgSpec("vn-hmu", "Hanoi Medical University", K.UNIVERSITY, "vn-moh", "Trường Đại học Y Hà Nội", "VN"),
    OrgSpec("vn-hmuh", "Hanoi Medical University Hospital", K.HOSPITAL, "vn-hmu", "Bệnh viện Đại học Y Hà Nội", "VN"),
    OrgSpec("vn-bachmai", "Bach Mai Hospital", K.HOSPITAL, "vn-moh", "Bệnh viện Bạch Mai", "VN"),
    OrgSpec("vn-vietduc", "Viet Duc University Hospital", K.HOSPITAL, "vn-moh", "Bệnh viện Hữu nghị Việt Đức", "VN"),
    OrgSpec("vn-geriatric", "Central Geriatric Hospital", K.HOSPITAL, "vn-moh", "Bệnh viện Lão khoa Trung ương", "VN"),
    OrgSpec("lc-doh", "Lao Cai Department of Health", K.HEALTH_DEPARTMENT, name_local="Sở Y tế tỉnh Lào Cai",
            country="VN"),
]

# (code, org code, English, Vietnamese, kind, level, grade, district, beds, equipment, departments)
_HOSPITALS = (
    ("BVDK1", "Lao Cai Provincial General Hospital No. 1", "Bệnh viện Đa khoa tỉnh Lào Cai số 1",
     F.GENERAL_HOSPITAL, PROVINCIAL, "I", "TP", 550,
     (("mri", 1), ("ct", 2), ("xray", 4), ("ultrasound", 8), ("ecmo", 1), ("ventilator", 20), ("dialysis", 30),
      ("ecg", 10), ("endoscope", 3), ("laparoscope", 3), ("cath_lab", 1), ("pacs", 6)),
     (DepartmentSpec("Neurosurgery", "Khoa Phẫu thuật Thần kinh", "neurosurgery", 30),
      DepartmentSpec("Intensive Care", "Khoa Hồi sức tích cực", "critical_care", 24),
      DepartmentSpec("Nephrology and Dialysis", "Khoa Thận nhân tạo", "nephrology", 20),
      DepartmentSpec("Orthopaedics and Trauma", "Khoa Chấn thương chỉnh hình", "orthopaedics", 40),
      DepartmentSpec("Oncology", "Khoa Ung bướu", "oncology", 30),
      DepartmentSpec("General Surgery", "Khoa Ngoại tổng hợp", "general_surgery", 45))),
    ("BVDK2", "Lao Cai Provincial General Hospital No. 2", "Bệnh viện Đa khoa tỉnh Lào Cai số 2",
     F.GENERAL_HOSPITAL, PROVINCIAL, "I", "TP", 450,
     (("mri", 1), ("ct", 1), ("xray", 3), ("ultrasound", 6), ("ventilator", 12), ("dialysis", 12), ("ecg", 6),
      ("endoscope", 2), ("laparoscope", 2), ("pacs", 4)),
     (DepartmentSpec("Obstetrics", "Khoa Sản", "obstetrics_gynaecology", 40),
      DepartmentSpec("Anaesthesia and Surgery", "Khoa Gây mê hồi sức", "anaesthesiology", 20),
      DepartmentSpec("Intensive Care", "Khoa Hồi sức tích cực", "critical_care", 16),
      DepartmentSpec("Thoracic Surgery", "Khoa Ngoại lồng ngực", "thoracic_surgery", 20))),
    ("BVDK3", "Lao Cai Provincial General Hospital No. 3", "Bệnh viện Đa khoa tỉnh Lào Cai số 3",
     F.GENERAL_HOSPITAL, PROVINCIAL, "II", "SP", 260,
     (("ct", 1), ("xray", 2), ("ultrasound", 4), ("ventilator", 6), ("laparoscope", 1), ("pacs", 2)), ()),
    ("BVDK4", "Lao Cai Provincial General Hospital No. 4", "Bệnh viện Đa khoa tỉnh Lào Cai số 4",
     F.GENERAL_HOSPITAL, PROVINCIAL, "II", "VB", 200,
     (("ct", 1), ("xray", 2), ("ultrasound", 3), ("ventilator", 4), ("laparoscope", 1), ("pacs", 2)), ()),
    ("KV-BT", "Bao Thang Regional General Hospital", "Bệnh viện Đa khoa khu vực Bảo Thắng",
     F.GENERAL_HOSPITAL, DISTRICT_LEVEL, "II", "BT", 130,
     (("ct", 1), ("xray", 2), ("ultrasound", 3), ("ventilator", 2), ("laparoscope", 1), ("pacs", 1)),
     (DepartmentSpec("Emergency", "Khoa Cấp cứu", "emergency_medicine", 15),
      DepartmentSpec("Surgery", "Khoa Ngoại", "general_surgery", 30))),
    ("KV-BY", "Bao Yen Regional General Hospital", "Bệnh viện Đa khoa khu vực Bảo Yên",
     F.GENERAL_HOSPITAL, DISTRICT_LEVEL, "II", "BY", 130,
     (("xray", 2), ("ultrasound", 3), ("ventilator", 2), ("laparoscope", 1), ("pacs", 1)),
     (DepartmentSpec("Emergency", "Khoa Cấp cứu", "emergency_medicine", 15),
      DepartmentSpec("Surgery", "Khoa Ngoại", "general_surgery", 30))),
    ("KV-BX", "Bat Xat Regional General Hospital", "Bệnh viện Đa khoa khu vực Bát Xát",
     F.GENERAL_HOSPITAL, DISTRICT_LEVEL, "II", "BX", 110,
     (("xray", 1), ("ultrasound", 2), ("ventilator", 2), ("pacs", 1)), ()),
    ("PHCN", "Lao Cai Provincial Rehabilitation Hospital", "Bệnh viện Phục hồi chức năng tỉnh Lào Cai",
     F.SPECIALTY_HOSPITAL, PROVINCIAL, "II", "TP", 80, (("xray", 1), ("ultrasound", 1), ("pacs", 1)),
     (DepartmentSpec("Rehabilitation", "Khoa Phục hồi chức năng", "rehabilitation", 50),
      DepartmentSpec("Geriatric Rehabilitation", "Khoa Phục hồi chức năng người cao tuổi", "geriatrics", 20))),
    ("SN", "Lao Cai Obstetrics and Paediatrics Hospital", "Bệnh viện Sản Nhi tỉnh Lào Cai",
     F.SPECIALTY_HOSPITAL, PROVINCIAL, "II", "TP", 180,
     (("ultrasound", 6), ("ivf_lab", 1), ("ventilator", 6), ("pacs", 1)),
     (DepartmentSpec("Obstetrics", "Khoa Sản", "obstetrics_gynaecology", 60),
      DepartmentSpec("Assisted Reproduction", "Khoa Hỗ trợ sinh sản", "infertility", 10),
      DepartmentSpec("Paediatrics", "Khoa Nhi", "paediatrics", 70))),
    ("YHCT", "Lao Cai Traditional Medicine Hospital", "Bệnh viện Y học cổ truyền tỉnh Lào Cai",
     F.SPECIALTY_HOSPITAL, PROVINCIAL, "II", "TP", 120, (("xray", 1), ("ultrasound", 1), ("pacs", 1)), ()),
    ("NT", "Lao Cai Endocrinology Hospital", "Bệnh viện Nội tiết tỉnh Lào Cai",
     F.SPECIALTY_HOSPITAL, PROVINCIAL, "II", "TP", 80, (("ultrasound", 2), ("pacs", 1)), ()),
    ("TT", "Lao Cai Psychiatric Hospital", "Bệnh viện Tâm thần tỉnh Lào Cai",
     F.SPECIALTY_HOSPITAL, PROVINCIAL, "II", "TP", 50, (("pacs", 1),), ()),
)

# District health centres (Trung tâm Y tế), one per district: beds chosen so the province totals 3,048.
_CENTRE_BEDS = {"TP": 50, "SP": 90, "BX": 58, "BT": 60, "BY": 60, "BH": 80, "MK": 70, "SMC": 60, "VB": 90}
STATIONS_PER_DISTRICT = 2

_COORDS = {  # district seats, roughly
    "TP": ("22.4856", "103.9707"), "SP": ("22.3364", "103.8438"), "BX": ("22.5367", "103.8878"),
    "BT": ("22.3650", "104.1133"), "BY": ("22.2350", "104.4380"), "BH": ("22.5390", "104.2890"),
    "MK": ("22.7640", "104.1110"), "SMC": ("22.6960", "104.2800"), "VB": ("22.0640", "104.2220"),
}


def _district_names() -> dict[str, tuple[str, str]]:
    return {code: (english, local) for code, english, local, *_ in places.DISTRICTS}


def _station_communes(district: str) -> list[tuple[int, str]]:
    """The first communes (not wards or towns) of a district get a station in the demo."""
    names = places.COMMUNE_NAMES[district]
    picked = [(i, n) for i, n in enumerate(names, start=1) if n.startswith("Xã ")]
    return picked[:STATIONS_PER_DISTRICT]


def _facilities_and_orgs() -> tuple[list[FacilitySpec], list[OrgSpec]]:
    facilities, orgs = [], []
    for code, english, local, kind, level, grade, district, beds, equipment, departments in _HOSPITALS:
        org = f"lc-{code.lower()}"
        orgs.append(OrgSpec(org, english, K.HOSPITAL, "lc-doh", local, "VN"))
        lat, lon = _COORDS[district]
        facilities.append(FacilitySpec(
            code=f"VN-LC-{code}", name=english, name_local=local, kind=kind, level=level, organisation=org,
            region=f"VN-LC-{district}", grade=grade, beds=beds, latitude=Decimal(lat), longitude=Decimal(lon),
            languages=("vi", "en"), equipment=equipment, departments=departments, **DIGITAL,
        ))
    for district, (english, local) in _district_names().items():
        place_en = english.removesuffix(" District").removesuffix(" Town").removesuffix(" City")
        place_vi = local.removeprefix("Huyện ").removeprefix("Thị xã ").removeprefix("Thành phố ")
        kind_vi = {"TP": "thành phố", "SP": "thị xã"}.get(district, "huyện")
        org = f"lc-ttyt-{district.lower()}"
        orgs.append(OrgSpec(org, f"{place_en} Health Centre", K.OTHER, "lc-doh", f"Trung tâm Y tế {kind_vi} {place_vi}",
                            "VN"))
        lat, lon = _COORDS[district]
        facilities.append(FacilitySpec(
            code=f"VN-LC-TTYT-{district}", name=f"{place_en} Health Centre",
            name_local=f"Trung tâm Y tế {kind_vi} {place_vi}", kind=F.MEDICAL_CENTRE, level=DISTRICT_LEVEL,
            organisation=org, region=f"VN-LC-{district}", grade="II", beds=_CENTRE_BEDS[district],
            latitude=Decimal(lat), longitude=Decimal(lon), languages=("vi",),
            equipment=(("xray", 1), ("ultrasound", 2), ("ecg", 2), ("pacs", 1)), **DIGITAL,
        ))
        for index, commune in _station_communes(district):
            short = places.short_name(commune)
            facilities.append(FacilitySpec(
                code=f"VN-LC-TYT-{district}-{index:03d}", name=f"{vi_ascii(short)} Commune Health Station",
                name_local=f"Trạm Y tế xã {short}", kind=F.HEALTH_STATION, level=COMMUNE_LEVEL, organisation=org,
                region=places.commune_code(district, index), beds=STATION_BEDS, languages=("vi",),
                equipment=(("ecg", 1),), has_emr=True, has_his=True,
            ))
    central = (
        ("VN-HN-HMUH", "vn-hmuh", "Hanoi Medical University Hospital", "Bệnh viện Đại học Y Hà Nội",
         F.UNIVERSITY_HOSPITAL, "I", 600, ("21.0029", "105.8302")),
        ("VN-HN-BACHMAI", "vn-bachmai", "Bach Mai Hospital", "Bệnh viện Bạch Mai", F.GENERAL_HOSPITAL, "special",
         3200, ("21.0012", "105.8410")),
        ("VN-HN-VIETDUC", "vn-vietduc", "Viet Duc University Hospital", "Bệnh viện Hữu nghị Việt Đức",
         F.GENERAL_HOSPITAL, "special", 1500, ("21.0283", "105.8469")),
        ("VN-HN-GERIATRIC", "vn-geriatric", "Central Geriatric Hospital", "Bệnh viện Lão khoa Trung ương",
         F.SPECIALTY_HOSPITAL, "I", 500, ("21.0003", "105.8405")),
    )
    for code, org, english, local, kind, grade, beds, (lat, lon) in central:
        facilities.append(FacilitySpec(
            code=code, name=english, name_local=local, kind=kind, level=CENTRAL, organisation=org, region="VN-HN",
            grade=grade, beds=beds, latitude=Decimal(lat), longitude=Decimal(lon), languages=("vi", "en", "fr"),
            equipment=(("mri", 3), ("ct", 4), ("ecmo", 4), ("dialysis", 60), ("cath_lab", 2), ("pacs", 10)),
            **DIGITAL,
        ))
    return facilities, orgs


FACILITIES, _HEALTH_ORGS = _facilities_and_orgs()
ORGANISATIONS += _HEALTH_ORGS
LAO_CAI_FACILITIES = [f for f in FACILITIES if f.code.startswith("VN-LC-")]
assert sum(f.beds for f in LAO_CAI_FACILITIES) == BEDS_TOTAL  # 38.1 beds per 10,000 of 800,000

# The techniques the article names, with two they build on (dialysis before kidney transplant,
# invasive ventilation before ECMO). Codes are the demo's own; levels follow the usual split
# between what the national list leaves to provincial hospitals and what it keeps central.
TECHNIQUES = (
    TechniqueSpec("VN-HD", "Haemodialysis", "Lọc máu chu kỳ (thận nhân tạo)", "nephrology", PROVINCIAL, 20,
                  equipment=("dialysis",)),
    TechniqueSpec("VN-MV", "Invasive mechanical ventilation", "Thở máy xâm nhập", "critical_care", PROVINCIAL, 20,
                  equipment=("ventilator",)),
    TechniqueSpec("VN-SDH", "Subdural haematoma removal", "Phẫu thuật lấy máu tụ dưới màng cứng", "neurosurgery",
                  PROVINCIAL, 10, equipment=("ct",)),
    TechniqueSpec("VN-ICH", "Intracranial haematoma removal", "Phẫu thuật lấy máu tụ trong sọ", "neurosurgery",
                  PROVINCIAL, 10, prerequisites=("VN-SDH",), equipment=("ct",)),
    TechniqueSpec("VN-BRAIN", "Brain surgery", "Phẫu thuật sọ não", "neurosurgery", CENTRAL, 20,
                  prerequisites=("VN-ICH",), equipment=("ct", "mri")),
    TechniqueSpec("VN-HIP", "Hip replacement", "Thay khớp háng nhân tạo", "orthopaedics", CENTRAL, 15,
                  equipment=("xray", "ct")),
    TechniqueSpec("VN-ARTHRO", "Arthroscopic surgery", "Phẫu thuật nội soi khớp", "orthopaedics", PROVINCIAL, 15,
                  equipment=("mri",)),
    TechniqueSpec("VN-ECMO", "ECMO", "Kỹ thuật tim phổi nhân tạo (ECMO)", "critical_care", CENTRAL, 5,
                  prerequisites=("VN-MV",), equipment=("ecmo", "ventilator")),
    TechniqueSpec("VN-KTX", "Kidney transplant", "Ghép thận", "transplantation", CENTRAL, 5,
                  prerequisites=("VN-HD",), equipment=("dialysis", "ultrasound")),
    TechniqueSpec("VN-EPI", "Epidural labour analgesia", "Gây tê ngoài màng cứng giảm đau trong đẻ", "anaesthesiology",
                  PROVINCIAL, 30),
    TechniqueSpec("VN-AMNIO-DX", "Diagnostic amniocentesis", "Chọc ối chẩn đoán", "obstetrics_gynaecology",
                  PROVINCIAL, 20, equipment=("ultrasound",)),
    TechniqueSpec("VN-AMNIO-TX", "Therapeutic amniocentesis", "Chọc ối điều trị", "obstetrics_gynaecology",
                  CENTRAL, 10, prerequisites=("VN-AMNIO-DX",), equipment=("ultrasound",)),
    TechniqueSpec("VN-IVF", "In vitro fertilisation (IVF)", "Thụ tinh trong ống nghiệm (IVF)", "infertility",
                  CENTRAL, 30, equipment=("ivf_lab", "ultrasound")),
    TechniqueSpec("VN-GASTRECT", "Gastric resection for cancer", "Phẫu thuật cắt dạ dày điều trị ung thư",
                  "general_surgery", PROVINCIAL, 10, equipment=("endoscope", "ct")),
    TechniqueSpec("VN-WHIPPLE", "Pancreaticoduodenal resection", "Phẫu thuật cắt khối tá tụy", "general_surgery",
                  CENTRAL, 10, prerequisites=("VN-GASTRECT",), equipment=("ct",)),
    TechniqueSpec("VN-LUNG", "Lung tumour resection", "Phẫu thuật cắt u phổi", "thoracic_surgery", CENTRAL, 10,
                  equipment=("ct", "ventilator")),
)


# ---------------------------------------------------------------- people

_NAMES_NEEDED = DOCTORS_2024 + FORMER_DOCTORS + 16


@cache
def _names() -> tuple[tuple[str, str, str], ...]:
    return tuple(vietnamese_names(_NAMES_NEEDED))


_SPECIALTY_CYCLE = (
    "internal_medicine", "general_surgery", "paediatrics", "obstetrics_gynaecology", "emergency_medicine",
    "anaesthesiology", "radiology", "internal_medicine", "orthopaedics", "cardiology", "neurology",
    "critical_care", "infectious_diseases", "ophthalmology", "otorhinolaryngology", "internal_medicine",
)
_TITLE_CYCLE = ("intermediate", "junior", "intermediate", "associate_senior", "junior", "intermediate",
                "senior", "intermediate", "junior", "intermediate")
_POSITION = {"junior": "Physician", "intermediate": "Physician", "associate_senior": "Senior physician",
             "senior": "Head of department"}


def _doctor_seats() -> list[tuple[str, str]]:
    """(facility code, organisation code) for each of the 1,024 doctors.

    One doctor per commune station; the rest shared among hospitals and centres
    in proportion to their beds (largest remainder, so the total is exact).
    """
    stations = [f for f in LAO_CAI_FACILITIES if f.kind == F.HEALTH_STATION]
    others = [f for f in LAO_CAI_FACILITIES if f.kind != F.HEALTH_STATION]
    to_share = DOCTORS_2024 - len(stations)
    beds = sum(f.beds for f in others)
    exact = [(f, to_share * f.beds / beds) for f in others]
    counts = {f.code: int(share) for f, share in exact}
    leftover = to_share - sum(counts.values())
    for f, _share in sorted(exact, key=lambda x: (-(x[1] - int(x[1])), x[0].code))[:leftover]:
        counts[f.code] += 1
    seats = [(f.code, f.organisation) for f in stations]
    for f in others:
        seats += [(f.code, f.organisation)] * counts[f.code]
    return seats


def bulk_people() -> list[PersonSpec]:
    """The 1,024 doctors at work in 2024 and 16 who left in 2023, written in bulk by the loader."""
    names = _names()
    people = []
    for i, (facility, org) in enumerate(_doctor_seats()):
        name, latin, sex = names[i]
        title = _TITLE_CYCLE[i % len(_TITLE_CYCLE)]
        start = date(2005 + (i * 7) % 19, 1 + (i * 5) % 12, 1)
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title=title, organisation=org, languages=("vi",),
            specialties=(_SPECIALTY_CYCLE[i % len(_SPECIALTY_CYCLE)],),
            appointments=(AppointmentSpec(facility, _POSITION[title], start),),
        ))
    for j in range(FORMER_DOCTORS):
        name, latin, sex = names[DOCTORS_2024 + j]
        facility = LAO_CAI_FACILITIES[j % 12]  # the provincial and regional hospitals
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title="intermediate", organisation=facility.organisation,
            languages=("vi",), specialties=(_SPECIALTY_CYCLE[j],),
            qualifications="Left the province in 2023.",
            appointments=(AppointmentSpec(facility.code, "Physician", date(2012 + j % 6, 9, 1), date(2023, 6, 30)),),
        ))
    return people


# Managers (not doctors for the indicator) and central experts, through the services one by one.
_ROTATION = (date(2025, 3, 1), date(2025, 8, 31))
_STAFF = (
    # (organisation, profession, title, specialty, [(facility, position, start, end, department)])
    ("lc-doh", "manager", "senior", "hospital_management", []),
    ("lc-doh", "public_health", "intermediate", "epidemiology", []),
    ("lc-bvdk1", "manager", "senior", "hospital_management",
     [("VN-LC-BVDK1", "Director", date(2018, 1, 1), None, None)]),
    ("lc-bvdk2", "manager", "senior", "hospital_management",
     [("VN-LC-BVDK2", "Director", date(2019, 6, 1), None, None)]),
    ("lc-bvdk3", "manager", "associate_senior", "hospital_management",
     [("VN-LC-BVDK3", "Director", date(2020, 4, 1), None, None)]),
    ("lc-bvdk4", "manager", "associate_senior", "hospital_management",
     [("VN-LC-BVDK4", "Director", date(2021, 2, 1), None, None)]),
    ("vn-bachmai", "doctor", "senior", "critical_care",
     [("VN-HN-BACHMAI", "Intensivist", date(2008, 9, 1), None, None),
      ("VN-LC-BVDK1", "Rotating expert (ECMO)", *_ROTATION, "Intensive Care")]),
    ("vn-bachmai", "doctor", "senior", "nephrology",
     [("VN-HN-BACHMAI", "Nephrologist", date(2006, 3, 1), None, None)]),
    ("vn-vietduc", "doctor", "senior", "neurosurgery",
     [("VN-HN-VIETDUC", "Neurosurgeon", date(2007, 10, 1), None, None),
      ("VN-LC-BVDK1", "Rotating expert (brain surgery)", *_ROTATION, "Neurosurgery")]),
    ("vn-vietduc", "doctor", "senior", "transplantation",
     [("VN-HN-VIETDUC", "Transplant surgeon", date(2009, 1, 1), None, None)]),
    ("vn-vietduc", "doctor", "associate_senior", "orthopaedics",
     [("VN-HN-VIETDUC", "Orthopaedic surgeon", date(2012, 5, 1), None, None)]),
    ("vn-hmuh", "doctor", "senior", "general_surgery",
     [("VN-HN-HMUH", "Surgeon", date(2010, 9, 1), None, None),
      ("VN-LC-BVDK2", "Rotating expert (pancreaticoduodenal resection)", *_ROTATION, None)]),
    ("vn-hmuh", "doctor", "associate_senior", "infertility",
     [("VN-HN-HMUH", "Reproductive medicine specialist", date(2013, 2, 1), None, None)]),
    ("vn-hmuh", "doctor", "associate_senior", "thoracic_surgery",
     [("VN-HN-HMUH", "Thoracic surgeon", date(2014, 7, 1), None, None)]),
    ("vn-geriatric", "doctor", "senior", "geriatrics",
     [("VN-HN-GERIATRIC", "Geriatrician", date(2011, 11, 1), None, None),
      ("VN-LC-PHCN", "Rotating expert (geriatric rehabilitation)", *_ROTATION, "Geriatric Rehabilitation")]),
    ("vn-geriatric", "doctor", "associate_senior", "rehabilitation",
     [("VN-HN-GERIATRIC", "Rehabilitation physician", date(2015, 4, 1), None, None)]),
)
assert len(_STAFF) == _NAMES_NEEDED - DOCTORS_2024 - FORMER_DOCTORS


def _people() -> tuple[PersonSpec, ...]:
    names = _names()[DOCTORS_2024 + FORMER_DOCTORS:]
    people = []
    for (org, profession, title, specialty, posts), (name, latin, sex) in zip(_STAFF, names, strict=True):
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title=title, organisation=org, profession=profession,
            languages=("vi", "en") if org.startswith("vn-") else ("vi",), specialties=(specialty,),
            appointments=tuple(AppointmentSpec(f, pos, s, e, d) for f, pos, s, e, d in posts),
        ))
    return tuple(people)


PROGRAMME = Programme(
    key="laocai",
    network_code="lao-cai",
    network_name="Lao Cai technique transfer",
    network_description=(
        "Lao Cai's provincial, regional and commune facilities with their central partners in Hanoi: "
        "cross-level techniques transferred in phases, support agreements between the provincial hospitals, "
        "and the province's health-system indicators."
    ),
    regions=places.regions(),
    organisations=tuple(ORGANISATIONS),
    facilities=tuple(FACILITIES),
    techniques=TECHNIQUES,
    people=_people(),
    bulk_people=bulk_people,
    users=users_for("laocai", language="vi", time_zone="Asia/Ho_Chi_Minh", seats={
        "admin": (("lc-doh",), "Hoàng Minh Tuấn"),
        "coordinator": (("lc-doh",), "Đỗ Thu Hằng"),
        "clinician": (("lc-kv-by",), "Lò Văn Khánh"),
        "consultant": (("vn-bachmai",), "Ngô Thanh Hương"),
        "analyst": (("lc-doh",), "Vũ Đức Long"),
    }),
)
