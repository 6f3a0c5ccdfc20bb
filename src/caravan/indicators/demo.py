"""The indicators demo: Lao Cai's figures by district and year, before and after the 2025 merger.

Lao Cai's own records (1,024 doctors, 3,048 beds, 800,000 people in 2024, 315
of 319 communes meeting the criteria) come from the Lao Cai programme; nothing
here types a ratio in. This loader adds Yen Bai, which merged into Lao Cai on
1 July 2025 (its regions, population, hospitals and doctors, in bulk), the data
values Caravan does not hold (insured visits by citizen ID in Lao Cai, foreign
patients in Mazandaran, approved), then materialises every indicator. A second
load finds everything there and changes nothing.
"""

from datetime import date

from django.db import transaction

from caravan.core import audit
from caravan.core.audit import Action
from caravan.core.models import Organisation
from caravan.core.text import search_blob
from caravan.core.tree import tree_save_path
from caravan.demo.names import vietnamese_names
from caravan.registry.models import Appointment, Facility, Practitioner, Region, RegionPopulation

from . import rebuild, services
from .models import DataValue, IndicatorValue

YEN_BAI = "VN-YB"
MERGER = date(2025, 7, 1)
# Yen Bai's population by year (rounded, for the demo); 2025 is the area's figure, counted toward Lao Cai.
YB_POPULATION = {2020: 830_000, 2021: 836_000, 2022: 842_000, 2023: 848_000, 2024: 860_000, 2025: 866_000}
YB_DOCTORS = 860  # 10.0 per 10,000 of 860,000 in 2024
YB_DISTRICTS = (
    ("TP", "Yen Bai City", "Thành phố Yên Bái"),
    ("NL", "Nghia Lo Town", "Thị xã Nghĩa Lộ"),
    ("VY", "Van Yen District", "Huyện Văn Yên"),
    ("TY", "Tran Yen District", "Huyện Trấn Yên"),
    ("MCC", "Mu Cang Chai District", "Huyện Mù Cang Chải"),
)
# (code, English, Vietnamese, district, beds): 2,030 beds, 23.6 per 10,000 in 2024.
YB_HOSPITALS = (
    ("BVDK", "Yen Bai Provincial General Hospital", "Bệnh viện Đa khoa tỉnh Yên Bái", "TP", 700),
    ("SANNHI", "Yen Bai Obstetrics and Paediatrics Hospital", "Bệnh viện Sản Nhi tỉnh Yên Bái", "TP", 350),
    ("NGHIALO", "Nghia Lo Regional General Hospital", "Bệnh viện Đa khoa khu vực Nghĩa Lộ", "NL", 400),
    ("VANYEN", "Van Yen District Medical Centre", "Trung tâm Y tế huyện Văn Yên", "VY", 250),
    ("TRANYEN", "Tran Yen District Medical Centre", "Trung tâm Y tế huyện Trấn Yên", "TY", 180),
    ("MCC", "Mu Cang Chai District Medical Centre", "Trung tâm Y tế huyện Mù Cang Chải", "MCC", 150),
)
# Data values: (element, region code, period, value). 842,100 of 1,000,000 insured visits = 84.21%.
DATA_VALUES = [
    ("insured_visits", "VN-LC", "2024", 1_000_000.0),
    ("insured_visits_citizen_id", "VN-LC", "2024", 842_100.0),
    ("insured_visits", "VN-LC", "2023", 960_000.0),
    ("insured_visits_citizen_id", "VN-LC", "2023", 412_800.0),
] + [("foreign_patients", "IR-MZ", str(y), float(n))
     for y, n in ((2020, 610), (2021, 740), (2022, 1_180), (2023, 1_520), (2024, 1_960), (2025, 2_240))]


