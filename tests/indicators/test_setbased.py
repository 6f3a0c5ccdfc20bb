"""The set-based rebuild against the reference path, data values by month adding up, the write path."""

from datetime import date

import pytest
from django.db.models import Count

from caravan.core import metrics
from caravan.indicators import bulk, rebuild, sources
from caravan.indicators.models import DataValue, Indicator, IndicatorValue
from caravan.registry.models import Region

from .conftest import value

COLUMNS = ("indicator_id", "region_id", "network_id", "period", "period_kind", "period_end", "numerator",
           "denominator", "value")


def _key(row):
    return (row[0], row[1] or 0, row[2] or 0, row[3])


def stored() -> list[tuple]:
    return sorted(IndicatorValue.objects.values_list(*COLUMNS), key=_key)


def reference(first: int, last: int) -> list[tuple]:
    """Every row as the period-by-period path computes it, one `fetch` per source and period."""
    figures = rebuild.Figures(rebuild.region_rows())
    return sorted((rebuild.as_values(r) for i in Indicator.objects.order_by("id")
                   for r in rebuild.compute_indicator(i, figures, first, last)), key=_key)


def _approved(element, region, period, value, status=DataValue.Status.APPROVED):
    return DataValue(element=element, region=region, period=period, value=value, status=status)


@pytest.fixture
def monthly(health):
    """Data values entered by month at Gangcha (a commune of Haibei, in Qinghai), with a quarter, a year and a
    province figure entered directly, a stock element, a pending value, and the month ratio indicators."""
    c = health.cast
    DataValue.objects.bulk_create([
        # A flow: Q1 is 100 + 50 + 25, Q2 is 10, Q3 is entered (1,000: its August month does not add to it).
        _approved("insured_visits", c.gangcha_county, "2024-01", 100),
        _approved("insured_visits", c.gangcha_county, "2024-02", 50),
        _approved("insured_visits", c.gangcha_county, "2024-03", 25),
        _approved("insured_visits", c.gangcha_county, "2024-04", 10),
        _approved("insured_visits", c.gangcha_county, "2024-Q3", 1000),
        _approved("insured_visits", c.gangcha_county, "2024-08", 7),
        _approved("insured_visits", c.gangcha_county, "2024-10", 3, status=DataValue.Status.PENDING),
        _approved("insured_visits_citizen_id", c.gangcha_county, "2024-01", 60),
        _approved("insured_visits_citizen_id", c.gangcha_county, "2024-02", 40),
        # 2023 entered for the whole year at Gangcha, and by month: the year's own figure wins.
        _approved("insured_visits", c.gangcha_county, "2023", 500),
        _approved("insured_visits", c.gangcha_county, "2023-05", 9),
        # Haidong (merged into Qinghai on 1 July 2025) by month in 2025, on both sides of the merger.
        _approved("insured_visits", health.haidong, "2025-06", 40),
        _approved("insured_visits", health.haidong, "2025-07", 2),
        _approved("insured_visits", c.gangcha_county, "2025-07", 5),
        # A stock: the latest month's figure, the one nearest the period's end.
        _approved("communes_reported", c.gangcha_county, "2024-01", 10),
        _approved("communes_reported", c.gangcha_county, "2024-02", 11),
        _approved("communes_reported", c.gangcha_county, "2024-05", 12),
        _approved("communes_meeting_criteria_reported", c.gangcha_county, "2024-02", 9),
        # Mazandaran: a numerator over a zero denominator is no data.
        _approved("insured_visits_citizen_id", c.mazandaran_region, "2024-03", 4),
        _approved("insured_visits", c.mazandaran_region, "2024-03", 0),
    ])
    Indicator.objects.bulk_create([
        Indicator(code="visits_dv", name="Insured visits", numerator="data:insured_visits", periodicity="month",
                  decimals=0),
        Indicator(code="communes_rep", name="Communes reported", numerator="data:communes_reported",
                  periodicity="month", decimals=0),
        Indicator(code="citizen_id_monthly", name="By citizen ID", numerator="data:insured_visits_citizen_id",
                  denominator="data:insured_visits", factor=100, decimals=2, periodicity="month"),
        Indicator(code="meeting_reported", name="Meeting (reported)",
                  numerator="data:communes_meeting_criteria_reported", denominator="data:communes_reported",
                  factor=100, decimals=1, periodicity="quarter"),
    ])
    return health


