"""What the technique-transfer demo holds, written as plain records (the loader is demo.py).

Lao Cai (seeds/001): central hospitals in Hanoi transfer techniques to the
provincial hospitals in phases, and Provincial General Hospital No.2 supports
the regional hospitals of Bao Thang, Bao Yen and Bat Xat. The case logs since
2020 make the cross-level counts the province reports: techniques above each
facility's level that it learnt to perform alone. With the 16 techniques of the
demo catalogue the counts are small (the province's 1,268 come from a national
list of thousands of techniques), but they are counted exactly as the real ones.

Haibei (seeds/004): Shandong's yearly teams started services at the county
hospitals; the logs show which still run after the last expert of the
specialty left. Specialty centres and the five "famous doctor studios" are the
programme's own words. Dates and volumes are the demo's own.
"""

from dataclasses import dataclass
from datetime import date

# The demo's log ends here (or today, if earlier): fixed, so two loads give the same rows.
LOG_UNTIL = date(2026, 10, 31)


@dataclass(frozen=True)
class Series:
    """The cases of one facility in one technique, month by month.

    Visiting experts perform from `start` to `visiting_until` (local staff
    observe, then assist); local staff perform under supervision from
    `supervised_from`, alone from `alone_from`, until `until` (or the end of
    the log). `per_month` cases a month while the local staff perform.
    """

    facility: str
    technique: str
    start: date
    visiting_until: date | None
    supervised_from: date | None
    alone_from: date | None
    until: date | None = None
    per_month: int = 4
    visiting_per_month: int = 2


def _d(year: int, month: int, day: int = 1) -> date:
    return date(year, month, day)


# ---------------------------------------------------------------- Lao Cai

