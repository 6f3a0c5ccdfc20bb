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
    # For a critical post: the last day of the outgoing holder from the previous batch, so a newcomer who arrives
    # early enough to overlap them (Rules.handover_days) earns continuity.
    handover_until: date | None = None


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
    handover_days: int = 14  # days a newcomer must overlap the outgoing holder of a critical post


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
    priority_proved: bool = False  # the covered priority is proved best (continuity and balance may not be)
    priority_seconds: float | None = None  # when the covered priority was settled

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


def fit_table(people: list[Person], needs: list[Need], rules: Rules) -> dict[tuple[int, str], list[int]]:
    """(need id, role) → indices in `people` of those who can fill it, built once from a role index (not one
    `eligible` call per pair: on a pool of thousands that scan was most of the time)."""
    by_role: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        if p.id not in rules.exclusions:
            for role in p.roles:
                by_role[role].append(i)
    table = {}
    for need in needs:
        for role in set(need.roles):
            table[need.id, role] = [
                i for i in by_role.get(role, ())
                if people[i].available(need.start, need.end) and (not need.language or need.language in people[i].languages)
            ]
    return table


def continuity_of(person: Person, need: Need, rules: Rules) -> int:
    """What placing `person` on `need` earns for continuity: returning to a host where they served, and, on a
    critical post, arriving early enough to overlap the outgoing holder by `rules.handover_days` (one each)."""
    score = int(need.facility in person.served_at)
    if need.handover_until is not None and any(
        a <= need.start and need.end <= b and (need.handover_until - a).days >= rules.handover_days
        for a, b in person.windows
    ):
        score += 1
    return score


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

    def __init__(self, people: list[Person], needs: list[Need], rules: Rules, drop: frozenset[str] = frozenset(),
                 fits: dict | None = None, lazy: bool = False):
        self.people, self.needs, self.rules, self.drop = people, needs, rules, drop
        self.fits = fits if fits is not None else fit_table(people, needs, rules)
        # (person index, need index, slot) for every eligible pair: all the relaxations and the construction need.
        self.keys = [(i, j, s) for j, need in enumerate(needs) for s, role in enumerate(need.roles)
                     for i in self.fits[need.id, role]]
        # Continuity: a person placed at a host where they served before, or overlapping a critical post's holder.
        self.earns = {key: score for key in self.keys if (score := continuity_of(people[key[0]], needs[key[1]], rules))}
        self.cities = sorted({p.city for p in people})
        self.built = False
        if not lazy:
            self.build()

    def build(self) -> None:
        """The CP-SAT model itself, with a variable per eligible pair: only built when the search must run (on a
        large pool the relaxations usually settle every stage without it)."""
        if self.built:
            return
        self.built = True
        people, needs, rules, drop = self.people, self.needs, self.rules, self.drop
        m = self.m = cp_model.CpModel()
        self.covered = [m.NewBoolVar(f"c{j}") for j in range(len(needs))]
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {
            (i, j, s): m.NewBoolVar(f"x{i}_{j}_{s}") for i, j, s in self.keys}
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
        at_host = defaultdict(list)
        for (_i, j, _s), v in self.x.items():
            at_host[needs[j].facility].append(v)
        for h in hosts:
            load = sum(at_host[h])
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
        self.continuity = sum(score * self.x[key] for key, score in self.earns.items())
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


