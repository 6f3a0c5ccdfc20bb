"""The ledger's rules as pure functions: no database."""

from datetime import date

import pytest

from caravan.transfer.rules import (
    CaseFact,
    ManualStep,
    Reason,
    RuleSettings,
    ScheduleProblem,
    Step,
    TransferredService,
    add_months,
    derive,
    schedule_problems,
    sustainability,
)

RULES = RuleSettings(cases_for_independence=3, window_months=24, max_complication_rate=0.25, lapse_months=12)
AS_OF = date(2024, 12, 31)
LATER = date(2026, 1, 1)  # for sustainability: months after the experts left


def case(day, performer="local", supervision="independent", outcome="success", case_id=None):
    return CaseFact(day=day, performer=performer, supervision=supervision, outcome=outcome, case_id=case_id)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 3, 15), -24, date(2022, 3, 15)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
    (date(2024, 12, 1), 12, date(2025, 12, 1)),
])
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_no_case_and_no_manual_step_is_no_status():
    outcome = derive([], rules=RULES, as_of=AS_OF)
    assert (outcome.status, outcome.status_on, outcome.steps, outcome.cases) == (None, None, (), 0)


def test_the_ladder_from_observed_to_independent():
    cases = [
        case(date(2024, 1, 10), "visiting", "observed", case_id=1),
        case(date(2024, 2, 10), "visiting", "assisted", case_id=2),
        case(date(2024, 3, 10), "local", "supervised", case_id=3),
        case(date(2024, 4, 10), case_id=4),
        case(date(2024, 5, 10), case_id=5),
        case(date(2024, 6, 10), case_id=6),
    ]
    outcome = derive(cases, rules=RULES, as_of=AS_OF)
    assert outcome.steps == (
        Step(date(2024, 1, 10), "training", None, Reason.FIRST_OBSERVED, {}, 1),
        Step(date(2024, 3, 10), "supervised", "training", Reason.FIRST_LOCAL, {}, 3),
        Step(date(2024, 6, 10), "independent", "supervised", Reason.INDEPENDENCE,
             {"cases": 3, "window_months": 24, "rate": 0.0}, 6),
    )
    assert (outcome.status, outcome.status_on, outcome.first_independent_on) == (
        "independent", date(2024, 6, 10), date(2024, 6, 10),
    )
    assert (outcome.first_case_on, outcome.last_case_on, outcome.cases) == (date(2024, 1, 10), date(2024, 6, 10), 6)
    assert (outcome.visiting_help, outcome.held_back_rate) == (True, None)


def test_only_successful_independent_local_cases_count():
    cases = [
        case(date(2024, 1, 1)),
        case(date(2024, 1, 2), supervision="supervised"),  # supervised: not alone
        case(date(2024, 1, 3), outcome="complication"),
        case(date(2024, 1, 4), "visiting", "assisted"),
        case(date(2024, 1, 5)),
    ]
    outcome = derive(cases, rules=RULES, as_of=AS_OF)
    assert outcome.status == "supervised"
    # The visiting case came after the first local one: the status does not step back to training.
    assert [s.status for s in outcome.steps] == ["supervised"]


def test_cases_outside_the_window_do_not_count():
    rules = RuleSettings(cases_for_independence=3, window_months=6, max_complication_rate=0.25, lapse_months=60)
    days = [date(2023, 1, 1), date(2023, 5, 1), date(2023, 9, 1), date(2023, 10, 1)]
    outcome = derive([case(d) for d in days], rules=rules, as_of=AS_OF)
    # On 1 September the January case has left the six-month window; on 1 October three are in it.
    assert (outcome.status, outcome.first_independent_on) == ("independent", date(2023, 10, 1))
    assert outcome.steps[-1].details == {"cases": 3, "window_months": 6, "rate": 0.0}


def test_complications_above_the_threshold_hold_independence_back():
    cases = [case(date(2024, 1, d)) for d in (1, 2, 3)] + [
        case(date(2024, 1, 4), outcome="complication"),
        case(date(2024, 1, 5), outcome="death"),
    ]
    # After the 3rd success the rate is 0: independent. Shuffle so complications come first.
    late = [
        case(date(2024, 1, 1), outcome="complication"),
        case(date(2024, 1, 2), outcome="death"),
        case(date(2024, 1, 3)),
        case(date(2024, 1, 4)),
        case(date(2024, 1, 5)),
    ]
    assert derive(cases, rules=RULES, as_of=AS_OF).status == "independent"
    held = derive(late, rules=RULES, as_of=AS_OF)
    # 2 complications in 5 local cases: 40% > 25%.
    assert (held.status, held.held_back_rate, held.first_independent_on) == ("supervised", 0.4, None)
    # Three more successes bring the rate to 2/8 = 25%, which is allowed.
    more = late + [case(date(2024, 2, d)) for d in (1, 2, 3)]
    released = derive(more, rules=RULES, as_of=AS_OF)
    assert (released.status, released.first_independent_on, released.held_back_rate) == (
        "independent", date(2024, 2, 3), None,
    )
    assert released.steps[-1].details == {"cases": 6, "window_months": 24, "rate": 0.25}


