"""The composer on small instances whose best team is known by hand (no database)."""

from datetime import date

from caravan.deployments.composer import Need, Person, Pin, Rules, compose, greedy, satisfies

YEAR = ((date(2025, 1, 1), date(2026, 12, 31)),)
SHORT = ((date(2025, 1, 1), date(2025, 6, 30)),)


def person(pid, roles, *, hospital=1, city="Liaocheng", senior=False, windows=YEAR, languages=("zh",), served=(),
           kind="clinician"):
    return Person(id=pid, name=f"P{pid}", hospital=hospital, city=city, roles=frozenset(roles), senior=senior,
                  windows=windows, languages=frozenset(languages), served_at=frozenset(served), kind=kind)


ANALGESIA = Need(id=1, label="Labour analgesia", facility=10, roles=("obstetrician", "anaesthetist", "sonographer"),
                 priority=5, start=date(2025, 12, 1), end=date(2026, 11, 30))
DIRECTOR = Need(id=2, label="Director", facility=20, roles=("director",), priority=4,
                start=date(2025, 12, 1), end=date(2026, 11, 30))
EYE = Need(id=3, label="Ophthalmology", facility=30, roles=("ophthalmologist",), priority=2,
           start=date(2025, 12, 1), end=date(2026, 11, 30))


def texts(proposal):
    return {k: str(v) for k, v in proposal.uncovered.items()}


def pairs(proposal):
    return sorted((a.need, a.role, a.person) for a in proposal.assignments)


def test_a_service_is_covered_only_with_all_its_roles_together():
    people = [person(1, ["obstetrician"]), person(2, ["anaesthetist"]), person(3, ["sonographer"]),
              person(4, ["director"], kind="manager")]
    proposal = compose(people, [ANALGESIA, DIRECTOR], Rules())
    assert proposal.status == "optimal"
    assert pairs(proposal) == [(1, "anaesthetist", 2), (1, "obstetrician", 1), (1, "sonographer", 3),
                               (2, "director", 4)]
    assert proposal.covered_priority == 9
    assert texts(proposal) == {}


def test_a_missing_role_leaves_the_whole_service_uncovered_and_says_why():
    people = [person(1, ["obstetrician"]), person(2, ["anaesthetist"]), person(3, ["sonographer"], windows=SHORT),
              person(4, ["director"])]
    proposal = compose(people, [ANALGESIA, DIRECTOR], Rules())
    assert pairs(proposal) == [(2, "director", 4)]
    assert texts(proposal) == {1: "no available sonographer in the pool for 2025-2026"}
    assert proposal.proved_optimal


def test_priority_wins_over_more_needs_when_one_person_could_serve_both():
    # Person 1 can be the director or the ophthalmologist; the director's need has the higher priority.
    people = [person(1, ["director", "ophthalmologist"])]
    proposal = compose(people, [DIRECTOR, EYE], Rules())
    assert pairs(proposal) == [(2, "director", 1)]
    assert texts(proposal) == {3: "every available ophthalmologist is in the team for a need of higher or "
                                     "equal priority"}


def test_continuity_then_balance_choose_among_equally_good_teams():
    people = [person(1, ["ophthalmologist"], city="Jinan", hospital=1),
              person(2, ["ophthalmologist"], city="Qingdao", hospital=2, served=[30]),
              person(3, ["director"], city="Jinan", hospital=1)]
    proposal = compose(people, [DIRECTOR, EYE], Rules())
    # Person 2 served at the eye hospital before: continuity; and it puts one person per city: balance.
    assert pairs(proposal) == [(2, "director", 3), (3, "ophthalmologist", 2)]
    assert proposal.continuity == 1
    assert proposal.spread == 0


def test_balance_across_cities_when_continuity_ties():
    people = [person(1, ["ophthalmologist"], city="Jinan", hospital=1),
              person(2, ["ophthalmologist"], city="Qingdao", hospital=2),
              person(3, ["director"], city="Jinan", hospital=1)]
    proposal = compose(people, [DIRECTOR, EYE], Rules())
    assert pairs(proposal) == [(2, "director", 3), (3, "ophthalmologist", 2)]


def test_at_most_n_per_sending_hospital():
    people = [person(1, ["obstetrician"], hospital=1), person(2, ["anaesthetist"], hospital=1),
              person(3, ["sonographer"], hospital=1), person(4, ["sonographer"], hospital=2)]
    proposal = compose(people, [ANALGESIA], Rules(max_per_hospital=2))
    assert pairs(proposal) == [(1, "anaesthetist", 2), (1, "obstetrician", 1), (1, "sonographer", 4)]


def test_language_where_the_host_needs_it():
    need = Need(id=4, label="Tibetan-speaking midwife", facility=10, roles=("midwife",), priority=3,
                start=date(2025, 12, 1), end=date(2026, 11, 30), language="bo")
    proposal = compose([person(1, ["midwife"])], [need], Rules())
    assert proposal.assignments == []
    assert texts(proposal) == {4: "no available midwife speaking bo in the pool for 2025-2026"}
    proposal = compose([person(1, ["midwife"]), person(2, ["midwife"], languages=("zh", "bo"))], [need], Rules())
    assert pairs(proposal) == [(4, "midwife", 2)]


