"""Time windows: the N days ending at an as-of date, and the windows they are compared with.

A window of N days ending D holds the events whose date is after D - N and on or before D:
a 90d window ending 2026-06-30 runs from 2026-04-02 to 2026-06-30 inclusive, and an event at
23:59 on D is in while one at 00:00 on D - N is out. Dates are inclusive here; SQL gets the
half-open timestamps ``at >= start_ts AND at < end_ts`` so no event falls between two days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from demand.errors import UsageError

WINDOWS = {"7d": 7, "28d": 28, "90d": 90, "12m": 365}


@dataclass(frozen=True)
class Window:
    start: date  # first day in the window
    end: date  # last day in the window

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_ts(self) -> datetime:
        """Midnight after the last day: the first instant not in the window."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time())

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def days_of(name: str | int) -> int:
    """A window name from WINDOWS, or a number of days (rules like '3 in 24 months' = 730)."""
    if isinstance(name, bool):
        raise UsageError(f"window {name!r} is not one of: {', '.join(WINDOWS)}")
    if isinstance(name, int):
        if name < 1:
            raise UsageError(f"a window needs at least 1 day, not {name}")
        return name
    return WINDOWS[parse_window(name)]


def window(name: str | int, as_of: date) -> Window:
    n = days_of(name)
    return Window(as_of - timedelta(days=n - 1), as_of)


def previous(w: Window) -> Window:
    """The same number of days just before ``w``."""
    return Window(w.start - timedelta(days=w.days), w.start - timedelta(days=1))


def year_earlier(w: Window) -> Window:
    """The same length ending on the same calendar day a year before (29 Feb -> 28 Feb)."""
    try:
        end = w.end.replace(year=w.end.year - 1)
    except ValueError:
        end = w.end.replace(year=w.end.year - 1, day=28)
    return Window(end - timedelta(days=w.days - 1), end)


def parse_window(text: str) -> str:
    if text not in WINDOWS:
        raise UsageError(f"unknown window '{text}': choose one of {', '.join(WINDOWS)}")
    return text


def parse_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text.date() if isinstance(text, datetime) else text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"'{text}' is not a date: give YYYY-MM-DD, e.g. 2026-06-30") from None


def months_overlapped(w: Window) -> list[date]:
    """First days of the calendar months that share at least one day with ``w``."""
    return [d.date() for d in pd.date_range(w.start.replace(day=1), w.end, freq="MS")]


# --- whole calendar months (public summaries) ----------------------------------------------------

# A public summary counts whole calendar months, as data.police.uk publishes them: a window
# name becomes this many months.
WHOLE_MONTHS = {"90d": 3, "12m": 12}


def _month_start(year: int, month: int) -> date:
    """The first day of a month given as a possibly out-of-range month number (0 = December before)."""
    year, index = divmod(year * 12 + month - 1, 12)
    return date(year, index + 1, 1)


def _month_window(first: date, months: int) -> Window:
    after = _month_start(first.year, first.month + months)
    return Window(first, after - timedelta(days=1))


def whole_months(name: str, as_of: date) -> Window:
    """The whole months a public summary of ``name`` ('90d': 3 months, '12m': 12) counts: those
    ending with the last month ``as_of`` completes (its own month when it is the month's last
    day, else the month before). 90d as of 2026-10-31: 1 Aug to 31 Oct 2026; as of 2026-10-30:
    1 Jul to 30 Sep 2026."""
    if name not in WHOLE_MONTHS:
        raise UsageError(f"unknown window '{name}' for a public summary: choose one of {', '.join(WHOLE_MONTHS)}")
    months = WHOLE_MONTHS[name]
    last = as_of.replace(day=1) if (as_of + timedelta(days=1)).day == 1 else _month_start(as_of.year, as_of.month - 1)
    return _month_window(_month_start(last.year, last.month - months + 1), months)


def months_in(w: Window) -> int:
    return (w.end.year - w.start.year) * 12 + w.end.month - w.start.month + 1


def months_before(w: Window) -> Window:
    """The same number of whole months just before ``w`` (a window of whole months)."""
    n = months_in(w)
    return _month_window(_month_start(w.start.year, w.start.month - n), n)


def months_year_earlier(w: Window) -> Window:
    """The same whole months a year earlier."""
    return _month_window(w.start.replace(year=w.start.year - 1), months_in(w))
