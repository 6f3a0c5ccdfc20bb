"""One backend's run of the module scenarios: partnerships (agreements, fulfilment, network) and transfer
(case log at scale, cross-level report, capability matrix, CSV import).

Run by bench/run.py in a subprocess with DATABASE_URL set to a database made for
the run; it writes its figures as JSON to the file named by --out.
"""

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caravan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from modules_data import ModuleGenerator  # noqa: E402
from registry_bench import _capture, database_info, explain, percentile  # noqa: E402
from registry_data import FULL, RegistryGenerator  # noqa: E402

from caravan.core.models import Organisation  # noqa: E402
from caravan.registry.bulk import BulkLoad  # noqa: E402
from caravan.registry.models import Facility, Region  # noqa: E402
from caravan.transfer.models import CaseImport, CaseLog  # noqa: E402
from caravan.transfer.services import imports  # noqa: E402

SCALES = {
    # The registry keeps its 35,000 facilities; practitioners are far fewer than the 400,000 of the
    # registry benchmark because no page measured here lists them.
    "full": {"practitioners": 20_000, "agreements": 20_000, "visits": 200_000, "techniques": 2_000},
    "small": {"practitioners": 2_000, "agreements": 2_000, "visits": 20_000, "techniques": 200},
}


def measure(client: Client, name: str, url: str, marker: str, *, requests: int, warmup: int, budget_s: float,
            settings: dict | None = None) -> dict:
    with override_settings(**(settings or {})):
        warm = []
        for _ in range(warmup):
            started = time.perf_counter()
            response = client.get(url)
            warm.append(time.perf_counter() - started)
        if response.status_code != 200 or marker not in response.content.decode():
            raise RuntimeError(f"{name}: {url} answered {response.status_code} without «{marker}»")
        (response, first), (_, second) = _capture(client, url), _capture(client, url)
        queries = min(first, second, key=len)
        n = max(10, min(requests, int(budget_s / statistics.median(warm))))
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]
    result = {
        "url": url, "status": response.status_code, "bytes": len(response.content), "requests": n,
        "p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2), "queries": len(queries),
        "slowest_queries": [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:600]} for q in slowest],
        "slowest_plan": explain(slowest[0]["sql"]) if slowest else [],
    }
    print(f"  {name:34} p50 {result['p50_ms']:8.1f} ms  p95 {result['p95_ms']:8.1f} ms  {result['queries']:2} queries",
          file=sys.stderr, flush=True)
    return result


