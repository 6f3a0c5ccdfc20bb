"""Teleconsultation benchmarks: ECG import and render throughput, the case queue at 100,000 cases, and
live-ECG latency from sender to 20 viewers.

- ECG: records per second through the whole import path (detect, read with wfdb, normalise, R peaks, the
  array file) and through the viewer's render step (a 10 s window as JSON), for a synthetic 12-lead 10 s
  500 Hz WFDB record and for MIT-BIH record 100 (two leads, 30 min, read in place from ../shared/acceptance).
- Queue: p50/p95 of the consultant's queue page and the coordinator's case list (first page, HTML, through
  Django's test client) with 100,000 cases in a fresh SQLite database (or DATABASE_URL if given).
- Closing the loop and MDT: p50/p95 of the coordinator's "answered, receipt not confirmed" page (12,500
  answered cases of the 100,000), the requester's notices page (1,000 notices) and an MDT session page with
  10 cases on its agenda (the consultant is a participant, so every case list also asks the MDT subquery).
- Live: 12 leads at 500 Hz in 100 ms chunks at real speed for 20 s, 20 viewers, through the real consumer
  and the channel layer in one process (in-memory, or Redis when CARAVAN_REDIS_URL is set); latency is the
  time from the sender stamping a chunk to each viewer receiving it.

    .venv/bin/python bench/teleconsult_bench.py [--cases 100000] [--live-seconds 20] [--out bench/results/teleconsult.json]
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
ACCEPTANCE = next((p for p in (ROOT.parent / "shared" / "acceptance", Path("/work/shared/acceptance"))
                   if p.is_dir()), ROOT.parent / "shared" / "acceptance")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def ecg_throughput() -> dict:
    from caravan.teleconsult.ecg import EcgRecord, r_peaks, read_ecg
    from caravan.teleconsult.synthetic import as_wfdb_files, synthetic_ecg
    from caravan.teleconsult.viewing import ecg_window

    def measure(files, repeat):
        imports, renders = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            record = read_ecg(files)
            r_peaks(record.signals[0], record.sampling_rate)
            data = record.to_npz()
            imports.append(time.perf_counter() - t)
            t = time.perf_counter()
            json.dumps(ecg_window(EcgRecord.from_npz(data), start=0, seconds=10))
            renders.append(time.perf_counter() - t)
        return {"import_records_per_s": round(1 / statistics.median(imports), 2),
                "import_median_ms": round(statistics.median(imports) * 1000, 1),
                "render_10s_window_per_s": round(1 / statistics.median(renders), 2),
                "render_median_ms": round(statistics.median(renders) * 1000, 1), "repeats": repeat}

    twelve = as_wfdb_files(synthetic_ecg(seconds=10, rate=500, seed=3), "bench12")
    out = {"12_lead_10s_500hz": measure(twelve, 30)}
    hea = ACCEPTANCE / "wfdb" / "100.hea"
    if hea.exists():
        out["mitbih_100_2_lead_30min_360hz"] = measure(
            {"100.hea": hea.read_bytes(), "100.dat": (ACCEPTANCE / "wfdb" / "100.dat").read_bytes()}, 5)
    return out


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caravan.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_cases(n: int):
    """A network, the two hospitals, an agreement, three users and n cases spread over statuses."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from caravan.core.models import Membership, Network, Organisation
    from caravan.core.tree import tree_save_path
    from caravan.partnerships.models import Agreement, AgreementParty, AgreementScope
    from caravan.registry.models import Facility, Region, Specialty
    from caravan.registry.vocab import seed_vocabularies
    from caravan.teleconsult.models import Case

    seed_vocabularies(Specialty, __import__("caravan.registry.models", fromlist=["Equipment"]).Equipment)
    network = Network.objects.create(code="bench", name="Bench")
    orgs = {}
    for code, parent in (("sd", None), ("lc", "sd"), ("hb", None), ("gc", "hb")):
        org = Organisation.objects.create(code=code, name=code, kind="hospital", parent=orgs.get(parent))
        tree_save_path(org)
        org.networks.add(network)
        orgs[code] = org
    region = Region.objects.create(code="CN", name="China", level=Region.Level.COUNTRY, valid_from=date(1900, 1, 1))
    tree_save_path(region)
    gangcha = Facility.objects.create(code="GC", name="Gangcha", organisation=orgs["gc"], region=region, level=3,
                                      kind="general_hospital")
    agreement = Agreement.objects.create(code="B", title="B", start=date(2020, 1, 1), status="active")
    AgreementParty.objects.create(agreement=agreement, organisation=orgs["sd"])
    AgreementParty.objects.create(agreement=agreement, organisation=orgs["hb"])
    AgreementScope.objects.create(agreement=agreement, area="teleconsultation")
    User = get_user_model()
    users = {}
    for name, org, role in (("consultant", "lc", "consultant"), ("coordinator", "hb", "coordinator"),
                            ("clinician", "gc", "clinician")):
        users[name] = User.objects.create_user(username=name, password="x")
        Membership.objects.create(user=users[name], organisation=orgs[org], role=role)
    cardiology = Specialty.objects.get(code="cardiology")
    now = timezone.now()
    statuses = ["submitted", "assigned", "in_review", "answered", "closed", "closed", "closed", "closed"]
    batch = []
    for i in range(n):
        status = statuses[i % len(statuses)]
        batch.append(Case(agreement=agreement, facility=gangcha, requesting_path=orgs["gc"].path,
                          requested_by=users["clinician"], patient_age=20 + i % 70, patient_sex="male",
                          patient_key=f"{i:064d}", question="Q", specialty=cardiology, urgency="urgent",
                          status=status, due_at=now + timedelta(minutes=i % 5000 - 1000),
                          assigned_to=users["consultant"] if status != "submitted" else None))
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
    seed_loop_and_mdt(users, agreement, gangcha)
    return users


