"""`make bench`: the registry at national scale, on SQLite and on PostgreSQL.

For each backend, in a subprocess with DATABASE_URL set to a database made for
the run (var/bench/registry.sqlite3; `caravan_bench` on the local PostgreSQL):
migrate, bulk-load the generated registry, measure the registry pages as a
signed-in coordinator. Then write bench/results/registry.json, print a table,
and remove the databases.

    .venv/bin/python bench/run.py                    # both backends, full scale
    .venv/bin/python bench/run.py --backends sqlite --scale small --requests 10
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VAR = ROOT / "var" / "bench"
RESULTS = BENCH / "results" / "registry.json"
PG_SERVER = os.environ.get("CARAVAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "caravan_bench"  # made and dropped by this script, and no other

TARGETS = {"load_rows_per_s": 20_000, "p95_ms": 100}
# The pages the targets apply to (the rest are diagnostics: the data path alone, a proposal).
PAGES = [
    "facility_list", "facility_list_100", "facility_search_latin", "facility_search_persian",
    "facility_search_chinese", "facility_detail", "practitioner_api_25", "practitioner_api_100",
]
# Same page at two page sizes: the number of queries must not change.
PAGE_SIZE_PAIRS = [
    ("facility_list", "facility_list_100"),
    ("practitioner_api_25", "practitioner_api_100"),
    ("proposal_practitioner_api_25_joined_scope", "proposal_practitioner_api_100_joined_scope"),
]


# ---------------------------------------------------------------- databases


def _pg_admin(sql: str) -> None:
    """Run one statement on the server's maintenance database, outside a transaction."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def prepare(backend: str) -> str:
    """Make an empty database for the run; return its DATABASE_URL."""
    if backend == "sqlite":
        path = VAR / "registry.sqlite3"
        for leftover in VAR.glob("registry.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {PG_DATABASE}")
    return f"{PG_SERVER}/{PG_DATABASE}"


def clean_up(backend: str) -> None:
    if backend == "sqlite":
        for leftover in VAR.glob("registry.sqlite3*"):
            leftover.unlink()
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


# ---------------------------------------------------------------- one backend


def run_backend(backend: str, args) -> dict:
    try:
        url = prepare(backend)
    except Exception as exc:  # noqa: BLE001 - no server: say so in the results, measure the rest
        return {"skipped": f"cannot prepare the database: {exc}"}
    out = VAR / f"{backend}.json"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CARAVAN_VAR_DIR": str(VAR / backend),
        "CARAVAN_SECRET_KEY": "bench-only-not-a-secret",
        "CARAVAN_DEBUG": "0",
        "CARAVAN_LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, str(BENCH / "registry_bench.py"), "--out", str(out), "--scale", args.scale,
               "--requests", str(args.requests), "--budget", str(args.budget)]
    print(f"== {backend}", flush=True)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    try:
        subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=args.timeout)
        result = json.loads(out.read_text())
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        result = {"failed": str(exc)}
    finally:
        clean_up(backend)
        out.unlink(missing_ok=True)
        shutil.rmtree(VAR / backend, ignore_errors=True)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    # Other work on the machine shows in the figures; the 1-minute load average says how much there was.
    result["load_average"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    return result


# ---------------------------------------------------------------- report


def machine() -> dict:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), "")
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory_gb = round(kb / 2**20, 1)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb, "os": platform.platform()}


def versions() -> dict:
    import sqlite3
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "django": version("django"),
        "django-ninja": version("django-ninja"),
        "psycopg": version("psycopg"),
        "sqlite": sqlite3.sqlite_version,
    }


def verdicts(backend: dict) -> dict:
    scenarios = backend.get("scenarios", {})
    out = {
        "load_rows_per_s": backend.get("load", {}).get("load_rows_per_s", 0) >= TARGETS["load_rows_per_s"],
        "p95_ms": {name: scenarios[name]["p95_ms"] < TARGETS["p95_ms"] for name in PAGES if name in scenarios},
        "queries_constant_in_page_size": {
            f"{a} vs {b}": scenarios[a]["queries"] == scenarios[b]["queries"]
            for a, b in PAGE_SIZE_PAIRS if a in scenarios and b in scenarios
        },
    }
    return out


