"""The synthetic force's powers used and people wanted (the optional ``powers`` and ``wanted``
tables), drawn from the events ``demand.synth`` has already written, so they fall where the
force's problems are: searches where drugs and weapons are found, dispersal directions and
community protection warnings where anti-social behaviour is reported again and again,
criminal behaviour orders for the most prolific offenders, closure of the emerging hotspots,
and warrants and circulations for the people suspected of crimes.

Each step is a function of its own; ``write_powers_and_wanted`` runs them after every other
table is written, with the generator's random stream, so the other tables are unchanged and
the same seed still writes the same data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from demand.schema import POWERS, WANTED

US_PER_MINUTE = 60_000_000
US_PER_DAY = 86_400_000_000

# Rates, per event the power is drawn from (calibrated to a few searches a day in a city of
# 400,000 and a few dozen people wanted at any time in a district).
P_SEARCH_BEFORE_FIND = 0.55  # a drugs or weapons crime found by a stop and search
SEARCHES_WITHOUT_FIND = 2.5  # searches finding nothing, per search that found something
P_DISPERSAL = 0.05  # of anti-social behaviour calls
P_WARNING = 0.04  # of anti-social behaviour calls at a place with repeated ones
P_NOTICE_AFTER_WARNING = 0.30
CBO_AFTER_CRIMES = 8  # offenders with this many crimes may be given a criminal behaviour order
P_CBO = 0.25
P_SECTION_59 = 0.05  # of highway disruption calls
P_WANTED = 0.10  # of offender-linked crimes: the suspect is circulated or later misses court
WANTED_REASONS = (("suspect", 0.45), ("Failed to appear at court", 0.25), ("Breach of bail conditions", 0.12),
                  ("Recall to prison", 0.10), ("Breach of a court order", 0.08))


def _read(con: duckdb.DuckDBPyConnection, out_dir: Path, sql: str) -> pd.DataFrame:
    for name in ("calls", "crimes", "crime_people", "locations"):
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{out_dir / name}.parquet')")
    return con.execute(sql).df()


def _minutes(rng, n: int, low: float, high: float) -> np.ndarray:
    return (rng.uniform(low, high, n) * US_PER_MINUTE).astype("int64").astype("timedelta64[us]")


def _days(rng, n: int, low: float, high: float) -> np.ndarray:
    return (rng.uniform(low, high, n) * US_PER_DAY).astype("int64").astype("timedelta64[us]")


def _uses(power: str, at, ward, location, person, outcome=None) -> pd.DataFrame:
    n = len(at)
    return pd.DataFrame({"used_at": pd.to_datetime(np.asarray(at)), "power": power, "ward_code": np.asarray(ward),
                         "location_id": np.asarray(location), "person_id": np.asarray(person, dtype=object),
                         "outcome": outcome if outcome is not None else np.full(n, None, dtype=object)})


def _searches(rng, con, out_dir) -> pd.DataFrame:
    """Stop and search: most drugs and weapons crimes are found by one, and two or three
    searches find nothing for each that does, near the same places and people."""
    found = _read(con, out_dir, """
        SELECT c.crime_id, c.recorded_at, c.ward_code, c.location_id, c.category,
               min(p.person_id) FILTER (WHERE p.role IN ('suspect', 'offender')) AS person_id
        FROM crimes c LEFT JOIN crime_people p USING (crime_id)
        WHERE c.category IN ('Drugs', 'Possession of weapons') AND c.ward_code IS NOT NULL
        GROUP BY ALL ORDER BY c.crime_id""")
    found = found[rng.random(len(found)) < P_SEARCH_BEFORE_FIND]
    outcome = rng.choice(["Arrest", "Community resolution", "Penalty notice", "Cannabis or khat warning"],
                         len(found), p=[.55, .2, .1, .15])
    outcome = np.where((found["category"] == "Possession of weapons") & (outcome == "Cannabis or khat warning"),
                       "Arrest", outcome)
    hits = _uses("stop and search", found["recorded_at"].to_numpy() - _minutes(rng, len(found), 5, 50),
                 found["ward_code"], found["location_id"], found["person_id"], outcome)
    n_miss = int(len(found) * SEARCHES_WITHOUT_FIND)
    base = found.iloc[rng.integers(0, len(found), n_miss)] if len(found) else found
    outcome = np.where(rng.random(n_miss) < 0.93, "No further action", "Arrest")
    person = np.where(rng.random(n_miss) < 0.5, base["person_id"].to_numpy(), None)
    misses = _uses("stop and search", base["recorded_at"].to_numpy() + _days(rng, n_miss, -20, 20),
                   base["ward_code"], base["location_id"], person, outcome)
    return pd.concat([hits, misses], ignore_index=True)


def _asb_tools(rng, con, out_dir, offenders: pd.DataFrame) -> pd.DataFrame:
    """Dispersal directions after anti-social behaviour calls; community protection warnings
    at places where it keeps being reported, and a notice when a warning is ignored."""
    asb = _read(con, out_dir, """
        SELECT received_at, ward_code, location_id,
               count(*) OVER (PARTITION BY location_id) AS at_place
        FROM calls WHERE asb AND ward_code IS NOT NULL ORDER BY incident_id""")
    by_ward = offenders.groupby("ward_code")["person_id"].agg(list).to_dict()

    def someone(wards, share):
        pool = [by_ward.get(w) or [None] for w in wards]
        picked = [p[int(rng.integers(0, len(p)))] for p in pool]
        return np.where(rng.random(len(wards)) < share, np.array(picked, dtype=object), None)

    d = asb[rng.random(len(asb)) < P_DISPERSAL]
    dispersals = _uses("dispersal direction", d["received_at"].to_numpy() + _minutes(rng, len(d), 15, 120),
                       d["ward_code"], d["location_id"], someone(d["ward_code"].tolist(), 0.4))
    w = asb[(asb["at_place"] >= 3) & (rng.random(len(asb)) < P_WARNING)]
    warned = someone(w["ward_code"].tolist(), 1.0)
    warnings = _uses("community protection warning", w["received_at"].to_numpy() + _days(rng, len(w), 1, 14),
                     w["ward_code"], w["location_id"], warned)
    again = rng.random(len(warnings)) < P_NOTICE_AFTER_WARNING
    notices = warnings[again].assign(power="community protection notice",
                                     used_at=warnings["used_at"][again] + pd.to_timedelta(
                                         rng.uniform(14, 60, int(again.sum())), unit="D"))
    return pd.concat([dispersals, warnings, notices], ignore_index=True)


def _orders(rng, offenders: pd.DataFrame, hotspots: list[dict]) -> pd.DataFrame:
    """Criminal behaviour orders for a quarter of the most prolific offenders, some weeks after
    their eighth crime; closure notices (and the court's order two days later) on the
    emerging hotspots."""
    nth = offenders.sort_values(["person_id", "recorded_at"]).groupby("person_id").nth(CBO_AFTER_CRIMES - 1)
    nth = nth[rng.random(len(nth)) < P_CBO]
    cbo = _uses("criminal behaviour order", nth["recorded_at"].to_numpy() + _days(rng, len(nth), 30, 120),
                nth["ward_code"], np.full(len(nth), None, dtype=object), nth["person_id"])
    closures = []
    for spot in hotspots:
        notice = pd.Timestamp(spot["end"]) - pd.Timedelta(days=float(rng.uniform(10, 40)))
        for power, at in (("closure notice", notice), ("closure order", notice + pd.Timedelta(days=2))):
            closures.append(_uses(power, [at], [spot["ward_code"]], [spot["location_id"]], [None]))
    return pd.concat([cbo, *closures], ignore_index=True)


def _vehicle_warnings(rng, con, out_dir) -> pd.DataFrame:
    """Section 59 warnings (vehicles used anti-socially) after some highway disruption calls."""
    calls = _read(con, out_dir, """
        SELECT received_at, ward_code, location_id, caller_id FROM calls
        WHERE incident_type = 'Highway disruption' AND ward_code IS NOT NULL ORDER BY incident_id""")
    calls = calls[rng.random(len(calls)) < P_SECTION_59]
    return _uses("section 59 warning", calls["received_at"].to_numpy() + _minutes(rng, len(calls), 20, 180),
                 calls["ward_code"], calls["location_id"], np.full(len(calls), None, dtype=object))


def _wanted(rng, offenders: pd.DataFrame, stop: datetime) -> pd.DataFrame:
    """A suspect circulated, or later wanted on a warrant, after some of their crimes: most are
    found within weeks, a few stay wanted for months, and those not found by the end are
    still wanted (ended_at NULL)."""
    chosen = offenders[rng.random(len(offenders)) < P_WANTED].reset_index(drop=True)
    n = len(chosen)
    kinds = rng.choice([r for r, _ in WANTED_REASONS], n, p=[p for _, p in WANTED_REASONS])
    reason = np.where(kinds == "suspect", "Suspect circulated: " + chosen["category"].fillna("crime").str.lower(),
                      kinds)
    lag = np.where(kinds == "suspect", rng.uniform(1, 10, n), rng.uniform(30, 200, n))
    since = chosen["recorded_at"] + pd.to_timedelta(lag, unit="D")
    long_wanted = rng.random(n) < 0.15
    duration = np.where(long_wanted, rng.lognormal(np.log(150), 0.5, n), rng.lognormal(np.log(20), 0.8, n))
    ended = since + pd.to_timedelta(duration, unit="D")
    warnings = np.where(chosen["weapon"].fillna(False), "weapons", None)
    violent = chosen["category"].isin(["Violence and sexual offences", "Robbery"]).to_numpy()
    warnings = np.where(violent, np.where(warnings == "weapons", "weapons; violence", "violence"), warnings)
    frame = pd.DataFrame({
        "person_id": chosen["person_id"], "since": since, "ended_at": ended.where(ended < stop),
        "reason": reason, "ward_code": chosen["ward_code"],
        "location_id": chosen["location_id"].where(chosen["location_type"] == "dwelling"), "warnings": warnings})
    frame = frame[frame["since"] < stop].sort_values(["since", "person_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "wanted_id", [f"WN{i:07d}" for i in range(1, len(frame) + 1)])
    return frame[WANTED.column_names]


def _write(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, table, target: Path) -> None:
    casts = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in table.columns)
    con.register("rows_in", frame)
    con.execute(f"COPY (SELECT {casts} FROM rows_in) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    con.unregister("rows_in")


def write_powers_and_wanted(rng: np.random.Generator, out_dir: Path, start: date, end: date,
                            hotspots: list[dict]) -> dict:
    """Write powers.parquet and wanted.parquet from the events already in ``out_dir``; returns
    their counts per power and the number of people wanted at the end, for the manifest.
    ``hotspots``: the emerging hotspots (ward_code, location_id), to be closed."""
    first, stop = datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1),
                                                                                 datetime.min.time())
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true; SET enable_progress_bar = false; SET threads = 1")
    try:
        offenders = _read(con, out_dir, """
            SELECT DISTINCT p.person_id, c.crime_id, c.recorded_at, c.ward_code, c.location_id, c.category,
                   c.weapon, l.location_type
            FROM crime_people p JOIN crimes c USING (crime_id) LEFT JOIN locations l USING (location_id)
            WHERE p.role IN ('suspect', 'offender') AND c.ward_code IS NOT NULL
            ORDER BY c.crime_id, p.person_id""")
        powers = pd.concat([
            _searches(rng, con, out_dir),
            _asb_tools(rng, con, out_dir, offenders),
            _orders(rng, offenders, [{**h, "end": stop} for h in hotspots]),
            _vehicle_warnings(rng, con, out_dir),
        ], ignore_index=True)
        powers = powers[(powers["used_at"] >= first) & (powers["used_at"] < stop)]
        powers = powers.sort_values(["used_at", "power"], kind="stable").reset_index(drop=True)
        powers.insert(0, "power_id", [f"PW{i:07d}" for i in range(1, len(powers) + 1)])
        _write(con, powers[POWERS.column_names], POWERS, out_dir / "powers.parquet")
        wanted = _wanted(rng, offenders, stop)
        _write(con, wanted, WANTED, out_dir / "wanted.parquet")
    finally:
        con.close()
    return {"powers": {str(k): int(v) for k, v in powers["power"].value_counts().sort_index().items()},
            "wanted_at_end": int(wanted["ended_at"].isna().sum())}