LAOCAI_SERIES = (
    # Provincial General Hospital No.1: what it did alone before 2020 (not new, and not cross-level for it).
    Series("VN-LC-BVDK1", "VN-HD", _d(2018, 1), None, None, _d(2018, 1), per_month=12),
    Series("VN-LC-BVDK1", "VN-MV", _d(2018, 1), None, None, _d(2018, 1), per_month=8),
    Series("VN-LC-BVDK1", "VN-SDH", _d(2018, 1), None, None, _d(2018, 1), per_month=3),
    Series("VN-LC-BVDK1", "VN-GASTRECT", _d(2018, 3), None, None, _d(2018, 3), per_month=2),
    # ...and what Viet Duc and Bach Mai brought.
    Series("VN-LC-BVDK1", "VN-ICH", _d(2020, 3), _d(2020, 9, 20), _d(2020, 7), _d(2020, 10), per_month=3),
    Series("VN-LC-BVDK1", "VN-HIP", _d(2020, 6), _d(2021, 3, 20), _d(2021, 1), _d(2021, 4), per_month=4),
    Series("VN-LC-BVDK1", "VN-ARTHRO", _d(2020, 6), _d(2020, 12, 15), _d(2020, 10), _d(2021, 1), per_month=4),
    Series("VN-LC-BVDK1", "VN-BRAIN", _d(2022, 1), _d(2023, 6, 25), _d(2023, 1), _d(2023, 7), per_month=4),
    Series("VN-LC-BVDK1", "VN-ECMO", _d(2020, 9), _d(2021, 12, 10), _d(2021, 6), _d(2022, 1), per_month=1,
           visiting_per_month=1),
    Series("VN-LC-BVDK1", "VN-KTX", _d(2022, 6), _d(2024, 6, 15), _d(2024, 1), _d(2024, 7), per_month=1,
           visiting_per_month=1),
    # Provincial General Hospital No.2 with Hanoi Medical University Hospital.
    Series("VN-LC-BVDK2", "VN-EPI", _d(2020, 2), _d(2020, 6, 20), _d(2020, 4), _d(2020, 7), per_month=30),
    Series("VN-LC-BVDK2", "VN-MV", _d(2019, 1), None, None, _d(2019, 1), per_month=5),
    Series("VN-LC-BVDK2", "VN-SDH", _d(2019, 1), None, None, _d(2019, 1), per_month=2),
    Series("VN-LC-BVDK2", "VN-AMNIO-DX", _d(2019, 1), None, None, _d(2019, 1), per_month=3),
    Series("VN-LC-BVDK2", "VN-GASTRECT", _d(2020, 3), _d(2020, 10, 10), _d(2020, 8), _d(2020, 11), per_month=2),
    Series("VN-LC-BVDK2", "VN-LUNG", _d(2021, 3), _d(2022, 6, 20), _d(2022, 1), _d(2022, 7), per_month=2),
    Series("VN-LC-BVDK2", "VN-WHIPPLE", _d(2022, 3), _d(2023, 9, 15), _d(2023, 5), _d(2023, 10), per_month=1,
           visiting_per_month=1),
    # The Obstetrics and Paediatrics Hospital with Hanoi Medical University Hospital.
    Series("VN-LC-SN", "VN-AMNIO-DX", _d(2020, 4), _d(2020, 9, 15), _d(2020, 7), _d(2020, 10), per_month=6),
    Series("VN-LC-SN", "VN-AMNIO-TX", _d(2021, 9), _d(2022, 12, 10), _d(2022, 6), _d(2023, 1), per_month=2),
    Series("VN-LC-SN", "VN-IVF", _d(2023, 6), _d(2025, 6, 20), _d(2025, 1), _d(2025, 7), per_month=6,
           visiting_per_month=3),
    Series("VN-LC-SN", "VN-EPI", _d(2019, 1), None, None, _d(2019, 1), per_month=20),
    # No.4 learnt hip replacement from No.1's surgeons; No.3 does labour analgesia.
    Series("VN-LC-BVDK4", "VN-HIP", _d(2023, 3), _d(2024, 2, 20), _d(2023, 10), _d(2024, 3), per_month=2),
    Series("VN-LC-BVDK3", "VN-EPI", _d(2021, 5), _d(2021, 9, 10), _d(2021, 7), _d(2021, 10), per_month=10),
    # The regional hospitals with No.2.
    Series("VN-LC-KV-BT", "VN-EPI", _d(2021, 1), _d(2021, 9, 25), _d(2021, 6), _d(2021, 10), per_month=10),
    Series("VN-LC-KV-BT", "VN-SDH", _d(2021, 6), _d(2022, 6, 10), _d(2022, 3), _d(2022, 7), per_month=2),
    Series("VN-LC-KV-BT", "VN-MV", _d(2022, 1), _d(2022, 9, 30), _d(2022, 6), _d(2022, 10), per_month=4),
    Series("VN-LC-KV-BT", "VN-AMNIO-DX", _d(2023, 3), _d(2023, 12, 15), _d(2023, 9), _d(2024, 1), per_month=3),
    Series("VN-LC-KV-BY", "VN-EPI", _d(2021, 3), _d(2021, 11, 20), _d(2021, 8), _d(2021, 12), per_month=8),
    Series("VN-LC-KV-BY", "VN-MV", _d(2021, 6), _d(2022, 2, 10), _d(2021, 12), _d(2022, 3), per_month=3),
    Series("VN-LC-KV-BY", "VN-AMNIO-DX", _d(2025, 3), _d(2025, 9, 30), _d(2025, 8), None, per_month=2),
    Series("VN-LC-KV-BX", "VN-EPI", _d(2022, 3), _d(2022, 12, 20), _d(2022, 9), _d(2023, 1), per_month=6),
    Series("VN-LC-KV-BX", "VN-MV", _d(2026, 3), _d(2026, 10, 30), None, None, visiting_per_month=2),
    # District health centres that took up labour analgesia and ventilation on their own.
    Series("VN-LC-TTYT-SP", "VN-EPI", _d(2022, 5), None, _d(2022, 5), _d(2022, 9), per_month=6),
    Series("VN-LC-TTYT-BH", "VN-EPI", _d(2023, 2), None, _d(2023, 2), _d(2023, 6), per_month=5),
    Series("VN-LC-TTYT-MK", "VN-EPI", _d(2024, 4), None, _d(2024, 4), _d(2024, 8), per_month=4),
    Series("VN-LC-TTYT-SMC", "VN-MV", _d(2023, 1), None, _d(2023, 1), _d(2023, 5), per_month=3),
    # Van Ban's centre stopped ventilating in mid-2024: the technique has lapsed.
    Series("VN-LC-TTYT-VB", "VN-MV", _d(2022, 8), None, _d(2022, 8), _d(2022, 12), _d(2024, 6, 28), per_month=3),
)

