"""One backend's run: migrate, load the national-scale registry, measure the registry pages.

Run by bench/run.py in a subprocess with DATABASE_URL set to a database made for
the run; it writes its figures as JSON to the file named by --out.
"""

import argparse
import json
import logging
import math
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caravan.settings")

import django  # noqa: E402

django.setup()

import standin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils.html import escape  # noqa: E402
from registry_data import FULL, Registry, RegistryGenerator, Scale  # noqa: E402

from caravan.registry import selectors  # noqa: E402
from caravan.registry.bulk import BulkLoad  # noqa: E402

SMALL = Scale(provinces=6, districts=30, communes=300, facilities=1_200, practitioners=6_000, private_groups=4,
              chunk=2_000)


@dataclass
class Scenario:
    name: str
    what: str
    url: str  # the real page
    standin_url: str  # the bench's stand-in: used while the real page is not there, or on purpose
    marker: str  # text the real page must contain (HTML) or the first item's id (API)
    api: bool = False
    settings: dict = field(default_factory=dict)
    matches: int | None = None  # rows the selector finds (searches and lists)
    standin_only: bool = False  # a measurement of the data path or of a proposal, not of the page


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# ---------------------------------------------------------------- load


def load(scale: Scale, batch_size: int) -> tuple[Registry, dict]:
    bulk = BulkLoad(batch_size=batch_size)
    started = time.perf_counter()
    registry = RegistryGenerator(bulk, scale).run()
    wall = time.perf_counter() - started
    finish = bulk.finish()
    total = bulk.total
    figures = {
        "batch_size": batch_size,
        "tables": {
            name: {"rows": t.rows, "seconds": round(t.seconds, 3), "rows_per_s": round(t.rows_per_second)}
            for name, t in bulk.tables.items()
        },
        "rows": total.rows,
        "load_seconds": round(total.seconds, 2),
        "load_rows_per_s": round(total.rows_per_second),
        # Including the time the generator spends making up the rows (model instances, random names).
        "wall_seconds": round(wall, 2),
        "end_to_end_rows_per_s": round(total.rows / wall),
        "finish_seconds": round(finish, 2),
    }
    return registry, figures


# ---------------------------------------------------------------- scenarios


def scenarios(registry: Registry, coordinator) -> list[Scenario]:
    def first_name(q: str = "") -> tuple[str, int]:
        qs = selectors.facility_list_for_user(user=coordinator, filters=selectors.FacilityFilters(q=q))
        first = qs.first()
        return (first.name if first else ""), qs.count()

    try:
        detail_url = reverse("registry:facility_detail", args=[registry.biggest_facility_id])
    except NoReverseMatch:
        detail_url = f"/registry/facilities/{registry.biggest_facility_id}/"
    biggest = selectors.facility_get_for_user(user=coordinator, pk=registry.biggest_facility_id)
    practitioners = selectors.practitioner_list_for_user(user=coordinator)
    first_practitioner = str(practitioners.first().pk)
    n_practitioners = practitioners.count()
    # The proposal must keep the same scope: same rows for the coordinator.
    if standin.practitioners_in_joined_scope(coordinator).count() != n_practitioners:
        raise RuntimeError("the joined scope does not give the selector's practitioners")
    if standin.facilities_in_joined_scope(coordinator, "").count() != first_name()[1]:
        raise RuntimeError("the joined scope does not give the selector's facilities")

    out = []
    name, n = first_name()
    out.append(Scenario("facility_list", "Facility list page, 25 rows a page", "/registry/facilities/",
                        "/bench/facilities/", name, matches=n))
    out.append(Scenario("facility_list_100", "Facility list page, 100 rows a page", "/registry/facilities/",
                        "/bench/facilities/", name, settings={"CARAVAN_PAGE_SIZE": 100}, matches=n))
    searches = []
    for script, q in registry.queries.items():
        name, n = first_name(q)
        searches.append((script, q, name, n))
        out.append(Scenario(f"facility_search_{script}", f"Facility search page, {script} query «{q}»",
                            f"/registry/facilities/?q={q}", f"/bench/facilities/?q={q}", name, matches=n))
    out.append(Scenario("facility_detail", f"Facility detail page: the biggest hospital ({biggest.beds} beds)",
                        detail_url, f"/bench/facilities/{biggest.pk}/", biggest.name))
    out.extend(
        Scenario(f"practitioner_api_{size}", f"Practitioner list API, page_size={size}",
                 f"/api/v1/registry/practitioners?page_size={size}", f"/bench/api/practitioners?page_size={size}",
                 first_practitioner, api=True, matches=n_practitioners)
        for size in (25, 100)
    )
    # The data path alone: selector, count, page, a bare template in base.html (no filter form).
    name, n = first_name()
    out.append(Scenario("data_facility_list", "Data path: facility selector + page of 25", "",
                        "/bench/facilities/", name, matches=n, standin_only=True))
    out.extend(
        Scenario(f"data_facility_search_{script}", f"Data path: facility search «{q}»", "",
                 f"/bench/facilities/?q={q}", name, matches=n, standin_only=True)
        for script, q, name, n in searches
    )
    # A proposal for the selectors' scope (see standin.joined_scope).
    name, n = first_name()
    out.append(Scenario("proposal_data_facility_list_joined_scope", "Proposal: data path, facility list, joined scope",
                        "", "/bench/facilities/?scope=joined", name, matches=n, standin_only=True))
    script, q, name, n = searches[-1]
    out.append(Scenario(f"proposal_data_facility_search_{script}_joined_scope",
                        f"Proposal: data path, facility search «{q}», joined scope", "",
                        f"/bench/facilities/?scope=joined&q={q}", name, matches=n, standin_only=True))
    out.extend(
        Scenario(f"proposal_practitioner_api_{size}_joined_scope",
                 f"Proposal: practitioner API, page_size={size}, scope over the join", "",
                 f"/bench/api/practitioners?page_size={size}&scope=joined", first_practitioner, api=True,
                 matches=n_practitioners, standin_only=True)
        for size in (25, 100)
    )
    return out