def test_pins_and_exclusions():
    people = [person(1, ["ophthalmologist"]), person(2, ["ophthalmologist"])]
    assert pairs(compose(people, [EYE], Rules())) == [(3, "ophthalmologist", 1)]
    assert pairs(compose(people, [EYE], Rules(pins=(Pin(2, 3),)))) == [(3, "ophthalmologist", 2)]
    assert pairs(compose(people, [EYE], Rules(exclusions=frozenset({1})))) == [(3, "ophthalmologist", 2)]


def test_a_pin_that_breaks_a_constraint_is_refused_with_its_reason():
    people = [person(1, ["ophthalmologist"]), person(2, ["director"])]
    proposal = compose(people, [EYE, DIRECTOR], Rules(pins=(Pin(2, 3),)))
    assert (proposal.status, proposal.assignments) == ("infeasible", [])
    assert proposal.reason == "P2 cannot fill Ophthalmology: no matching role, availability or language"


def test_an_impossible_team_size_names_the_constraint_not_a_partial_team():
    people = [person(1, ["ophthalmologist"]), person(2, ["director"])]
    proposal = compose(people, [EYE, DIRECTOR], Rules(team_min=10, team_max=15))
    assert (proposal.status, proposal.assignments) == ("infeasible", [])
    assert proposal.reason == "a team of 10-15 cannot be formed from the eligible candidates"


def test_too_few_seniors_names_seniority():
    people = [person(1, ["ophthalmologist"]), person(2, ["director"], senior=True)]
    proposal = compose(people, [EYE, DIRECTOR], Rules(min_senior=2))
    assert proposal.reason == "the team cannot include 2 people with senior titles"


def test_role_mix_minimum_forces_a_manager_in():
    people = [person(1, ["ophthalmologist", "director"], kind="manager"), person(2, ["ophthalmologist"])]
    low = Need(id=2, label="Director", facility=20, roles=("director",), priority=1,
               start=date(2025, 12, 1), end=date(2026, 11, 30))
    proposal = compose(people, [EYE, low], Rules(kind_min=(("manager", 1),)))
    assert pairs(proposal) == [(2, "director", 1), (3, "ophthalmologist", 2)]


def test_team_maximum_and_the_explanation_of_what_did_not_fit():
    people = [person(1, ["obstetrician"]), person(2, ["anaesthetist"]), person(3, ["sonographer"]),
              person(4, ["director"])]
    proposal = compose(people, [ANALGESIA, DIRECTOR], Rules(team_max=3))
    assert pairs(proposal) == [(1, "anaesthetist", 2), (1, "obstetrician", 1), (1, "sonographer", 3)]
    assert texts(proposal) == {2: "the team is full (3 of at most 3)"}


def test_the_same_input_gives_the_same_team():
    people = [person(i, ["ophthalmologist"], city=("Jinan", "Qingdao", "Yantai")[i % 3], hospital=i % 3)
              for i in range(1, 30)]
    needs = [Need(id=j, label=f"Eye {j}", facility=j % 4, roles=("ophthalmologist",), priority=1 + j % 3,
                  start=date(2025, 12, 1), end=date(2026, 11, 30)) for j in range(1, 12)]
    first = pairs(compose(people, needs, Rules(max_per_hospital=4)))
    for _ in range(3):
        assert pairs(compose(people, needs, Rules(max_per_hospital=4))) == first
    assert len(first) == 11


def test_greedy_can_be_beaten_by_the_composer():
    # Greedy gives the only director-capable person to the first need it meets; the composer sees both.
    people = [person(1, ["director", "ophthalmologist"]), person(2, ["ophthalmologist"])]
    eye_first = Need(id=1, label="Eye", facility=30, roles=("ophthalmologist",), priority=3,
                     start=date(2025, 12, 1), end=date(2026, 11, 30))
    director = Need(id=2, label="Director", facility=20, roles=("director",), priority=2,
                    start=date(2025, 12, 1), end=date(2026, 11, 30))
    base = greedy(people, [eye_first, director], Rules())
    assert (pairs(base), base.covered_priority) == ([(1, "ophthalmologist", 1)], 3)
    best = compose(people, [eye_first, director], Rules())
    assert (pairs(best), best.covered_priority) == ([(1, "ophthalmologist", 2), (2, "director", 1)], 5)


def test_satisfies_checks_every_rule_of_a_team():
    people = [person(1, ["obstetrician"], senior=True), person(2, ["anaesthetist"]), person(3, ["sonographer"]),
              person(4, ["director"], kind="manager", hospital=2)]
    team = greedy(people, [ANALGESIA, DIRECTOR], Rules()).assignments
    assert len(team) == 4
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(), team) is True
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(team_max=3), team) is False
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(max_per_hospital=2), team) is False
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(min_senior=2), team) is False
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(kind_min=(("manager", 2),)), team) is False
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(pins=(Pin(4, 1),)), team) is False
    assert satisfies(people, [ANALGESIA, DIRECTOR], Rules(pins=(Pin(4, 2),)), team) is True