def test_the_set_based_rebuild_gives_exactly_the_rows_of_the_reference_path(monthly):
    """Known data with the Haidong merger (1 July 2025), zero and missing denominators, data values by month,
    quarter and year, records, and programme metrics: every column of every row is the same."""
    written = rebuild.rebuild_all(first=2023, last=2025)
    rows = stored()
    assert written == len(rows) > 400
    assert rows == reference(2023, 2025)
    kinds = {r[4] for r in rows}
    assert kinds == {"year", "quarter", "month"}
    assert any(r[7] == 0 and r[8] is None for r in rows)  # a zero denominator made it through as no data


def test_every_fetch_many_answers_what_fetch_answers_period_by_period(monthly):
    for source in sources.available():
        if source.fetch_many is None:
            continue
        for kind in ("year", "quarter", "month"):
            wanted = rebuild.periods.between(2023, 2025, kind)
            many = source.fetch_many(periods=wanted, baseline=None)
            for p in wanted:
                assert many.get(p.code, {}) == source.fetch(period=p, baseline=None), (source.code, p.code)


def test_monthly_flows_add_up_into_quarters_and_years(monthly):
    c = monthly.cast
    rebuild.rebuild_all(first=2023, last=2025)
    gc = c.gangcha_county
    assert [value("visits_dv", region=gc, period=p) for p in ("2024-01", "2024-02", "2024-03", "2024-10")] == [
        100, 50, 25, None]  # the pending October value does not count
    assert [value("visits_dv", region=gc, period=f"2024-Q{q}") for q in range(1, 5)] == [175, 10, 1000, None]
    assert value("visits_dv", region=gc, period="2024") == 1185  # 175 + 10 + 1,000
    assert value("visits_dv", region=gc, period="2023") == 500  # entered for the year; May's 9 does not add
    # Up the tree: Haibei and Qinghai have no figure of their own, so they hold Gangcha's.
    assert value("visits_dv", region=c.haibei_region, period="2024") == 1185
    assert value("visits_dv", region=c.qinghai, period="2024-Q1") == 175
    # The built-in yearly share from monthly values: 100 of 1,185 visits by citizen ID.
    assert value("insured_visits_citizen_id", region=gc, period="2024") == 8.44
    assert value("insured_visits_citizen_id", region=c.qinghai, period="2024") == 8.44
    assert value("citizen_id_monthly", region=gc, period="2024-02") == 80.0


def test_a_merged_region_by_month_counts_toward_its_successor_from_the_merger(monthly):
    c, haidong = monthly.cast, monthly.haidong
    rebuild.rebuild_all(first=2025, last=2025)
    assert value("visits_dv", region=haidong, period="2025-06") == 40
    assert value("visits_dv", region=haidong, period="2025-07") is None  # it no longer stands
    assert value("visits_dv", region=c.qinghai, period="2025-06") is None  # not Qinghai's yet
    assert value("visits_dv", region=c.qinghai, period="2025-07") == 7  # Gangcha's 5 and Haidong's 2
    # The year and Q3 end after the merger: Haidong's months all count toward Qinghai.
    assert value("visits_dv", region=c.qinghai, period="2025-Q3") == 7
    assert value("visits_dv", region=c.qinghai, period="2025") == 47
    assert value("visits_dv", region=haidong, period="2025") is None


def test_a_stock_takes_the_figure_nearest_the_periods_end(monthly):
    gc = monthly.cast.gangcha_county
    rebuild.rebuild_all(first=2024, last=2024)
    assert [value("communes_rep", region=gc, period=f"2024-Q{q}") for q in range(1, 5)] == [11, 12, None, None]
    assert value("communes_rep", region=gc, period="2024") == 12  # May's, the latest of the year
    # 9 meeting of 11 reported at the end of Q1; in Q2 the meeting figure is missing and the share is no data.
    assert value("meeting_reported", region=gc, period="2024-Q1") == 81.8
    assert value("meeting_reported", region=gc, period="2024-Q2") is None
    assert value("meeting_reported", region=gc, period="2024") == 75.0  # 9 (February's) of 12 (May's)


def test_a_zero_denominator_by_month_is_no_data(monthly):
    mz = monthly.cast.mazandaran_region
    rebuild.rebuild_all(first=2024, last=2024)
    row = IndicatorValue.objects.get(indicator__code="citizen_id_monthly", region=mz, period="2024-03")
    assert (row.numerator, row.denominator, row.value) == (4.0, 0.0, None)
    assert IndicatorValue.objects.get(indicator__code="insured_visits_citizen_id", region=mz,
                                      period="2024").value is None