def is_real(response, scenario: Scenario) -> bool:
    """Whether the page answers with the rows it should (not a placeholder or a 404)."""
    if response.status_code != 200:
        return False
    if not scenario.api:
        return escape(scenario.marker) in response.content.decode()
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    items = body.get("items", body.get("results")) if isinstance(body, dict) else body
    return bool(items) and str(items[0].get("id")) == scenario.marker


def explain(sql: str) -> list[str]:
    """The plan of one captured query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as exc:  # noqa: BLE001 - a plan is a diagnostic; never fail the run for it
        return [f"(no plan: {exc})"]
    if connection.vendor == "sqlite":
        return [f"{row[0]}/{row[1]} {row[-1]}" for row in rows]
    return [row[0] for row in rows]


def _capture(client: Client, url: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read them now: the next request clears the connection's query log.
    return response, list(captured.captured_queries)


def measure(client: Client, scenario: Scenario, *, requests: int, warmup: int, budget_s: float) -> dict:
    with override_settings(**scenario.settings):
        real = False
        if not scenario.standin_only:
            logging.disable(logging.CRITICAL)  # a page still being written may fail in any way
            try:
                real = is_real(client.get(scenario.url), scenario)
            except Exception:  # noqa: BLE001
                real = False
            finally:
                logging.disable(logging.NOTSET)
        url = scenario.url if real else scenario.standin_url
        warm = []
        for _ in range(warmup):
            started = time.perf_counter()
            response = client.get(url)
            warm.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{scenario.name}: {url} answered {response.status_code}")
        if scenario.standin_only and not is_real(response, scenario):
            raise RuntimeError(f"{scenario.name}: {url} does not show the expected rows")
        # Twice: the session middleware rewrites the session once a minute, which is not the page's doing.
        (response, first), (_, second) = _capture(client, url), _capture(client, url)
        queries = min(first, second, key=len)
        # Slow pages get fewer requests (at least 10) so that the whole run stays within its time.
        n = max(10, min(requests, int(budget_s / statistics.median(warm))))
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]
    return {
        "what": scenario.what,
        "url": url,
        "source": "real" if real else "stand-in",
        "status": response.status_code,
        "bytes": len(response.content),
        "matches": scenario.matches,
        "requests": n,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "queries": len(queries),
        "slowest_queries": [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:600]} for q in slowest],
        "slowest_plan": explain(slowest[0]["sql"]) if slowest else [],
    }


def run_scenarios(registry: Registry, *, requests: int, warmup: int, budget_s: float) -> dict:
    coordinator = get_user_model().objects.get(pk=registry.coordinator_id)
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    results = {}
    # Stand-in URLs are added beside the real ones; the real ones are always tried first.
    with override_settings(ROOT_URLCONF="standin"):
        for scenario in scenarios(registry, coordinator):
            results[scenario.name] = measure(client, scenario, requests=requests, warmup=warmup, budget_s=budget_s)
            r = results[scenario.name]
            print(f"  {scenario.name:52} p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
                  f"{r['queries']:2} queries  ({r['source']})", file=sys.stderr, flush=True)
    return results


def database_info() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
            cursor.execute("pragma journal_mode")
            mode = cursor.fetchone()[0]
            return {"vendor": "sqlite", "version": version, "journal_mode": mode}
        cursor.execute("select version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("select pg_database_size(current_database())")
        return {"vendor": connection.vendor, "version": version, "size_mb": round(cursor.fetchone()[0] / 2**20)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=15.0, help="seconds of timed requests per scenario at most")
    args = parser.parse_args()

    result: dict = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result["migrate_seconds"] = round(time.perf_counter() - started, 2)
    print(f"  migrated in {result['migrate_seconds']} s; loading…", file=sys.stderr, flush=True)
    registry, result["load"] = load(FULL if args.scale == "full" else SMALL, args.batch_size)
    load_figures = result["load"]
    print(f"  loaded {load_figures['rows']:,} rows in {load_figures['load_seconds']} s "
          f"({load_figures['load_rows_per_s']:,} rows/s), statistics in {load_figures['finish_seconds']} s",
          file=sys.stderr, flush=True)
    result["database"] = database_info()
    if connection.vendor == "sqlite":
        result["database"]["size_mb"] = round(Path(connection.settings_dict["NAME"]).stat().st_size / 2**20)
    result["queries"] = registry.queries
    result["scenarios"] = run_scenarios(registry, requests=args.requests, warmup=args.warmup,
                                        budget_s=args.budget)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["registry"] = asdict(registry)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
