from datetime import date

import pytest

from caravan.core import metrics


class _Fixed:
    def __init__(self, values, rows):
        self.values, self.rows = values, rows

    def totals(self, *, agreement_ids, start, end):
        return {k: v for k, v in self.values.items() if k in agreement_ids}

    def activities(self, *, agreement_id, start, end):
        return self.rows


class _Other(_Fixed):
    pass


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(metrics, "_providers", {})


def test_totals_add_every_provider_and_default_to_zero(clean_registry):
    metrics.register("visits", _Fixed({1: 2.0, 2: 1.0}, []))
    metrics.register("visits", _Other({1: 3.0}, []))
    assert metrics.totals("visits", agreement_ids=[1, 2, 3], start=date(2024, 1, 1), end=date(2024, 12, 31)) == {
        1: 5.0, 2: 1.0, 3: 0.0,
    }


def test_registering_the_same_provider_twice_counts_once(clean_registry):
    metrics.register("visits", _Fixed({1: 2.0}, []))
    metrics.register("visits", _Fixed({1: 2.0}, []))
    assert metrics.totals("visits", agreement_ids=[1], start=date(2024, 1, 1), end=date(2024, 12, 31)) == {1: 2.0}


def test_activities_are_merged_newest_first(clean_registry):
    a = metrics.Activity(date(2024, 3, 1), "Visit A", 1)
    b = metrics.Activity(date(2024, 5, 1), "Visit B", 1)
    c = metrics.Activity(date(2024, 4, 1), "Course C", 1)
    metrics.register("visits", _Fixed({}, [a, b]))
    metrics.register("visits", _Other({}, [c]))
    assert metrics.activities("visits", agreement_id=1, start=date(2024, 1, 1), end=date(2024, 12, 31)) == [b, c, a]


def test_an_unknown_metric_cannot_be_registered(clean_registry):
    with pytest.raises(KeyError, match="unknown metric 'alchemy'"):
        metrics.register("alchemy", _Fixed({}, []))
    assert metrics.is_provided("visits") is False
