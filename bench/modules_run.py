"""The partnerships and transfer scenarios of `make bench` (called from bench/run.py).

Each backend runs bench/modules_bench.py in a subprocess with DATABASE_URL set to
a database made for the run — var/bench/modules.sqlite3, or `caravan_bench_modules`
on the local PostgreSQL, created here and dropped afterwards, also on failure —
and with the task backend set to run tasks at once (the import's task runs
synchronously when its confirmation commits). The figures go to
bench/results/partnerships.json and bench/results/transfer.json.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VAR = ROOT / "var" / "bench"
PG_SERVER = os.environ.get("CARAVAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "caravan_bench_modules"  # made and dropped here, and no other
MODULES = ("partnerships", "transfer")
TARGETS = {
    "partnerships": {"p95_ms": 200},
    "transfer": {"report_p95_ms": 1000, "import_seconds": 30},
}
PARTNERSHIP_KEYS = ("agreement_", "network_")
TRANSFER_KEYS = ("cross_level_", "facility_matrix", "region_matrix_")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _prepare(backend: str) -> str:
    if backend == "sqlite":
        for leftover in VAR.glob("modules.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{VAR / 'modules.sqlite3'}"
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {PG_DATABASE}")
    return f"{PG_SERVER}/{PG_DATABASE}"


def _clean_up(backend: str) -> None:
    if backend == "sqlite":
        for leftover in VAR.glob("modules.sqlite3*"):
            leftover.unlink()
    else:
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _run_backend(backend: str, modules: list[str], args, cases: int) -> dict:
    try:
        url = _prepare(backend)
    except Exception as exc:  # noqa: BLE001 - no server: say so in the results, measure the rest
        return {"skipped": f"cannot prepare the database: {exc}"}
    out = VAR / f"modules-{backend}.json"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CARAVAN_VAR_DIR": str(VAR / f"modules-{backend}"),
        "CARAVAN_SECRET_KEY": "bench-only-not-a-secret",
        "CARAVAN_DEBUG": "0",
        "CARAVAN_LOG_LEVEL": "ERROR",
        "CARAVAN_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    command = [sys.executable, str(BENCH / "modules_bench.py"), "--out", str(out), "--scale", args.scale,
               "--cases", str(cases), "--scenarios", ",".join(modules), "--requests", str(args.requests),
               "--budget", str(args.budget)]
    print(f"== {backend}: {', '.join(modules)} ({cases:,} case-log rows)", flush=True)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    try:
        subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=args.timeout)
        result = json.loads(out.read_text())
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        result = {"failed": str(exc)}
    finally:
        _clean_up(backend)
        out.unlink(missing_ok=True)
        shutil.rmtree(VAR / f"modules-{backend}", ignore_errors=True)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["load_average"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    return result


def _split(module: str, backend: dict) -> dict:
    """The part of one backend's run that concerns `module`."""
    if "scenarios" not in backend:
        return backend
    keys = PARTNERSHIP_KEYS if module == "partnerships" else TRANSFER_KEYS
    loads = {k: v for k, v in backend["load"].items()
             if k.startswith(module) or (module == "transfer" and k == "registry_technique")}
    out = {k: backend[k] for k in ("database", "scale", "migrate_seconds", "registry_load_seconds",
                                   "statistics_seconds", "wall_seconds", "load_average") if k in backend}
    out["load"] = loads
    out["scenarios"] = {k: v for k, v in backend["scenarios"].items() if k.startswith(keys)}
    if module == "partnerships":
        out["visible_agreements"] = backend.get("partnerships_visible_agreements")
        s = out["scenarios"]
        out["verdicts"] = {
            "p95_ms": {k: v["p95_ms"] < TARGETS["partnerships"]["p95_ms"] for k, v in s.items()},
            "queries_constant_in_page_size": s["agreement_list_25"]["queries"] == s["agreement_list_100"]["queries"],
        }
    else:
        out["import"] = backend.get("import")
        out["matrix_facility"] = backend.get("matrix_facility")
        s = out["scenarios"]
        out["verdicts"] = {
            "p95_ms": {k: v["p95_ms"] < TARGETS["transfer"]["report_p95_ms"] for k, v in s.items()},
            # The province adds one query (the region's breakdown); what must not change is the count as the
            # case log grows: compare the same scenario across runs at two sizes (README).
            "queries_province_is_country_plus_one":
                s["cross_level_province"]["queries"] == s["cross_level_country"]["queries"] + 1,
            "import_seconds": (out["import"] or {}).get("total_seconds", 1e9) < TARGETS["transfer"]["import_seconds"],
        }
    return out


def run(args, *, machine: dict, versions: dict) -> None:
    """Run the module scenarios asked for on each backend; write one results file per module."""
    modules = [m for m in args.scenarios.split(",") if m in MODULES]
    if not modules:
        return
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    backends = {}
    for backend in args.backends.split(","):
        cases = args.cases if backend == "postgresql" or not args.sqlite_cases else args.sqlite_cases
        backends[backend] = _run_backend(backend, modules, args, cases)
    for module in modules:
        path = BENCH / "results" / f"{module}.json"
        # A run on one backend keeps the other backend's figures of the last run (each says when it ran).
        last = json.loads(path.read_text()) if path.exists() else {"backends": {}}
        kept = last["backends"]
        for b in kept.values():
            b.setdefault("run_at", last.get("run_at"))
        results = {
            "benchmark": f"{module} at national scale",
            "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine, "versions": versions, "scale": args.scale,
            "requests_per_scenario": args.requests, "targets": TARGETS[module],
            "backends": {**{k: v for k, v in kept.items() if "scenarios" in v},
                         **{name: {**_split(module, b), "run_at": datetime.now(UTC).isoformat(timespec="seconds")}
                            for name, b in backends.items()}},
            "seconds": round(time.perf_counter() - started, 1),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        print(table(results))
        print(f"written to {path}")


def table(results: dict) -> str:
    lines = [f"\n{results['benchmark']}"]
    for name, b in results["backends"].items():
        if "scenarios" not in b:
            lines.append(f"{name}: {b.get('skipped') or b.get('failed')}")
            continue
        lines.append(f"  {name} — {b['database']['version']}, {b['database'].get('size_mb', '?')} MB")
        for table_name, t in b["load"].items():
            lines.append(f"    {table_name:34} {t['rows']:>10,} rows {t['rows_per_s']:>9,} rows/s")
        for s_name, s in b["scenarios"].items():
            lines.append(f"    {s_name:34} p50 {s['p50_ms']:8.1f}  p95 {s['p95_ms']:8.1f} ms  {s['queries']:3} q")
        if b.get("import"):
            i = b["import"]
            lines.append(f"    import {i['rows']:,} rows: {i['total_seconds']} s ({i['rows_per_s']:,} rows/s)")
    return "\n".join(lines)
