"""The referrals demo: Mazandaran's 10–15 foreign patients a month from the six MoU countries over the last
twelve months, and Shougang's Mongolian and Kazakh oncology patients since the tripartite MoU.

Referrals are written in bulk (one audit event per batch, as for any bulk load):
the demo loads in well under a second. A second run finds them and changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from caravan.core import audit
from caravan.core.models import Organisation
from caravan.partnerships.models import Agreement
from caravan.registry.models import Facility, Specialty

from . import stages as S
from .demo_data import CASES, DOCTORS, MOU, MOU_WEIGHTS, SHOUGANG
from .models import Capacity, FollowUp, Offer, Referral, StageChange

PREFIX = "RF-D"
MAZANDARAN_HOSPITALS = ("IR-MZ-IK-SARI", "IR-MZ-FZ-SARI", "IR-MZ-RAZI-QAE", "IR-MZ-KHATAM-BEH", "IR-MZ-RAMSAR",
                        "IR-MZ-CHALUS", "IR-MZ-FAKOURI-JUY", "IR-MZ-SHAFA-SARI", "IR-MZ-SHOMAL-AMOL")
SHOUGANG_HOSPITALS = ("CN-BJ-PKUSG",)
# Patients a month each ready hospital takes per specialty (the university hospitals more than the district ones).
MONTHLY = {"IR-MZ-IK-SARI": 5, "IR-MZ-FZ-SARI": 5, "IR-MZ-RAZI-QAE": 4, "CN-BJ-PKUSG": 6}
ACCREDITED = {"IR-MZ-IK-SARI", "IR-MZ-FZ-SARI", "CN-BJ-PKUSG"}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _months_back(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    months = [first]
    for _i in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


class Builder:
    def __init__(self, *, today: date, rng: random.Random):
        self.today = today
        self.rng = rng
        self.referrals: list[Referral] = []
        self.plans: list[tuple[Referral, list, list, list]] = []  # (referral, stage changes, offers, follow-ups)
        self.used: dict[tuple[int, int, str], int] = {}
        self.serial = 0

    def one(self, *, country: str, spec: tuple, received: date, hospitals: dict, capacities: dict,
            agreements: dict, orgs: dict, receiving: Organisation, specialties: dict) -> None:
        rng = self.rng
        agreement_code, org_code, languages, passport, givens, surnames = spec
        ready_codes = sorted({code for codes in hospitals.values() for code in codes[1]} & set(CASES))
        specialty_code = "oncology" if country in SHOUGANG else rng.choice(ready_codes)
        diagnosis, icd, plan, stay, cost = rng.choice(CASES[specialty_code])
        given, given_latin, sex = rng.choice(givens)
        surname, surname_latin = rng.choice(surnames)
        self.serial += 1
        path = [S.RECEIVED]
        day = received
        stops = rng.random()
        stopped = None
        steps = [(S.PRE_ASSESSMENT, 1, 3), (S.OFFERS, 2, 5), (S.ACCEPTED, 3, 8), (S.LETTER_ISSUED, 1, 4),
                 (S.ARRIVED, 7, 20), (S.ADMITTED, 0, 2), (S.DISCHARGED, stay, stay + 3)]
        dates = {S.RECEIVED: received}
        for stage, low, high in steps:
            nxt = day + timedelta(days=rng.randint(low, high))
            if nxt > self.today:
                break
            if stage == S.ACCEPTED and stops < 0.06:
                stopped = (S.DECLINED, "No bed in the specialty this month; referred elsewhere.")
                dates[S.DECLINED] = nxt
                break
            if stage == S.LETTER_ISSUED and stops > 0.97:
                stopped = (S.WITHDRAWN, "The patient chose treatment at home.")
                dates[S.WITHDRAWN] = nxt
                break
            path.append(stage)
            dates[stage] = day = nxt
        candidates = [fid for fid, (name, codes) in hospitals.items() if specialty_code in codes]
        facility_id = None
        if S.ACCEPTED in dates:
            month = dates[S.ACCEPTED].strftime("%Y-%m")
            free = [fid for fid in candidates if self.used.get((fid, specialties[specialty_code], month), 0)
                    < capacities.get((fid, specialty_code), 0)]
            if not free:  # the month is full everywhere: the referral waits for next month's offers
                for stage in (S.DISCHARGED, S.ADMITTED, S.ARRIVED, S.LETTER_ISSUED, S.ACCEPTED):
                    dates.pop(stage, None)
                path = [p for p in path if p in dates]
            else:
                facility_id = rng.choice(free)
                key = (facility_id, specialties[specialty_code], month)
                self.used[key] = self.used.get(key, 0) + 1
        follow_ups = []
        outcome = ""
        if S.DISCHARGED in dates:
            discharged = dates[S.DISCHARGED]
            for offset in (30, 90):
                due = discharged + timedelta(days=offset)
                done = due + timedelta(days=rng.randint(0, 6))
                fu_outcome = rng.choice(["recovered", "improved", "improved", "improved", "unchanged"])
                if done <= self.today:
                    outcome = fu_outcome
                    follow_ups.append(FollowUp(day_offset=offset, due_on=due, done_on=done, outcome=fu_outcome))
                    if S.FOLLOW_UP not in dates:
                        dates[S.FOLLOW_UP] = done
                        path.append(S.FOLLOW_UP)
                else:
                    follow_ups.append(FollowUp(day_offset=offset, due_on=due))
            if len([f for f in follow_ups if f.done_on]) == 2:
                dates[S.CLOSED] = follow_ups[-1].done_on
                path.append(S.CLOSED)
        status = stopped[0] if stopped else path[-1]
        if stopped:
            path.append(stopped[0])
        stage_day = dates[status]
        language = rng.choice(languages)
        offers = []
        if S.OFFERS in dates:
            offered = sorted(set(rng.sample(candidates, min(len(candidates), rng.randint(1, 2))))
                             | ({facility_id} if facility_id else set()))
            for fid in offered:
                state = "open"
                if facility_id:
                    state = "accepted" if fid == facility_id else "superseded"
                offers.append(Offer(facility_id=fid, treatment_plan=plan, expected_stay_days=stay,
                                    cost_estimate=Decimal(cost + rng.randint(-3, 3) * 100), currency="USD",
                                    state=state, created_at=_at(dates[S.OFFERS])))
        referral = Referral(
            reference=f"{PREFIX}-{country}-{self.serial:05d}", agreement=agreements[agreement_code],
            referring_organisation=orgs[org_code], receiving_organisation=receiving,
            receiving_facility_id=facility_id, patient_name=f"{given} {surname}",
            patient_name_latin=f"{given_latin} {surname_latin}",
            birth_date=received - timedelta(days=rng.randint(18 * 365, 75 * 365)), sex=sex, nationality=country,
            passport_number=passport(self.serial), diagnosis=diagnosis, icd10=icd,
            specialty_id=specialties[specialty_code], urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
            language=language, referring_doctor=DOCTORS[country], status=status, stage_since=_at(stage_day),
            stop_reason=stopped[1] if stopped else "", received_on=received,
            accepted_on=dates.get(S.ACCEPTED) if facility_id else None,
            letter_reference=f"INV-D{self.serial:06d}" if S.LETTER_ISSUED in dates and facility_id else None,
            letter_language=("ru" if language in ("tg", "mn", "kk") else language if language in ("ar", "en")
                             else "en") if S.LETTER_ISSUED in dates else "",
            letter_issued_on=dates.get(S.LETTER_ISSUED), arrived_on=dates.get(S.ARRIVED),
            admitted_on=dates.get(S.ADMITTED), discharged_on=dates.get(S.DISCHARGED),
            procedures=plan if S.DISCHARGED in dates else "",
            discharge_summary="Uneventful course; discharged in good condition." if S.DISCHARGED in dates else "",
            outcome=outcome,
        )
        changes = [StageChange(status=s, at=_at(dates[s])) for s in path]
        referral.derive()
        self.referrals.append(referral)
        self.plans.append((referral, changes, offers, follow_ups))

    def save(self) -> int:
        Referral.objects.bulk_create(self.referrals, batch_size=500)
        changes, offers, follow_ups = [], [], []
        for referral, cs, os_, fs in self.plans:
            for row in (*cs, *os_, *fs):
                row.referral_id = referral.pk
            changes += cs
            offers += os_
            follow_ups += fs
        StageChange.objects.bulk_create(changes, batch_size=1000)
        Offer.objects.bulk_create(offers, batch_size=1000)
        FollowUp.objects.bulk_create(follow_ups, batch_size=1000)
        return len(self.referrals)


def _hospitals(codes) -> dict[int, tuple[str, set[str]]]:
    rows: dict[int, tuple[str, set[str]]] = {}
    for fid, name, code in Facility.objects.filter(code__in=codes).values_list(
            "id", "code", "foreign_patient_specialties__code"):
        rows.setdefault(fid, (name, set()))
        if code:
            rows[fid][1].add(code)
    return rows


def _capacities(hospitals: dict, specialties: dict, result) -> dict[tuple[int, str], int]:
    existing = {(c.facility_id, c.specialty_id) for c in Capacity.objects.filter(facility_id__in=list(hospitals))}
    new = []
    capacity = {}
    for fid, (code, ready) in hospitals.items():
        for specialty in sorted(ready):
            monthly = MONTHLY.get(code, 3)
            capacity[(fid, specialty)] = monthly
            if (fid, specialties[specialty]) not in existing:
                new.append(Capacity(facility_id=fid, specialty_id=specialties[specialty], monthly=monthly,
                                    interpreters=["ar", "en", "ru"] if code in ACCREDITED else ["en"],
                                    accreditation="Iran national accreditation, grade 1" if code in ACCREDITED
                                    else ""))
    if new:
        Capacity.objects.bulk_create(new)
        result.created["referral capacity"] += len(new)
    # Use the declared figures (a user may have changed them since the first load).
    for c in Capacity.objects.filter(facility_id__in=list(hospitals)).select_related("specialty"):
        capacity[(c.facility_id, c.specialty.code)] = c.monthly
    return capacity


@transaction.atomic
def load(*, by, result, today: date | None = None) -> None:
    today = today or timezone.localdate()
    specialties = dict(Specialty.objects.values_list("code", "id"))
    agreements = {a.code: a for a in Agreement.objects.filter(code__in=["MZ-TJ-2022", "MZ-ZW-2021", "MZ-BH-2023",
                                                                          "MZ-BD-2024", "MZ-LY-2021", "MZ-SC-2021",
                                                                          "SG-MN-KZ"])}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[
        "mazums", "cn-pku-shougang", *[v[1] for v in MOU.values()], *[v[1] for v in SHOUGANG.values()]])}
    mz_hospitals = _hospitals(MAZANDARAN_HOSPITALS)
    sg_hospitals = _hospitals(SHOUGANG_HOSPITALS)
    mz_caps = _capacities(mz_hospitals, specialties, result)
    sg_caps = _capacities(sg_hospitals, specialties, result)
    if Referral.objects.filter(reference__startswith=PREFIX).exists():
        return
    if len(agreements) < 7 or not mz_hospitals:
        return  # the partnerships demo did not run: nothing to refer under
    # Matching and capacity keys need the facility's name and its ready specialties; keyed by facility id.
    mz = {fid: (code, ready) for fid, (code, ready) in mz_hospitals.items()}
    sg = {fid: (code, ready) for fid, (code, ready) in sg_hospitals.items()}
    # The monthly counts come from their own generator, so the number of demo referrals is the same whatever
    # the day the demo is loaded on; the rest of each referral depends on how long ago it arrived.
    counts = random.Random(20260401)
    mz_counts = [counts.randint(10, 15) for _i in range(12)]
    sg_counts = [counts.randint(2, 4) for _i in range(6)]
    builder = Builder(today=today, rng=random.Random(20260402))
    rng = builder.rng
    countries = [c for c, w in MOU_WEIGHTS.items() for _i in range(w)]
    for month, n in zip(_months_back(today, 12), mz_counts, strict=True):
        last = min(today, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        for _i in range(n):
            country = rng.choice(countries)
            received = month + timedelta(days=rng.randint(0, (last - month).days))
            builder.one(country=country, spec=MOU[country], received=received, hospitals=mz, capacities=mz_caps,
                        agreements=agreements, orgs=orgs, receiving=orgs["mazums"], specialties=specialties)
    # Shougang's referrals began with the tripartite MoU about seven months ago: the last six months.
    start = agreements["SG-MN-KZ"].start
    for month, n in zip(_months_back(today, 6), sg_counts, strict=True):
        last = min(today, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        first = max(month, start)
        for _i in range(n):
            country = rng.choice(["MN", "MN", "KZ"])
            received = first + timedelta(days=rng.randint(0, max((last - first).days, 0)))
            builder.one(country=country, spec=SHOUGANG[country], received=received, hospitals=sg,
                        capacities=sg_caps, agreements=agreements, orgs=orgs, receiving=orgs["cn-pku-shougang"],
                        specialties=specialties)
    count = builder.save()
    result.created["referral"] += count
    audit.record(actor=by, action=audit.Action.CREATE, object_type="referrals.referral", object_id="demo",
                 object_repr=f"{count} demo referrals", organisation=orgs["mazums"],
                 changes={"referrals": [0, count]})
