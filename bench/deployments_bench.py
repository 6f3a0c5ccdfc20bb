"""The team composer on a generated instance: a pool of 2,000, 20 hosts, 150 needs of 1-4 roles.

For each of 5 seeds: the time to the first feasible team, the time to the
proved optimum of the covered priority and of the whole lexicographic
objective (or the gap at the 10 s limit), and the covered priority against
the greedy baseline (needs by priority, each filled with the first
free candidates). No database: the composer is pure Python.

    .venv/bin/python bench/deployments_bench.py [--seeds 5] [--limit 10] [--out bench/results/deployments.json]
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from caravan.deployments.composer import Need, Person, Rules, compose, greedy  # noqa: E402

ROLES = ("obstetrician", "anaesthetist", "sonographer", "cardiologist", "gastroenterologist", "ophthalmologist",
         "surgeon", "paediatrician", "intensivist", "radiologist", "radiographer", "lab_technician",
         "emergency_physician", "pulmonologist", "nurse_manager", "hospital_director", "vice_director",
         "department_head", "pharmacist", "midwife")
MANAGERS = {"hospital_director", "vice_director", "department_head", "nurse_manager"}
TECHNICIANS = {"sonographer", "radiographer", "lab_technician", "pharmacist"}
CITIES = ("Jinan", "Qingdao", "Yantai", "Liaocheng", "Weihai", "Linyi", "Binzhou", "Weifang")
START, END = date(2025, 12, 1), date(2026, 11, 30)
HOSTS = 20


def instance(seed: int, pool: int = 2000, needs: int = 150):
    rng = random.Random(seed)
    people = []
    for pid in range(1, pool + 1):
        roles = frozenset(rng.sample(ROLES, rng.choice((1, 1, 2, 2, 3))))
        city = rng.randrange(len(CITIES))
        # Most can leave for the whole rotation; a quarter cannot.
        window = (START, END) if rng.random() < 0.75 else (START, date(2026, 5, 31))
        kind = "manager" if roles & MANAGERS else "technician" if roles <= TECHNICIANS else "clinician"
        people.append(Person(
            id=pid, name=f"C{pid}", hospital=city * 10 + rng.randrange(5), city=CITIES[city], roles=roles, kind=kind,
            senior=rng.random() < 0.35, languages=frozenset({"zh", "bo"} if rng.random() < 0.1 else {"zh"}),
            windows=(window,), served_at=frozenset({rng.randrange(HOSTS)} if rng.random() < 0.2 else set()),
        ))
    wanted = []
    for nid in range(1, needs + 1):
        size = rng.choice((1, 1, 2, 3, 4))
        wanted.append(Need(
            id=nid, label=f"N{nid}", facility=nid % HOSTS, roles=tuple(rng.sample(ROLES, size)),
            priority=rng.randint(1, 5), start=START, end=END, language="bo" if rng.random() < 0.05 else "",
        ))
    return people, wanted


def run(seeds: int, limit: float) -> dict:
    rows = []
    for seed in range(1, seeds + 1):
        people, needs = instance(seed)
        rules = Rules(host_max=15, team_max=HOSTS * 15, max_per_hospital=12, time_limit=limit)
        base = greedy(people, needs, rules)
        load_before = os.getloadavg()
        best = compose(people, needs, rules)
        load_after = os.getloadavg()
        hosts = {}
        for a in best.assignments:
            hosts.setdefault(next(n.facility for n in needs if n.id == a.need), set()).add(a.person)
        rows.append({
            "seed": seed, "status": best.status, "seconds": round(best.seconds, 3),
            "first_feasible_seconds": (None if best.first_feasible_seconds is None
                                       else round(best.first_feasible_seconds, 3)),
            "priority_proved": best.priority_proved,
            "priority_proved_seconds": None if not best.priority_proved else round(best.priority_seconds, 3),
            "gap": round(best.gap, 4), "covered_priority": best.covered_priority, "bound": best.bound,
            "continuity": best.continuity, "spread": best.spread,
            "greedy_priority": base.covered_priority, "greedy_seconds": round(base.seconds, 3),
            "ratio_vs_greedy": round(best.covered_priority / base.covered_priority, 4),
            "team": len(best.team()), "needs_covered": len(best.by_need()),
            "team_per_host": [min(map(len, hosts.values()), default=0), max(map(len, hosts.values()), default=0)],
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        })
        print(rows[-1], flush=True)
    return {
        "scenario": "composer: pool 2000, 20 hosts, 150 needs of 1-4 roles, at most 15 per host",
        "machine": {"python": platform.python_version(), "cpus": 2, "workers": 2},
        "time_limit_seconds": limit,
        "seeds": rows,
        "summary": {
            "optimal_proved": sum(r["status"] == "optimal" for r in rows),
            "priority_proved": sum(r["priority_proved"] for r in rows),
            "max_priority_proved_seconds": max((r["priority_proved_seconds"] or 0) for r in rows),
            "median_seconds": statistics.median(r["seconds"] for r in rows),
            "max_seconds": max(r["seconds"] for r in rows),
            # Runs where the solver had no team of its own by the limit answered with the greedy team (null here).
            "median_first_feasible_seconds": statistics.median(
                [r["first_feasible_seconds"] for r in rows if r["first_feasible_seconds"] is not None] or [0]),
            "solver_found_a_team": sum(r["first_feasible_seconds"] is not None for r in rows),
            "min_ratio_vs_greedy": min(r["ratio_vs_greedy"] for r in rows),
            "median_ratio_vs_greedy": statistics.median(r["ratio_vs_greedy"] for r in rows),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--out", default="bench/results/deployments.json")
    args = parser.parse_args()
    result = run(args.seeds, args.limit)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
