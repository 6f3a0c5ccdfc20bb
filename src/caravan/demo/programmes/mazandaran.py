"""1. Mazandaran, Iran: international patients and country MoUs (seeds/000).

The hospitals the article names as ready to admit foreign patients, run by
Mazandaran University of Medical Sciences (public) or privately; the six MoU
countries, each with its ministry of health. Which specialties each hospital
is ready in follows the Tajik delegation's tour (infertility, urology,
oncology, cardiology, gastroenterology) and is otherwise illustrative; beds and
positions are approximate. Every person is invented.
"""

from datetime import date
from decimal import Decimal

from caravan.core.models import Organisation
from caravan.registry.models import Facility, TechnicalLevel

from ..accounts import users_for
from ..names import persian_names
from ..spec import AppointmentSpec, DepartmentSpec, FacilitySpec, OrgSpec, PersonSpec, Programme, RegionSpec
from .common import DISTRICT, PROVINCE

K = Organisation.Kind
F = Facility.Kind
PRIVATE = Facility.Ownership.PRIVATE

REGIONS = (
    RegionSpec("IR-MZ", "Mazandaran", PROVINCE, "IR", "استان مازندران",
               populations={2020: 3_320_000, 2021: 3_335_000, 2022: 3_350_000, 2023: 3_365_000,
                            2024: 3_380_000, 2025: 3_395_000}),
    RegionSpec("IR-MZ-SAR", "Sari", DISTRICT, "IR-MZ", "شهرستان ساری"),
    RegionSpec("IR-MZ-BEH", "Behshahr", DISTRICT, "IR-MZ", "شهرستان بهشهر"),
    RegionSpec("IR-MZ-RAM", "Ramsar", DISTRICT, "IR-MZ", "شهرستان رامسر"),
    RegionSpec("IR-MZ-CHA", "Chalus", DISTRICT, "IR-MZ", "شهرستان چالوس"),
    RegionSpec("IR-MZ-JUY", "Juybar", DISTRICT, "IR-MZ", "شهرستان جویبار"),
    RegionSpec("IR-MZ-AMO", "Amol", DISTRICT, "IR-MZ", "شهرستان آمل"),
    RegionSpec("IR-MZ-QAE", "Qaemshahr", DISTRICT, "IR-MZ", "شهرستان قائم‌شهر"),
)

ORGANISATIONS = (
    OrgSpec("mazums", "Mazandaran University of Medical Sciences", K.UNIVERSITY,
            name_local="دانشگاه علوم پزشکی مازندران", country="IR"),
    OrgSpec("mazums-intl", "International Affairs Office, Mazandaran University of Medical Sciences", K.OTHER,
            "mazums", "مدیریت امور بین‌الملل دانشگاه علوم پزشکی مازندران", "IR"),
    OrgSpec("mz-khatam", "Khatam Hospital, Behshahr", K.HOSPITAL, "mazums", "بیمارستان خاتم بهشهر", "IR"),
    OrgSpec("mz-fatemeh-zahra", "Fatemeh Zahra Hospital, Sari", K.HOSPITAL, "mazums",
            "بیمارستان فاطمه زهرا ساری", "IR"),
    OrgSpec("mz-imam-khomeini", "Imam Khomeini Hospital, Sari", K.HOSPITAL, "mazums",
            "بیمارستان امام خمینی ساری", "IR"),
    OrgSpec("mz-ramsar", "Ramsar Hospital", K.HOSPITAL, "mazums", "بیمارستان رامسر", "IR"),
    OrgSpec("mz-chalus", "Chalus Hospital", K.HOSPITAL, "mazums", "بیمارستان چالوس", "IR"),
    OrgSpec("mz-razi", "Razi Hospital, Qaemshahr", K.HOSPITAL, "mazums", "بیمارستان رازی قائم‌شهر", "IR"),
    # Private hospitals answer to their owners, not to the university.
    OrgSpec("mz-fakouri", "Fakouri Hospital, Juybar", K.HOSPITAL, name_local="بیمارستان فکوری جویبار", country="IR"),
    OrgSpec("mz-shafa", "Shafa Hospital, Sari", K.HOSPITAL, name_local="بیمارستان شفا ساری", country="IR"),
    OrgSpec("mz-shomal", "Shomal Hospital, Amol", K.HOSPITAL, name_local="بیمارستان شمال آمل", country="IR"),
    # The MoU partners.
    OrgSpec("zw-mohcc", "Ministry of Health and Child Care, Zimbabwe", K.MINISTRY, country="ZW"),
    OrgSpec("bh-moh", "Ministry of Health, Kingdom of Bahrain", K.MINISTRY, name_local="وزارة الصحة، مملكة البحرين",
            country="BH"),
    OrgSpec("bd-mohfw", "Ministry of Health and Family Welfare, Bangladesh", K.MINISTRY,
            name_local="স্বাস্থ্য ও পরিবার কল্যাণ মন্ত্রণালয়", country="BD"),
    OrgSpec("ly-moh", "Ministry of Health, Libya", K.MINISTRY, name_local="وزارة الصحة الليبية", country="LY"),
    OrgSpec("sc-moh", "Ministry of Health, Seychelles", K.MINISTRY, country="SC"),
    OrgSpec("tj-moh", "Ministry of Health and Social Protection of Population, Tajikistan", K.MINISTRY,
            name_local="Вазорати тандурустӣ ва ҳифзи иҷтимоии аҳолии Ҷумҳурии Тоҷикистон", country="TJ"),
)


