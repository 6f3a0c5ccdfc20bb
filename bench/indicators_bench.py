"""The indicators at scale: a full rebuild of the materialised values, a province dashboard's p95, and the same
aggregation written directly as SQL in DuckDB over an export of the same tables.

Run one backend per call, with DATABASE_URL set to a database made for the run (it is migrated and filled):

    DATABASE_URL=sqlite:////tmp/indicators-bench.sqlite3 .venv/bin/python bench/indicators_bench.py --backend sqlite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indicators_bench .venv/bin/python bench/indicators_bench.py \
        --backend postgresql

Each call merges its figures into bench/results/indicators.json (or --results FILE). The data are deterministic.
`--scale national` is the issue's size (9.9 million data values, about 22 minutes on SQLite on the 2-core
machine); add `--once` there to skip the second rebuild over a full table.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caravan.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from registry_bench import database_info, percentile  # noqa: E402

from caravan.core.models import Organisation  # noqa: E402
from caravan.indicators import periods, rebuild, sources  # noqa: E402
from caravan.indicators.models import DataValue, Indicator, IndicatorValue  # noqa: E402
from caravan.registry.models import Facility, Region, RegionPopulation  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "indicators.json"
# Four region levels. "national" is the scale (10 million data values); "reduced" is what fits the
# 2-core development machine in minutes, and is what the results file records unless said otherwise.
SCALES = {
    # 60 × 12 × 23 = 16,560 communes × 120 months × 5 elements = 9.9 million data values.
    "national": {"provinces": 60, "districts": 12, "communes": 23, "years": 10, "elements": 5},
    "large": {"provinces": 30, "districts": 10, "communes": 10, "years": 10, "elements": 5},
    "reduced": {"provinces": 10, "districts": 10, "communes": 10, "years": 10, "elements": 5},
    "small": {"provinces": 3, "districts": 3, "communes": 4, "years": 3, "elements": 5},
}
FIRST_YEAR = 2015
MONTHLY_INDICATORS = 8  # the data-value ratios, by month (and so by quarter and year)
BATCH = 20_000


def generate(scale: dict) -> dict:
    """Regions (country, provinces, districts, communes), a facility per district and commune, population by
    year per commune, and monthly data values per commune for every data element."""
    started = time.perf_counter()
    country = Region.objects.create(code="XX", name="Country", level=0)
    Region.objects.filter(pk=country.pk).update(path=f"/{country.pk}/")
    country.path = f"/{country.pk}/"
    org = Organisation.objects.create(code="bench-moh", name="Ministry", kind=Organisation.Kind.MINISTRY)
    Organisation.objects.filter(pk=org.pk).update(path=f"/{org.pk}/")
    provinces, districts, communes = [], [], []
    provinces.extend(Region(code=f"P{p:02d}", name=f"Province {p}", level=1, parent=country)
                     for p in range(scale["provinces"]))
    Region.objects.bulk_create(provinces)
    provinces = list(Region.objects.filter(level=1).order_by("code"))
    for province in provinces:
        province.path = f"{country.path}{province.pk}/"
        districts.extend(Region(code=f"{province.code}-D{d:02d}", name=f"District {province.code}-{d}", level=2,
                                parent=province) for d in range(scale["districts"]))
    Region.objects.bulk_update(provinces, ["path"], batch_size=BATCH)
    Region.objects.bulk_create(districts, batch_size=BATCH)
    districts = list(Region.objects.filter(level=2).select_related("parent").order_by("code"))
    for district in districts:
        district.path = f"{district.parent.path}{district.pk}/"
        communes.extend(Region(code=f"{district.code}-C{c:02d}", name=f"Commune {district.code}-{c}", level=3,
                               parent=district, meets_commune_criteria=(c % 7 != 0))
                        for c in range(scale["communes"]))
    Region.objects.bulk_update(districts, ["path"], batch_size=BATCH)
    Region.objects.bulk_create(communes, batch_size=BATCH)
    communes = list(Region.objects.filter(level=3).select_related("parent").order_by("code"))
    for commune in communes:
        commune.path = f"{commune.parent.path}{commune.pk}/"
    Region.objects.bulk_update(communes, ["path"], batch_size=BATCH)
    Facility.objects.bulk_create(
        [Facility(code=f"F{r.code}", name=f"Hospital {r.code}", kind="general_hospital", level=3, organisation=org,
                  region=r, beds=120 + r.pk % 80, has_emr=r.pk % 3 != 0) for r in districts]
        + [Facility(code=f"F{r.code}", name=f"Station {r.code}", kind="health_station", level=4, organisation=org,
                    region=r, beds=5, has_emr=r.pk % 2 == 0) for r in communes], batch_size=BATCH)
    years = range(FIRST_YEAR, FIRST_YEAR + scale["years"])
    RegionPopulation.objects.bulk_create(
        [RegionPopulation(region=r, year=y, population=8_000 + (r.pk * 37 + y) % 9_000) for r in communes for y in years],
        batch_size=BATCH)
    elements = list(sources.DATA_ELEMENTS)[: scale["elements"]]
    months = periods.between(years[0], years[-1], periods.MONTH)
    written = insert_data_values(elements, years[0], len(months))
    return {"regions": Region.objects.count(), "communes": len(communes), "facilities": Facility.objects.count(),
            "data_values": written, "months": len(months), "seconds": round(time.perf_counter() - started, 1)}


def insert_data_values(elements: list[str], first_year: int, months: int) -> int:
    """Monthly approved values for every commune and element, generated by the database itself in one
    INSERT … SELECT (a Python loop over 10 million model instances would take longer than the rebuild)."""
    table = DataValue._meta.db_table
    elements_sql = " UNION ALL ".join(f"SELECT {i} AS k, '{e}' AS name" for i, e in enumerate(elements))
    if connection.vendor == "sqlite":
        month_sql = (f"WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < {months - 1})")
        period = f"printf('%04d-%02d', {first_year} + m.i / 12, m.i % 12 + 1)"
        now = "datetime('now')"
    else:
        month_sql = f"WITH m(i) AS (SELECT generate_series(0, {months - 1}))"
        period = f"({first_year} + m.i / 12)::text || '-' || lpad((m.i % 12 + 1)::text, 2, '0')"
        now = "now()"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{month_sql}, e AS ({elements_sql}) "
            f"INSERT INTO {table} (element, region_id, period, value, status, updated_at) "
            f"SELECT e.name, r.id, {period}, 50 + (r.id * 13 + (m.i % 12 + 1) * 7 + e.k * 11) % 400, 'approved', "
            f"{now} FROM {Region._meta.db_table} r CROSS JOIN m CROSS JOIN e WHERE r.level = 3")
    return DataValue.objects.count()


def define_indicators() -> list[Indicator]:
    """40 indicators: 8 monthly ratios of data elements, and 32 yearly ones over records and data values."""
    elements = [sources.DATA_PREFIX + e for e in sources.DATA_ELEMENTS]
    specs = []
    pairs = [(a, b) for a in elements for b in elements if a != b]
    for n, (a, b) in enumerate(pairs[:MONTHLY_INDICATORS]):
        specs.append(Indicator(code=f"m{n:02d}", name=f"Monthly ratio {n}", numerator=a, denominator=b, factor=100,
                               periodicity="month", decimals=2))
    record = ["beds", "facilities", "facilities_emr", "communes", "communes_meeting_criteria"]
    yearly = [(a, "population", 10_000) for a in record + elements] + [
        ("facilities_emr", "facilities", 100), ("communes_meeting_criteria", "communes", 100)]
    yearly += [(a, b, 100) for a, b in pairs[MONTHLY_INDICATORS:]]
    yearly += [(e, "beds", 1000) for e in elements] + [(e, "communes", 100) for e in elements]
    for n, (a, b, factor) in enumerate(yearly[: 40 - MONTHLY_INDICATORS]):
        specs.append(Indicator(code=f"y{n:02d}", name=f"Yearly {n}", numerator=a, denominator=b, factor=factor))
    return Indicator.objects.bulk_create(specs)


def duckdb_aggregation(scale: dict) -> dict:
    """The monthly data-value ratios, written directly as SQL in DuckDB over a CSV export of the same tables."""
    import csv

    import duckdb

    tmp = Path(tempfile.mkdtemp(prefix="indicators-bench-"))
    started = time.perf_counter()
    with open(tmp / "region.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "path"])
        w.writerows(Region.objects.values_list("id", "path").iterator(chunk_size=BATCH))
    with open(tmp / "data_value.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["element", "region_id", "period", "value"])
        w.writerows(DataValue.objects.filter(status="approved").values_list("element", "region_id", "period", "value")
                    .iterator(chunk_size=BATCH))
    export_s = time.perf_counter() - started
    monthly = list(Indicator.objects.filter(periodicity="month").values_list("code", "numerator", "denominator"))
    db = duckdb.connect()
    started = time.perf_counter()
    db.execute(f"create table region as select * from read_csv_auto('{tmp / 'region.csv'}')")
    db.execute(f"create table dv as select * from read_csv_auto('{tmp / 'data_value.csv'}', "
               "types={'period': 'VARCHAR'})")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    # Every ancestor (and itself) of each region, from the materialised path; then sums per ancestor and month,
    # and the ratio per indicator. Quarters and years add the months up, as the engine does for flows.
    db.execute("""
        create table anc as
        select r.id as region_id, cast(a.unnest as bigint) as ancestor
        from region r, unnest(string_split(trim(r.path, '/'), '/')) as a
    """)
    db.execute("""
        create table sums as
        select d.element, anc.ancestor as region_id, d.period, sum(d.value) as value
        from dv d join anc on anc.region_id = d.region_id
        group by all
    """)
    rows = 0
    for _code, num, den in monthly:
        n = db.execute("""
            select count(*) from (
              select a.region_id, a.period, 100 * a.value / nullif(b.value, 0) as v
              from sums a join sums b on a.region_id = b.region_id and a.period = b.period
              where a.element = ? and b.element = ?)
        """, [num.removeprefix("data:"), den.removeprefix("data:")]).fetchone()[0]
        rows += n
    sql_s = time.perf_counter() - started
    return {"export_seconds": round(export_s, 2), "load_seconds": round(load_s, 2),
            "aggregate_seconds": round(sql_s, 2), "values": rows}


def measure_dashboard(client: Client, url: str, requests: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"url": url, "requests": requests, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1)}


def dashboards(client: Client, last: int, requests: int) -> list[dict]:
    return [
        measure_dashboard(client, f"/indicators/regions/P00/?period={last}", requests),
        measure_dashboard(client, f"/indicators/regions/P00/?kind=month&period={last}-12", requests),
    ]


def remeasure(args) -> None:
    scale = SCALES[args.scale]
    admin = get_user_model().objects.get(username="bench-admin")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    out = json.loads(RESULTS.read_text())
    out["backends"][args.backend]["province_dashboard"] = dashboards(client, FIRST_YEAR + scale["years"] - 1,
                                                                     args.requests)
    out["backends"][args.backend]["province_dashboard_measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out["backends"][args.backend]["province_dashboard"], indent=2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="reduced")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--once", action="store_true", help="rebuild once (skip the second rebuild over a full "
                                                             "table, for the national scale on a small machine)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file to merge into")
    parser.add_argument("--dashboards-only", action="store_true",
                        help="measure the dashboards again on a database a previous run filled")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    if args.dashboards_only:
        remeasure(args)
        return
    call_command("migrate", verbosity=0)
    if Region.objects.exists():
        sys.exit("the database is not empty: give the benchmark a database of its own")
    data = generate(scale)
    indicators = define_indicators()
    last = FIRST_YEAR + scale["years"] - 1

    load_before = os.getloadavg()
    started = time.perf_counter()
    written = rebuild.rebuild_all(first=FIRST_YEAR, last=last)
    full_s = time.perf_counter() - started
    load_after = os.getloadavg()
    # Again over a full table, as every rebuild after the first one: each indicator's rows deleted and written.
    again = None
    if not args.once:
        again_before = os.getloadavg()
        started = time.perf_counter()
        rebuild.rebuild_all(first=FIRST_YEAR, last=last)
        again = {"seconds": round(time.perf_counter() - started, 1),
                 "load_average_before": [round(x, 2) for x in again_before],
                 "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    monthly_only = [i for i in indicators if i.periodicity == "month"]
    # The same monthly ratios as the DuckDB query, by the rebuild's set-based path (its grouped queries, the
    # tree and the engine; no writing).
    tables = rebuild.Tables(rebuild.region_rows())
    started = time.perf_counter()
    monthly_rows = 0
    for indicator in monthly_only:
        monthly_rows += len(rebuild.compute_values(indicator, tables, FIRST_YEAR, last, kinds=("month",)))
    monthly_s = time.perf_counter() - started
    duck = duckdb_aggregation(scale)

    admin = get_user_model().objects.create_superuser("bench-admin", password="not-used-bench-9")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    dashboard_load = os.getloadavg()
    measured = dashboards(client, last, args.requests)
    for m in measured:
        m["load_average_before"] = [round(x, 2) for x in dashboard_load]
        m["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result = {
        "database": database_info(), "scale": args.scale, "scale_parameters": scale, "data": data,
        "indicators": len(indicators), "periods": {"years": scale["years"], "first_year": FIRST_YEAR},
        "rebuild": {"path": "set-based", "values_written": written, "seconds": round(full_s, 1),
                    "rows_per_second": round(written / full_s) if full_s else None,
                    "rows_in_table": IndicatorValue.objects.count(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after]},
        "rebuild_over_existing_values": again,
        "monthly_data_value_ratios": {
            "indicators": len(monthly_only), "values": monthly_rows, "engine_seconds": round(monthly_s, 2),
            "duckdb": duck,
            "ratio_engine_to_duckdb": round(monthly_s / duck["aggregate_seconds"], 1) if duck["aggregate_seconds"]
            else None},
        "province_dashboard": measured, "target_p95_ms": 300,
    }
    results = args.results
    out = json.loads(results.read_text()) if results.exists() else {}
    out.update({"benchmark": "indicators", "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"cores": os.cpu_count(), "os": platform.platform()},
                "versions": {"python": platform.python_version(), "django": django.get_version()}})
    out.setdefault("backends", {})[args.backend] = result
    results.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
