"""The team composer: which candidates cover which needs of a batch.

Pure Python on dataclasses (no Django), solved with OR-Tools CP-SAT. The
objective is lexicographic and solved in two phases, so a lower goal can never
buy itself at the cost of a higher one:

1. maximise the priority-weighted needs that are fully covered (a service
   counts only when every one of its roles is filled, and nobody is placed on
   a need that is not fully covered);
2. with that value fixed, maximise continuity (people returning to a host
   where they served) and then balance across sending cities (the smallest
   spread between the busiest and the quietest city), with a tiny tie-break on
   the candidates' order so the same input always gives the same team.

An infeasible instance answers which constraint group cannot be met, found
by dropping one group at a time; never a partial team.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

SEED = 20190601
LARGE = 5000  # candidate-slot pairs above which presolve is kept light
WORKERS = 2

# The constraint groups an infeasible instance is diagnosed against, in the order they are tried.
GROUPS = ("pins", "team_size", "host_team_size", "seniority", "role_mix")


# Every sentence the composer can say, by code; the web layer translates them (messages.py), this is English.
SENTENCES = {
    "no_role": "no available {role}{speaking} in the pool for {period}",
    "too_few": "only {count} available {role}{speaking} in the pool for {period}, {wanted} needed",
    "all_taken": "every available {role} is in the team for a need of higher or equal priority",
    "hospital_cap": "the free {role}s come from sending hospitals already at their limit of {limit}",
    "team_full": "the team is full ({size} of at most {limit})",
    "host_full": "the host already receives {size} of at most {limit}",
    "trade_off": ("covering it would leave a need of higher priority uncovered or break the team's seniority, "
                  "role mix or hospital limits"),
    "pin_unknown": "pinned person {person} is not in the pool",
    "pin_excluded": "{person} is both pinned and excluded",
    "pin_closed": "{person} is pinned to a need that is not open",
    "pin_unfit": "{person} cannot fill {need}: no matching role, availability or language",
    "pins": "the pinned people cannot all be placed together with the other rules",
    "team_size": "a team of {low}-{high} cannot be formed from the eligible candidates",
    "host_team_size": "each host cannot receive {low}-{high} people",
    "seniority": "the team cannot include {count} people with senior titles",
    "role_mix": "the role mix ({mix}) cannot be met",
    "several": "several rules conflict together (team size, seniority, role mix and pins)",
    "timeout": "no team was found within the time limit",
}


@dataclass(frozen=True)
class Reason:
    """A sentence by code with its values, so each language can say it its own way."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return SENTENCES[self.code].format(**dict(self.params))


def _reason(code: str, **params) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    hospital: int  # the sending hospital (organisation id)
    city: str
    roles: frozenset[str]
    kind: str = "clinician"  # clinician | manager | technician
    senior: bool = False
    languages: frozenset[str] = frozenset({"zh"})
    windows: tuple[tuple[date, date], ...] = ()
    served_at: frozenset[int] = frozenset()  # host facilities of past postings

    def available(self, start: date, end: date) -> bool:
        return any(a <= start and end <= b for a, b in self.windows)


@dataclass(frozen=True)
class Need:
    id: int
    label: str
    facility: int
    roles: tuple[str, ...]  # every role must be filled for the need to count
    priority: int = 1
    start: date = date(2025, 12, 1)
    end: date = date(2026, 11, 30)
    language: str = ""
    facility_label: str = ""


@dataclass(frozen=True)
class Pin:
    person: int
    need: int | None = None  # None: in the team, on whichever need


@dataclass(frozen=True)
class Rules:
    team_min: int = 0
    team_max: int = 10_000
    host_min: int = 0  # per host facility that has needs
    host_max: int = 10_000
    min_senior: int = 0
    max_per_hospital: int = 10_000
    kind_min: tuple[tuple[str, int], ...] = ()  # ("manager", 1): at least one manager in the team
    pins: tuple[Pin, ...] = ()
    exclusions: frozenset[int] = frozenset()
    time_limit: float = 10.0


@dataclass(frozen=True)
class Assignment:
    need: int
    role: str
    person: int


