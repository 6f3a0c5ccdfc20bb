"""What the training demo holds, written as plain descriptions (demo.py loads them through the services).

Recent dates are counted from `today`; people are invented or the demo's own
practitioners, named by their organisation code and Latin name.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

MOSCOW, ALMATY, SHANGHAI, HANOI = "Europe/Moscow", "Asia/Almaty", "Asia/Shanghai", "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class SessionSpec:
    title: str
    day: date
    at: time
    minutes: int
    zone: str
    title_local: str = ""
    place: str = ""


@dataclass(frozen=True)
class PersonSpec:
    """A participant: a practitioner of the registry (organisation code, Latin name) or a named person."""

    practitioner: tuple[str, str] | None = None
    name: str = ""
    name_latin: str = ""
    facility: str | None = None
    username: str | None = None
    attended: tuple[int, ...] = ()  # indexes of the course's sessions they attended
    score: Decimal | None = None
    completed: bool = False
    certificate: bool = False


@dataclass(frozen=True)
class CourseSpec:
    title: str
    title_local: str
    provider: str
    partners: tuple[str, ...]
    agreement: str | None
    specialty: str
    mode: str
    language: str
    cme: Decimal
    sessions: tuple[SessionSpec, ...]
    people: tuple[PersonSpec, ...] = ()
    # Practitioners picked from the registry: (organisation code, specialty code or "", how many).
    picks: tuple[tuple[str, str, int], ...] = ()
    pick_attended: tuple[int, ...] = ()
    pick_scores: tuple[Decimal, ...] = ()
    venue: str | None = None
    pass_mark: Decimal | None = None
    certificate_months: int | None = None
    description: str = ""


@dataclass(frozen=True)
class CaseSpec:
    site: str
    title: str
    summary: str
    question: str = ""
    approved: bool = True


@dataclass(frozen=True)
class MentoringSessionSpec:
    lecture: str
    speaker: str
    day: date
    at: time
    minutes: int
    summary: str = ""
    cases: tuple[CaseSpec, ...] = ()
    head_counts: tuple[tuple[str, int], ...] = ()  # (facility code, people present)


@dataclass(frozen=True)
class SeriesSpec:
    title: str
    title_local: str
    hub: str
    spokes: tuple[str, ...]
    agreement: str | None
    specialty: str
    language: str
    zone: str
    description: str
    sessions: tuple[MentoringSessionSpec, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- the programmes' training


def _weekly(first: date, count: int, titles: tuple[tuple[str, str], ...], *, at: time, minutes: int,
            zones_: tuple[str, ...], place: str = "") -> tuple[SessionSpec, ...]:
    return tuple(
        SessionSpec(title=titles[i][0], title_local=titles[i][1], day=first + timedelta(weeks=i), at=at,
                    minutes=minutes, zone=zones_[i % len(zones_)], place=place)
        for i in range(count)
    )


_KZ_IDH = ("KZ-AST-IDH", "KZ-ATY-IDH", "KZ-ZAP-IDH", "KZ-MAN-IDH", "KZ-AKT-IDH", "KZ-YUZ-IDH", "KZ-SHY-IDH",
           "KZ-KZY-IDH", "KZ-ALM-IDH")
# Invented Kazakh doctors at the regional infectious-diseases hospitals: (name, Latin name).
_KZ_DOCTORS = (
    ("Айжан Болатқызы Серікова", "Aizhan Bolatkyzy Serikova"),
    ("Дәурен Қайратұлы Омаров", "Dauren Kairatuly Omarov"),
    ("Гүлмира Асанқызы Төлеуова", "Gulmira Asankyzy Toleuova"),
    ("Нұржан Серікұлы Бекетов", "Nurzhan Serikuly Beketov"),
    ("Сәуле Маратқызы Жақыпова", "Saule Maratkyzy Zhakypova"),
    ("Ерболат Тимурұлы Қасымов", "Erbolat Timuruly Kasymov"),
    ("Ләззат Оралқызы Әбдірова", "Lazzat Oralkyzy Abdirova"),
    ("Асқар Болатұлы Мұхамедов", "Askar Bolatuly Mukhamedov"),
    ("Мәдина Ғалымқызы Сәрсенова", "Madina Galymkyzy Sarsenova"),
)
_KZ_EPIDEMIOLOGISTS = (
    ("Жанна Ерланқызы Тұрсынова", "Zhanna Erlankyzy Tursynova"),
    ("Бақыт Нұрланұлы Ахметов", "Bakyt Nurlanuly Akhmetov"),
    ("Индира Саматқызы Қалиева", "Indira Samatkyzy Kaliyeva"),
    ("Талгат Ержанұлы Исмаилов", "Talgat Erzhanuly Ismailov"),
)

_ID_TITLES = (
    ("COVID-19: clinical picture and diagnosis", "COVID-19: клиническая картина и диагностика"),
    ("Treating moderate and severe COVID-19 pneumonia", "Лечение среднетяжёлой и тяжёлой пневмонии COVID-19"),
    ("Oxygen therapy and prone positioning", "Кислородотерапия и прон-позиция"),
    ("Infection control in the red zone", "Инфекционный контроль в красной зоне"),
    ("Discharge criteria and follow-up", "Критерии выписки и наблюдение"),
)
_EPI_TITLES = (
    ("Contact tracing and quarantine", "Отслеживание контактов и карантин"),
    ("PCR testing strategy", "Стратегия ПЦР-тестирования"),
    ("Outbreaks in hospitals and care homes", "Вспышки в больницах и домах престарелых"),
    ("Reading the epidemic curve", "Как читать эпидемическую кривую"),
)


def russian_seminars() -> list[CourseSpec]:
    # Lectured from Moscow, and from the team's base in Nur-Sultan (now Astana), whose zone is Asia/Almaty.
    id_people = tuple(
        PersonSpec(name=name, name_latin=latin, facility=_KZ_IDH[i % len(_KZ_IDH)],
                   attended=tuple(j for j in range(5) if (i + j) % 4), score=Decimal(62 + (i * 7) % 35),
                   completed=i % 3 != 2, certificate=i % 3 == 0)
        for i, (name, latin) in enumerate(_KZ_DOCTORS)
    ) + (
        PersonSpec(practitioner=("kz-aty-idh", "Bauyrzhan Serikuly Toktarov"), attended=(0, 1, 2, 3, 4),
                   score=Decimal(91), completed=True, certificate=True),
        PersonSpec(practitioner=("kz-shy-idh", "Asel Kanatkyzy Bekova"), attended=(0, 2, 3), score=Decimal(74),
                   completed=True),
        PersonSpec(name="Нұрлан Жандосұлы Әбенов", name_latin="Nurlan Zhandosuly Abenov", facility="KZ-ATY-IDH",
                   username="emergency.clinician", attended=(0, 1, 3, 4), score=Decimal(83), completed=True,
                   certificate=True),
    )
    epi_people = tuple(
        PersonSpec(name=name, name_latin=latin, facility=_KZ_IDH[(i * 2) % len(_KZ_IDH)],
                   attended=tuple(j for j in range(4) if (i + j) % 3), completed=i % 2 == 0)
        for i, (name, latin) in enumerate(_KZ_EPIDEMIOLOGISTS)
    ) + (
        PersonSpec(practitioner=("kz-moh", "Madina Erbolkyzy Saparova"), attended=(0, 1, 2, 3), completed=True,
                   certificate=True),
    )
    return [
        CourseSpec(
            title="Online seminars on COVID-19 for infectious-disease doctors",
            title_local="Онлайн-семинары по COVID-19 для врачей-инфекционистов", provider="ru-crie",
            partners=("ru-moh", "kz-moh"), agreement="RU-KZ-EMT-2020", specialty="infectious_diseases",
            mode="online", language="ru", cme=Decimal("10"), pass_mark=Decimal("60"), certificate_months=36,
            description="Weekly online seminars by the Russian emergency team for infectious-disease doctors "
                        "across Kazakhstan, with questions from the regions.",
            sessions=_weekly(date(2020, 7, 10), 5, _ID_TITLES, at=time(10), minutes=120,
                             zones_=(MOSCOW, MOSCOW, ALMATY), place="Video link"),
            people=id_people,
        ),
        CourseSpec(
            title="Online seminars on COVID-19 surveillance for epidemiologists",
            title_local="Онлайн-семинары по эпиднадзору за COVID-19 для эпидемиологов", provider="ru-crie",
            partners=("ru-rospotrebnadzor", "kz-moh"), agreement="RU-KZ-EMT-2020", specialty="epidemiology",
            mode="online", language="ru", cme=Decimal("8"),
            sessions=_weekly(date(2020, 7, 14), 4, _EPI_TITLES, at=time(15), minutes=90, zones_=(ALMATY, MOSCOW),
                             place="Video link"),
            people=epi_people,
        ),
    ]


def shougang_courses(today: date, mou_day: date) -> list[CourseSpec]:
    lap = (("Basic laparoscopic skills on the box trainer", "腹腔镜基础技能训练"),
           ("Laparoscopic gastrectomy on the virtual-reality simulator", "虚拟现实模拟腹腔镜胃切除术"),
           ("Laparoscopic liver resection: simulation and video review", "腹腔镜肝切除模拟与视频复盘"))
    endo = (("Endoscope handling on the simulator", "内镜模拟操作"),
            ("Recognising early gastric cancer", "早期胃癌识别"),
            ("Endoscopic submucosal dissection on animal models", "动物模型内镜黏膜下剥离术"))
    board = (("Tumour board: hepatocellular carcinoma", "肿瘤多学科会诊：肝细胞癌"),
             ("Tumour board: gastric cancer", "肿瘤多学科会诊：胃癌"),
             ("Tumour board: breast cancer in young women", "肿瘤多学科会诊：年轻女性乳腺癌"),
             ("Tumour board: lung cancer in men who smoke", "肿瘤多学科会诊：男性吸烟者肺癌"))
    start = mou_day + timedelta(days=45)
    ncc, ncrc = "MN-UB-NCC", "KZ-AST-NCRC"
    trainees = (
        PersonSpec(practitioner=("mn-ncc", "Batbayaryn Oyunchimeg"), attended=(0, 1, 2), score=Decimal(88),
                   completed=True, certificate=True),
        PersonSpec(practitioner=("mn-ncc", "Dolzhinsurengiin Ganbold"), attended=(0, 1, 2), score=Decimal(79),
                   completed=True, certificate=True),
        PersonSpec(practitioner=("kz-ncrc", "Yerlan Askaruly Zhumabayev"), attended=(0, 2), score=Decimal(66)),
        PersonSpec(name="Гантулгын Нарантуяа", name_latin="Gantulgyn Narantuyaa", facility=ncc,
                   username="silkroad.clinician", attended=(0, 1, 2), score=Decimal(84), completed=True,
                   certificate=True),
        PersonSpec(name="Мөнхбатын Билгүүн", name_latin="Monkhbatyn Bilguun", facility=ncc, attended=(0, 1)),
        PersonSpec(name="Арман Еркінұлы Байжанов", name_latin="Arman Erkinuly Baizhanov", facility=ncrc,
                   attended=(0, 1, 2), score=Decimal(72), completed=True),
    )
    endoscopists = (
        PersonSpec(practitioner=("mn-ncc", "Dolzhinsurengiin Ganbold"), attended=(0, 1), score=Decimal(81),
                   completed=True, certificate=True),
        PersonSpec(practitioner=("kz-upd-hospital", "Gulnar Yerzhankyzy Ospanova"), attended=(0, 1),
                   score=Decimal(58)),
        PersonSpec(name="Сувдын Алтанцэцэг", name_latin="Suvdyn Altantsetseg", facility=ncc, attended=(0, 1),
                   score=Decimal(90), completed=True, certificate=True),
        PersonSpec(name="Әйгерім Жомартқызы Қуанышева", name_latin="Aigerim Zhomartkyzy Kuanysheva",
                   facility=ncrc, attended=(0,)),
    )
    board_people = (
        PersonSpec(practitioner=("mn-ncc", "Batbayaryn Oyunchimeg"), attended=(0, 1, 2)),
        PersonSpec(practitioner=("mn-ncc", "Tserendorjiin Sarangerel"), attended=(0, 1)),
        PersonSpec(practitioner=("mn-ncc", "Enkhbaataryn Temuulen"), attended=(1, 2)),
        PersonSpec(practitioner=("kz-ncrc", "Aigerim Serikkyzy Nurlanova"), attended=(0, 1, 2)),
        PersonSpec(practitioner=("kz-ncrc", "Dinara Bauyrzhankyzy Aliyeva"), attended=(2,)),
    )
    return [
        CourseSpec(
            title="Laparoscopic surgery on simulators", title_local="腹腔镜模拟培训", provider="cn-pku-shougang",
            partners=("mn-ncc", "kz-ncrc"), agreement="SG-MN-KZ", specialty="general_surgery", mode="simulation",
            language="en", cme=Decimal("12"), venue="CN-BJ-PKUSG", pass_mark=Decimal("70"), certificate_months=36,
            description="Three days in the Medical Simulation Training Centre: box trainers, virtual-reality "
                        "laparoscopy simulators and video review, for surgeons from Ulaanbaatar and Astana.",
            sessions=tuple(SessionSpec(title=t, title_local=lt, day=start + timedelta(days=i), at=time(9),
                                       minutes=360, zone=SHANGHAI, place="Medical Simulation Training Centre")
                           for i, (t, lt) in enumerate(lap)),
            people=trainees,
        ),
        CourseSpec(
            title="Endoscopic diagnosis of early gastric cancer on simulators", title_local="早期胃癌内镜诊断模拟培训",
            provider="cn-pku-shougang", partners=("mn-ncc", "kz-ncrc"), agreement="SG-MN-KZ",
            specialty="gastroenterology", mode="simulation", language="en", cme=Decimal("8"), venue="CN-BJ-PKUSG",
            pass_mark=Decimal("70"), certificate_months=36,
            description="Endoscopic simulators first, then animal models: Mongolia has one of the world's highest "
                        "rates of stomach cancer.",
            sessions=tuple(SessionSpec(title=t, title_local=lt, day=start + timedelta(days=7 + i), at=time(9),
                                       minutes=300, zone=SHANGHAI, place="Medical Simulation Training Centre")
                           for i, (t, lt) in enumerate(endo)),
            people=endoscopists,
        ),
        CourseSpec(
            title="Online tumour board for Ulaanbaatar and Astana", title_local="乌兰巴托—阿斯塔纳线上肿瘤多学科会诊",
            provider="cn-pku-shougang", partners=("mn-ncc", "kz-ncrc", "kz-upd-hospital"), agreement="SG-MN-KZ",
            specialty="oncology", mode="online", language="en", cme=Decimal("2"),
            sessions=tuple(SessionSpec(title=t, title_local=lt, day=today + timedelta(days=28 * (i - 2) + 3),
                                       at=time(15), minutes=90, zone=SHANGHAI, place="Video link")
                           for i, (t, lt) in enumerate(board)),
            people=board_people,
        ),
    ]


def lao_cai_courses(today: date) -> list[CourseSpec]:
    def days(first: int, titles, place: str, *, at=time(8), minutes=240) -> tuple[SessionSpec, ...]:
        return tuple(SessionSpec(title=t, title_local=lt, day=today + timedelta(days=first + 7 * i), at=at,
                                 minutes=minutes, zone=HANOI, place=place) for i, (t, lt) in enumerate(titles))

    return [
        CourseSpec(
            title="Epidural labour analgesia for district anaesthetists",
            title_local="Gây tê ngoài màng cứng giảm đau trong đẻ", provider="lc-bvdk2", partners=("lc-bvdk3",),
            agreement="LC-BV2-BV3-2021", specialty="anaesthesiology", mode="onsite", language="vi",
            cme=Decimal("16"), venue="VN-LC-BVDK2", pass_mark=Decimal("65"), certificate_months=24,
            sessions=days(-70, (("Anatomy and indications", "Giải phẫu và chỉ định"),
                                ("Supervised procedures in the delivery room", "Thực hành có giám sát tại phòng đẻ"),
                                ("Complications and their management", "Biến chứng và xử trí")),
                          "Anaesthesia and Surgery"),
            picks=(("lc-bvdk3", "anaesthesiology", 3), ("lc-bvdk3", "obstetrics_gynaecology", 3)),
            pick_attended=(0, 1, 2), pick_scores=(Decimal(82), Decimal(71), Decimal(60), Decimal(77)),
        ),
        CourseSpec(
            title="Mechanical ventilation and intensive care", title_local="Thở máy và hồi sức tích cực",
            provider="lc-bvdk1", partners=("lc-bvdk4",), agreement="LC-BV1-BV4-2021", specialty="critical_care",
            mode="onsite", language="vi", cme=Decimal("12"), venue="VN-LC-BVDK1", pass_mark=Decimal("60"),
            certificate_months=24,
            sessions=days(-40, (("Ventilator modes", "Các phương thức thở máy"),
                                ("Weaning from the ventilator", "Cai thở máy"),
                                ("Toward ECMO: who to refer", "Hướng tới ECMO: chỉ định chuyển tuyến")),
                          "Intensive Care"),
            picks=(("lc-bvdk4", "critical_care", 2), ("lc-bvdk4", "internal_medicine", 3)),
            pick_attended=(0, 1), pick_scores=(Decimal(75), Decimal(68), Decimal(88)),
        ),
        CourseSpec(
            title="Emergency medicine for regional hospitals", title_local="Cấp cứu cho bệnh viện khu vực",
            provider="lc-bvdk2", partners=("lc-kv-bt", "lc-kv-by", "lc-kv-bx"), agreement="LC-SUPPORT-2020",
            specialty="emergency_medicine", mode="onsite", language="vi", cme=Decimal("6"), venue="VN-LC-BVDK2",
            sessions=days(-21, (("Trauma triage", "Phân loại chấn thương"),
                                ("Airway in the emergency room", "Kiểm soát đường thở tại cấp cứu"),
                                ("Referral by telephone and video", "Chuyển tuyến qua điện thoại và video")),
                          "Emergency Department"),
            picks=(("lc-kv-bt", "", 3), ("lc-kv-by", "", 3), ("lc-kv-bx", "", 2)),
            pick_attended=(0, 1),
        ),
    ]


def haibei_series(today: date) -> list[SeriesSpec]:
    gc, my, ql, hy, hub = ("CN-QH-HB-GCCPH", "CN-QH-HB-MYCPH", "CN-QH-HB-QLCPH", "CN-QH-HB-HYCPH",
                           "CN-QH-HB-FPH")
    # Never today: a session due later today would be recorded by a second load after it began.
    monthly = [today + timedelta(days=28 * (i - 4) + 5) for i in range(6)]
    sessions = (
        MentoringSessionSpec(
            "Postpartum haemorrhage at 3,000 metres", "Head of obstetrics and gynaecology (Liaocheng)", monthly[0],
            time(14, 30), 90, "Uterotonics, balloon tamponade and when to transfer down to Xining.",
            cases=(CaseSpec(gc, "Atonic haemorrhage after a home delivery",
                            "G4P4, 31 years, delivered at home 40 km from the hospital; arrived with blood loss "
                            "estimated at 1,500 ml, Hb 68 g/L. Oxytocin and misoprostol given; balloon tamponade.",
                            "Would you have transferred before the balloon?"),
                   CaseSpec(hy, "Retained placenta with a history of caesarean",
                            "G3P2, two previous caesareans, placenta not delivered at 60 minutes; ultrasound "
                            "suggested accreta.")),
            head_counts=((hub, 9), (gc, 14), (my, 11), (ql, 8), (hy, 10)),
        ),
        MentoringSessionSpec(
            "Chest pain triage and the 12-lead ECG", "Cardiologist (Liaocheng ECG Diagnosis Centre)", monthly[1],
            time(14, 30), 90, "Reading an inferior STEMI; remote ECG reading from Gangcha to Liaocheng.",
            cases=(CaseSpec(gc, "Inferior STEMI read remotely",
                            "Herdsman, 58 years, chest pain for 3 hours; ECG transmitted to Liaocheng, ST elevation "
                            "in II, III and aVF; thrombolysis started within 40 minutes."),
                   CaseSpec(ql, "Chest pain at altitude with a normal ECG",
                            "Man, 44 years, new to the county, chest tightness on exertion; ECG normal, SpO2 86%.")),
            head_counts=((hub, 7), (gc, 12), (my, 9), (ql, 6), (hy, 8)),
        ),
        MentoringSessionSpec(
            "Sepsis in children", "Head of paediatrics (Linyi)", monthly[2], time(14, 30), 90,
            "The first hour: fluids, antibiotics and warning signs.",
            cases=(CaseSpec(ql, "Fever and purpura in a toddler",
                            "Boy, 2 years, fever 39.8 °C for 12 hours and a spreading purpuric rash; capillary refill "
                            "4 s."),),
            head_counts=((hub, 6), (gc, 10), (my, 12), (ql, 9), (hy, 7)),
        ),
        MentoringSessionSpec(
            "High-altitude pulmonary oedema", "Head of respiratory medicine (Binzhou)", monthly[3], time(14, 30), 90,
            "Recognition, oxygen, descent; what a county hospital can do.",
            cases=(CaseSpec(my, "Breathlessness two days after arrival",
                            "Woman, 27 years, arrived from the plains two days earlier; cough with pink sputum, "
                            "SpO2 71% on air, crackles at both bases."),
                   CaseSpec(my, "Recurrent HAPE in a returning worker",
                            "Man, 39 years, third episode after returning from leave; echocardiography pending.",
                            "Should he be advised not to return?", approved=False)),
            head_counts=((hub, 8), (gc, 9), (my, 15), (ql, 7)),
        ),
        MentoringSessionSpec("Labour analgesia: starting a service", "Head of anaesthesiology (Liaocheng)",
                             monthly[4], time(14, 30), 90),
        MentoringSessionSpec("Eye emergencies in the county hospital", "Head of ophthalmology (Binzhou)",
                             monthly[5], time(14, 30), 90),
    )
    return [SeriesSpec(
        title="Haibei tele-mentoring for county hospitals", title_local="海北州县级医院远程带教",
        hub=hub, spokes=(gc, my, ql, hy), agreement="SD-HB-2018", specialty="emergency_medicine", language="zh",
        zone=SHANGHAI, sessions=sessions,
        description="Once a month the prefecture hospital and the Shandong experts teach the four county hospitals "
                    "over video: a short lecture, then cases the counties present, approved by the hub first.",
    )]