def _d(value: str) -> Decimal:
    return Decimal(value)


def _hospital(code, org, region, name, name_local, beds, lat, lon, *, ready_for, languages=("fa", "en"),
              kind=F.GENERAL_HOSPITAL, grade="II", level=TechnicalLevel.PROVINCIAL, ownership="public",
              equipment=(), departments=()):
    return FacilitySpec(
        code=code, name=name, name_local=name_local, kind=kind, level=level, organisation=org, region=region,
        grade=grade, ownership=ownership, beds=beds, latitude=_d(lat), longitude=_d(lon), has_emr=True,
        has_his=True, has_pacs=True, languages=languages, ready_for=ready_for, equipment=equipment,
        departments=departments,
    )


FACILITIES = (
    _hospital("IR-MZ-IK-SARI", "mz-imam-khomeini", "IR-MZ-SAR", "Imam Khomeini Hospital, Sari",
              "بیمارستان امام خمینی ساری", 650, "36.5633", "53.0601", grade="I",
              ready_for=("oncology", "urology", "gastroenterology"), languages=("fa", "en", "ar", "tg"),
              equipment=(("ct", 2), ("mri", 1), ("linac", 1), ("endoscope", 3), ("ultrasound", 6), ("pacs", 4)),
              departments=(DepartmentSpec("Oncology", "بخش آنکولوژی", "oncology", 40),
                           DepartmentSpec("Urology", "بخش اورولوژی", "urology", 30),
                           DepartmentSpec("Gastroenterology", "بخش گوارش", "gastroenterology", 30),
                           DepartmentSpec("International Patients Unit", "واحد بیماران بین‌الملل", None, 6))),
    _hospital("IR-MZ-FZ-SARI", "mz-fatemeh-zahra", "IR-MZ-SAR", "Fatemeh Zahra Hospital, Sari",
              "بیمارستان فاطمه زهرا ساری", 220, "36.5701", "53.0512", grade="I", kind=F.SPECIALTY_HOSPITAL,
              ready_for=("cardiology", "cardiac_surgery"), languages=("fa", "en", "tg"),
              equipment=(("cath_lab", 2), ("ecg", 12), ("ultrasound", 4), ("ventilator", 14)),
              departments=(DepartmentSpec("Cardiology", "بخش قلب", "cardiology", 60),
                           DepartmentSpec("Cardiac Surgery", "بخش جراحی قلب", "cardiac_surgery", 30))),
    _hospital("IR-MZ-RAZI-QAE", "mz-razi", "IR-MZ-QAE", "Razi Hospital, Qaemshahr", "بیمارستان رازی قائم‌شهر",
              370, "36.4631", "52.8600", ready_for=("infertility", "urology", "obstetrics_gynaecology"),
              languages=("fa", "en", "tg"),
              equipment=(("ivf_lab", 1), ("ultrasound", 5), ("laparoscope", 2)),
              departments=(DepartmentSpec("Infertility", "بخش درمان ناباروری", "infertility", 12),
                           DepartmentSpec("Urology", "بخش اورولوژی", "urology", 24))),
    _hospital("IR-MZ-KHATAM-BEH", "mz-khatam", "IR-MZ-BEH", "Khatam Hospital, Behshahr", "بیمارستان خاتم بهشهر",
              200, "36.6923", "53.5526", level=TechnicalLevel.DISTRICT,
              ready_for=("general_surgery", "internal_medicine"), equipment=(("ct", 1), ("ultrasound", 3))),
    _hospital("IR-MZ-RAMSAR", "mz-ramsar", "IR-MZ-RAM", "Ramsar Hospital", "بیمارستان رامسر", 150,
              "36.9031", "50.6583", level=TechnicalLevel.DISTRICT,
              ready_for=("orthopaedics", "internal_medicine"), equipment=(("ct", 1), ("xray", 2))),
    _hospital("IR-MZ-CHALUS", "mz-chalus", "IR-MZ-CHA", "Chalus Hospital", "بیمارستان چالوس", 180,
              "36.6559", "51.4204", level=TechnicalLevel.DISTRICT,
              ready_for=("emergency_medicine", "general_surgery"), equipment=(("ct", 1), ("xray", 2))),
    _hospital("IR-MZ-FAKOURI-JUY", "mz-fakouri", "IR-MZ-JUY", "Fakouri Hospital, Juybar", "بیمارستان فکوری جویبار",
              100, "36.6412", "52.9126", ownership=PRIVATE, level=TechnicalLevel.DISTRICT,
              ready_for=("infertility", "ophthalmology"), equipment=(("ivf_lab", 1), ("ultrasound", 2))),
    _hospital("IR-MZ-SHAFA-SARI", "mz-shafa", "IR-MZ-SAR", "Shafa Hospital, Sari", "بیمارستان شفا ساری", 120,
              "36.5585", "53.0710", ownership=PRIVATE, ready_for=("urology", "general_surgery"),
              languages=("fa", "en", "ar"), equipment=(("laparoscope", 2), ("ct", 1))),
    _hospital("IR-MZ-SHOMAL-AMOL", "mz-shomal", "IR-MZ-AMO", "Shomal Hospital, Amol", "بیمارستان شمال آمل", 150,
              "36.4696", "52.3507", ownership=PRIVATE, ready_for=("cardiology", "orthopaedics"),
              equipment=(("cath_lab", 1), ("mri", 1))),
)