@dataclass
class Proposal:
    status: str  # optimal | feasible | infeasible | unknown
    assignments: list[Assignment] = field(default_factory=list)
    uncovered: dict[int, Reason] = field(default_factory=dict)
    covered_priority: int = 0
    bound: float = 0.0
    gap: float = 0.0
    continuity: int = 0
    spread: int = 0
    reasons: list[Reason] = field(default_factory=list)  # why an infeasible instance is infeasible
    seconds: float = 0.0
    first_feasible_seconds: float | None = None

    @property
    def reason(self) -> str:
        return "; ".join(map(str, self.reasons))

    @property
    def proved_optimal(self) -> bool:
        return self.status == "optimal"

    def team(self) -> list[int]:
        return sorted({a.person for a in self.assignments})

    def by_need(self) -> dict[int, list[Assignment]]:
        out: dict[int, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            out[a.need].append(a)
        return dict(out)


class Infeasible(Exception):
    """The rules cannot all be met; `reason` says which."""

    def __init__(self, group: str, reason: str):
        self.group = group
        self.reason = reason
        super().__init__(reason)


def _period(need: Need) -> str:
    return f"{need.start.year}-{need.end.year}" if need.start.year != need.end.year else str(need.start.year)


def eligible(person: Person, need: Need, role: str, rules: Rules) -> bool:
    return (
        role in person.roles
        and person.id not in rules.exclusions
        and person.available(need.start, need.end)
        and (not need.language or need.language in person.languages)
    )


def pin_problems(people: list[Person], needs: list[Need], rules: Rules) -> list[Reason]:
    """Pins that break a constraint on their own (before any solving)."""
    by_id = {p.id: p for p in people}
    need_by_id = {n.id: n for n in needs}
    problems = []
    for pin in rules.pins:
        person = by_id.get(pin.person)
        if person is None:
            problems.append(_reason("pin_unknown", person=pin.person))
            continue
        if person.id in rules.exclusions:
            problems.append(_reason("pin_excluded", person=person.name))
            continue
        if pin.need is not None and pin.need not in need_by_id:
            problems.append(_reason("pin_closed", person=person.name))
            continue
        targets = [need_by_id[pin.need]] if pin.need is not None else needs
        if not any(eligible(person, n, r, rules) for n in targets for r in n.roles):
            problems.append(_reason("pin_unfit", person=person.name,
                                    need=targets[0].label if pin.need is not None else "any need"))
    return problems


class _Model:
    """The CP-SAT model of one instance, with each constraint group switchable for diagnosis."""

    def __init__(self, people: list[Person], needs: list[Need], rules: Rules, drop: frozenset[str] = frozenset()):
        self.people, self.needs, self.rules = people, needs, rules
        m = self.m = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}  # (person index, need index, slot)
        self.covered = [m.NewBoolVar(f"c{j}") for j in range(len(needs))]
        for j, need in enumerate(needs):
            for s, role in enumerate(need.roles):
                for i, person in enumerate(people):
                    if eligible(person, need, role, rules):
                        self.x[i, j, s] = m.NewBoolVar(f"x{i}_{j}_{s}")
        by_slot = defaultdict(list)
        by_person = defaultdict(list)
        by_person_need = defaultdict(list)
        for (i, j, s), var in self.x.items():
            by_slot[j, s].append(var)
            by_person[i].append(var)
            by_person_need[i, j].append(var)
        self.by_person = by_person
        for j, need in enumerate(needs):
            for s in range(len(need.roles)):
                # A slot is filled exactly when its need is covered: no partial teams on a need.
                m.Add(sum(by_slot[j, s]) == self.covered[j])
        self.used = {}
        for i, vars_ in by_person.items():
            m.AddAtMostOne(vars_)  # one posting per person
            self.used[i] = sum(vars_)
        team = sum(self.used.values())
        if "team_size" not in drop:
            m.Add(team >= rules.team_min)
            m.Add(team <= rules.team_max)
        else:
            m.Add(team <= max(rules.team_max, len(people)))
        hosts = sorted({n.facility for n in needs})
        self.host_load = {}
        for h in hosts:
            load = sum(v for (i, j, s), v in self.x.items() if needs[j].facility == h)
            self.host_load[h] = load
            if "host_team_size" not in drop:
                m.Add(load <= rules.host_max)
                m.Add(load >= rules.host_min)
        # The same limits said on the needs alone: implied by the ones above, but they give the LP relaxation a
        # knapsack view of each host and of the team, which is what proves optimality on large pools.
        sizes = [len(n.roles) for n in needs]
        if "team_size" not in drop:
            m.Add(sum(sizes[j] * self.covered[j] for j in range(len(needs))) <= rules.team_max)
        if "host_team_size" not in drop:
            for h in hosts:
                m.Add(sum(sizes[j] * self.covered[j] for j, n in enumerate(needs) if n.facility == h)
                      <= rules.host_max)
        by_hospital = defaultdict(list)
        for i, p in enumerate(people):
            if i in self.used:
                by_hospital[p.hospital].append(self.used[i])
        for vars_ in by_hospital.values():
            if len(vars_) > rules.max_per_hospital:
                m.Add(sum(vars_) <= rules.max_per_hospital)
        if "seniority" not in drop and rules.min_senior:
            m.Add(sum(self.used[i] for i, p in enumerate(people) if p.senior and i in self.used) >= rules.min_senior)
        if "role_mix" not in drop:
            for kind, minimum in rules.kind_min:
                m.Add(sum(self.used[i] for i, p in enumerate(people) if p.kind == kind and i in self.used) >= minimum)
        if "pins" not in drop:
            index = {p.id: i for i, p in enumerate(people)}
            need_index = {n.id: j for j, n in enumerate(needs)}
            for pin in rules.pins:
                i = index[pin.person]
                if pin.need is None:
                    m.Add(sum(by_person[i]) == 1)
                else:
                    m.Add(sum(by_person_need[i, need_index[pin.need]]) == 1)
        self.priority = sum(n.priority * self.covered[j] for j, n in enumerate(needs))
        # Continuity: a person placed at a host where they served before.
        self.continuity = sum(v for (i, j, s), v in self.x.items() if needs[j].facility in people[i].served_at)
        self.cities = sorted({p.city for p in people})
        self.city_counts = []
        for c in self.cities:
            count = m.NewIntVar(0, len(people), f"city_{c}")
            m.Add(count == sum(self.used[i] for i, p in enumerate(people) if p.city == c and i in self.used))
            self.city_counts.append(count)
        self.spread = m.NewIntVar(0, len(people), "spread")
        self.hi = m.NewIntVar(0, len(people), "hi")
        self.lo = m.NewIntVar(0, len(people), "lo")
        if self.city_counts:
            m.AddMaxEquality(self.hi, self.city_counts)
            m.AddMinEquality(self.lo, self.city_counts)
        m.Add(self.spread == self.hi - self.lo)


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float):
        super().__init__()
        self.started = started
        self.first: float | None = None

    def on_solution_callback(self):
        if self.first is None:
            self.first = time.perf_counter() - self.started