def _needs_model(people: list[Person], needs: list[Need], rules: Rules, bests: dict[int, int] | None = None,
                 whole_team: bool = True, fits: dict | None = None):
    """The relaxation on the needs alone: (model, one cover variable per need, the covered priority).

    It keeps what decides the value (each host's and the team's size limits, pinned needs, how many people can
    fill each role at all, how many the sending hospitals may send) and drops who exactly goes, so every team is
    a solution of it and its optimum bounds theirs."""
    m = cp_model.CpModel()
    cover = [m.NewBoolVar(f"c{j}") for j in range(len(needs))]
    sizes = [len(n.roles) for n in needs]
    pool = [p for p in people if p.id not in rules.exclusions]
    fits = fits if fits is not None else fit_table(people, needs, rules)
    supply: dict[str, set[int]] = defaultdict(set)
    demand: dict[str, list] = defaultdict(list)
    for j, need in enumerate(needs):
        for role, wanted in Counter(need.roles).items():
            fit = fits[need.id, role]
            supply[role].update(fit)
            demand[role].append(wanted * cover[j])
            if len(fit) < wanted:
                m.Add(cover[j] == 0)
    for role, terms in demand.items():
        if len(supply[role]) < sum(Counter(n.roles)[role] for n in needs):
            m.Add(sum(terms) <= len(supply[role]))
    team = sum(sizes[j] * cover[j] for j in range(len(needs)))
    hospitals = Counter(p.hospital for p in pool)
    m.Add(team <= min(rules.team_max, sum(min(n, rules.max_per_hospital) for n in hospitals.values())))
    if whole_team:  # a part of the needs (one host) need not hold the smallest team
        m.Add(team >= rules.team_min)
    for h in sorted({n.facility for n in needs}):
        load = sum(sizes[j] * cover[j] for j, n in enumerate(needs) if n.facility == h)
        m.Add(load <= rules.host_max)
        m.Add(load >= rules.host_min)
    need_index = {n.id: j for j, n in enumerate(needs)}
    for pin in rules.pins:
        if pin.need in need_index:
            m.Add(cover[need_index[pin.need]] == 1)
    # Each host alone cannot do better than its own knapsack: redundant, but when the hosts' bests add up to the
    # team's best it tells the solver every host must reach its own, which is what proves the later stages.
    for h, best in (bests if bests is not None else host_bests(people, needs, rules, fits)).items():
        m.Add(sum(n.priority * cover[j] for j, n in enumerate(needs) if n.facility == h) <= best)
    return m, cover, sum(n.priority * cover[j] for j, n in enumerate(needs))


def host_bests(people: list[Person], needs: list[Need], rules: Rules, fits: dict | None = None) -> dict[int, int]:
    """The most priority each host could have covered on its own (a knapsack of a few needs per host)."""
    fits = fits if fits is not None else fit_table(people, needs, rules)
    pinned = {pin.need for pin in rules.pins if pin.need is not None}
    out = {}
    for h in sorted({n.facility for n in needs}):
        local = [n for n in needs if n.facility == h]
        m = cp_model.CpModel()
        cover = [m.NewBoolVar(f"c{k}") for k in range(len(local))]
        for k, need in enumerate(local):
            if any(len(fits[need.id, role]) < wanted for role, wanted in Counter(need.roles).items()):
                m.Add(cover[k] == 0)
            if need.id in pinned:
                m.Add(cover[k] == 1)
        load = sum(len(n.roles) * cover[k] for k, n in enumerate(local))
        m.Add(load <= rules.host_max)
        m.Add(load >= rules.host_min)
        m.Maximize(sum(n.priority * cover[k] for k, n in enumerate(local)))
        solver = _solver(1.0, workers=1)
        status = solver.Solve(m)
        out[h] = (int(solver.BestObjectiveBound() + 1e-6) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
                  else sum(n.priority for n in local))
    return out


def priority_bound(people: list[Person], needs: list[Need], rules: Rules,
                   limit: float, fits: dict | None = None) -> tuple[int | None, list[int], bool]:
    """An upper bound on the covered priority, a selection of needs that reaches it, and whether it is proved.

    One variable per need, so it is proved in milliseconds; a team that covers the selection under every rule
    is then proved optimal with no search over people. None when even the relaxation is infeasible."""
    m, cover, priority = _needs_model(people, needs, rules, fits=fits)
    m.Maximize(priority)
    solver = _solver(limit)
    status = solver.Solve(m)
    if status == cp_model.INFEASIBLE:
        return None, [], True
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(sum(n.priority for n in needs)), [], False
    selection = [j for j in range(len(needs)) if solver.Value(cover[j])]
    return int(solver.BestObjectiveBound() + 1e-6), selection, status == cp_model.OPTIMAL


