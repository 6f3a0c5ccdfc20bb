"""The deployments demo: Shandong → Haibei batches 1–6 and the needs of batch 7; Russia → Kazakhstan 2020.

Everything reuses the registry rows the demo loader made (facilities and
organisations by code, the 102 alumni by home organisation and Latin name)
and goes through the services, like a user's writes. A programme or an
emergency that exists already is left alone, so a second load changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from caravan.core import audit
from caravan.core.models import Organisation
from caravan.demo.programmes import emergency as kz
from caravan.demo.programmes import haibei
from caravan.partnerships.models import Agreement
from caravan.registry.models import Department, Facility, Practitioner, Region

from . import emergency_services, inspection_services, services
from .models import AffectedRegion, Batch, Emergency, Posting, Programme, TeamMember

CITY = {"cn-lc-ph": "Liaocheng", "cn-wh-mh": "Weihai", "cn-ly-ph": "Linyi", "cn-bz-bmuh": "Binzhou",
        "cn-sdfmu-2": "Tai'an"}
_ROLE_OF = {
    "obstetrics_gynaecology": "obstetrician", "anaesthesiology": "anaesthetist", "cardiology": "cardiologist",
    "gastroenterology": "gastroenterologist", "general_surgery": "surgeon", "emergency_medicine": "emergency_physician",
    "paediatrics": "paediatrician", "ophthalmology": "ophthalmologist", "pulmonology": "pulmonologist",
    "critical_care": "intensivist", "ultrasound": "sonographer", "radiology": "radiographer",
    "pathology": "lab_technician", "epidemiology": "epidemiologist", "virology": "virologist",
    "infectious_diseases": "infectious_diseases",
}
NEXT = haibei.BATCHES + 1


def _role(specialty: str, post: str) -> str:
    if specialty == "hospital_management":
        return "vice_director" if post.startswith("Vice") else "hospital_director"
    return _ROLE_OF[specialty]


def _practitioners(specs) -> dict[tuple[str, str], Practitioner]:
    wanted = {(s.organisation, s.name_latin) for s in specs}
    rows = Practitioner.objects.filter(organisation__code__in={o for o, _ in wanted}).select_related("organisation")
    return {(p.organisation.code, p.name_latin): p for p in rows if (p.organisation.code, p.name_latin) in wanted}


def _windows(i: int, role: str) -> tuple[tuple[date, date], ...]:
    """Who can leave for the next rotation: most alumni, no radiographer, and every fourth person not."""
    if role == "radiographer" or i % 4 == 3:
        return ((date(2027, 3, 1), date(2028, 12, 31)),)
    return ((date(2025, 9, 1), date(2027, 8, 31)),)


def load_haibei(*, by, result) -> Programme | None:
    if Programme.objects.filter(code="shandong-haibei-aid").exists():
        return None
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["cn-sd-hc", "cn-hb-hc"])}
    if len(orgs) < 2:
        return None
    facilities = {f.code: f for f in Facility.objects.filter(code__startswith="CN-QH-HB-")}
    departments = {(d.facility.code, d.name): d for d in
                   Department.objects.filter(facility__code__startswith="CN-QH-HB-").select_related("facility")}
    programme = Programme.objects.create(
        code="shandong-haibei-aid", name="Shandong → Haibei group-style medical aid",
        sending_organisation=orgs["cn-sd-hc"], receiving_organisation=orgs["cn-hb-hc"],
        receiving_region=Region.objects.filter(code="CN-QH-HB").first(),
        agreement=Agreement.objects.filter(code="SD-HB-2018").first(),
        team_min=10, team_max=15, min_senior=5, max_per_hospital=5, min_managers=1, min_technicians=1,
    )
    result.created["aid programme"] += 1
    pool_specs = haibei.PROGRAMME.people[: haibei.BATCHES * haibei.BATCH_SIZE]
    people = _practitioners(pool_specs)
    batches = {}
    for number in range(1, NEXT + 1):
        start, end = haibei.batch_dates(number)
        batches[number] = services.batch_create(by=by, programme=programme, number=number, start=start, end=end)
    candidates = {}
    for i, spec in enumerate(pool_specs):
        practitioner = people.get((spec.organisation, spec.name_latin))
        if practitioner is None:
            continue
        appointment = spec.appointments[0]
        role = _role(spec.specialties[0], appointment.position)
        status = "approved" if i % 9 else "nominated"
        candidates[i] = services.candidate_create(
            by=by, programme=programme, practitioner=practitioner, roles=[role], city=CITY[spec.organisation],
            status=status, windows=_windows(i, role))
    result.created["pool candidate"] += len(candidates)
    # Batches 1-6: who served where, as the alumni records say.
    postings = []
    for i, spec in enumerate(pool_specs):
        if i not in candidates:
            continue
        number = i // haibei.BATCH_SIZE + 1
        appointment = spec.appointments[0]
        manager = spec.specialties[0] == "hospital_management" or appointment.position.startswith("Head")
        postings.append(Posting(
            batch=batches[number], candidate=candidates[i], facility=facilities[appointment.facility],
            role=candidates[i].roles[0], post=appointment.position if manager else "",
            start=appointment.start, end=appointment.end, status=Posting.Status.COMPLETED,
            handover_notes=("Labour analgesia: epidural protocol handed to the local anaesthetist; keep the "
                            "weekly joint ward round with obstetrics and ultrasound."
                            if appointment.facility == "CN-QH-HB-GCCPH" and role == "anaesthetist" else ""),
        ))
    # Past batches are history, not decisions: they are inserted together and audited as one load.
    Posting.objects.bulk_create(postings)
    audit.record(actor=by, action=audit.Action.CREATE, object_type="deployments.posting",
                 object_id=f"batches 1-{haibei.BATCHES}", object_repr=f"{len(postings)} postings of past batches",
                 organisation=programme.receiving_organisation, changes={"count": [None, len(postings)]})
    services.alumni_refresh(programme=programme)
    result.created["posting"] += len(postings)
    _needs(by=by, batch=batches[NEXT], facilities=facilities, departments=departments)
    _inspections(by=by, programme=programme, facilities=facilities, departments=departments)
    return programme


# (host, department, kind, title, roles, qualification, priority, language)
NEEDS = (
    ("CN-QH-HB-GCCPH", "Obstetrics and Gynaecology", "service", "Labour analgesia service",
     ["obstetrician", "anaesthetist", "sonographer"], "", 5, ""),
    ("CN-QH-HB-FPH", None, "post", "Hospital director", ["hospital_director"],
     "Senior title; five years running a grade-III hospital", 5, ""),
    ("CN-QH-HB-FPH", "MDT Office", "service", "MDT and chest-pain centre", ["cardiologist", "intensivist"], "", 4, ""),
    ("CN-QH-HB-LUQING", "Ophthalmology", "service", "Cataract surgery at the Lu-Qing Eye Hospital",
     ["ophthalmologist"], "", 4, ""),
    ("CN-QH-HB-HYCPH", "Gastroenterology", "service", "Digestive endoscopy", ["gastroenterologist"], "", 4, ""),
    ("CN-QH-HB-GCCPH", None, "post", "Vice director", ["vice_director"], "Associate senior title or above", 3, ""),
    ("CN-QH-HB-QLCPH", "Paediatrics", "service", "Paediatric ward", ["paediatrician"], "", 3, ""),
    ("CN-QH-HB-QLCPH", "Emergency", "service", "Emergency department", ["emergency_physician"], "", 3, ""),
    ("CN-QH-HB-MYCPH", "Respiratory Medicine", "service", "Respiratory and high-altitude medicine",
     ["pulmonologist", "radiographer"], "", 2, ""),
    ("CN-QH-HB-MYCPH", None, "service", "Tibetan-speaking obstetric outreach", ["obstetrician"], "", 2, "bo"),
    ("CN-QH-HB-HYCPH", "Surgery", "service", "General surgery", ["surgeon"], "", 2, ""),
    ("CN-QH-HB-QLCPH", "Laboratory", "service", "Laboratory quality", ["lab_technician"], "", 1, ""),
)


def _needs(*, by, batch, facilities, departments):
    for host, dept, kind, title, roles, qualification, priority, language in NEEDS:
        services.need_create(by=by, batch=batch, facility=facilities[host],
                             department=departments.get((host, dept)) if dept else None, kind=kind, title=title,
                             roles=roles, qualification=qualification, priority=priority, language=language)


def _inspections(*, by, programme, facilities, departments):
    gangcha = facilities["CN-QH-HB-GCCPH"]
    visit = inspection_services.inspection_create(
        by=by, programme=programme, facility=gangcha, visited_on=date(2024, 10, 15),
        department=departments.get(("CN-QH-HB-GCCPH", "Obstetrics and Gynaecology")),
        inspectors="Liaocheng People's Hospital quality-control group (obstetrics, anaesthesia, nursing)")
    finding = inspection_services.finding_add(
        by=by, inspection=visit, severity="major",
        text="Epidural consent forms incomplete in 4 of 30 records reviewed.")
    action = inspection_services.followup_add(by=by, finding=finding, action="Revise the consent form; audit monthly.",
                                              owner="Head of anaesthesiology", due=date(2024, 11, 30))
    inspection_services.followup_done(by=by, followup=action, on=date(2024, 11, 20))
    inspection_services.finding_add(by=by, inspection=visit, severity="minor",
                                    text="Ultrasound machine log not signed on weekends.")
    inspection_services.inspection_close(by=by, inspection=visit, on=date(2024, 12, 2))
    haiyan = inspection_services.inspection_create(
        by=by, programme=programme, facility=facilities["CN-QH-HB-HYCPH"], visited_on=date(2025, 6, 10),
        department=departments.get(("CN-QH-HB-HYCPH", "Gastroenterology")),
        inspectors="Weihai Municipal Hospital quality-control group")
    finding = inspection_services.finding_add(
        by=by, inspection=haiyan, severity="critical",
        text="Endoscope reprocessing: drying cabinet out of order, scopes stored wet.")
    inspection_services.followup_add(by=by, finding=finding, action="Replace the drying cabinet.",
                                     owner="Haiyan County People's Hospital equipment office", due=date(2025, 8, 31))


# Pressure over July 2020 (cases per 100,000 over 14 days; ICU occupancy %): plausible figures, not official ones.
PRESSURE = {
    "KZ-AST": ((date(2020, 7, 6), "310.5", 88), (date(2020, 7, 13), "285.0", 84), (date(2020, 7, 27), "160.2", 61)),
    "KZ-ATY": ((date(2020, 7, 6), "402.8", 93), (date(2020, 7, 13), "436.1", 95), (date(2020, 7, 27), "298.4", 80)),
    "KZ-ZAP": ((date(2020, 7, 6), "120.4", 64), (date(2020, 7, 13), "171.9", 72), (date(2020, 7, 27), "150.0", 70)),
    "KZ-MAN": ((date(2020, 7, 6), "215.7", 81), (date(2020, 7, 13), "240.3", 85), (date(2020, 7, 27), "181.6", 74)),
    "KZ-AKT": ((date(2020, 7, 6), "98.2", 58), (date(2020, 7, 13), "131.5", 66), (date(2020, 7, 27), "119.8", 63)),
    "KZ-YUZ": ((date(2020, 7, 6), "88.6", 62), (date(2020, 7, 13), "120.7", 71), (date(2020, 7, 27), "95.1", 60)),
    "KZ-SHY": ((date(2020, 7, 6), "260.9", 90), (date(2020, 7, 13), "301.4", 92), (date(2020, 7, 27), "170.3", 70)),
    "KZ-KZY": ((date(2020, 7, 6), "140.3", 70), (date(2020, 7, 13), "155.2", 73), (date(2020, 7, 27), "101.7", 58)),
    "KZ-ALM": ((date(2020, 7, 6), "110.8", 66), (date(2020, 7, 13), "126.4", 68), (date(2020, 7, 27), "99.5", 59)),
}
MINIMUMS = {"KZ-AST": {"epidemiologist": 2, "intensivist": 1}, "KZ-ATY": {"intensivist": 1, "virologist": 1},
            "KZ-SHY": {"intensivist": 1}, "KZ-MAN": {"epidemiologist": 1}}


def load_kazakhstan(*, by, result) -> Emergency | None:
    if Emergency.objects.filter(code="covid-kz-2020").exists():
        return None
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["ru-moh", "kz-moh"])}
    if len(orgs) < 2:
        return None
    emergency = Emergency.objects.create(
        code="covid-kz-2020", event="COVID-19 in Kazakhstan: Russian emergency medical team",
        sending_organisation=orgs["ru-moh"], receiving_organisation=orgs["kz-moh"], arrival=kz.ARRIVAL,
        agreement=Agreement.objects.filter(code="RU-KZ-EMT-2020").first())
    regions = {r.code: r for r in Region.objects.filter(code__in=PRESSURE)}
    facilities = {f.code: f for f in Facility.objects.filter(code__in=[f"{c}-IDH" for c in PRESSURE])}
    affected = {}
    for code in PRESSURE:
        affected[code] = AffectedRegion.objects.create(
            emergency=emergency, region=regions[code], facility=facilities.get(f"{code}-IDH"),
            skill_minimums=MINIMUMS.get(code, {}))
    specs = kz.PROGRAMME.people[: kz.TEAM_SIZE]
    found = _practitioners(specs)
    members = TeamMember.objects.bulk_create(
        TeamMember(emergency=emergency, practitioner=found[(s.organisation, s.name_latin)],
                   skill=_ROLE_OF[s.specialties[0]])
        for s in specs if (s.organisation, s.name_latin) in found)
    audit.record(actor=by, action=audit.Action.CREATE, obj=emergency, organisation=emergency.receiving_organisation,
                 changes={"members": [None, len(members)], "regions": [None, sorted(affected)]})
    result.created["emergency"] += 1
    # The team is placed by the first week's pressure, then re-placed as the figures change.
    for when in range(3):
        for code, rows in PRESSURE.items():
            day, cases, icu = rows[when]
            emergency_services.pressure_record(by=by, affected=affected[code], day=day,
                                               cases_per_100k=Decimal(cases), icu_occupancy=icu)
        emergency_services.team_allocate(by=by, emergency=emergency)
    for offset in range(14):
        day = kz.ARRIVAL + timedelta(days=offset + 1)
        for k, code in enumerate(("KZ-AST", "KZ-ATY", "KZ-SHY")):
            emergency_services.daily_report_record(
                by=by, affected=affected[code], day=day, consultations=40 + 3 * offset + 11 * k,
                admissions=9 + offset % 5 + 2 * k, procedures=6 + offset % 4, referrals=2 + offset % 3,
                deaths=(offset + k) % 3 // 2)
    # Atyrau stabilised last: the team stayed into September.
    emergency_services.region_extend(by=by, affected=affected["KZ-ATY"], until=date(2020, 9, 15))
    return emergency


def load(*, by, result) -> None:
    """Load both programmes' deployments; safe to run again."""
    load_haibei(by=by, result=result)
    load_kazakhstan(by=by, result=result)


def next_batch(programme: Programme) -> Batch:
    return programme.batches.get(number=NEXT)