def test_rebuild_query_count_does_not_grow_with_regions_or_data_values(monthly, monkeypatch,
                                                                       django_assert_num_queries):
    c = monthly.cast
    # The agreement metrics' providers belong to other modules, which add theirs as they land: count ours only.
    monkeypatch.setattr(metrics, "_providers", {})
    with django_assert_num_queries(QUERIES_2024):
        rebuild.rebuild_all(first=2024, last=2024)
    communes = Region.objects.bulk_create([
        Region(code=f"CN-QH-HB-X{n}", name=f"Commune {n}", level=Region.Level.COMMUNE, parent=c.haibei_region,
               path=f"{c.haibei_region.path}x{n}/") for n in range(30)])
    DataValue.objects.bulk_create([_approved("insured_visits", r, f"2024-{m:02d}", m) for r in communes
                                   for m in range(1, 13)])
    with django_assert_num_queries(QUERIES_2024):
        rebuild.rebuild_all(first=2024, last=2024)
    # Each new commune gets the months, quarters and year of the two monthly indicators that read insured
    # visits (12 + 4 + 1 each), and the yearly row of two more (communes meeting criteria, citizen-ID visits).
    per_commune = dict(IndicatorValue.objects.filter(region__in=communes).values_list("period_kind")
                       .annotate(n=Count("id")).order_by())
    assert per_commune == {"month": 30 * 24, "quarter": 30 * 8, "year": 30 * 4}


# One year: the indicators (1) and stale values (1); the tree (1) and the programmes' agreements (2); doctors and
# nurses for the year (2), active agreements for the 4 quarters and the year (5), techniques (1), facilities by
# flag (4), beds (1), population (1), communes (2); data values: the values entered for the period itself, by
# month for the 3 elements of monthly indicators, by quarter for 4, by year for 5, and the quarters of the
# quarterly (4) and yearly (5) ones again for the years (17), and the months grouped into quarters (4 + 5); then
# for each of the 25 indicators a savepoint, a delete and its release (75), and one insert for each of the 13
# that have rows (the metrics without a provider have none).
QUERIES_2024 = 1 + 1 + 1 + 2 + 2 + 5 + 1 + 4 + 1 + 1 + 2 + 17 + 9 + 75 + 13


def test_the_write_path_writes_in_batches_in_one_transaction(health, monkeypatch, django_assert_num_queries):
    indicator = Indicator.objects.get(code="beds_per_10k")
    rows = [(indicator.pk, health.cast.qinghai.pk if n % 2 else health.cast.china.pk, None, f"{2000 + n // 2}",
             "year", date(2000 + n // 2, 12, 31), float(n), 10.0, n / 10) for n in range(10)]
    monkeypatch.setattr(bulk, "BATCH", 4)
    # A savepoint and its release around: the delete, then 3 batches of 4, 4 and 2 rows.
    with django_assert_num_queries(6):
        assert bulk.replace_values(indicator.pk, rows) == 10
    assert sorted(IndicatorValue.objects.values_list(*COLUMNS), key=_key) == sorted(rows, key=_key)
    assert bulk.replace_values(indicator.pk, rows[:3]) == 3
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 3


class _Answered:
    """Consultations answered per agreement, as the teleconsultation module's provider answers them."""

    def __init__(self, figures):
        self.figures = figures

    def totals(self, *, agreement_ids, start, end):
        out = {}
        for (a, day), n in self.figures.items():
            if a in agreement_ids and start <= day <= end:
                out[a] = out.get(a, 0) + n
        return out

    def activities(self, *, agreement_id, start, end):
        return []


def test_consultations_answered_within_target_time_is_a_builtin_share(health, monkeypatch):
    c, a = health.cast, health.agreement.pk
    monkeypatch.setitem(metrics._providers, "consultations_answered",
                        [_Answered({(a, date(2024, 2, 1)): 8, (a, date(2024, 5, 1)): 0})])
    monkeypatch.setitem(metrics._providers, "consultations_answered_in_time",
                        [_Answered({(a, date(2024, 2, 1)): 7})])
    spec = Indicator.objects.get(code="consultations_in_time_pct")
    assert (spec.numerator, spec.denominator, spec.factor, spec.scope, spec.builtin) == (
        "metric:consultations_answered_in_time", "metric:consultations_answered", 100, "programme", True)
    assert str(spec.label) == "Consultations answered within target time (%)"
    rebuild.rebuild_all(first=2024, last=2024)
    assert value("consultations_in_time_pct", network=c.network, period="2024-Q1") == 87.5  # 7 of 8
    assert value("consultations_in_time_pct", network=c.network, period="2024-Q2") is None  # none answered
    assert value("consultations_in_time_pct", network=c.network, period="2024") == 87.5
    assert value("consultations_answered", network=c.network, period="2024") == 8