def _later_bounds(model: "_Model", best: int, limit: float, hint=frozenset()):
    """The continuity and balance stages on a relaxation: the people who earn continuity stay individual, everyone
    else is only counted per city. Returns (selection, earners, city targets) of a relaxed optimum, or None.

    Stage 2 maximises continuity at the proved priority; stage 3 fixes that and minimises the spread between
    cities. A team that meets these values under every rule is optimal for both, since the relaxation's optimum
    is at least as good as any team's."""
    people, needs, rules = model.people, model.needs, model.rules
    bests = host_bests(people, needs, rules, model.fits)
    m, cover, priority = _needs_model(people, needs, rules, bests, fits=model.fits)
    m.Add(priority == best)
    y = {key: m.NewBoolVar(f"y{key}") for key in model.earns}
    split = _continuity_by_host(model, bests, limit) if sum(bests.values()) == best else None
    covered = {j for _i, j, _s in hint}
    if split is not None:
        covered, hint = set(split[0]), split[1]
    pinned = {p.person: p.need for p in rules.pins}
    need_ids = [n.id for n in needs]
    by_slot, by_person, by_hospital = defaultdict(list), defaultdict(list), defaultdict(list)
    for (i, j, s), var in y.items():
        if people[i].id in pinned and pinned[people[i].id] not in (None, need_ids[j]):
            m.Add(var == 0)
        by_slot[j, s].append(var)
        by_person[i].append(var)
        by_hospital[people[i].hospital].append(var)
    for (j, _s), vars_ in by_slot.items():
        m.Add(sum(vars_) <= cover[j])
    for vars_ in by_person.values():
        m.AddAtMostOne(vars_)
    for vars_ in by_hospital.values():
        m.Add(sum(vars_) <= rules.max_per_hospital)
    for j, var in enumerate(cover):
        m.AddHint(var, int(j in covered))
    for key, var in y.items():
        m.AddHint(var, int(key in hint))
    continuity = sum(model.earns[key] * var for key, var in y.items())
    if split is not None:  # each host at its own best: the hosts' continuity optima add up to the team's
        m.Add(continuity == sum(model.earns[key] for key in split[1]))
        # Redundant: so each host is at its own continuity best too; said per host, the balance stage is proved
        # host by host instead of over every combination.
        for h, value in split[2].items():
            m.Add(sum(model.earns[key] * var for key, var in y.items() if needs[key[1]].facility == h) == value)
            m.Add(sum(n.priority * cover[j] for j, n in enumerate(needs) if n.facility == h) == bests[h])
    else:
        m.Maximize(continuity)
        solver = _solver(limit)
        if solver.Solve(m) != cp_model.OPTIMAL:
            return None
        m.Add(continuity == round(solver.ObjectiveValue()))
        m.ClearObjective()
    sizes = [len(n.roles) for n in needs]
    pool = [p for p in people if p.id not in rules.exclusions]
    counts = []
    for c in model.cities:
        local = Counter(p.hospital for p in pool if p.city == c)
        count = m.NewIntVar(0, sum(min(n, rules.max_per_hospital) for n in local.values()), f"n_{c}")
        m.Add(count >= sum(var for (i, _j, _s), var in y.items() if people[i].city == c))
        counts.append(count)
    team = sum(sizes[j] * cover[j] for j in range(len(needs)))
    m.Add(sum(counts) == team)
    hi, lo = m.NewIntVar(0, len(people), "hi"), m.NewIntVar(0, len(people), "lo")
    if counts:
        m.AddMaxEquality(hi, counts)
        m.AddMinEquality(lo, counts)
        # Redundant: a team whose size is not a multiple of the number of cities cannot be perfectly balanced.
        # Said outright, the solver proves "a spread of 1 is the best" instead of searching for a 0.
        share = m.NewIntVar(0, len(people), "share")
        rest = m.NewIntVar(0, len(counts) - 1, "rest")
        m.Add(team == len(counts) * share + rest)
        uneven = m.NewBoolVar("uneven")
        m.Add(rest == 0).OnlyEnforceIf(uneven.Not())
        m.Add(hi - lo >= uneven)
    m.Minimize(hi - lo)
    solver = _solver(limit)
    if solver.Solve(m) != cp_model.OPTIMAL:
        return None
    selection = [j for j in range(len(needs)) if solver.Value(cover[j])]
    earners = {key for key, var in y.items() if solver.Value(var)}
    targets = {c: solver.Value(v) for c, v in zip(model.cities, counts, strict=True)}
    return selection, earners, targets, round(solver.ObjectiveValue())