def import_csv(*, coordinator, facility: Facility, codes: list[str], rows: int) -> dict:
    """A CSV of `rows` cases through the real path: check (preview), confirm, the task run synchronously."""
    lines = ["date,technique,performer,supervision,outcome"]
    performers = ["local", "local", "local", "visiting"]
    for i in range(rows):
        performer = performers[i % 4]
        supervision = "assisted" if performer == "visiting" else "independent"
        lines.append(f"2026-{1 + i % 4:02d}-{1 + i % 28:02d},{codes[i % 150]},{performer},{supervision},"
                     f"{'complication' if i % 37 == 0 else 'success'}")
    data = ("\n".join(lines) + "\n").encode()
    before = CaseLog.objects.count()
    started = time.perf_counter()
    case_import = imports.case_import_preview(by=coordinator, facility=facility, file_name="bench.csv", data=data)
    checked = time.perf_counter()
    # The ImmediateBackend (set by run.py) runs the task when the confirmation commits.
    imports.case_import_confirm(by=coordinator, case_import=case_import)
    done = time.perf_counter()
    case_import.refresh_from_db()
    inserted = CaseLog.objects.count() - before
    if case_import.status != CaseImport.Status.DONE or inserted != rows:
        raise RuntimeError(f"import: {case_import.status}, {inserted} rows inserted of {rows} ({case_import.failure})")
    total = done - started
    result = {"rows": rows, "bytes": len(data), "check_seconds": round(checked - started, 2),
              "confirm_and_run_seconds": round(done - checked, 2), "total_seconds": round(total, 2),
              "rows_per_s": round(rows / total), "techniques_touched": min(150, len(codes))}
    print(f"  import of {rows:,} rows: check {result['check_seconds']} s, confirm + run "
          f"{result['confirm_and_run_seconds']} s = {result['total_seconds']} s", file=sys.stderr, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", choices=list(SCALES), default="full")
    parser.add_argument("--cases", type=int, default=1_000_000, help="case-log rows to load")
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--scenarios", default="partnerships,transfer")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget", type=float, default=15.0)
    args = parser.parse_args()
    wanted = set(args.scenarios.split(","))
    scale = SCALES[args.scale]

    result: dict = {"scale": {**scale, "facilities": FULL.facilities, "cases": args.cases}}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result["migrate_seconds"] = round(time.perf_counter() - started, 2)

    bulk = BulkLoad(batch_size=2000)
    t0 = time.perf_counter()
    registry_scale = replace(FULL, practitioners=scale["practitioners"], chunk=scale["practitioners"])
    registry = RegistryGenerator(bulk, registry_scale).run()
    result["registry_load_seconds"] = round(time.perf_counter() - t0, 2)
    print(f"  registry loaded in {result['registry_load_seconds']} s", file=sys.stderr, flush=True)

    User = get_user_model()
    coordinator = User.objects.get(pk=registry.coordinator_id)
    coordinator_org = Organisation.objects.get(code="hd-xc-01")
    # The coordinator's scope: the national network (see registry_data).
    visible_orgs = set(Organisation.objects.filter(networks__code="caravania-national").values_list("id", flat=True))
    generator = ModuleGenerator(bulk, agreements=scale["agreements"] if "partnerships" in wanted else 0,
                                visits=scale["visits"] if "partnerships" in wanted else 0,
                                techniques=scale["techniques"], cases=args.cases)
    t0 = time.perf_counter()
    if "partnerships" in wanted:
        generator.agreements(coordinator_org)
        generator.visits()
    if "transfer" in wanted:
        generator.case_log(generator.techniques(), visible_orgs)
    result["modules_generate_and_load_seconds"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    bulk.finish()
    with connection.cursor() as cursor:  # the raw-inserted tables are not the BulkLoad's: analyse them too
        cursor.execute("ANALYZE")
    result["statistics_seconds"] = round(time.perf_counter() - t0, 2)
    result["load"] = {name: t.as_dict() for name, t in generator.data.timings.items()}
    for name, t in result["load"].items():
        print(f"    {name:32} {t['rows']:>10,} rows {t['rows_per_s']:>9,} rows/s", file=sys.stderr, flush=True)
    result["database"] = database_info()
    if connection.vendor == "sqlite":
        result["database"]["size_mb"] = round(Path(connection.settings_dict["NAME"]).stat().st_size / 2**20)

    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    country = Region.objects.get(level=Region.Level.COUNTRY)
    province = Region.objects.get(code="XC-01")
    timing = {"requests": args.requests, "warmup": args.warmup, "budget_s": args.budget}
    scenarios: dict = {}
    if "partnerships" in wanted:
        from caravan.partnerships import selectors as p_selectors

        agreements = p_selectors.agreement_list_for_user(user=coordinator)
        first = agreements.first()
        result["partnerships_visible_agreements"] = agreements.count()
        for size in (25, 100):
            scenarios[f"agreement_list_{size}"] = measure(
                client, f"agreement_list_{size}", "/agreements/", first.code, settings={"CARAVAN_PAGE_SIZE": size},
                **timing)
        scenarios["agreement_search"] = measure(client, "agreement_search", f"/agreements/?q={first.code}",
                                                first.code, **timing)
        scenarios["network_province"] = measure(
            client, "network_province", f"/agreements/network/?region={province.pk}", "network", **timing)
        scenarios["network_api_province"] = measure(
            client, "network_api_province", f"/api/v1/agreements/network?region={province.pk}", "edges", **timing)
        scenarios["network_country"] = measure(client, "network_country", f"/agreements/network/?country={country.pk}",
                                               "network", **timing)
        scenarios["network_api_country"] = measure(
            client, "network_api_country", f"/api/v1/agreements/network?country={country.pk}", "edges", **timing)
        scenarios["network_api_active"] = measure(
            client, "network_api_active", f"/api/v1/agreements/network?country={country.pk}&status=active&scope=training",
            "edges", **timing)
    if "transfer" in wanted:
        scenarios["cross_level_province"] = measure(
            client, "cross_level_province", f"/transfer/reports/cross-level/?region={province.pk}&baseline=2020",
            "cross", **timing)
        scenarios["cross_level_country"] = measure(
            client, "cross_level_country", "/transfer/reports/cross-level/?baseline=2020", "cross", **timing)
        facility = Facility.objects.get(pk=generator.data.matrix_facility_id)
        scenarios["facility_matrix"] = measure(client, "facility_matrix", f"/transfer/facilities/{facility.pk}/",
                                               facility.name, **timing)
        scenarios["region_matrix_province"] = measure(
            client, "region_matrix_province", f"/transfer/regions/{province.pk}/", province.name, **timing)
        result["matrix_facility"] = {"id": facility.pk, "capabilities": facility.capabilities.count()}
        target = (Facility.objects.filter(organisation__path__startswith=coordinator_org.path, beds__gt=0)
                  .order_by("-beds", "id").first())
        result["import"] = import_csv(coordinator=coordinator, facility=target, codes=generator.data.technique_codes,
                                      rows=args.import_rows)
    result["scenarios"] = scenarios
    result["seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