def table(results: dict) -> str:
    names = list(results["backends"])
    lines = []
    for name in names:
        backend = results["backends"][name]
        if "scenarios" not in backend:
            lines.append(f"{name}: {backend.get('skipped') or backend.get('failed')}")
            continue
        load = backend["load"]
        lines.append(f"\n{name} — {backend['database']['version']}, {backend['database'].get('size_mb', '?')} MB")
        lines.append(f"  load: {load['rows']:,} rows in {load['load_seconds']} s = {load['load_rows_per_s']:,} rows/s "
                     f"(with generation {load['end_to_end_rows_per_s']:,} rows/s; statistics {load['finish_seconds']} s)")
        for table_name, t in load["tables"].items():
            lines.append(f"    {table_name:48} {t['rows']:>9,} rows {t['rows_per_s']:>9,} rows/s")
        lines.append(f"  {'scenario':52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'KB':>6}  source")
        for scenario_name, s in backend["scenarios"].items():
            flag = ""
            if scenario_name in PAGES:
                flag = "  ok" if s["p95_ms"] < TARGETS["p95_ms"] else "  MISS"
            lines.append(f"  {scenario_name:52} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} {s['queries']:7} "
                         f"{s['bytes'] // 1024:6} {s['source']}{flag}")
        for pair, same in backend["verdicts"]["queries_constant_in_page_size"].items():
            lines.append(f"  queries constant in page size, {pair}: {'yes' if same else 'NO'}")
    return "\n".join(lines)


def markdown(results: dict) -> str:
    """The figures of a results file as Markdown tables (for bench/README.md)."""
    backends = {n: b for n, b in results["backends"].items() if "scenarios" in b}
    names = list(backends)
    out = [f"Run of {results['run_at']} on {results['machine']['cpu']}, {results['machine']['cores']} cores, "
           f"{results['machine']['memory_gb']} GB; Python {results['versions']['python']}, "
           f"Django {results['versions']['django']}; whole run {results['seconds']:.0f} s.", ""]
    out.append("| load | " + " | ".join(names) + " |")
    out.append("|---|" + "---:|" * len(names))
    out.append("| database | " + " | ".join(b["database"]["version"] for b in backends.values()) + " |")
    out.append("| rows loaded | " + " | ".join(f"{b['load']['rows']:,}" for b in backends.values()) + " |")
    out.append("| **bulk path, rows/s** | " + " | ".join(f"**{b['load']['load_rows_per_s']:,}**"
                                                      for b in backends.values()) + " |")
    out.append("| with generation, rows/s | " + " | ".join(f"{b['load']['end_to_end_rows_per_s']:,}"
                                                         for b in backends.values()) + " |")
    tables = list(next(iter(backends.values()))["load"]["tables"])
    out.extend(f"| {t} | " + " | ".join(f"{b['load']['tables'][t]['rows']:,} rows, "
                                        f"{b['load']['tables'][t]['rows_per_s']:,}/s" for b in backends.values()) + " |"
               for t in tables)
    out.append("| machine load average before → after | " + " | ".join(
        f"{b['load_average']['before']} → {b['load_average']['after']}" for b in backends.values()) + " |")
    out += ["", "| scenario (p50 / p95 ms, queries) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for scenario in next(iter(backends.values()))["scenarios"]:
        cells = []
        for b in backends.values():
            s = b["scenarios"][scenario]
            miss = " ✗" if scenario in PAGES and s["p95_ms"] >= TARGETS["p95_ms"] else ""
            cells.append(f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f}{miss}, {s['queries']} q")
        out.append(f"| {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--budget", type=float, default=15.0, help="seconds of timed requests per scenario at most")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one backend may take")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--markdown", action="store_true", help="print the figures of --out as Markdown; run nothing")
    parser.add_argument("--scenarios", default="registry,partnerships,transfer",
                        help="which benchmarks to run: registry, partnerships, transfer (see modules_run.py)")
    parser.add_argument("--cases", type=int, default=1_000_000, help="case-log rows of the transfer scenarios")
    parser.add_argument("--sqlite-cases", type=int, default=0, help="case-log rows on SQLite, if not --cases")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(Path(args.out).read_text())))
        return

    VAR.mkdir(parents=True, exist_ok=True)
    if set(args.scenarios.split(",")) & {"partnerships", "transfer"}:
        import modules_run

        modules_run.run(args, machine=machine(), versions=versions())
    if "registry" not in args.scenarios.split(","):
        return
    started = time.perf_counter()
    results = {
        "benchmark": "registry at national scale",
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "scale": args.scale,
        "requests_per_scenario": args.requests,
        "targets": TARGETS,
        "backends": {},
    }
    for backend in args.backends.split(","):
        result = run_backend(backend, args)
        if "scenarios" in result:
            result["verdicts"] = verdicts(result)
        results["backends"][backend] = result
    results["seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    shutil.rmtree(VAR, ignore_errors=True)
    print(table(results))
    print(f"\nwritten to {args.out} in {results['seconds']} s")


if __name__ == "__main__":
    main()
