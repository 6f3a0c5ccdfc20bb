"""The pure cores: periods, the dated tree, the arithmetic. No database."""

from datetime import date

import pytest

from caravan.indicators import engine, hierarchy, periods
from caravan.indicators.imports import read_csv

D = date


def test_periods_parse_and_bounds():
    assert periods.parse("2024") == periods.Period(D(2024, 1, 1), D(2024, 12, 31), "year", "2024")
    assert periods.parse("2024-Q2") == periods.Period(D(2024, 4, 1), D(2024, 6, 30), "quarter", "2024-Q2")
    assert periods.parse("2024-02") == periods.Period(D(2024, 2, 1), D(2024, 2, 29), "month", "2024-02")
    assert periods.parse("2024-01").previous().code == "2023-12"
    assert periods.parse("2024-Q1").previous().code == "2023-Q4"
    assert len(periods.between(2020, 2021, "month")) == 24
    assert periods.kinds_down_to("quarter") == ("year", "quarter")


@pytest.mark.parametrize("bad", ["", "24", "2024-13", "2024-Q5", "2024-00", "abcd", "1800", "2024-1"])
def test_periods_refuse_what_is_not_a_period(bad):
    with pytest.raises(ValueError):
        periods.parse(bad)


def test_engine_ratio_factor_and_zero_denominator():
    assert engine.compute(numerator=1024, denominator=800_000, factor=10_000, decimals=1).value == 12.8
    assert engine.compute(numerator=3048, denominator=800_000, factor=10_000, decimals=1).value == 38.1
    assert engine.compute(numerator=315, denominator=319, factor=100, decimals=1).value == 98.7
    # A zero or missing denominator is "no data", never an error or infinity.
    assert engine.compute(numerator=5, denominator=0, factor=100, decimals=1).value is None
    assert engine.compute(numerator=5, denominator=None, factor=100, decimals=1).value is None
    assert engine.compute(numerator=None, denominator=10, factor=100, decimals=1).value is None
    assert engine.compute(numerator=7, denominator=None, factor=1, decimals=0).value == 7
    assert engine.change(12.8, 12.1) == pytest.approx(0.7)
    assert engine.change(None, 12.1) is None


def _rows():
    R = hierarchy.RegionRow
    return [
        R(1, None, 0, D(1900, 1, 1), None, None),  # country
        R(2, 1, 1, D(1900, 1, 1), None, None),  # province A (the successor)
        R(3, 1, 1, D(1900, 1, 1), D(2025, 7, 1), 2),  # province B, merged into A on 1 July 2025
        R(4, 2, 2, D(1900, 1, 1), None, None),  # district of A
        R(5, 3, 2, D(1900, 1, 1), None, None),  # district of B
        R(6, 4, 3, D(2022, 1, 1), None, None),  # a commune of A created in 2022
    ]


def test_tree_before_the_merger_keeps_each_province_apart():
    tree = hierarchy.tree_on(_rows(), D(2024, 12, 31))
    own = {4: 10.0, 5: 7.0, 6: 1.0}
    assert hierarchy.add_up(tree, own) == {1: 18.0, 2: 11.0, 3: 7.0, 4: 11.0, 5: 7.0, 6: 1.0}


def test_tree_after_the_merger_adds_the_absorbed_province_to_its_successor():
    tree = hierarchy.tree_on(_rows(), D(2025, 12, 31))
    own = {4: 10.0, 5: 7.0, 6: 1.0}
    assert hierarchy.add_up(tree, own) == {1: 18.0, 2: 18.0, 4: 11.0, 5: 7.0, 6: 1.0}


def test_tree_ignores_regions_not_yet_created():
    tree = hierarchy.tree_on(_rows(), D(2021, 12, 31))
    assert hierarchy.add_up(tree, {4: 10.0, 6: 1.0}) == {1: 10.0, 2: 10.0, 4: 10.0}


def test_nearest_recorded_prefers_a_regions_own_figure_and_adds_merged_ones():
    own = {2: 800.0, 4: 300.0, 3: 500.0, 5: 200.0}
    before = hierarchy.nearest_recorded(hierarchy.tree_on(_rows(), D(2024, 12, 31)), own)
    assert before == {1: 1300.0, 2: 800.0, 3: 500.0, 4: 300.0, 5: 200.0}
    after = hierarchy.nearest_recorded(hierarchy.tree_on(_rows(), D(2025, 12, 31)), own)
    assert after == {1: 1300.0, 2: 1300.0, 4: 300.0, 5: 200.0}
    # Without the province's own figure its districts add up.
    assert hierarchy.nearest_recorded(hierarchy.tree_on(_rows(), D(2024, 12, 31)), {4: 300.0, 5: 200.0})[1] == 500.0


def test_csv_reader_names_missing_columns_and_skips_blank_lines():
    rows, errors = read_csv("element,region\nx,y\n")
    assert rows == [] and errors == ["The file needs the columns element, region, period, value; missing: period, value."]
    rows, errors = read_csv("\ufeffElement,Region,Period,Value\ninsured_visits,VN-LC,2024,12\n,,,\n")
    assert errors == [] and [(r.line, r.element, r.region_code, r.period, r.raw_value) for r in rows] == [
        (2, "insured_visits", "VN-LC", "2024", "12")]
    assert read_csv("element,region,period,value\n") == ([], ["The file has no rows."])


def test_period_parts_and_combining_months_into_quarters_and_years():
    assert [p.code for p in periods.parts(periods.year(2024))] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert [p.code for p in periods.parts(periods.quarter(2024, 4))] == ["2024-10", "2024-11", "2024-12"]
    assert periods.parts(periods.month(2024, 2)) == []
    values = {"2024-01": 100.0, "2024-02": 50.0, "2024-03": 25.0, "2024-04": 10.0, "2024-Q3": 1000.0, "2024-08": 7.0}
    year, q1, q3, q4 = periods.year(2024), periods.quarter(2024, 1), periods.quarter(2024, 3), periods.quarter(2024, 4)
    # A flow adds up; a figure entered for the period itself wins over its parts.
    assert periods.combine(values, q1, periods.SUM) == 175.0
    assert periods.combine(values, q3, periods.SUM) == 1000.0
    assert periods.combine(values, q4, periods.SUM) is None
    assert periods.combine(values, year, periods.SUM) == 1185.0
    assert periods.combine(values | {"2024": 9.0}, year, periods.SUM) == 9.0
    # A stock takes the latest figure inside the period, the one nearest its end.
    assert periods.combine(values, q1, periods.LAST) == 25.0
    assert periods.combine(values, year, periods.LAST) == 1000.0  # Q3's own figure is the latest quarter's
    assert periods.combine({"2024-02": 11.0, "2024-05": 12.0}, year, periods.LAST) == 12.0
    assert periods.combine({}, year, periods.LAST) is None