# (title, mentor, recipient, [(technique, phase, priority, note)], {phase: target date})
LAOCAI_PLANS = (
    ("Viet Duc to Provincial General Hospital No.1: neurosurgery and orthopaedics", "VN-HN-VIETDUC", "VN-LC-BVDK1",
     (("VN-ICH", 1, 1, ""), ("VN-HIP", 1, 2, ""), ("VN-ARTHRO", 1, 3, ""), ("VN-BRAIN", 2, 1, "After intracranial "
      "haematoma removal is routine.")), {1: _d(2021, 6, 30), 2: _d(2023, 12, 31)}),
    ("Bach Mai to Provincial General Hospital No.1: ECMO and kidney transplant", "VN-HN-BACHMAI", "VN-LC-BVDK1",
     (("VN-ECMO", 1, 1, "The intensive care unit already ventilates."), ("VN-KTX", 2, 1, "")),
     {1: _d(2022, 6, 30), 2: _d(2024, 12, 31)}),
    ("Hanoi Medical University Hospital to Provincial General Hospital No.2: surgery", "VN-HN-HMUH", "VN-LC-BVDK2",
     (("VN-GASTRECT", 1, 1, ""), ("VN-LUNG", 2, 1, ""), ("VN-WHIPPLE", 2, 2, "")),
     {1: _d(2021, 3, 31), 2: _d(2023, 12, 31)}),
    ("Hanoi Medical University Hospital to the Obstetrics and Paediatrics Hospital", "VN-HN-HMUH", "VN-LC-SN",
     (("VN-AMNIO-DX", 1, 1, ""), ("VN-AMNIO-TX", 2, 1, ""), ("VN-IVF", 3, 1, "The IVF laboratory opened in 2023.")),
     {1: _d(2020, 12, 31), 2: _d(2022, 12, 31), 3: _d(2025, 12, 31)}),
    ("Provincial General Hospital No.2 to Bao Thang", "VN-LC-BVDK2", "VN-LC-KV-BT",
     (("VN-EPI", 1, 1, ""), ("VN-SDH", 1, 2, ""), ("VN-MV", 2, 1, ""), ("VN-AMNIO-DX", 2, 2, "")),
     {1: _d(2022, 6, 30), 2: _d(2024, 6, 30)}),
    ("Provincial General Hospital No.2 to Bao Yen", "VN-LC-BVDK2", "VN-LC-KV-BY",
     (("VN-EPI", 1, 1, ""), ("VN-MV", 1, 2, ""), ("VN-AMNIO-DX", 2, 1, "")),
     {1: _d(2022, 6, 30), 2: _d(2026, 6, 30)}),
    ("Provincial General Hospital No.2 to Bat Xat", "VN-LC-BVDK2", "VN-LC-KV-BX",
     (("VN-EPI", 1, 1, ""), ("VN-MV", 2, 1, "")), {1: _d(2023, 6, 30), 2: _d(2027, 6, 30)}),
)

# ---------------------------------------------------------------- Haibei