def _yen_bai(*, by, result) -> bool:
    """Create Yen Bai and what counts toward Lao Cai after the merger; False when it is already there."""
    if Region.objects.filter(code=YEN_BAI).exists():
        return False
    lao_cai = Region.objects.get(code="VN-LC")
    with transaction.atomic():
        province = Region.objects.create(
            code=YEN_BAI, name="Yen Bai", name_local="Tỉnh Yên Bái", level=Region.Level.PROVINCE,
            parent_id=lao_cai.parent_id, valid_to=MERGER, merged_into=lao_cai,
            search_text=search_blob("Yen Bai", "Tỉnh Yên Bái", YEN_BAI))
        tree_save_path(province)
        districts = {}
        for code, english, local in YB_DISTRICTS:
            d = Region.objects.create(code=f"{YEN_BAI}-{code}", name=english, name_local=local,
                                      level=Region.Level.DISTRICT, parent=province,
                                      search_text=search_blob(english, local, f"{YEN_BAI}-{code}"))
            tree_save_path(d)
            districts[code] = d
        RegionPopulation.objects.bulk_create(
            [RegionPopulation(region=province, year=y, population=n) for y, n in YB_POPULATION.items()])
        org = Organisation.objects.create(code="yb-doh", name="Yen Bai Department of Health",
                                          name_local="Sở Y tế tỉnh Yên Bái", kind=Organisation.Kind.HEALTH_DEPARTMENT,
                                          country_id=lao_cai.parent_id)
        tree_save_path(org)
        facilities = Facility.objects.bulk_create([
            Facility(code=f"{YEN_BAI}-{code}", name=english, name_local=local, kind=Facility.Kind.GENERAL_HOSPITAL,
                     level=2 if district == "TP" or code == "NGHIALO" else 3, organisation=org,
                     region=districts[district], beds=beds, has_emr=True, has_his=True,
                     search_text=search_blob(english, local, f"{YEN_BAI}-{code}"))
            for code, english, local, district, beds in YB_HOSPITALS
        ])
        facilities = list(Facility.objects.filter(code__startswith=f"{YEN_BAI}-").order_by("code"))
        people = Practitioner.objects.bulk_create([
            Practitioner(name=name, name_latin=latin, sex=sex, profession="doctor", title="intermediate",
                         organisation=org, languages=["vi"], search_text=search_blob(name, latin))
            for name, latin, sex in vietnamese_names(YB_DOCTORS, start=3000)
        ])
        people = list(Practitioner.objects.filter(organisation=org).order_by("pk"))
        Appointment.objects.bulk_create([
            Appointment(practitioner=p, facility=facilities[i % len(facilities)], position="Physician",
                        start=date(2008 + i % 12, 1 + i % 12, 1))
            for i, p in enumerate(people)
        ])
        audit.record(actor=by, action=Action.CREATE, obj=province,
                     changes={"demo": [None, f"{len(districts)} districts, {len(facilities)} facilities, "
                                             f"{len(people)} doctors"]})
    result.created["region"] += 1 + len(districts)
    result.created["population"] += len(YB_POPULATION)
    result.created["organisation"] += 1
    result.created["facility"] += len(facilities)
    result.created["practitioner"] += len(people)
    result.created["appointment"] += len(people)
    return True


def _data_values(*, by, result) -> bool:
    regions = dict(Region.objects.filter(code__in={r for _e, r, _p, _v in DATA_VALUES}).values_list("code", "pk"))
    have = set(DataValue.objects.values_list("element", "region_id", "period"))
    missing = [DataValue(element=e, region_id=regions[r], period=p, value=v, status=DataValue.Status.APPROVED,
                         entered_by=by, approved_by=by)
               for e, r, p, v in DATA_VALUES if r in regions and (e, regions[r], p) not in have]
    if not missing:
        return False
    with transaction.atomic():
        DataValue.objects.bulk_create(missing)
        audit.record(actor=by, action=Action.CREATE, object_type="indicators.datavalue_import",
                     object_repr="Demo data values", changes={"rows": [None, len(missing)]})
    result.created["data value"] += len(missing)
    return True


def load(*, by, result) -> None:
    """Bring the indicators demo in line; a second run changes nothing and audits nothing."""
    changed = bool(services.builtin_sync())
    changed |= _yen_bai(by=by, result=result)
    changed |= _data_values(by=by, result=result)
    if changed or not IndicatorValue.objects.exists():
        # Not counted in `result`: how many values there are depends on the current year (periods run to it).
        rebuild.rebuild_all()
