"""Answers that must not change when the data layout does.

Before a change to the snapshot's layout or the queries, save what the analyses answer over
many areas, windows, as-of dates and parameters; after it, check that every answer is the
same (frames equal value for value, with their attrs):

    python -m demand.bench.answers save  --data DIR --out ANSWERS_DIR
    python -m demand.bench.answers check --data DIR --out ANSWERS_DIR

Each answer is read through the read gate as an analyst (force-wide) or as an officer of two
wards, with the audit log in a temporary state database, as a page would read it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from demand.access import User
from demand.reader import Reader
from demand.state import open_state
from demand.store import Store

ANALYST = User("answers@localhost", "Answers check", "analyst")


def _officer(wards: list[str]) -> User:
    return User("officer-answers@localhost", "Answers check officer", "officer", frozenset(wards))


def cases(reader: Reader) -> Iterator[tuple[str, str, str | None, dict]]:
    """(user, analysis, area, kwargs) for the answers to keep, chosen from the data itself so
    the same list comes out on any extracts: every kind of ranking, comparison and trend over
    the force, districts and a spread of wards, several windows and as-of dates."""
    wards = reader.wards()
    districts = sorted(wards["district"].unique())
    first, last = reader.call("data_range")
    # a ward from each district (the first by name), and the force's busiest ward by crimes
    sample_wards = [wards[wards["district"] == d].sort_values("ward_name")["ward_code"].iloc[0] for d in districts]
    busiest = reader.call("compare", "force", window="12m", by="ward").sort_values(
        ["count", "group"], ascending=[False, True])["group"].iloc[0]
    if busiest not in sample_wards:
        sample_wards.append(busiest)
    areas = ["force", *districts[:3], *sample_wards[:5]]
    gaps = reader.call("missing_months")
    crime_gap = next(iter(gaps.get("crimes") or []), None)
    as_ofs: list[date | None] = [None, last - timedelta(days=100), first + timedelta(days=400)]
    if crime_gap:  # an as-of date inside the month the crime source lacks
        as_ofs.append(date.fromisoformat(crime_gap + "-15"))
    as_ofs = [d for d in as_ofs if d is None or first <= d <= last]
    windows = ["7d", "28d", "90d", "12m"]

    for area in areas:
        for window in windows:
            for as_of in as_ofs[:2]:
                yield "analyst", "headline", area, {"window": window, "as_of": as_of}
        for kind in ("victims", "offenders", "callers", "missing", "locations"):
            for window, as_of in (("90d", None), ("12m", None), ("28d", as_ofs[1]), ("12m", as_ofs[-1])):
                limit = None if area != "force" else 50
                yield "analyst", "rank", area, {"kind": kind, "window": window, "as_of": as_of, "limit": limit}
            yield "analyst", "rank", area, {"kind": kind, "window": "90d", "limit": 5}
            yield "analyst", "concentration", area, {"kind": kind, "window": "12m"}
        for by in ("category", "call_type", "missing"):
            for baseline in ("previous", "last_year"):
                yield "analyst", "compare", area, {"window": "12m", "by": by, "baseline": baseline}
            yield "analyst", "compare", area, {"window": "90d", "by": by, "as_of": as_ofs[-1]}
        for source in ("crimes", "calls", "missing_episodes"):
            yield "analyst", "compare", area, {"window": "90d", "by": "ward", "source": source}
        yield "analyst", "compare", area, {"window": "12m", "by": "ward", "baseline": "last_year"}
        yield "analyst", "compare_matrix", area, {"window": "90d"}
        yield "analyst", "compare_matrix", area, {"window": "12m", "baseline": "last_year", "as_of": as_ofs[1]}
        yield "analyst", "weekly_trend", area, {}
        yield "analyst", "weekly_trend", area, {"as_of": as_ofs[-1], "weeks": 20}
        yield "analyst", "monthly_trend", area, {"months": 24}
        yield "analyst", "recent_events", area, {"days": 7}
        for measure in ("crimes", "calls", "asb_calls", "missing_episodes"):
            yield "analyst", "window_records", area, {"measure": measure, "window": "28d", "as_of": last,
                                                      "limit": 50}
        yield "analyst", "map_points", area, {"window": "90d", "as_of": last, "limit": 4000}
        yield "analyst", "data_quality", area, {}
        yield "analyst", "table_info", area, {}
        # the briefings', phone pages' and reports' analyses
        for window in ("90d", "12m"):
            yield "analyst", "repeat_counts", area, {"window": window}
            yield "analyst", "asb_reporters", area, {"window": window, "limit": 50}
            yield "analyst", "asb_locations", area, {"window": window, "limit": 50}
        yield "analyst", "power_counts", area, {"window": "90d"}
        yield "analyst", "powers_used", area, {"window": "28d", "limit": 50}
        yield "analyst", "wanted_counts", area, {}
        yield "analyst", "wanted_list", area, {}
        yield "analyst", "crimes_by_area", area, {"level": "ward", "window": "90d"}
        yield "analyst", "harm_by", area, {"by": "category", "window": "12m"}
        yield "analyst", "harm_by", area, {"by": "ward", "window": "90d", "baseline": "last_year"}
        yield "analyst", "crimes_by_street", area, {"window": "90d"}
        for text in ("road", "smith", "L0000"):
            for analysis in ("find_people", "find_places", "find_streets"):
                yield "analyst", analysis, area, {"text": text}
    # the full lists a page's paged table holds, force-wide, and filters
    for kind in ("victims", "offenders", "callers", "missing", "locations"):
        yield "analyst", "rank", "force", {"kind": kind, "window": "12m"}
    for options in ({"category": "Burglary"}, {"weapon_only": True}, {"domestic_only": True}, {"min_count": 3}):
        for kind in ("victims", "offenders", "locations", "callers"):
            yield "analyst", "rank", areas[1], {"kind": kind, "window": "12m", **options}
    yield "analyst", "rank", "force", {"kind": "offenders", "window": 730, "min_count": 3, "weapon_only": True}
    # an officer of two wards: "force" means their wards, without the events with no ward
    for kind in ("victims", "callers", "locations"):
        yield "officer", "rank", "force", {"kind": kind, "window": "12m"}
    yield "officer", "headline", "force", {"window": "90d"}
    yield "officer", "compare", "force", {"window": "12m", "by": "ward"}
    # timelines and profiles of the busiest people and places
    for kind in ("victims", "offenders", "callers", "missing", "locations"):
        top = reader.call("rank", "force", kind=kind, window="12m", limit=3)
        key = "location" if kind == "locations" else "person"
        for entity in top["id"]:
            yield "analyst", "timeline", "force", {key: entity}
            yield "analyst", "timeline", sample_wards[0], {key: entity}
            yield "analyst", "profile", "force", {key: entity}
            if kind == "locations":
                yield "analyst", "location_neighbours", "force", {"location_id": entity}
        target = "location" if kind == "locations" else "person"
        yield "analyst", "plan_targets_known", sample_wards[0], {"target_kind": target, "ids": list(top["id"])}
    yield "analyst", "missing_months", None, {}
    yield "analyst", "data_range", None, {}
    yield "analyst", "coverage_gaps", None, {"first": first, "last": last}


def _name(user: str, analysis: str, area: str | None, kwargs: dict) -> str:
    text = json.dumps([user, analysis, area, sorted((k, str(v)) for k, v in kwargs.items())])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _readers(store: Store, state) -> dict[str, Reader]:
    analyst = Reader(store, ANALYST, state.audit, page="answers")
    wards = sorted(analyst.wards()["ward_code"])[:2]
    return {"analyst": analyst, "officer": Reader(store, _officer(wards), state.audit, page="answers")}


def compute(data: Path, cache: Path | None = None) -> Iterator[tuple[str, dict, object]]:
    """(name, the case, its answer) for every case, or the error it raised (as text)."""
    with tempfile.TemporaryDirectory() as work:
        store = Store(data, cache=cache or Path(work) / "snapshots")
        state = open_state(f"sqlite:///{work}/state.db")
        try:
            readers = _readers(store, state)
            seen = set()
            for user, analysis, area, kwargs in cases(readers["analyst"]):
                name = _name(user, analysis, area, kwargs)
                if name in seen:
                    continue
                seen.add(name)
                try:
                    answer = readers[user].call(analysis, area, purpose="answers check", **kwargs) \
                        if analysis == "profile" else readers[user].call(analysis, area, **kwargs)
                except Exception as error:  # noqa: BLE001 - a refusal is an answer too
                    answer = f"{type(error).__name__}: {error}"
                case = {"user": user, "analysis": analysis, "area": area,
                        "kwargs": {k: str(v) for k, v in kwargs.items()}}
                yield name, case, answer
        finally:
            state.close()
            store.close()


def differences(expected, actual, where: str = "") -> list[str]:
    """What differs between two answers (frames, dicts, tuples, numbers), or [] when equal."""
    if isinstance(expected, pd.DataFrame):
        if not isinstance(actual, pd.DataFrame):
            return [f"{where}: a frame became {type(actual).__name__}"]
        problems = differences(dict(expected.attrs), dict(actual.attrs), f"{where}.attrs")
        try:
            pd.testing.assert_frame_equal(expected, actual, check_exact=True)
        except AssertionError as error:
            problems.append(f"{where}: {str(error).splitlines()[0:6]}")
        return problems
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or expected.keys() != actual.keys():
            return [(f"{where}: keys {sorted(map(str, expected))} became "
                    f"{sorted(map(str, actual)) if isinstance(actual, dict) else type(actual).__name__}")]
        return [p for k in expected for p in differences(expected[k], actual[k], f"{where}.{k}")]
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(expected) != len(actual):
            return [f"{where}: {expected!r} became {actual!r}"]
        return [p for i, (e, a) in enumerate(zip(expected, actual)) for p in differences(e, a, f"{where}[{i}]")]
    if isinstance(expected, float) and isinstance(actual, float) and math.isnan(expected) and math.isnan(actual):
        return []
    if isinstance(expected, np.generic) or isinstance(actual, np.generic):
        same = expected == actual or (pd.isna(expected) and pd.isna(actual))
        return [] if same and type(expected) is type(actual) else [f"{where}: {expected!r} became {actual!r}"]
    return [] if expected == actual else [f"{where}: {expected!r} became {actual!r}"]


def save(data: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for name, case, answer in compute(data):
        (out / f"{name}.pickle").write_bytes(pickle.dumps(answer))
        index[name] = case
    (out / "index.json").write_text(json.dumps(index, indent=1))
    return len(index)


def check(data: Path, out: Path) -> tuple[int, list[str]]:
    """(answers checked, the differences found)."""
    index = json.loads((out / "index.json").read_text())
    problems, checked = [], 0
    for name, case, answer in compute(data):
        if name not in index:
            problems.append(f"{case}: not saved before")
            continue
        checked += 1
        expected = pickle.loads((out / f"{name}.pickle").read_bytes())
        found = differences(expected, answer, f"{case['analysis']} {case['area']} {case['kwargs']}")
        problems.extend(found)
    return checked, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.action == "save":
        print(f"saved {save(args.data, args.out)} answers in {time.perf_counter() - started:.0f} s")
        return 0
    checked, problems = check(args.data, args.out)
    for problem in problems:
        print(problem)
    print(f"checked {checked} answers in {time.perf_counter() - started:.0f} s: "
          + ("all the same" if not problems else f"{len(problems)} differences"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