# Techniques of China's list the Shandong teams brought (levels: 2 provincial, 3 county).
# (code, English, Chinese, specialty, level, cases for independence, equipment)
HAIBEI_TECHNIQUES = (
    ("CN-LAB-EPI", "Epidural labour analgesia", "椎管内分娩镇痛", "anaesthesiology", 2, 20, ()),
    ("CN-PHACO", "Phacoemulsification cataract surgery", "白内障超声乳化吸除术", "ophthalmology", 2, 20, ()),
    ("CN-ESD", "Endoscopic submucosal dissection", "内镜黏膜下剥离术", "gastroenterology", 2, 10, ("endoscope",)),
    ("CN-BRONCH", "Flexible bronchoscopy", "纤维支气管镜检查", "pulmonology", 3, 10, ()),
    ("CN-IVT", "Thrombolysis for acute myocardial infarction", "急性心肌梗死静脉溶栓", "cardiology", 3, 10, ()),
    ("CN-NCPAP", "Neonatal CPAP", "新生儿无创持续气道正压通气", "paediatrics", 3, 10, ()),
    ("CN-LAPCHOLE", "Laparoscopic cholecystectomy", "腹腔镜胆囊切除术", "general_surgery", 2, 15, ()),
)

HAIBEI_SERIES = (
    # Still performed long after the anaesthetists went home: the Gangcha example of the article.
    Series("CN-QH-HB-GCCPH", "CN-LAB-EPI", _d(2019, 12), _d(2021, 5, 20), _d(2020, 9), _d(2021, 1), per_month=8),
    Series("CN-QH-HB-LUQING", "CN-PHACO", _d(2019, 12), _d(2022, 10, 25), _d(2021, 3), _d(2022, 1), per_month=10),
    Series("CN-QH-HB-HYCPH", "CN-ESD", _d(2020, 12), _d(2023, 11, 15), _d(2022, 6), _d(2023, 3), per_month=3),
    # Stopped within months of the last pulmonologist leaving.
    Series("CN-QH-HB-MYCPH", "CN-BRONCH", _d(2020, 12), _d(2022, 11, 20), _d(2021, 9), _d(2022, 3),
           _d(2023, 1, 25), per_month=4),
    # Ran for half a year after the cardiologists stopped thrombolysing, then stopped.
    Series("CN-QH-HB-FPH", "CN-IVT", _d(2019, 12), _d(2023, 11, 20), _d(2021, 6), _d(2022, 2), _d(2024, 7, 15),
           per_month=3),
    # The 6th batch's paediatrician left in November 2025; Qilian still does it.
    Series("CN-QH-HB-QLCPH", "CN-NCPAP", _d(2021, 12), _d(2025, 11, 10), _d(2023, 3), _d(2024, 1), per_month=3),
    # Only ever done by the visiting surgeons.
    Series("CN-QH-HB-HYCPH", "CN-LAPCHOLE", _d(2021, 12), _d(2024, 11, 20), None, None, visiting_per_month=3),
)

HAIBEI_PLANS = (
    ("Liaocheng People's Hospital to Gangcha: labour analgesia", "CN-SD-LCPH", "CN-QH-HB-GCCPH",
     (("CN-LAB-EPI", 1, 1, "Obstetrics, anaesthesia and ultrasound together."),), {1: _d(2021, 6, 30)}),
)

# (kind, name, local name, facility, specialty, partner organisation, opened, people served, as of, description)
CENTRES = (
    ("hospital", "Lu-Qing Eye Hospital", "鲁青眼科医院", "CN-QH-HB-LUQING", "ophthalmology", "cn-bz-bmuh",
     _d(2020, 9, 1), None, None, "A specialty hospital in Menyuan built with Binzhou's ophthalmologists."),
    ("centre", "Lu-Qing Plateau Health Check Centre", "鲁青高原体检中心", "CN-QH-HB-PLATEAU", "internal_medicine",
     "cn-sdfmu-2", _d(2023, 6, 1), 6_100, _d(2024, 5, 31), "Health checks adapted to life on the plateau."),
    ("centre", "Remote Consultation Centre", "远程会诊中心", "CN-QH-HB-GCCPH", "cardiology", "cn-lc-ph",
     _d(2021, 7, 1), None, None, "ECGs taken in Gangcha are read in Liaocheng in real time."),
    ("centre", "Labour Analgesia Centre", "分娩镇痛中心", "CN-QH-HB-GCCPH", "anaesthesiology", "cn-lc-ph",
     _d(2021, 1, 1), None, None, "Obstetrics, anaesthesia and ultrasound working as one service."),
    ("centre", "Chest Pain Centre", "胸痛中心", "CN-QH-HB-FPH", "cardiology", "cn-sdfmu-2", _d(2022, 3, 1), None, None,
     ""),
    ("centre", "Multidisciplinary Treatment Centre", "多学科诊疗中心", "CN-QH-HB-FPH", None, "cn-sdfmu-2",
     _d(2022, 7, 1), None, None, "MDT meetings introduced by a Shandong director in July 2022."),
    ("centre", "Digestive Endoscopy Centre", "消化内镜中心", "CN-QH-HB-HYCPH", "gastroenterology", "cn-wh-mh",
     _d(2022, 9, 1), None, None, ""),
)