def test_lapse_after_months_without_a_case_and_a_fresh_start():
    cases = [case(date(2023, 1, d), case_id=d) for d in (1, 2, 3)]
    outcome = derive(cases, rules=RULES, as_of=AS_OF)
    assert [(s.day, s.status, s.reason) for s in outcome.steps][-2:] == [
        (date(2023, 1, 3), "independent", Reason.INDEPENDENCE),
        (date(2024, 1, 3), "lapsed", Reason.LAPSE),
    ]
    assert outcome.steps[-1].details == {"months": 12}
    assert (outcome.status, outcome.status_on, outcome.first_independent_on) == (
        "lapsed", date(2024, 1, 3), date(2023, 1, 3),
    )
    # Not yet lapsed the day before the twelve months are up.
    assert derive(cases, rules=RULES, as_of=date(2024, 1, 2)).status == "independent"
    # Cases after the gap climb again, and the old cases no longer count toward independence.
    resumed = derive(cases + [case(date(2024, 6, 1)), case(date(2024, 6, 2))], rules=RULES, as_of=AS_OF)
    assert [s.status for s in resumed.steps] == ["supervised", "independent", "lapsed", "supervised"]
    again = derive(cases + [case(date(2024, 6, d)) for d in (1, 2, 3)], rules=RULES, as_of=AS_OF)
    assert (again.status, again.status_on, again.first_independent_on) == (
        "independent", date(2024, 6, 3), date(2023, 1, 3),
    )


def test_manual_steps_climb_but_never_step_down():
    manual = [ManualStep(date(2023, 1, 1), "planned"), ManualStep(date(2023, 6, 1), "training")]
    outcome = derive([], rules=RULES, as_of=AS_OF, manual=manual)
    assert [(s.day, s.status, s.manual, s.reason) for s in outcome.steps] == [
        (date(2023, 1, 1), "planned", True, Reason.MANUAL),
        (date(2023, 6, 1), "training", True, Reason.MANUAL),
    ]
    # A planned step after the local staff already perform the technique changes nothing.
    late = derive([case(date(2023, 2, 1))], rules=RULES, as_of=AS_OF, manual=[ManualStep(date(2023, 3, 1), "planned")])
    assert [s.status for s in late.steps] == ["supervised"]
    # A manual step later than as_of is not applied yet.
    assert derive([], rules=RULES, as_of=date(2022, 12, 31), manual=manual).status is None


def test_cases_after_as_of_are_ignored():
    cases = [case(date(2024, 1, d)) for d in (1, 2, 3)]
    assert derive(cases, rules=RULES, as_of=date(2024, 1, 2)).status == "supervised"


def test_visiting_help_only_before_independence():
    own = [case(date(2024, 1, d)) for d in (1, 2, 3)] + [case(date(2024, 2, 1), "visiting", "observed")]
    assert derive(own, rules=RULES, as_of=AS_OF).visiting_help is False


# ---------------------------------------------------------------- sustainability


def service(pk, facility, specialty, last_case_on):
    return TransferredService(capability_id=pk, facility_id=facility, technique_id=pk, specialty_id=specialty,
                              independent_on=date(2022, 1, 1), last_case_on=last_case_on)


def test_sustainability_counts_services_still_performed_at_each_mark():
    departures = {(1, 10): date(2023, 1, 15), (2, 10): date(2025, 9, 1)}
    services = [
        service(1, 1, 10, date(2024, 12, 1)),  # performed long after: both marks
        service(2, 1, 10, date(2023, 6, 1)),   # stopped between the marks
        service(3, 1, 10, date(2023, 3, 1)),   # stopped before the 6-month mark's quarter
        service(4, 2, 10, date(2025, 12, 1)),  # the expert left 4 months ago: too early
        service(5, 3, 10, date(2025, 12, 1)),  # no visiting expert recorded
    ]
    result = sustainability(services, departures, as_of=LATER)
    assert [(r.service.capability_id, r.departed_on, r.performed) for r in result.rows] == [
        (1, date(2023, 1, 15), {6: True, 12: True}),
        (2, date(2023, 1, 15), {6: True, 12: False}),
        (3, date(2023, 1, 15), {6: False, 12: False}),
        (4, date(2025, 9, 1), {6: None, 12: None}),
        (5, None, {6: None, 12: None}),
    ]
    assert [(i.months, i.sustained, i.eligible, i.share) for i in result.index] == [
        (6, 2, 3, 2 / 3), (12, 1, 3, 1 / 3),
    ]


def test_sustainability_grace_is_the_quarter_before_the_mark():
    departures = {(1, 10): date(2024, 1, 31)}
    # Six months after 31 January is 31 July; the quarter before it starts on 30 April.
    on_edge = sustainability([service(1, 1, 10, date(2024, 4, 30))], departures, as_of=LATER)
    too_soon = sustainability([service(1, 1, 10, date(2024, 4, 29))], departures, as_of=LATER)
    assert (on_edge.rows[0].performed[6], too_soon.rows[0].performed[6]) == (True, False)


def test_sustainability_with_nothing_eligible_has_no_share():
    result = sustainability([], {}, as_of=AS_OF)
    assert [(i.months, i.sustained, i.eligible, i.share) for i in result.index] == [(6, 0, 0, None), (12, 0, 0, None)]


# ---------------------------------------------------------------- plan prerequisites


def test_a_prerequisite_is_met_by_independence_or_an_earlier_phase():
    base = {"prerequisites": {1: "Invasive mechanical ventilation"}, "equipment_needed": {}, "equipment_present": set()}
    assert schedule_problems(phase=1, independent={1}, scheduled={}, **base) == []
    assert schedule_problems(phase=2, independent=set(), scheduled={1: 1}, **base) == []
    same_phase = schedule_problems(phase=2, independent=set(), scheduled={1: 2}, **base)
    assert same_phase == [ScheduleProblem("phase", "prerequisite", ("Invasive mechanical ventilation",))]
    assert schedule_problems(phase=1, independent=set(), scheduled={}, **base) == same_phase


def test_missing_equipment_is_named():
    problems = schedule_problems(
        phase=1, prerequisites={}, independent=set(), scheduled={},
        equipment_needed={5: "Ventilator", 6: "ECMO machine"}, equipment_present={5},
    )
    assert problems == [ScheduleProblem("technique", "equipment", ("ECMO machine",))]
