"""Allocating an emergency team's members to affected regions in proportion to pressure (CP-SAT, no Django).

Each region's pressure weight is its cases per 100,000 times its ICU
occupancy; its fair share of the team is that weight's share of the whole.
The solver places every member in one region, meets each region's skill
minimums, and minimises the total distance from the fair shares; then, with
that fixed, moves as few people as possible from where they are now.
"""

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .composer import SEED, WORKERS

SCALE = 100  # shares are compared in hundredths of a person


@dataclass(frozen=True)
class Member:
    id: int
    skill: str
    current: int | None = None  # region id where the member works now


@dataclass(frozen=True)
class Area:
    id: int
    label: str
    cases_per_100k: float
    icu_occupancy: float  # percent
    skill_minimums: tuple[tuple[str, int], ...] = ()

    @property
    def weight(self) -> float:
        return max(self.cases_per_100k, 0.0) * max(self.icu_occupancy, 1.0) / 100


@dataclass
class Allocation:
    status: str  # optimal | feasible | infeasible
    placement: dict[int, int] = field(default_factory=dict)  # member id -> region id
    shares: dict[int, float] = field(default_factory=dict)  # region id -> fair share (people)
    moves: int = 0
    reason: str = ""

    def counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for region in self.placement.values():
            out[region] = out.get(region, 0) + 1
        return out


def allocate(members: list[Member], areas: list[Area], *, time_limit: float = 10.0) -> Allocation:
    members = sorted(members, key=lambda m: m.id)
    areas = sorted(areas, key=lambda a: a.id)
    total = sum(a.weight for a in areas) or 1.0
    shares = {a.id: len(members) * a.weight / total for a in areas}
    for skill in sorted({s for a in areas for s, _n in a.skill_minimums}):
        have = sum(1 for m in members if m.skill == skill)
        needed = sum(n for b in areas for s, n in b.skill_minimums if s == skill)
        if needed > have:
            return Allocation(status="infeasible", shares=shares, reason=(
                f"the regions need {needed} {skill} in all, the team has {have}"))
    m = cp_model.CpModel()
    x = {(i, k): m.NewBoolVar(f"x{i}_{k}") for i in range(len(members)) for k in range(len(areas))}
    for i in range(len(members)):
        m.AddExactlyOne(x[i, k] for k in range(len(areas)))
    deviations = []
    for k, a in enumerate(areas):
        count = sum(x[i, k] for i in range(len(members)))
        for skill, minimum in a.skill_minimums:
            m.Add(sum(x[i, k] for i, mem in enumerate(members) if mem.skill == skill) >= minimum)
        dev = m.NewIntVar(0, SCALE * len(members), f"dev{k}")
        target = round(shares[a.id] * SCALE)
        m.Add(dev >= SCALE * count - target)
        m.Add(dev >= target - SCALE * count)
        deviations.append(dev)
    index = {a.id: k for k, a in enumerate(areas)}
    stays = [x[i, index[mem.current]] for i, mem in enumerate(members) if mem.current in index]
    # Fairness first, then as few moves as possible: a move costs less than a hundredth of a person.
    weight = len(members) + 1
    m.Minimize(weight * sum(deviations) - sum(stays))
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = SEED
    solver.parameters.num_workers = WORKERS
    solver.parameters.interleave_search = True
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Allocation(status="infeasible", shares=shares, reason="the skill minimums cannot be met together")
    placement = {mem.id: areas[k].id for (i, k), var in x.items() if solver.Value(var) for mem in [members[i]]}
    moves = sum(1 for mem in members if mem.current is not None and placement[mem.id] != mem.current)
    return Allocation(status="optimal" if status == cp_model.OPTIMAL else "feasible", placement=placement,
                      shares=shares, moves=moves)