def seed_loop_and_mdt(users, agreement, facility):
    """1,000 notices for the requester and one MDT session with 10 answered cases on its agenda."""
    from datetime import timedelta

    from django.utils import timezone

    from caravan.teleconsult.models import Case, MdtItem, MdtParticipant, MdtSession, Notice

    answered = list(Case.objects.filter(status="answered").order_by("pk")[:1000])
    now = timezone.now()
    Case.objects.filter(status="answered").update(answered_at=now - timedelta(hours=3))
    Notice.objects.bulk_create([Notice(recipient=users["clinician"], case=c, kind="report_signed", ref=1)
                                for c in answered])
    session = MdtSession.objects.create(agreement=agreement, title="Bench MDT", host=facility,
                                        starts_at=now + timedelta(days=7), time_zone="Asia/Shanghai",
                                        created_by=users["coordinator"])
    session.facilities.set([facility])
    MdtParticipant.objects.create(session=session, user=users["consultant"])
    MdtItem.objects.bulk_create([MdtItem(session=session, case=c, position=i) for i, c in enumerate(answered[:10])])
    users["mdt_session"] = session.pk


def page_times(users, repeat: int = 40) -> dict:
    from django.test import Client

    out = {}
    for label, user, url in (("consultant_queue", "consultant", "/teleconsult/?queue=1"),
                             ("coordinator_all_cases", "coordinator", "/teleconsult/"),
                             ("api_queue", "consultant", "/api/v1/teleconsult/cases?queue=true"),
                             ("consultant_all_cases_with_mdt", "consultant", "/teleconsult/"),
                             ("coordinator_awaiting_receipt", "coordinator", "/teleconsult/awaiting-receipt/"),
                             ("requester_notices", "clinician", "/teleconsult/notices/"),
                             ("mdt_session_10_cases", "consultant", f"/teleconsult/mdt/{users['mdt_session']}/")):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[user])
        client.get(url)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.status_code
        out[label] = {"p50_ms": round(percentile(times, 50) * 1000, 1),
                      "p95_ms": round(percentile(times, 95) * 1000, 1), "requests": repeat}
    return out


async def live_latency(users, seconds: float, viewers: int = 20) -> dict:
    from asgiref.testing import ApplicationCommunicator
    from channels.routing import URLRouter

    from caravan.routing import websocket_urlpatterns
    from caravan.teleconsult.models import Case
    from caravan.teleconsult.replay import replay
    from caravan.teleconsult.synthetic import synthetic_ecg

    app = URLRouter(websocket_urlpatterns)
    case = await Case.objects.filter(status="assigned").afirst()

    def socket(user, send=False):
        scope = {"type": "websocket", "path": f"/ws/teleconsult/cases/{case.pk}/live/",
                 "query_string": b"role=send" if send else b"", "headers": [], "subprotocols": [], "user": user}
        return ApplicationCommunicator(app, scope)

    watchers = [socket(users["consultant"]) for _ in range(viewers)]
    for w in watchers:
        await w.send_input({"type": "websocket.connect"})
        assert (await w.receive_output(10))["type"] == "websocket.accept"
    sender = socket(users["clinician"], send=True)
    await sender.send_input({"type": "websocket.connect"})
    await sender.receive_output(10)
    latencies = []

    async def watch(w):
        while True:
            message = json.loads((await w.receive_output(30))["text"])
            if message["type"] == "chunk":
                latencies.append(time.time() * 1000 - message["sent_at"])
            if message["type"] == "saved":
                return

    record = synthetic_ecg(seconds=seconds, rate=500, seed=5)
    tasks = [asyncio.create_task(watch(w)) for w in watchers]

    async def send(message):
        await sender.send_input({"type": "websocket.receive", "text": json.dumps(message)})

    await replay(record, send, speed=1.0)
    await asyncio.gather(*tasks)
    return {"viewers": viewers, "leads": 12, "rate_hz": 500, "chunk_ms": 100, "seconds": seconds,
            "chunks_received": len(latencies), "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies), 1),
            "layer": "redis" if os.environ.get("CARAVAN_REDIS_URL") else "in-memory"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--live-seconds", type=float, default=20)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "teleconsult.json"))
    args = parser.parse_args()
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
              # The machine is shared: the load around the run says how far the wall times are inflated.
              "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    result["ecg"] = ecg_throughput()
    print(result["ecg"], flush=True)
    with tempfile.TemporaryDirectory() as folder:
        database = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        os.environ["CARAVAN_MEDIA_ROOT"] = folder
        setup_django(database)
        t = time.perf_counter()
        users = seed_cases(args.cases)
        result["queue"] = {"cases": args.cases, "database": database.split(":")[0],
                           "seed_seconds": round(time.perf_counter() - t, 1), **page_times(users)}
        print(result["queue"], flush=True)
        result["live"] = asyncio.run(live_latency(users, args.live_seconds))
        print(result["live"], flush=True)
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
