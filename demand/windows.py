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
