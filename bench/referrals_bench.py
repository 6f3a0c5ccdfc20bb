"""Referrals at scale: 200,000 referrals over 5 years from 40 countries into 2,000 ready hospitals.

Seeds a fresh database with bulk inserts, then measures through Django's test client, signed in as the
receiving side's international office coordinator:
- the pipeline board (/referrals/), p50/p95 over repeated loads, with and without a stage filter;
- the monthly figures page (/referrals/figures/, the last 12 months: about 40,000 referrals), p50/p95;
- matching one referral (selectors.match_for_referral: fetch + rank among ~500 hospitals ready in its
  specialty, plus 30 named as not ready), p50/p95 over 200 referrals.

Engines: `--engine sqlite` (a temporary file, or DATABASE_URL if given, reused when already seeded),
`--engine postgres` (a database of its own, `caravan_bench_referrals` on postgres://postgres@127.0.0.1:5432,
created before and dropped after), `--engine both` (each in its own process, one after the other).
The machine may be shared: the load average is recorded before and after every figure.

    .venv/bin/python bench/referrals_bench.py [--engine both] [--referrals 200000] [--out bench/results/referrals.json]
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

COUNTRIES = ("TJ", "ZW", "BH", "BD", "LY", "SC", "MN", "KZ", "RU", "CN", "AF", "IQ", "SY", "LB", "AM", "AZ", "GE",
             "TM", "UZ", "KG", "PK", "IN", "NP", "LK", "MV", "OM", "QA", "KW", "AE", "YE", "SD", "ET", "KE", "TZ",
             "UG", "NG", "GH", "TR", "SA", "JO")
SPECIALTIES = ("oncology", "urology", "gastroenterology", "cardiology", "cardiac_surgery", "infertility",
               "orthopaedics", "general_surgery", "ophthalmology", "neurosurgery", "transplantation",
               "obstetrics_gynaecology")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = "caravan_bench_referrals"
OPEN = ("received", "pre_assessment", "offers", "accepted", "letter_issued", "arrived", "admitted", "discharged",
        "follow_up")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(times) -> dict:
    ms = [t * 1000 for t in times]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1),
            "max_ms": round(max(ms), 1), "runs": len(ms)}


def loads(before) -> dict:
    """The 1-minute load average before and after a measurement (the machine may be shared)."""
    return {"load_before": round(before[0], 2), "load_after": round(os.getloadavg()[0], 2)}


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caravan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(n: int, hospitals: int = 2000, years: int = 5, seed_value: int = 7):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from caravan.core.models import Membership, Network, Organisation, Profile
    from caravan.core.tree import tree_save_path
    from caravan.partnerships.models import Agreement, AgreementParty, AgreementScope
    from caravan.referrals.models import Capacity, Referral
    from caravan.registry.models import Equipment, Facility, Region, Specialty
    from caravan.registry.vocab import seed_vocabularies

    rng = random.Random(seed_value)
    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        seed_vocabularies(Specialty, Equipment)
        specialty_ids = dict(Specialty.objects.filter(code__in=SPECIALTIES).values_list("code", "id"))
        network = Network.objects.create(code="bench", name="Bench network")
        region = Region.objects.create(code="XX", name="Bench country", level=0)
        tree_save_path(region)

        def org(code, name, parent=None, kind="hospital"):
            o = Organisation.objects.create(code=code, name=name, parent=parent, kind=kind)
            tree_save_path(o)
            o.networks.add(network)
            return o

        office = org("office", "Receiving university", kind="university")
        groups = [org(f"group-{g}", f"Hospital group {g}", office, "hospital_group") for g in range(20)]
        partners = {c: org(f"moh-{c.lower()}", f"Ministry of health {c}", kind="ministry") for c in COUNTRIES}
        Facility.objects.bulk_create([
            Facility(code=f"H{i:05d}", name=f"Hospital {i:05d}", kind="general_hospital", level=2,
                     organisation=groups[i % 20], region=region, languages=rng.sample(["fa", "en", "ar", "ru", "tg"], 2))
            for i in range(hospitals)
        ], batch_size=1000)
        facilities = list(Facility.objects.values_list("id", flat=True))
        through = Facility.foreign_patient_specialties.through
        ready, caps, by_specialty = [], [], {code: [] for code in SPECIALTIES}
        for fid in facilities:
            for code in rng.sample(SPECIALTIES, 3):
                ready.append(through(facility_id=fid, specialty_id=specialty_ids[code]))
                caps.append(Capacity(facility_id=fid, specialty_id=specialty_ids[code], monthly=rng.randint(2, 8),
                                     interpreters=["en"], accreditation="national" if rng.random() < 0.3 else ""))
                by_specialty[code].append(fid)
        through.objects.bulk_create(ready, batch_size=2000)
        Capacity.objects.bulk_create(caps, batch_size=2000)
        agreements = {}
        for c, partner in partners.items():
            a = Agreement.objects.create(code=f"MOU-{c}", title=f"MoU {c}", start=today - timedelta(days=365 * 6),
                                         status="active")
            AgreementParty.objects.create(agreement=a, organisation=office, role="lead")
            AgreementParty.objects.create(agreement=a, organisation=partner, role="partner")
            AgreementScope.objects.create(agreement=a, area="patient_referral")
            agreements[c] = a
        user = get_user_model().objects.create_user(username="office", password="x")
        Profile.objects.create(user=user)
        Membership.objects.create(user=user, organisation=office, role="coordinator")
        span = 365 * years
        batch = []
        for i in range(n):
            c = COUNTRIES[min(int(rng.expovariate(1 / 8)), len(COUNTRIES) - 1)]
            code = rng.choice(SPECIALTIES)
            received = today - timedelta(days=rng.randint(0, span))
            age = (today - received).days
            if age > 150:
                status = rng.choices(["closed", "declined", "withdrawn"], [90, 7, 3])[0]
            else:
                status = OPEN[min(age // 15, len(OPEN) - 1)] if rng.random() < 0.9 else "declined"
            placed = status not in ("received", "pre_assessment", "offers", "declined", "withdrawn")
            accepted = received + timedelta(days=rng.randint(5, 12)) if placed else None
            admitted = accepted + timedelta(days=rng.randint(7, 20)) if placed and status not in (
                "accepted", "letter_issued", "arrived") else None
            batch.append(Referral(
                reference=f"RF-B{i:07d}", agreement=agreements[c], referring_organisation=partners[c],
                receiving_organisation=office, receiving_facility_id=rng.choice(by_specialty[code]) if placed else None,
                patient_name=f"Patient {i}", patient_name_latin=f"Patient {i}", birth_date=date(1970, 1, 1),
                sex="female" if i % 2 else "male", nationality=c, passport_number="A1234567", diagnosis="Bench",
                icd10="C18.7", specialty_id=specialty_ids[code], language=rng.choice(["en", "ar", "ru", "tg"]),
                referring_doctor="Dr. Bench", status=status, stop_reason="bench" if status in (
                    "declined", "withdrawn") else "",
                stage_since=timezone.make_aware(datetime.combine(min(today, received + timedelta(days=age % 15)),
                                                                 dtime(9))),
                received_on=received, accepted_on=accepted, admitted_on=admitted,
                outcome=rng.choice(["recovered", "improved", "unchanged"]) if status == "closed" else "",
            ))
            batch[-1].derive()
            if len(batch) == 5000:
                Referral.objects.bulk_create(batch)
                batch = []
        Referral.objects.bulk_create(batch)
    return user, time.perf_counter() - started


def measure(user, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    from caravan.referrals import selectors
    from caravan.referrals.models import Referral

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The steady state autovacuum reaches: statistics, and a visibility map so that the covering
            # indexes are read without visiting the table (right after a bulk load, every row is "maybe visible").
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def timed(url):
        client.get(url)  # warm
        load_before = os.getloadavg()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
        return summary(times) | loads(load_before)

    out = {
        "board": timed("/referrals/"),
        "board_filtered_offers_tj": timed("/referrals/?status=offers&nationality=TJ"),
        "figures_12_months": timed("/referrals/figures/"),
    }
    ids = list(Referral.objects.filter(status__in=["received", "pre_assessment", "offers"])
               .values_list("id", flat=True)[:200])
    referrals = {r.pk: r for r in Referral.objects.filter(pk__in=ids).select_related("specialty",
                                                                                    "receiving_organisation")}
    times, sizes = [], []
    load_before = os.getloadavg()
    for pk in ids:
        referral = referrals[pk]
        t = time.perf_counter()
        match = selectors.match_for_referral(referral=referral)
        times.append(time.perf_counter() - t)
        sizes.append(len(match.candidates))
    out["matching_one_referral"] = summary(times) | {"hospitals_assessed_median": statistics.median(sizes)} | loads(
        load_before)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "referrals.json"))
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep (and reuse) the bench database")
    args = parser.parse_args()
    if args.engine == "both":
        # Django is set up once per process, so each engine runs in its own.
        for engine in ("sqlite", "postgres"):
            subprocess.run([sys.executable, __file__, "--engine", engine, "--referrals", str(args.referrals),  # noqa: S603
                            "--repeat", str(args.repeat), "--out", args.out], check=True)
        return
    if args.engine == "postgres" and not args.keep:
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
    if args.engine == "postgres":
        try:
            pg_admin(f'CREATE DATABASE "{PG_NAME}"')
        except Exception:  # noqa: BLE001 - kept from an earlier --keep run: measured again without reseeding
            print(f"reusing {PG_NAME}", flush=True)
        database_url = f"{PG_SERVER}/{PG_NAME}"
    else:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/referrals-bench.sqlite3"
    try:
        run(args, database_url)
    finally:
        if args.engine == "postgres" and not args.keep:
            from django.db import connections

            connections.close_all()
            pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}"')


def run(args, database_url: str):
    setup_django(database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from caravan.referrals.models import Referral

    # A database already seeded by an earlier run (DATABASE_URL given) is measured again without reseeding.
    if Referral.objects.filter(reference__startswith="RF-B").count() >= args.referrals:
        user, seconds = get_user_model().objects.get(username="office"), None
        print("reusing the seeded database", flush=True)
    else:
        user, seconds = seed(args.referrals)
        print(f"seeded {args.referrals} referrals in {seconds:.1f} s on {connection.vendor}", flush=True)
    result = measure(user, args.repeat)
    print(json.dumps(result, indent=2), flush=True)
    engine = connection.vendor
    out = Path(args.out)
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing[engine] = {
        "scenario": f"{args.referrals} referrals over 5 years, 40 countries, 2,000 ready hospitals "
                    "(3 specialties each, monthly capacity per specialty)",
        "seed_seconds": round(seconds, 1) if seconds else None, "measured_on": date.today().isoformat(),
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "targets_ms": {"board_p95": 300, "figures_p95": 300, "matching_p95": 50},
        **result,
    }
    out.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