def _solver(limit: float, workers: int = WORKERS, *, large: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    if large:
        # On thousands of candidates, full probing spends the whole budget in presolve before the first team.
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.max_presolve_iterations = 1
    solver.parameters.random_seed = SEED
    solver.parameters.num_workers = workers
    # Interleaved search makes the parallel workers deterministic: same input, same team.
    solver.parameters.interleave_search = workers > 1
    solver.parameters.max_time_in_seconds = max(limit, 0.05)
    return solver


def diagnose(people: list[Person], needs: list[Need], rules: Rules) -> list[Reason]:
    """Why an infeasible instance is infeasible: the first group whose removal makes it feasible."""
    problems = pin_problems(people, needs, rules)
    if problems:
        return problems
    reasons = {
        "pins": _reason("pins"),
        "team_size": _reason("team_size", low=rules.team_min, high=rules.team_max),
        "host_team_size": _reason("host_team_size", low=rules.host_min, high=rules.host_max),
        "seniority": _reason("seniority", count=rules.min_senior),
        "role_mix": _reason("role_mix", mix=", ".join(f"{k} >= {n}" for k, n in rules.kind_min)),
    }
    for group in GROUPS:
        model = _Model(people, needs, rules, drop=frozenset({group}))
        status = _solver(rules.time_limit, workers=1).Solve(model.m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return [reasons[group]]
    return [_reason("several")]


def compose(people: list[Person], needs: list[Need], rules: Rules) -> Proposal:
    """The best team under `rules`, with who covers what, why each uncovered need is uncovered, and the proof."""
    started = time.perf_counter()
    people = sorted(people, key=lambda p: p.id)
    needs = sorted(needs, key=lambda n: n.id)
    problems = pin_problems(people, needs, rules)
    if problems:
        return Proposal(status="infeasible", reasons=problems, seconds=time.perf_counter() - started)

    # Phase 1: the priority of fully covered needs.
    model = _Model(people, needs, rules)
    model.m.Maximize(model.priority)
    _hint_greedy(model, people, needs, rules)
    large = len(model.x) > LARGE
    solver = _solver(rules.time_limit, large=large)
    watch = _FirstSolution(started)
    status = solver.Solve(model.m, watch)
    if status == cp_model.INFEASIBLE:
        return Proposal(status="infeasible", reasons=diagnose(people, needs, rules),
                        seconds=time.perf_counter() - started)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Out of time before the first solution (a large pool on a busy machine): the greedy team, when it meets
        # every rule, is still a valid answer, with the solver's bound to say how far it may be from the optimum.
        base = greedy(people, needs, rules)
        if base.assignments and satisfies(people, needs, rules, base.assignments):
            bound = solver.BestObjectiveBound() or sum(n.priority for n in needs)
            base.bound = bound
            base.gap = max(0.0, (bound - base.covered_priority) / bound) if bound else 0.0
            base.uncovered = explain(people, needs, rules, base)
            base.seconds = time.perf_counter() - started
            return base
        return Proposal(status="unknown", reasons=[_reason("timeout")], seconds=time.perf_counter() - started)
    best = round(solver.ObjectiveValue())
    bound = solver.BestObjectiveBound()
    proved = status == cp_model.OPTIMAL
    hint = {key: solver.Value(var) for key, var in model.x.items()}

    # Phase 2: keep that priority, then continuity over balance over the tie-break.
    model.m.Add(model.priority >= best)
    size = len(people) + 1
    tiebreak = sum(v * i for (i, j, s), v in model.x.items())
    tie_scale = size * size * max(len(needs), 1) * 4
    weight_spread = tie_scale
    weight_continuity = tie_scale * size
    model.m.Maximize(weight_continuity * model.continuity - weight_spread * model.spread - tiebreak)
    model.m.ClearHints()
    for key, var in model.x.items():
        model.m.AddHint(var, hint[key])
    remaining = max(rules.time_limit - (time.perf_counter() - started), 0.5)
    solver2 = _solver(remaining, large=large)
    status2 = solver2.Solve(model.m)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        final = solver2
        proved = proved and status2 == cp_model.OPTIMAL
    else:  # phase 2 found nothing in time: keep phase 1's team
        final = solver
    assignments = [
        Assignment(need=needs[j].id, role=needs[j].roles[s], person=people[i].id)
        for (i, j, s), var in sorted(model.x.items(), key=lambda kv: (needs[kv[0][1]].id, kv[0][2]))
        if final.Value(var)
    ]
    proposal = Proposal(
        status="optimal" if proved else "feasible",
        assignments=assignments,
        covered_priority=best,
        bound=bound,
        gap=0.0 if proved or not bound else max(0.0, (bound - best) / bound),
        continuity=sum(1 for a in assignments if _need(needs, a.need).facility in _person(people, a.person).served_at),
        spread=final.Value(model.spread) if final is solver2 else 0,
        first_feasible_seconds=watch.first,
    )
    proposal.uncovered = explain(people, needs, rules, proposal)
    proposal.seconds = time.perf_counter() - started
    return proposal


def satisfies(people: list[Person], needs: list[Need], rules: Rules, assignments: list[Assignment]) -> bool:
    """Whether a team meets every rule (used to accept the greedy team when the solver ran out of time)."""
    by_id = {p.id: p for p in people}
    need_by_id = {n.id: n for n in needs}
    team = {a.person for a in assignments}
    if len(team) != len(assignments) or not rules.team_min <= len(team) <= rules.team_max:
        return False
    hosts = Counter(need_by_id[a.need].facility for a in assignments)
    if any(not rules.host_min <= hosts.get(h, 0) <= rules.host_max for h in {n.facility for n in needs}):
        return False
    if max(Counter(by_id[p].hospital for p in team).values(), default=0) > rules.max_per_hospital:
        return False
    if sum(1 for p in team if by_id[p].senior) < rules.min_senior:
        return False
    kinds = Counter(by_id[p].kind for p in team)
    if any(kinds.get(k, 0) < n for k, n in rules.kind_min):
        return False
    placed = {(a.person, a.need) for a in assignments}
    return all(pin.person in team if pin.need is None else (pin.person, pin.need) in placed for pin in rules.pins)


def _hint_greedy(model: "_Model", people: list[Person], needs: list[Need], rules: Rules) -> None:
    """Start the search from the greedy team, so the composer begins where the baseline ends."""
    base = greedy(people, needs, rules)
    index = {p.id: i for i, p in enumerate(people)}
    need_index = {n.id: j for j, n in enumerate(needs)}
    chosen = set()
    for a in base.assignments:
        j = need_index[a.need]
        slot = next(s for s, r in enumerate(needs[j].roles) if r == a.role and (index[a.person], j, s) not in chosen)
        chosen.add((index[a.person], j, slot))
    for key, var in model.x.items():
        model.m.AddHint(var, int(key in chosen))
    covered = {need_index[a.need] for a in base.assignments}
    for j, var in enumerate(model.covered):
        model.m.AddHint(var, int(j in covered))
    # A complete hint (the city counts too) is a solution the solver can take as it is.
    team = Counter(people[i].city for i, _j, _s in chosen)
    counts = [team.get(c, 0) for c in model.cities]
    for var, value in zip(model.city_counts, counts, strict=True):
        model.m.AddHint(var, value)
    hi, lo = (max(counts), min(counts)) if counts else (0, 0)
    model.m.AddHint(model.hi, hi)
    model.m.AddHint(model.lo, lo)
    model.m.AddHint(model.spread, hi - lo)


def _need(needs: list[Need], need_id: int) -> Need:
    return next(n for n in needs if n.id == need_id)


def _person(people: list[Person], person_id: int) -> Person:
    return next(p for p in people if p.id == person_id)


def explain(people: list[Person], needs: list[Need], rules: Rules, proposal: Proposal) -> dict[int, Reason]:
    """For each uncovered need, the first reason a coordinator can act on."""
    covered = {a.need for a in proposal.assignments}
    in_team = {a.person for a in proposal.assignments}
    team_size = len(in_team)
    by_id = {p.id: p for p in people}
    hospital_load = Counter(by_id[p].hospital for p in in_team)
    host_load = Counter(_need(needs, a.need).facility for a in proposal.assignments)
    reasons = {}
    for need in needs:
        if need.id in covered:
            continue
        reason = None
        for role in sorted(set(need.roles)):
            wanted = need.roles.count(role)
            pool = [p for p in people if eligible(p, need, role, rules)]
            speaking = f" speaking {need.language}" if need.language else ""
            if not pool:
                reason = _reason("no_role", role=role, speaking=speaking, period=_period(need))
            elif len(pool) < wanted:
                reason = _reason("too_few", role=role, speaking=speaking, period=_period(need), count=len(pool),
                                 wanted=wanted)
            elif not (free := [p for p in pool if p.id not in in_team]):
                reason = _reason("all_taken", role=role)
            elif all(hospital_load[p.hospital] >= rules.max_per_hospital for p in free):
                reason = _reason("hospital_cap", role=role, limit=rules.max_per_hospital)
            if reason:
                break
        if reason is None:
            if team_size + len(need.roles) > rules.team_max:
                reason = _reason("team_full", size=team_size, limit=rules.team_max)
            elif host_load[need.facility] + len(need.roles) > rules.host_max:
                reason = _reason("host_full", size=host_load[need.facility], limit=rules.host_max)
            else:
                reason = _reason("trade_off")
        reasons[need.id] = reason
    return reasons


def greedy(people: list[Person], needs: list[Need], rules: Rules) -> Proposal:
    """The baseline: needs by priority, each filled with the first free candidates; a need not filled is let go."""
    started = time.perf_counter()
    ordered = sorted(people, key=lambda p: p.id)
    in_team: set[int] = set()
    hospital_load: Counter = Counter()
    host_load: Counter = Counter()
    assignments: list[Assignment] = []
    for need in sorted(needs, key=lambda n: (-n.priority, n.id)):
        if len(in_team) + len(need.roles) > rules.team_max or host_load[need.facility] + len(need.roles) > rules.host_max:
            continue
        taken: list[Person] = []
        extra: Counter = Counter()
        for role in need.roles:
            person = next(
                (p for p in ordered
                 if p.id not in in_team and p not in taken and eligible(p, need, role, rules)
                 and hospital_load[p.hospital] + extra[p.hospital] < rules.max_per_hospital),
                None,
            )
            if person is None:
                break
            taken.append(person)
            extra[person.hospital] += 1
        if len(taken) == len(need.roles):
            assignments.extend(Assignment(need=need.id, role=r, person=p.id) for r, p in zip(need.roles, taken,
                                                                                              strict=True))
            in_team.update(p.id for p in taken)
            hospital_load.update(extra)
            host_load[need.facility] += len(taken)
    covered = {a.need for a in assignments}
    return Proposal(
        status="feasible", assignments=assignments,
        covered_priority=sum(n.priority for n in needs if n.id in covered), seconds=time.perf_counter() - started,
    )