def _continuity_by_host(model: "_Model", bests: dict[int, int], limit: float):
    """Continuity host by host, when every host must reach its own best priority: each host's optimum is proved
    on a few variables, and their union is the team's optimum when nobody is counted at two hosts and no sending
    hospital goes over its limit (checked here; otherwise None and the whole relaxation is solved at once)."""
    people, needs, rules = model.people, model.needs, model.rules
    earners: set[tuple[int, int, int]] = set()
    selection: list[int] = []
    values: dict[int, int] = {}
    for h, best in bests.items():
        local = [j for j, n in enumerate(needs) if n.facility == h]
        m, cover, priority = _needs_model(people, [needs[j] for j in local], rules, {h: best}, whole_team=False,
                                          fits=model.fits)
        m.Add(priority == best)
        position = {j: k for k, j in enumerate(local)}
        y = {key: m.NewBoolVar(f"y{key}") for key in model.earns if key[1] in position}
        by_slot, by_person = defaultdict(list), defaultdict(list)
        pinned = {p.person: p.need for p in rules.pins}
        for (i, j, s), var in y.items():
            if people[i].id in pinned and pinned[people[i].id] not in (None, needs[j].id):
                m.Add(var == 0)
            by_slot[j, s].append(var)
            by_person[i].append(var)
        for (j, _s), vars_ in by_slot.items():
            m.Add(sum(vars_) <= cover[position[j]])
        for vars_ in by_person.values():
            m.AddAtMostOne(vars_)
        m.Maximize(sum(model.earns[key] * var for key, var in y.items()))
        solver = _solver(limit, workers=1)
        if solver.Solve(m) != cp_model.OPTIMAL:
            return None
        earners.update(key for key, var in y.items() if solver.Value(var))
        values[h] = round(solver.ObjectiveValue())
        selection.extend(j for j in local if solver.Value(cover[position[j]]))
    persons = Counter(i for i, _j, _s in earners)
    hospitals = Counter(people[i].hospital for i in persons)
    if any(n > 1 for n in persons.values()) or any(n > rules.max_per_hospital for n in hospitals.values()):
        return None
    return selection, earners, values


def _construct(model: "_Model", selection: list[int], fixed=frozenset(),
               targets: dict[str, int] | None = None) -> set[tuple[int, int, int]] | None:
    """Fill every role of the selected needs, scarcest role first, or None when this simple fill gets stuck.

    `fixed` places are taken first. Each other role takes a pinned person first, then someone who earns
    continuity there, then someone from the city furthest below its target (or that has sent fewest so far),
    then the lowest id: the same input always gives the same team."""
    people, needs, rules = model.people, model.needs, model.rules
    candidates: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, j, s in model.keys:
        candidates[j, s].append(i)
    index = {p.id: i for i, p in enumerate(people)}
    need_index = {n.id: j for j, n in enumerate(needs)}
    pinned = {index[p.person]: (need_index[p.need] if p.need is not None else None) for p in rules.pins}
    slots = sorted(((j, s) for j in selection for s in range(len(needs[j].roles))),
                   key=lambda k: (len(candidates[k]), k))
    used: set[int] = set()
    hospitals: Counter = Counter()
    cities: Counter = Counter()
    chosen: set[tuple[int, int, int]] = set()
    for i, j, s in sorted(fixed):
        used.add(i)
        hospitals[people[i].hospital] += 1
        cities[people[i].city] += 1
        chosen.add((i, j, s))
    taken = {(j, s) for _i, j, s in fixed}
    targets = targets or {}
    for j, s in slots:
        if (j, s) in taken:
            continue
        best, best_key = None, None
        for i in candidates[j, s]:
            person = people[i]
            if i in used or hospitals[person.hospital] >= rules.max_per_hospital:
                continue
            if i in pinned and pinned[i] not in (None, j):
                continue
            key = (i not in pinned, -model.earns.get((i, j, s), 0),
                   cities[person.city] - targets.get(person.city, 0), i)
            if best_key is None or key < best_key:
                best, best_key = i, key
        if best is None:
            return None
        used.add(best)
        hospitals[people[best].hospital] += 1
        cities[people[best].city] += 1
        chosen.add((best, j, s))
    return chosen


