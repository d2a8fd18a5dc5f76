"""Timing on a busy machine: interleaved runs, medians and 95th percentiles, and the load
average while they ran.

The machine this project runs on is shared (load averages of 5-14 on 2 cores are common),
so variants that are compared are run in turn within each round (product, floor, pandas,
then the next case), in an order shuffled per round with a fixed seed: a burst of load then
slows all three alike and the ratios hold.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


def median_ms(call: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``call`` over ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


@dataclass(frozen=True)
class Measured:
    """An answer timed where it was computed (in a process of its own): its milliseconds
    exclude the trip between processes."""

    ms: float
    answer: object


def timed_ms(call: Callable[[], object]) -> tuple[float, object]:
    """``call()``'s milliseconds and result; a Measured result carries its own time."""
    started = time.perf_counter()
    result = call()
    if isinstance(result, Measured):
        return result.ms, result.answer
    return (time.perf_counter() - started) * 1000, result


@dataclass
class Samples:
    """Milliseconds per run of one variant of one case."""

    values: list[float] = field(default_factory=list)

    def add(self, ms: float) -> None:
        self.values.append(ms)

    @property
    def median(self) -> float:
        return float(np.median(self.values)) if self.values else float("nan")

    @property
    def p95(self) -> float:
        return float(np.percentile(self.values, 95)) if self.values else float("nan")

    def __len__(self) -> int:
        return len(self.values)


class LoadWatch:
    """The 1-minute load average, read at each mark: what the machine was doing meanwhile."""

    def __init__(self) -> None:
        self.readings: list[float] = []
        self.mark()

    def mark(self) -> None:
        self.readings.append(os.getloadavg()[0])

    def text(self) -> str:
        if not self.readings:
            return "n/a"
        low, middle, high = min(self.readings), statistics.median(self.readings), max(self.readings)
        return f"{middle:.1f} (from {low:.1f} to {high:.1f})"


class QueryClock:
    """The store the product reads, with the time spent in its queries counted: what a call
    spends in DuckDB (each ``_query``, run and fetched into a frame), told apart from the rest
    of it (the gate, statistics, frames, wording, the audit record). Everything else is the
    store's own. For one caller at a time: ``timed`` resets the count."""

    def __init__(self, store, clock: Callable[[], float] = time.perf_counter) -> None:
        self._store = store
        self._clock = clock
        self.ms = 0.0
        self.by_query: dict[str, float] = {}  # milliseconds per query file, in the order first run

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def _query(self, name: str, scope=None, **params):
        started = self._clock()
        try:
            return self._store._query(name, scope, **params)
        finally:
            ms = (self._clock() - started) * 1000
            self.ms += ms
            self.by_query[name] = self.by_query.get(name, 0.0) + ms

    def timed(self, call: Callable[[], object]) -> tuple[object, float]:
        """``call()``'s result and the milliseconds it spent in queries (``by_query``: per
        query file)."""
        self.ms = 0.0
        self.by_query = {}
        result = call()
        return result, self.ms


def interleaved(cases: dict[str, dict[str, Callable[[], object]]], repeat: int, warmup: int = 1,
                seed: int = 13, watch: LoadWatch | None = None) -> dict[str, dict[str, Samples]]:
    """Run every variant of every case ``warmup`` times untimed, then ``repeat`` rounds, each
    running every case's variants back to back (cases and variants in an order shuffled per
    round). Returns the samples per case and variant."""
    order = random.Random(seed)
    samples = {case: {variant: Samples() for variant in variants} for case, variants in cases.items()}
    for _ in range(warmup):
        for variants in cases.values():
            for call in variants.values():
                call()
    for _ in range(repeat):
        names = list(cases)
        order.shuffle(names)
        for case in names:
            variants = list(cases[case].items())
            order.shuffle(variants)
            for variant, call in variants:
                ms, _ = timed_ms(call)
                samples[case][variant].add(ms)
        if watch is not None:
            watch.mark()
    return samples