# (organisation, facility, profession, title, specialty, position, department, start)
_STAFF = (
    ("mazums-intl", None, "manager", "senior", "hospital_management", "", None, None),
    ("mazums-intl", None, "manager", "intermediate", "hospital_management", "", None, None),
    ("mz-imam-khomeini", "IR-MZ-IK-SARI", "doctor", "senior", "oncology", "Head of oncology", "Oncology",
     date(2012, 9, 1)),
    ("mz-imam-khomeini", "IR-MZ-IK-SARI", "doctor", "associate_senior", "urology", "Urologist", "Urology",
     date(2015, 3, 1)),
    ("mz-imam-khomeini", "IR-MZ-IK-SARI", "doctor", "associate_senior", "gastroenterology", "Gastroenterologist",
     "Gastroenterology", date(2016, 10, 1)),
    ("mz-imam-khomeini", "IR-MZ-IK-SARI", "nurse", "intermediate", "nursing", "International patients nurse",
     "International Patients Unit", date(2019, 5, 1)),
    ("mz-fatemeh-zahra", "IR-MZ-FZ-SARI", "doctor", "senior", "cardiology", "Head of cardiology", "Cardiology",
     date(2010, 2, 1)),
    ("mz-fatemeh-zahra", "IR-MZ-FZ-SARI", "doctor", "associate_senior", "cardiac_surgery", "Cardiac surgeon",
     "Cardiac Surgery", date(2014, 1, 15)),
    ("mz-fatemeh-zahra", "IR-MZ-FZ-SARI", "doctor", "intermediate", "cardiology", "Interventional cardiologist",
     "Cardiology", date(2020, 9, 1)),
    ("mz-razi", "IR-MZ-RAZI-QAE", "doctor", "senior", "infertility", "Head of infertility", "Infertility",
     date(2011, 4, 1)),
    ("mz-razi", "IR-MZ-RAZI-QAE", "doctor", "associate_senior", "urology", "Urologist", "Urology", date(2017, 6, 1)),
    ("mz-khatam", "IR-MZ-KHATAM-BEH", "doctor", "associate_senior", "general_surgery", "General surgeon", None,
     date(2013, 8, 1)),
    ("mz-ramsar", "IR-MZ-RAMSAR", "doctor", "associate_senior", "orthopaedics", "Orthopaedic surgeon", None,
     date(2016, 1, 1)),
    ("mz-chalus", "IR-MZ-CHALUS", "doctor", "intermediate", "emergency_medicine", "Emergency physician", None,
     date(2018, 3, 1)),
    ("mz-fakouri", "IR-MZ-FAKOURI-JUY", "doctor", "associate_senior", "infertility", "Infertility specialist", None,
     date(2015, 9, 1)),
    ("mz-shafa", "IR-MZ-SHAFA-SARI", "doctor", "senior", "urology", "Urologist", None, date(2009, 11, 1)),
    ("mz-shomal", "IR-MZ-SHOMAL-AMOL", "doctor", "associate_senior", "cardiology", "Cardiologist", None,
     date(2014, 5, 1)),
    ("mz-shomal", "IR-MZ-SHOMAL-AMOL", "doctor", "intermediate", "orthopaedics", "Orthopaedic surgeon", None,
     date(2021, 2, 1)),
)


