"""The agreements and visits of the five programmes, loaded through the services.

Every agreement is looked up by its reference code and every visit by its
title; a row is written only when it is missing or differs, so a second load on
the same day changes nothing and writes no audit event. Dates that must stay
true whenever the demo is loaded (an agreement ending within 90 days, recent
visits) are computed from today at load time; a load on a later day moves them.

People named here are invented; organisations and places are those of the
programmes (see DOMAIN.md).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from caravan.core.models import Organisation
from caravan.registry.models import Department, Facility

from . import services, visit_services
from .models import Agreement, Visit


@dataclass(frozen=True)
class PartySpec:
    org: str
    role: str
    signatory: str
    title: str
    signed: bool = True


@dataclass(frozen=True)
class AgreementSpec:
    code: str
    kind: str
    title: str
    title_local: str
    parties: tuple[PartySpec, ...]
    scopes: tuple[str, ...]
    commitments: tuple[tuple[str, str, str], ...]  # (metric, target, period)
    start: date
    end: date | None
    status: str
    signed_on: date | None
    public: bool = False
    parent: str | None = None
    summary: str = ""


@dataclass(frozen=True)
class StopSpec:
    day: int  # days after the visit's first day
    at: str  # local time, "09:30"
    topic: str
    topic_local: str
    facility: str | None = None
    department: str | None = None
    place: str = ""
    host: str = ""
    minutes: int = 60


@dataclass(frozen=True)
class VisitSpec:
    title: str
    title_local: str
    purpose: str
    agreement: str | None
    start: date
    days: int
    time_zone: str
    language: str
    status: str
    visiting: tuple[str, ...]
    hosts: tuple[str, ...]
    participants: tuple[tuple[str, str, str | None, str], ...] = ()  # (name, position, org, side)
    stops: tuple[StopSpec, ...] = ()
    outcomes: tuple[tuple[str, str | None, str], ...] = ()  # (kind, agreement code, description)
    extra: dict = field(default_factory=dict)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------- agreements


def agreements(today: date) -> list[AgreementSpec]:
    """Every demo agreement; those meant to be in force end a few years from today."""
    in_force_until = date(today.year + 3, 12, 31)
    mz = PartySpec("mazums", "lead", "Dr. Kamran Yazdani", "Chancellor, Mazandaran University of Medical Sciences")
    mz_scopes = ("training", "patient_referral")
    mz_commitments = (("visits", "1", "year"), ("people_trained", "20", "year"))
    shougang_tour_end = today - timedelta(days=209)
    bat_xat_start = today - timedelta(days=730)
    return [
        # 1. Mazandaran's country MoUs: training of medical personnel and sending patients to Mazandaran.
        AgreementSpec(
            "MZ-TJ-2022", "mou", "Mazandaran–Tajikistan memorandum on training and patient referral",
            "تفاهم‌نامه مازندران و تاجیکستان", (mz, PartySpec("tj-moh", "partner", "Dr. Firuz Saidov",
                                                               "Deputy Minister of Health")),
            mz_scopes + ("staff_exchange",), mz_commitments, date(2022, 3, 1), in_force_until, "active",
            date(2022, 2, 20), public=True,
        ),
        AgreementSpec(
            "MZ-ZW-2021", "mou", "Mazandaran–Zimbabwe memorandum on training of medical personnel",
            "تفاهم‌نامه مازندران و زیمبابوه",
            (mz, PartySpec("zw-mohcc", "partner", "Dr. Tendai Moyo", "Permanent Secretary for Health")),
            mz_scopes, mz_commitments, date(2021, 9, 1), in_force_until, "active", date(2021, 8, 25), public=True,
        ),
        AgreementSpec(
            "MZ-BH-2023", "mou", "Mazandaran–Bahrain memorandum on patient referral", "تفاهم‌نامه مازندران و بحرین",
            (mz, PartySpec("bh-moh", "partner", "Dr. Hamad Al-Khalifa", "Assistant Undersecretary")),
            mz_scopes, (("visits", "1", "year"), ("patients_referred", "30", "year")), date(2023, 1, 15),
            in_force_until, "active", date(2023, 1, 10), public=True,
        ),
        AgreementSpec(
            "MZ-BD-2024", "mou", "Mazandaran–Bangladesh memorandum on training and faculty exchange",
            "تفاهم‌نامه مازندران و بنگلادش",
            (mz, PartySpec("bd-mohfw", "partner", "Dr. Anisur Rahman", "Additional Secretary", signed=False)),
            mz_scopes + ("staff_exchange",), mz_commitments, date(2024, 6, 1), in_force_until, "signed",
            date(2024, 5, 28),
        ),
        # Dormant: in force since 2021, its last activity long past.
        AgreementSpec(
            "MZ-LY-2021", "mou", "Mazandaran–Libya memorandum on patient referral", "تفاهم‌نامه مازندران و لیبی",
            (mz, PartySpec("ly-moh", "partner", "Dr. Salem Ben Ali", "Director of International Cooperation")),
            mz_scopes, (("visits", "1", "year"), ("patients_referred", "20", "year")), date(2021, 6, 1),
            in_force_until, "active", date(2021, 5, 30), public=True,
        ),
        # Expiring: ends within 90 days of today.
        AgreementSpec(
            "MZ-SC-2021", "mou", "Mazandaran–Seychelles memorandum on training and referral",
            "تفاهم‌نامه مازندران و سیشل",
            (mz, PartySpec("sc-moh", "partner", "Dr. Marie Hoareau", "Principal Secretary for Health")),
            mz_scopes, mz_commitments, date(2021, 11, 1), today + timedelta(days=60), "active", date(2021, 10, 20),
            public=True,
        ),
        # 2. Lao Cai: a provincial support framework and the hospital-to-hospital agreements that implement it.
        AgreementSpec(
            "LC-SUPPORT-2020", "aid_framework", "Lao Cai framework for support between hospitals",
            "Khung hỗ trợ chuyên môn giữa các bệnh viện tỉnh Lào Cai",
            (PartySpec("lc-doh", "lead", "Dr. Nguyễn Văn Hải", "Director, Department of Health"),
             PartySpec("lc-bvdk1", "supporter", "Dr. Trần Quốc Bảo", "Director"),
             PartySpec("lc-bvdk2", "supporter", "Dr. Phạm Thị Lan", "Director")),
            ("technique_transfer", "training", "staff_exchange"), (), date(2020, 1, 1), None, "active",
            date(2019, 12, 20), public=True,
        ),
        AgreementSpec(
            "LC-BV1-BV4-2021", "support", "General Hospital No. 1 supports General Hospital No. 4",
            "Bệnh viện Đa khoa tỉnh số 1 hỗ trợ Bệnh viện Đa khoa tỉnh số 4",
            (PartySpec("lc-bvdk1", "supporter", "Dr. Trần Quốc Bảo", "Director"),
             PartySpec("lc-bvdk4", "recipient", "Dr. Hoàng Văn Minh", "Director")),
            ("technique_transfer", "training", "staff_exchange"),
            (("visits", "4", "year"), ("techniques_transferred", "5", "year")), date(2021, 3, 1), in_force_until,
            "active", date(2021, 2, 25), parent="LC-SUPPORT-2020",
        ),
        AgreementSpec(
            "LC-BV2-BV3-2021", "support", "General Hospital No. 2 supports General Hospital No. 3",
            "Bệnh viện Đa khoa tỉnh số 2 hỗ trợ Bệnh viện Đa khoa tỉnh số 3",
            (PartySpec("lc-bvdk2", "supporter", "Dr. Phạm Thị Lan", "Director"),
             PartySpec("lc-bvdk3", "recipient", "Dr. Lương Văn Tùng", "Director")),
            ("technique_transfer", "training"), (("visits", "2", "year"), ("people_trained", "15", "year")),
            date(2021, 6, 1), in_force_until, "active", date(2021, 5, 25), parent="LC-SUPPORT-2020",
        ),
        AgreementSpec(
            "LC-BV2-BT-2022", "support", "General Hospital No. 2 supports Bao Thang Regional Hospital",
            "Bệnh viện Đa khoa tỉnh số 2 hỗ trợ Bệnh viện Đa khoa khu vực Bảo Thắng",
            (PartySpec("lc-bvdk2", "supporter", "Dr. Phạm Thị Lan", "Director"),
             PartySpec("lc-kv-bt", "recipient", "Dr. Vàng A Sùng", "Director")),
            ("technique_transfer", "training", "difficult_cases"), (("visits", "2", "year"),), date(2022, 4, 1),
            in_force_until, "active", date(2022, 3, 28), parent="LC-SUPPORT-2020",
        ),
        AgreementSpec(
            "LC-BV2-BY-2022", "support", "General Hospital No. 2 supports Bao Yen Regional Hospital",
            "Bệnh viện Đa khoa tỉnh số 2 hỗ trợ Bệnh viện Đa khoa khu vực Bảo Yên",
            (PartySpec("lc-bvdk2", "supporter", "Dr. Phạm Thị Lan", "Director"),
             PartySpec("lc-kv-by", "recipient", "Dr. Đặng Thị Mai", "Director")),
            ("technique_transfer", "training", "difficult_cases"), (("visits", "2", "year"),), date(2022, 4, 1),
            in_force_until, "active", date(2022, 3, 28), parent="LC-SUPPORT-2020",
        ),
        # Behind target: two years into a three-year term with a fraction of the visits it promised.
        AgreementSpec(
            "LC-BV2-BX", "support", "General Hospital No. 2 supports Bat Xat Regional Hospital",
            "Bệnh viện Đa khoa tỉnh số 2 hỗ trợ Bệnh viện Đa khoa khu vực Bát Xát",
            (PartySpec("lc-bvdk2", "supporter", "Dr. Phạm Thị Lan", "Director"),
             PartySpec("lc-kv-bx", "recipient", "Dr. Giàng Seo Phử", "Director")),
            ("technique_transfer", "training", "difficult_cases"), (("visits", "24", "term"),), bat_xat_start,
            bat_xat_start + timedelta(days=1095), "active", bat_xat_start - timedelta(days=5),
            parent="LC-SUPPORT-2020",
        ),
        # 3. The tripartite cancer MoU, signed on the last day of the delegation's tour of Shougang.
        AgreementSpec(
            "SG-MN-KZ", "mou", "Tripartite memorandum on cancer care, education and research",
            "关于肿瘤诊疗、教育和科研合作的三方谅解备忘录",
            (PartySpec("cn-pku-shougang", "lead", "Dr. Zhao Mingyuan", "President"),
             PartySpec("mn-ncc", "partner", "Dr. Bat-Erdene Tsogt", "Director General"),
             PartySpec("kz-ncrc", "partner", "Dr. Aidar Seitkali", "Chairman of the Board")),
            ("patient_referral", "continuing_education", "research", "difficult_cases", "staff_exchange"),
            (("visits", "2", "year"), ("people_trained", "20", "year")), shougang_tour_end,
            _years_after(shougang_tour_end, 5), "active", shougang_tour_end, public=True,
        ),
        # 4. Russia sends an emergency team to Kazakhstan; the stay is open-ended.
        AgreementSpec(
            "RU-KZ-EMT-2020", "support", "Russian emergency medical assistance to Kazakhstan (COVID-19)",
            "Экстренная медицинская помощь России Казахстану (COVID-19)",
            (PartySpec("ru-moh", "supporter", "Dr. Sergei Volkov", "Deputy Minister of Health"),
             PartySpec("kz-moh", "recipient", "Dr. Yerlan Abenov", "Vice Minister of Health")),
            ("emergency_response", "training", "teleconsultation"),
            (("experts_deployed", "32", "term"), ("courses_held", "6", "year")), date(2020, 7, 6), None, "active",
            date(2020, 7, 3), public=True,
        ),
        # 5. Shandong's strategic agreement with Haibei, May 2018.
        AgreementSpec(
            "SD-HB-2018", "cooperation", "Shandong–Haibei strategic cooperation agreement", "鲁海对口支援战略合作协议",
            (PartySpec("cn-sd-hc", "supporter", "Dr. Liu Jianguo", "Director, Provincial Health Commission"),
             PartySpec("cn-hb-hc", "recipient", "Dr. Ma Xiaolan", "Director, Prefecture Health Commission")),
            ("staff_exchange", "training", "teleconsultation", "technique_transfer", "difficult_cases"),
            (("experts_deployed", "12", "year"), ("visits", "2", "year"), ("people_trained", "100", "year")),
            date(2018, 5, 1), None, "active", date(2018, 5, 18), public=True,
        ),
    ]


# ---------------------------------------------------------------- visits


def visits(today: date) -> list[VisitSpec]:
    tajik = today - timedelta(days=40)
    shougang = today - timedelta(days=210)
    ik, razi, fz = "IR-MZ-IK-SARI", "IR-MZ-RAZI-QAE", "IR-MZ-FZ-SARI"
    sg = "CN-BJ-PKUSG"
    return [
        VisitSpec(
            "Tajik delegation's tour of Mazandaran's hospitals", "بازدید هیئت تاجیکستان از بیمارستان‌های مازندران",
            "See the services Mazandaran offers Tajik patients: infertility, urology, oncology, cardiology and "
            "gastroenterology.", "MZ-TJ-2022", tajik, 3, "Asia/Tehran", "fa", "held",
            ("tj-moh",), ("mazums-intl", "mz-imam-khomeini", "mz-razi", "mz-fatemeh-zahra"),
            participants=(
                ("Dr. Firuz Saidov", "Deputy Minister of Health, head of the delegation", "tj-moh", "visiting"),
                ("Dr. Nigina Karimova", "Chief oncologist", "tj-moh", "visiting"),
                ("Dr. Kamran Yazdani", "Chancellor", "mazums", "host"),
            ),
            stops=(
                StopSpec(0, "09:00", "Oncology ward and chemotherapy day unit", "بخش آنکولوژی و شیمی‌درمانی روزانه",
                         ik, "Oncology", host="Head of oncology"),
                StopSpec(0, "10:30", "Urology ward", "بخش اورولوژی", ik, "Urology", host="Head of urology"),
                StopSpec(0, "12:00", "Endoscopy and gastroenterology", "بخش گوارش و آندوسکوپی", ik,
                         "Gastroenterology", host="Head of gastroenterology"),
                StopSpec(0, "14:00", "International patients unit: admission of foreign patients",
                         "واحد بیماران بین‌الملل: پذیرش بیماران خارجی", ik, "International Patients Unit",
                         host="Head of the international office"),
                StopSpec(1, "09:30", "Infertility treatment centre", "مرکز درمان ناباروری", razi, "Infertility",
                         host="Head of the infertility centre"),
                StopSpec(1, "11:00", "Urology and kidney stones", "اورولوژی و سنگ کلیه", razi, "Urology",
                         host="Head of urology"),
                StopSpec(2, "09:00", "Cardiology and the catheterisation laboratory", "بخش قلب و آنژیوگرافی", fz,
                         "Cardiology", host="Head of cardiology"),
                StopSpec(2, "10:30", "Cardiac surgery", "جراحی قلب", fz, "Cardiac Surgery",
                         host="Head of cardiac surgery", minutes=90),
            ),
            outcomes=(("plan_agreed", None, "A referral pathway for Tajik patients in oncology and cardiology."),),
        ),
        VisitSpec(
            "Mongolian and Kazakh delegation's tour of Shougang", "Визит монгольской и казахстанской делегации в "
            "больницу Шоуган", "Visit the hospital and sign the tripartite memorandum on cancer care.", None,
            shougang, 2, "Asia/Shanghai", "ru", "held", ("mn-ncc", "kz-ncrc", "kz-upd-hospital"),
            ("cn-pku-shougang",),
            participants=(
                ("Dr. Bat-Erdene Tsogt", "Director General", "mn-ncc", "visiting"),
                ("Dr. Aidar Seitkali", "Chairman of the Board", "kz-ncrc", "visiting"),
                ("Dr. Dana Nurlanovna", "Deputy director", "kz-upd-hospital", "visiting"),
                ("Dr. Zhao Mingyuan", "President", "cn-pku-shougang", "host"),
            ),
            stops=(
                StopSpec(0, "09:00", "Hospital culture wall", "Стена истории и культуры больницы", sg,
                         place="Main hall", host="Head of the international office", minutes=30),
                StopSpec(0, "09:45", "VIP clinic (special needs services)", "VIP-клиника (особые услуги)", sg,
                         "Special Needs Services (VIP clinic)", host="Head of special needs services"),
                StopSpec(0, "11:00", "Automated pharmacy dispensing", "Автоматизированная аптека", sg,
                         place="Outpatient pharmacy", host="Head pharmacist", minutes=45),
                StopSpec(0, "14:00", "Hospice centre", "Хоспис", sg, "Hospice Centre", host="Head nurse, hospice"),
                StopSpec(0, "15:30", "Health-management centre", "Центр управления здоровьем", sg,
                         "Health Management Centre", host="Director of health management"),
                StopSpec(1, "09:00", "Simulation training centre: laparoscopic and endoscopic simulators",
                         "Симуляционный центр: лапароскопические и эндоскопические тренажёры", sg,
                         "Medical Simulation Training Centre", host="Simulation training instructor", minutes=90),
                StopSpec(1, "14:00", "Signing of the tripartite memorandum", "Подписание трёхстороннего меморандума",
                         sg, place="Conference hall", host="President"),
            ),
            outcomes=(("agreement_signed", "SG-MN-KZ", "Signed by the three centres on the last day of the visit."),),
        ),
        VisitSpec(
            "Mongolian surgeons' exchange visit to Shougang", "Монгольские хирурги в больнице Шоуган",
            "Hepatobiliary and gastric surgery: joint rounds and a difficult-case conference.", "SG-MN-KZ",
            today - timedelta(days=30), 3, "Asia/Shanghai", "ru", "held", ("mn-ncc",), ("cn-pku-shougang",),
            stops=(StopSpec(0, "09:00", "Gastrointestinal surgery: joint ward round", "Совместный обход", sg,
                            "Gastrointestinal Surgery", host="Head of gastrointestinal surgery", minutes=120),),
        ),
        VisitSpec(
            "Libyan health ministry's visit to Sari", "زيارة وزارة الصحة الليبية إلى ساري",
            "Discuss referrals of Libyan patients.", "MZ-LY-2021", date(2022, 10, 16), 2, "Asia/Tehran", "en",
            "held", ("ly-moh",), ("mazums-intl", "mz-imam-khomeini"),
        ),
        VisitSpec(
            "Bahraini referral coordinators in Sari", "", "Agree how referred patients are received.", "MZ-BH-2023",
            today - timedelta(days=90), 1, "Asia/Tehran", "en", "held", ("bh-moh",), ("mazums-intl",),
        ),
        VisitSpec(
            "Zimbabwean nursing tutors in Mazandaran", "", "Plan the training of Zimbabwean nurses.", "MZ-ZW-2021",
            today - timedelta(days=150), 2, "Asia/Tehran", "en", "held", ("zw-mohcc",), ("mazums",),
        ),
        VisitSpec(
            "Seychelles nurses' training visit", "", "Two weeks of ward training for Seychelles nurses.",
            "MZ-SC-2021", today - timedelta(days=120), 5, "Asia/Tehran", "en", "held", ("sc-moh",), ("mazums",),
        ),
        VisitSpec(
            "Seychelles renewal talks", "", "Discuss renewing the memorandum before it ends.", "MZ-SC-2021",
            today + timedelta(days=30), 1, "Asia/Tehran", "en", "planned", ("sc-moh",), ("mazums-intl",),
        ),
        VisitSpec(
            "Russian emergency medical team arrives in Nur-Sultan",
            "Прибытие российской бригады экстренной медицинской помощи в Нур-Султан",
            "32 specialists led by a deputy health minister help against COVID-19 in the capital and the western "
            "and southern regions.", "RU-KZ-EMT-2020", date(2020, 7, 6), 3, "Asia/Almaty", "ru", "held",
            ("ru-moh",), ("kz-moh",),
            stops=(StopSpec(0, "10:00", "Briefing at the Ministry of Health", "Брифинг в Министерстве здравоохранения",
                            place="Ministry of Health, Nur-Sultan", host="Vice minister"),
                   StopSpec(1, "09:00", "Astana City Infectious Diseases Hospital", "Городская инфекционная больница",
                            "KZ-AST-IDH", host="Chief physician", minutes=180)),
        ),
        VisitSpec(
            "Russian epidemiologists' follow-up visit", "Повторный визит российских эпидемиологов",
            "Review infection control with the regional hospitals.", "RU-KZ-EMT-2020", today - timedelta(days=120), 2,
            "Asia/Almaty", "ru", "held", ("ru-moh",), ("kz-moh",),
        ),
        VisitSpec(
            "Liaocheng quality-control group at Gangcha", "聊城质控组检查刚察县人民医院",
            "Inspect the labour analgesia service and the remote ECG reading.", "SD-HB-2018",
            today - timedelta(days=75), 2, "Asia/Shanghai", "zh-hans", "held", ("cn-lc-ph",), ("cn-gc-cph",),
            stops=(StopSpec(0, "09:00", "Labour analgesia: obstetrics, anaesthesia and ultrasound together",
                            "分娩镇痛：产科、麻醉科、超声科联合", "CN-QH-HB-GCCPH", "Obstetrics and Gynaecology",
                            host="Head of obstetrics and gynaecology", minutes=120),
                   StopSpec(0, "14:00", "Remote consultation centre: ECG read in Liaocheng", "远程会诊中心：心电图传输聊城",
                            "CN-QH-HB-GCCPH", "Remote Consultation Centre", host="Head of internal medicine")),
        ),
        VisitSpec(
            "MDT introduced at Haibei First People's Hospital", "海北州第一人民医院引入多学科诊疗",
            "A Shandong director introduces multidisciplinary team meetings.", "SD-HB-2018", date(2022, 7, 12), 2,
            "Asia/Shanghai", "zh-hans", "held", ("cn-sd-hc",), ("cn-hb-fph",),
            stops=(StopSpec(0, "15:00", "First MDT meeting", "首次多学科会诊", "CN-QH-HB-FPH", "MDT Office",
                            host="Director (posted)", minutes=90),),
        ),
        VisitSpec(
            "General Hospital No. 1 team at No. 4: technique transfer", "Bệnh viện số 1 chuyển giao kỹ thuật cho số 4",
            "Hands-on transfer of laparoscopic surgery.", "LC-BV1-BV4-2021", today - timedelta(days=20), 2,
            "Asia/Ho_Chi_Minh", "vi", "held", ("lc-bvdk1",), ("lc-bvdk4",),
        ),
        VisitSpec(
            "Annual review of the hospital support network", "Tổng kết mạng lưới hỗ trợ chuyên môn",
            "The Department of Health reviews the year's support between hospitals.", "LC-SUPPORT-2020",
            today - timedelta(days=45), 1, "Asia/Ho_Chi_Minh", "vi", "held", ("lc-bvdk1", "lc-bvdk2"), ("lc-doh",),
        ),
        VisitSpec(
            "General Hospital No. 2 team at No. 3", "Bệnh viện số 2 hỗ trợ Bệnh viện số 3",
            "Training in obstetric anaesthesia.", "LC-BV2-BV3-2021", today - timedelta(days=50), 2,
            "Asia/Ho_Chi_Minh", "vi", "held", ("lc-bvdk2",), ("lc-bvdk3",),
        ),
        VisitSpec(
            "General Hospital No. 2 team at Bao Thang", "Bệnh viện số 2 hỗ trợ Bảo Thắng",
            "Difficult cases in surgery.", "LC-BV2-BT-2022", today - timedelta(days=160), 1, "Asia/Ho_Chi_Minh", "vi",
            "held", ("lc-bvdk2",), ("lc-kv-bt",),
        ),
        VisitSpec(
            "General Hospital No. 2 team at Bao Yen", "Bệnh viện số 2 hỗ trợ Bảo Yên",
            "Emergency care training.", "LC-BV2-BY-2022", today - timedelta(days=70), 1, "Asia/Ho_Chi_Minh", "vi",
            "held", ("lc-bvdk2",), ("lc-kv-by",),
        ),
        VisitSpec(
            "General Hospital No. 2 team at Bat Xat", "Bệnh viện số 2 hỗ trợ Bát Xát",
            "Emergency surgery support.", "LC-BV2-BX", today - timedelta(days=100), 1, "Asia/Ho_Chi_Minh", "vi",
            "held", ("lc-bvdk2",), ("lc-kv-bx",),
        ),
        VisitSpec(
            "General Hospital No. 2 first visit to Bat Xat", "Bệnh viện số 2 thăm Bát Xát lần đầu",
            "Assess what Bat Xat needs.", "LC-BV2-BX", today - timedelta(days=600), 1, "Asia/Ho_Chi_Minh", "vi",
            "held", ("lc-bvdk2",), ("lc-kv-bx",),
        ),
    ]


# ---------------------------------------------------------------- loading


class _Loader:
    def __init__(self, *, by, result, today: date):
        self.by = by
        self.result = result
        self.today = today
        self.orgs = {o.code: o for o in Organisation.objects.all()}
        self.facilities = {f.code: f for f in Facility.objects.all()}
        self.departments = {(d.facility_id, d.name): d for d in Department.objects.all()}
        self.agreements = {
            a.code: a for a in Agreement.objects.prefetch_related("parties", "scopes", "commitments")
        }

    # ------------------------------------------------------------ agreements

    def _data(self, spec: AgreementSpec) -> dict:
        return {
            "kind": spec.kind, "code": spec.code, "title": spec.title, "title_local": spec.title_local,
            "summary": spec.summary, "parent": self.agreements[spec.parent] if spec.parent else None,
            "start": spec.start, "end": spec.end, "public": spec.public,
            "parties": [{"organisation": self.orgs[p.org], "role": p.role, "signatory_name": p.signatory,
                         "signatory_title": p.title, "signed": p.signed} for p in spec.parties],
            "scopes": list(spec.scopes),
            "commitments": [{"metric": m, "target": Decimal(t), "period": p, "note": ""} for m, t, p in spec.commitments],
        }

    @staticmethod
    def _differences(agreement: Agreement, data: dict) -> dict:
        changed = {}
        for name in ("kind", "title", "title_local", "summary", "start", "end", "public"):
            if getattr(agreement, name) != data[name]:
                changed[name] = data[name]
        if agreement.parent_id != (data["parent"].pk if data["parent"] else None):
            changed["parent"] = data["parent"]
        have = [(p.organisation_id, p.role, p.signatory_name, p.signatory_title, p.signed)
                for p in sorted(agreement.parties.all(), key=lambda p: (p.position, p.pk))]
        want = [(p["organisation"].pk, p["role"], p["signatory_name"], p["signatory_title"], p["signed"])
                for p in data["parties"]]
        if have != want:
            changed["parties"] = data["parties"]
        if sorted(s.area for s in agreement.scopes.all()) != sorted(data["scopes"]):
            changed["scopes"] = data["scopes"]
        have_c = sorted((c.metric, c.target, c.period) for c in agreement.commitments.all())
        want_c = sorted((c["metric"], c["target"], c["period"]) for c in data["commitments"])
        if have_c != want_c:
            changed["commitments"] = data["commitments"]
        return changed

    def agreement(self, spec: AgreementSpec) -> None:
        data = self._data(spec)
        agreement = self.agreements.get(spec.code)
        if agreement is None:
            agreement = services.agreement_create(by=self.by, data=data)
            self.result.created["agreement"] += 1
        else:
            changed = self._differences(agreement, data)
            if agreement.status != Agreement.Status.DRAFT:
                changed.pop("parties", None)  # a signed text binds its signatories: leave them
            if changed:
                agreement = services.agreement_update(by=self.by, agreement=agreement, data=changed)
                self.result.updated["agreement"] += 1
        self._bring_status(agreement, spec)
        self.agreements[spec.code] = agreement

    def _bring_status(self, agreement: Agreement, spec: AgreementSpec) -> None:
        """Move a draft or signed agreement forward to the status the demo wants (never backward)."""
        order = ["draft", "signed", "active"]
        if agreement.status not in order or spec.status not in order:
            return
        if order.index(agreement.status) >= order.index(spec.status):
            return
        services.agreement_transition(by=self.by, agreement=agreement, to=spec.status, signed_on=spec.signed_on)
        agreement.refresh_from_db()

    # ------------------------------------------------------------ visits

    def _stop(self, spec: VisitSpec, stop: StopSpec) -> dict:
        hour, minute = (int(x) for x in stop.at.split(":"))
        day = spec.start + timedelta(days=stop.day)
        starts_at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(spec.time_zone))
        facility = self.facilities[stop.facility] if stop.facility else None
        return {
            "starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=stop.minutes), "facility": facility,
            "department": self.departments[(facility.pk, stop.department)] if stop.department else None,
            "place": stop.place, "host_person": stop.host, "topic": stop.topic, "topic_local": stop.topic_local,
        }

    def _visit_data(self, spec: VisitSpec) -> dict:
        return {
            "title": spec.title, "title_local": spec.title_local, "purpose": spec.purpose,
            "agreement": self.agreements[spec.agreement] if spec.agreement else None, "start": spec.start,
            "end": spec.start + timedelta(days=spec.days - 1), "time_zone": spec.time_zone, "language": spec.language,
            "status": spec.status, "visiting": [self.orgs[c] for c in spec.visiting],
            "hosts": [self.orgs[c] for c in spec.hosts],
            "participants": [{"name": n, "position": pos, "organisation": self.orgs[o] if o else None, "side": side}
                             for n, pos, o, side in spec.participants],
            "stops": [self._stop(spec, s) for s in spec.stops],
            "outcomes": [{"kind": k, "agreement": self.agreements[a] if a else None, "description": d}
                         for k, a, d in spec.outcomes],
        }

    @staticmethod
    def _shape(data: dict) -> tuple:
        """A comparable picture of a visit's data, whether read from the specs or from the database."""
        def pk(row):
            return row.pk if row is not None else None

        return (
            tuple(data[k] for k in ("title", "title_local", "purpose", "start", "end", "time_zone", "language",
                                    "status")),
            pk(data["agreement"]), sorted(pk(o) for o in data["visiting"]), sorted(pk(o) for o in data["hosts"]),
            [(p["name"], p["position"], pk(p["organisation"]), p["side"]) for p in data["participants"]],
            [(s["starts_at"], s["ends_at"], pk(s["facility"]), pk(s["department"]), s["place"], s["host_person"],
              s["topic"], s["topic_local"]) for s in data["stops"]],
            [(o["kind"], pk(o["agreement"]), o["description"]) for o in data["outcomes"]],
        )

    @staticmethod
    def _stored(visit: Visit) -> dict:
        parties = list(visit.parties.all())
        return {
            **{k: getattr(visit, k) for k in ("title", "title_local", "purpose", "start", "end", "time_zone",
                                              "language", "status", "agreement")},
            "visiting": [p.organisation for p in parties if p.side == "visiting"],
            "hosts": [p.organisation for p in parties if p.side == "host"],
            "participants": [{"name": p.name, "position": p.position, "organisation": p.organisation,
                              "side": p.side} for p in visit.participants.order_by("id")],
            "stops": [{"starts_at": s.starts_at, "ends_at": s.ends_at, "facility": s.facility,
                       "department": s.department, "place": s.place, "host_person": s.host_person, "topic": s.topic,
                       "topic_local": s.topic_local} for s in visit.stops.order_by("starts_at", "id")],
            "outcomes": [{"kind": o.kind, "agreement": o.agreement, "description": o.description}
                         for o in visit.outcomes.order_by("id")],
        }

    def visit(self, spec: VisitSpec, existing: dict[str, Visit]) -> None:
        data = self._visit_data(spec)
        visit = existing.get(spec.title)
        if visit is None:
            visit_services.visit_create(by=self.by, data=data)
            self.result.created["visit"] += 1
        elif self._shape(self._stored(visit)) != self._shape(data):
            visit_services.visit_update(by=self.by, visit=visit, data=data)
            self.result.updated["visit"] += 1


def load(*, by, result) -> None:
    """Bring the demo's agreements and visits in line with today; safe to run again."""
    today = timezone.localdate()
    loader = _Loader(by=by, result=result, today=today)
    for spec in agreements(today):
        loader.agreement(spec)
    existing = {v.title: v for v in Visit.objects.select_related("agreement").prefetch_related("parties__organisation")}
    for spec in visits(today):
        loader.visit(spec, existing)
