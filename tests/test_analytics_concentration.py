"""Concentration: top shares, Gini and Lorenz curve against hand calculations."""

import math
from datetime import date

import pytest

from demand import analytics
from demand.fixtures import ABBEY, write_extracts
from demand.store import Scope


def test_gini_of_a_known_distribution():
    # sorted 1,1,1,1,6: sum((2i - n - 1) x_i) = -4 - 2 + 0 + 2 + 24 = 20; G = 20 / (5 * 10)
    result = analytics.concentration_of([6, 1, 1, 1, 1])
    assert result["gini"] == pytest.approx(0.4)
    assert (result["entities"], result["events"]) == (5, 10)


def test_equal_counts_have_gini_zero_and_a_straight_lorenz_curve():
    result = analytics.concentration_of([3, 3, 3, 3])
    assert result["gini"] == pytest.approx(0.0)
    assert result["lorenz"]["event_share"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1])


def test_lorenz_runs_from_origin_to_one_one():
    lorenz = analytics.concentration_of([6, 1, 1, 1, 1])["lorenz"]
    assert lorenz["entity_share"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert lorenz["event_share"].tolist() == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 1.0])


def test_top_shares_round_the_number_of_entities_up():
    # 14 entities: top 1% and 5% = ceil(0.14), ceil(0.7) = 1 entity; 10% = ceil(1.4) = 2
    counts = [40, 20, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 1, 1]  # 14 entities, 100 events
    result = analytics.concentration_of(counts)
    assert result["events"] == 100
    assert result["top_share"] == {1: pytest.approx(0.40), 5: pytest.approx(0.40), 10: pytest.approx(0.60)}
    twenty = analytics.concentration_of([10] + [1] * 19)
    assert twenty["top_share"][10] == pytest.approx(11 / 29)  # ceil(2.0) = 2 entities


def test_no_entities():
    result = analytics.concentration_of([])
    assert result["entities"] == 0 and math.isnan(result["gini"])
    assert math.isnan(result["top_share"][1])


def test_concentration_of_victims_in_a_store(tmp_path, open_store):
    crimes = [{"crime_id": f"R{i}", "recorded_at": f"2026-06-{i:02d} 10:00"} for i in range(1, 11)]
    # P1 is victim of 6 crimes (one linked twice), P2..P5 of one each
    links = [{"crime_id": f"R{i}", "person_id": "P1"} for i in range(1, 7)] + [{"crime_id": "R1", "person_id": "P1"}]
    links += [{"crime_id": f"R{i}", "person_id": f"P{i - 5}"} for i in range(7, 11)]
    store = open_store(write_extracts(tmp_path / "x", crimes=crimes, crime_people=links))
    result = analytics.concentration(store, Scope((ABBEY,)), "victims", "90d", as_of=date(2026, 6, 10))
    assert (result["entities"], result["events"]) == (5, 10)
    assert result["gini"] == pytest.approx(0.4)
    assert result["top_share"][10] == pytest.approx(0.6)
    locations = analytics.concentration(store, Scope((ABBEY,)), "locations", "90d", as_of=date(2026, 6, 10))
    assert locations["entities"] == 0  # no crime has a location