# A batch expert: (host facility, post, batch). A local: (organisation, position).
# (name, local name, facility, department, founder, founded, [(next lead, from)], [(trainee, since, note)], techniques)
STUDIOS = (
    ("Lu-Qing Famous Doctor Studio: Gastroenterology", "鲁青名医工作室（消化内科）", "CN-QH-HB-HYCPH", "Gastroenterology",
     ("CN-QH-HB-HYCPH", "Head of gastroenterology", 1), _d(2020, 3, 1),
     ((("CN-QH-HB-HYCPH", "Head of gastroenterology", 5), _d(2023, 12, 1)),
      (("cn-hy-cph", "Gastroenterologist (studio successor)"), _d(2024, 12, 1))),
     ((("cn-hy-cph", "Gastroenterologist (studio successor)"), _d(2020, 3, 1), "Now leads the studio."),
      (("cn-hy-cph", "Radiographer"), _d(2022, 5, 1), "Endoscopy assistant.")),
     ("CN-ESD",)),
    ("Lu-Qing Famous Doctor Studio: Ophthalmology", "鲁青名医工作室（眼科）", "CN-QH-HB-LUQING", "Ophthalmology",
     ("CN-QH-HB-LUQING", "Head of ophthalmology", 1), _d(2020, 9, 1),
     ((("cn-my-luqing", "Ophthalmologist (studio successor)"), _d(2023, 1, 1)),),
     ((("cn-my-luqing", "Ophthalmologist (studio successor)"), _d(2020, 9, 1), ""),),
     ("CN-PHACO",)),
    ("Lu-Qing Famous Doctor Studio: Obstetric Anaesthesia", "鲁青名医工作室（产科麻醉）", "CN-QH-HB-GCCPH",
     "Anaesthesiology", ("CN-QH-HB-GCCPH", "Head of anaesthesiology", 1), _d(2020, 6, 1),
     ((("CN-QH-HB-GCCPH", "Head of anaesthesiology", 3), _d(2021, 12, 1)),),
     ((("cn-gc-cph", "Anaesthetist"), _d(2020, 6, 1), ""), (("cn-gc-cph", "Midwife"), _d(2020, 9, 1), ""),
      (("cn-gc-cph", "Ultrasound technician"), _d(2021, 3, 1), "")),
     ("CN-LAB-EPI",)),
    ("Lu-Qing Famous Doctor Studio: Cardiology", "鲁青名医工作室（心内科）", "CN-QH-HB-FPH", "Cardiology",
     ("CN-QH-HB-FPH", "Head of cardiology", 1), _d(2020, 5, 1),
     ((("CN-QH-HB-FPH", "Head of cardiology", 4), _d(2022, 12, 1)),),
     ((("cn-hb-fph", "Cardiologist"), _d(2020, 5, 1), ""),),
     ("CN-IVT",)),
    ("Lu-Qing Famous Doctor Studio: Respiratory Medicine", "鲁青名医工作室（呼吸内科）", "CN-QH-HB-MYCPH",
     "Respiratory Medicine", ("CN-QH-HB-MYCPH", "Head of respiratory medicine", 2), _d(2021, 3, 1), (),
     ((("cn-my-cph", "Respiratory physician"), _d(2021, 3, 1), ""),),
     ("CN-BRONCH",)),
)