def _assignments(model: "_Model", chosen) -> list[Assignment]:
    return [Assignment(need=model.needs[j].id, role=model.needs[j].roles[s], person=model.people[i].id)
            for i, j, s in sorted(chosen, key=lambda k: (model.needs[k[1]].id, k[2]))]


def compose(people: list[Person], needs: list[Need], rules: Rules) -> Proposal:
    """The best team under `rules`, with who covers what, why each uncovered need is uncovered, and the proof."""
    started = time.perf_counter()
    people = sorted(people, key=lambda p: p.id)
    needs = sorted(needs, key=lambda n: n.id)
    problems = pin_problems(people, needs, rules)
    if problems:
        return Proposal(status="infeasible", reasons=problems, seconds=time.perf_counter() - started)

    # Stage 0: the priority bound from the needs alone.
    fits = fit_table(people, needs, rules)
    bound, selection, bound_proved = priority_bound(people, needs, rules, min(2.0, rules.time_limit / 4), fits)
    if bound is None:
        return Proposal(status="infeasible", reasons=diagnose(people, needs, rules),
                        seconds=time.perf_counter() - started)
    model = _Model(people, needs, rules, fits=fits, lazy=True)

    def search_model() -> _Model:
        if not model.built:
            model.build()
            model.m.Add(model.priority <= bound)  # valid for every team, and it lets the solver stop at the bound
        return model

    # Stage 1: the priority of fully covered needs. A team that fills the relaxation's selection under every rule
    # reaches the bound, which proves it optimal without searching over people.
    chosen = _construct(model, selection) if bound_proved else None
    first = None
    if chosen is not None and satisfies(people, needs, rules, _assignments(model, chosen)):
        best, proved, first = bound, True, time.perf_counter() - started
    else:
        search_model().m.Maximize(model.priority)
        base = greedy(people, needs, rules)
        _hint(model, _keys(model, base.assignments))
        large = len(model.keys) > LARGE
        solver = _solver(max(rules.time_limit - (time.perf_counter() - started), 0.5), large=large)
        watch = _FirstSolution(started)
        status = solver.Solve(model.m, watch)
        if status == cp_model.INFEASIBLE:
            return Proposal(status="infeasible", reasons=diagnose(people, needs, rules),
                            seconds=time.perf_counter() - started)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # Out of time before the first solution (a large pool on a busy machine): the greedy team, when it
            # meets every rule, is still a valid answer, with the bound to say how far it may be from the optimum.
            if base.assignments and satisfies(people, needs, rules, base.assignments):
                base.bound = bound
                base.gap = max(0.0, (bound - base.covered_priority) / bound) if bound else 0.0
                base.uncovered = explain(people, needs, rules, base)
                base.seconds = time.perf_counter() - started
                return base
            return Proposal(status="unknown", reasons=[_reason("timeout")], seconds=time.perf_counter() - started)
        best = round(solver.ObjectiveValue())
        proved = status == cp_model.OPTIMAL or best >= bound
        bound = min(bound, int(solver.BestObjectiveBound() + 1e-6))
        first = watch.first
        chosen = {key for key, var in model.x.items() if solver.Value(var)}
    priority_seconds = time.perf_counter() - started

    # Stages 2 and 3 on a large pool: continuity, then balance, proved the same way as the priority, from a
    # relaxation and a team that reaches its values (the search over thousands of people rarely proves them).
    if proved and len(model.keys) > LARGE:
        later = _later_bounds(model, best, max(min(4.0, rules.time_limit - (time.perf_counter() - started)), 0.2),
                              chosen)
        if later is not None:
            selection, earners, targets, spread_bound = later
            team = _construct(model, selection, earners, targets)
            if team is not None and satisfies(people, needs, rules, _assignments(model, team)):
                continuity = sum(model.earns.get(key, 0) for key in team)
                counts = Counter(people[i].city for i, _j, _s in team)
                spread = max(counts.get(c, 0) for c in model.cities) - min(counts.get(c, 0) for c in model.cities)
                if continuity == sum(model.earns[key] for key in earners) and spread == spread_bound:
                    proposal = Proposal(
                        status="optimal", assignments=_assignments(model, team), covered_priority=best, bound=best,
                        continuity=continuity, spread=spread, first_feasible_seconds=first, priority_proved=True,
                        priority_seconds=priority_seconds,
                    )
                    proposal.uncovered = explain(people, needs, rules, proposal)
                    proposal.seconds = time.perf_counter() - started
                    return proposal

    # Stage 2: keep that priority, then continuity over balance over the tie-break.
    search_model().m.Add(model.priority >= best)
    size = len(people) + 1
    tiebreak = sum(v * i for (i, j, s), v in model.x.items())
    tie_scale = size * size * max(len(needs), 1) * 4
    weight_spread = tie_scale
    weight_continuity = tie_scale * size
    model.m.Maximize(weight_continuity * model.continuity - weight_spread * model.spread - tiebreak)
    _hint(model, chosen)
    remaining = max(rules.time_limit - (time.perf_counter() - started), 0.5)
    solver2 = _solver(remaining, large=len(model.keys) > LARGE)
    status2 = solver2.Solve(model.m)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {key for key, var in model.x.items() if solver2.Value(var)}
        later_proved = status2 == cp_model.OPTIMAL
    else:  # stage 2 found nothing in time: keep stage 1's team
        later_proved = False
    assignments = _assignments(model, chosen)
    cities = Counter(people[i].city for i, _j, _s in chosen)
    counts = [cities.get(c, 0) for c in model.cities]
    proposal = Proposal(
        status="optimal" if proved and later_proved else "feasible",
        assignments=assignments,
        covered_priority=best,
        bound=bound,
        gap=0.0 if proved or not bound else max(0.0, (bound - best) / bound),
        continuity=sum(model.earns.get(key, 0) for key in chosen),
        spread=(max(counts) - min(counts)) if counts else 0,
        first_feasible_seconds=first,
        priority_proved=proved,
        priority_seconds=priority_seconds,
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


def _keys(model: "_Model", assignments: list[Assignment]) -> set[tuple[int, int, int]]:
    """The model's (person, need, slot) keys of a list of assignments."""
    index = {p.id: i for i, p in enumerate(model.people)}
    need_index = {n.id: j for j, n in enumerate(model.needs)}
    chosen: set[tuple[int, int, int]] = set()
    for a in assignments:
        j = need_index[a.need]
        slot = next(s for s, r in enumerate(model.needs[j].roles)
                    if r == a.role and (index[a.person], j, s) not in chosen)
        chosen.add((index[a.person], j, slot))
    return chosen


def _hint(model: "_Model", chosen: set[tuple[int, int, int]]) -> None:
    """Start the search from a team; complete (the city counts too), so the solver can take it as it is."""
    model.m.ClearHints()
    for key, var in model.x.items():
        model.m.AddHint(var, int(key in chosen))
    covered = {j for _i, j, _s in chosen}
    for j, var in enumerate(model.covered):
        model.m.AddHint(var, int(j in covered))
    team = Counter(model.people[i].city for i, _j, _s in chosen)
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
