"""Windows: N days ending D hold dates in (D - N, D]; the previous window is the N days before."""

from datetime import date, datetime

import pytest

from demand.errors import UsageError
from demand.windows import (
    WINDOWS,
    Window,
    months_overlapped,
    parse_date,
    parse_window,
    previous,
    window,
    year_earlier,
)


def test_90_days_ending_30_june_start_2_april():
    w = window("90d", date(2026, 6, 30))
    assert w == Window(date(2026, 4, 2), date(2026, 6, 30)) and w.days == 90
    assert w.start_ts == datetime(2026, 4, 2) and w.end_ts == datetime(2026, 7, 1)


@pytest.mark.parametrize("name, days", WINDOWS.items())
def test_every_named_window_has_its_length(name, days):
    assert window(name, date(2026, 6, 30)).days == days


def test_a_window_may_be_a_number_of_days():
    assert window(730, date(2026, 6, 30)).start == date(2024, 7, 1)


def test_previous_is_the_same_length_just_before():
    assert previous(window("7d", date(2026, 6, 30))) == Window(date(2026, 6, 17), date(2026, 6, 23))


def test_year_earlier_keeps_length_and_calendar_day():
    assert year_earlier(window("90d", date(2026, 6, 30))) == Window(date(2025, 4, 2), date(2025, 6, 30))
    assert year_earlier(Window(date(2024, 2, 1), date(2024, 2, 29))).end == date(2023, 2, 28)


def test_months_overlapped():
    assert months_overlapped(Window(date(2026, 1, 31), date(2026, 3, 1))) == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


@pytest.mark.parametrize("bad", ["3d", "90", "", "12M"])
def test_unknown_window_lists_the_choices(bad):
    with pytest.raises(UsageError, match="choose one of 7d, 28d, 90d, 12m"):
        parse_window(bad)


def test_zero_days_is_refused():
    with pytest.raises(UsageError):
        window(0, date(2026, 6, 30))


@pytest.mark.parametrize("bad", ["2026-13-01", "30/06/2026", "yesterday"])
def test_malformed_date(bad):
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        parse_date(bad)


def test_parse_date():
    assert parse_date("2026-06-30") == date(2026, 6, 30)
    assert parse_date(None) is None


def test_public_summaries_count_whole_calendar_months():
    from demand.windows import months_before, months_year_earlier, whole_months

    # As of a month's last day its month is whole; a day earlier it is not.
    assert whole_months("90d", date(2026, 10, 31)) == Window(date(2026, 8, 1), date(2026, 10, 31))
    assert whole_months("90d", date(2026, 10, 30)) == Window(date(2026, 7, 1), date(2026, 9, 30))
    assert whole_months("12m", date(2026, 10, 31)) == Window(date(2025, 11, 1), date(2026, 10, 31))
    # Across a year's end, and February's 28 or 29 days.
    assert whole_months("90d", date(2026, 2, 15)) == Window(date(2025, 11, 1), date(2026, 1, 31))
    assert whole_months("90d", date(2024, 2, 29)) == Window(date(2023, 12, 1), date(2024, 2, 29))
    three = whole_months("90d", date(2026, 3, 31))
    assert months_before(three) == Window(date(2025, 10, 1), date(2025, 12, 31))
    assert months_year_earlier(three) == Window(date(2025, 1, 1), date(2025, 3, 31))
    with pytest.raises(UsageError, match="choose one of 90d, 12m"):
        whole_months("28d", date(2026, 10, 31))