def _people() -> tuple[PersonSpec, ...]:
    names = persian_names(len(_STAFF))
    people = []
    for (org, facility, profession, title, specialty, position, department, start), (name, latin, sex) in zip(
        _STAFF, names, strict=True
    ):
        posts = (AppointmentSpec(facility, position, start, department=department),) if facility else ()
        people.append(PersonSpec(
            name=name, name_latin=latin, sex=sex, title=title, organisation=org, profession=profession,
            languages=("fa", "en"), specialties=(specialty,), appointments=posts,
            qualifications="International patients office" if org == "mazums-intl" else "",
        ))
    # In the past, doctors from India and Bangladesh served in the province (the article); two invented ones.
    people.append(PersonSpec(
        name="अनिल मेहरा", name_latin="Anil Mehra", sex="male", title="associate_senior", organisation="mazums",
        languages=("hi", "en"), specialties=("internal_medicine",),
        qualifications="Served in Mazandaran when the province lacked specialists.",
        appointments=(AppointmentSpec("IR-MZ-KHATAM-BEH", "Internist", date(2004, 9, 1), date(2009, 8, 31)),),
    ))
    people.append(PersonSpec(
        name="তানভীর আহমেদ", name_latin="Tanvir Ahmed", sex="male", title="intermediate", organisation="mazums",
        languages=("bn", "en"), specialties=("general_surgery",),
        qualifications="Served in Mazandaran when the province lacked specialists.",
        appointments=(AppointmentSpec("IR-MZ-CHALUS", "General surgeon", date(2006, 1, 15), date(2010, 12, 31)),),
    ))
    return tuple(people)


PROGRAMME = Programme(
    key="mazandaran",
    network_code="mazandaran",
    network_name="Mazandaran international health",
    network_description=(
        "Mazandaran University of Medical Sciences and the province's public and private hospitals admit "
        "10-15 foreign patients a month; MoUs with Zimbabwe, Bahrain, Bangladesh, Libya, Seychelles and "
        "Tajikistan cover training of medical personnel and sending patients to Mazandaran."
    ),
    regions=REGIONS,
    organisations=ORGANISATIONS,
    facilities=FACILITIES,
    people=_people(),
    users=users_for("mazandaran", language="fa", time_zone="Asia/Tehran", seats={
        "admin": (("mazums",), "کاوه رستمی"),
        "coordinator": (("mazums",), "الناز کیانی"),
        "clinician": (("mz-razi",), "بابک نادری"),
        "consultant": (("mz-fatemeh-zahra",), "شهره امینی"),
        "analyst": (("mazums",), "پژمان فلاحی"),
    }),
)
