"""What the benchmark measures: every analysis a page, export or briefing calls, each three
ways over the same data.

* **product**: what a page calls, ``Reader.call`` through the read gate as a force-wide
  analyst, the audit record of a person-level read written to a state database;
* **floor**: a minimal hand-written DuckDB query over the same snapshot's contract tables,
  computing the same counts, order and names (the statistics, the coverage words and the
  wording are the product's alone);
* **pandas**: what an analyst would write over the parquet extracts, loaded once into frames.

Each reduces its answer to a plain canonical form (ids and counts in order) so the three can
be checked to agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from demand import analytics, harm
from demand.disclosure import export, model
from demand.disclosure.export import Request
from demand.store import TABLES, Snapshot, table_files
from demand.windows import months_before, previous, whole_months
from demand.windows import window as make_window

RANK_KINDS = ("victims", "offenders", "callers", "missing", "locations")
CRIME_ROLES = analytics.CRIME_ROLES
TOP = 50  # "force-wide top 50 of any kind"
PAGE_ROWS = 25  # a Repeat lists page shows 25 rows at a time (ui.PAGE_ROWS)


@dataclass(frozen=True)
class Places:
    """Where and when the cases read, chosen from the data: the busiest ward by crimes, its
    district, the force; the data's last day; the busiest person and place of all time."""

    ward: str
    ward_name: str
    district: str
    district_wards: tuple[str, ...]
    all_wards: tuple[str, ...]
    as_of: date
    person: str
    location: str


@dataclass
class Case:
    name: str
    group: str  # ranking, comparison, timeline, page data, ...
    analysis: str
    area: str
    kwargs: dict
    canon: Callable[[Any], Any]  # product answer -> canonical form
    floor: Callable[[Any, dict], Any] | None = None  # (cursor, params) -> canonical form
    pandas: Callable[[Any, dict], Any] | None = None  # (Frames, params) -> canonical form
    params: dict = field(default_factory=dict)  # what floor and pandas need
    target_ms: float | None = None  # the p95 the product should stay under
    ratio_target: float | None = 1.5  # product ÷ floor
    pandas_target: float | None = None  # pandas ÷ product at least
    # what the product runs, when it is more than one Reader.call (a public export: the counts
    # through the gate, the disclosure control, the file); (reader) -> answer
    product: Callable[[Any], Any] | None = None

    def run(self, reader) -> Any:
        """The product's answer, as a page, export or briefing gets it."""
        if self.product is not None:
            return self.product(reader)
        return reader.call(self.analysis, self.area, **self.kwargs)


def choose_places(snapshot: Snapshot) -> Places:
    cursor = snapshot.cursor()
    try:
        ward, name, district = cursor.execute(
            "SELECT c.ward_code, w.ward_name, w.district FROM crimes c JOIN wards w USING (ward_code) "
            "GROUP BY ALL ORDER BY count(*) DESC, c.ward_code LIMIT 1").fetchone()
        district_wards = tuple(r[0] for r in cursor.execute(
            "SELECT ward_code FROM wards WHERE district = ? ORDER BY ward_code", [district]).fetchall())
        all_wards = tuple(r[0] for r in cursor.execute("SELECT ward_code FROM wards ORDER BY 1").fetchall())
        as_of = cursor.execute("SELECT max(\"at\") FROM events").fetchone()[0].date()
        person = cursor.execute("""
            SELECT person_id FROM (
                SELECT caller_id AS person_id FROM calls WHERE caller_id IS NOT NULL
                UNION ALL SELECT person_id FROM (SELECT DISTINCT crime_id, person_id FROM crime_people)
                UNION ALL SELECT person_id FROM missing_episodes)
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""").fetchone()
        location = cursor.execute("""
            SELECT location_id FROM events WHERE location_id IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""").fetchone()
    finally:
        cursor.close()
    return Places(ward, name, district, district_wards, all_wards, as_of,
                  person[0] if person else "", location[0] if location else "")


# --- windows and areas --------------------------------------------------------------------------


def window_params(window: str | int, as_of: date, baseline: str = "previous") -> dict:
    current = make_window(window, as_of)
    base = previous(current) if baseline == "previous" else None
    return {"start": current.start_ts, "end": current.end_ts, "prev_start": base.start_ts,
            "prev_end": base.end_ts}


def area_params(places: Places, area: str) -> dict:
    if area == "force":
        return {"wards": None}
    if area == places.ward:
        return {"wards": [places.ward]}
    return {"wards": list(places.district_wards)}


def _where_area(alias: str, params: dict) -> str:
    """The area's condition on an event table: none for the force (events with no ward
    included), else the ward list."""
    return "" if params["wards"] is None else f" AND list_contains($wards, {alias}.ward_code)"


def _bind(sql: str, params: dict) -> dict:
    return {k: v for k, v in params.items() if f"${k}" in sql and v is not None}


def run_sql(cursor, sql: str, params: dict) -> list[tuple]:
    return cursor.execute(sql, _bind(sql, params)).fetchall()


def _in_area(frame: pd.DataFrame, params: dict) -> pd.Series:
    if params["wards"] is None:
        return pd.Series(True, index=frame.index)
    return frame["ward_code"].isin(params["wards"])


# --- canonical forms --------------------------------------------------------------------------


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def canon_rank(frame: pd.DataFrame) -> list[tuple]:
    return [(str(i), _int(c), _int(p)) for i, c, p in zip(frame["id"], frame["count"], frame["previous_count"])]


def canon_rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in frame[columns].itertuples(index=False)]


def _plain(value):
    if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, np.floating):
        return float(value)
    return value


def canon_concentration(result: dict) -> tuple:
    shares = tuple(round(float(result["top_share"][k]), 9) for k in (1, 5, 10))
    return int(result["entities"]), int(result["events"]), shares, round(float(result["gini"]), 9)


# --- the floor: minimal DuckDB queries over the contract tables ------------------------------------

HARM = "weights AS (SELECT unnest($harm, recursive := true))"


def _weight(alias: str) -> str:
    return (f"coalesce((SELECT weight FROM weights w WHERE w.category = {alias}.category AND w.offence = "
            f"{alias}.offence), (SELECT weight FROM weights w WHERE w.category = {alias}.category AND "
            f"w.offence IS NULL), 0)")


def floor_rank(kind: str, limit: int | None = TOP):
    """The top ``limit`` of a kind: id, name, count and previous count, in the product's order."""
    top = f"LIMIT {int(limit)}" if limit else ""
    if kind in CRIME_ROLES:
        def sql(params):
            return f"""
            WITH {HARM},
            linked AS (
                SELECT DISTINCT p.person_id, c.crime_id, c.recorded_at, c.category, c.offence
                FROM crime_people p JOIN crimes c USING (crime_id)
                WHERE list_contains($roles, p.role) AND c.recorded_at >= $prev_start AND c.recorded_at < $end
                      {_where_area('c', params)}),
            ranked AS (
                SELECT person_id AS id, count(*) AS n, sum({_weight('l')}) AS harm, max(recorded_at) AS last_at
                FROM linked l WHERE recorded_at >= $start
                GROUP BY 1 HAVING count(*) >= 2 ORDER BY n DESC, harm DESC, last_at DESC, id {top})
            SELECT r.id, pe.name, r.n,
                   (SELECT count(*) FROM linked l WHERE l.person_id = r.id AND l.recorded_at < $start)
            FROM ranked r LEFT JOIN persons pe ON pe.person_id = r.id
            ORDER BY r.n DESC, r.harm DESC, r.last_at DESC, r.id"""
    elif kind == "locations":
        def sql(params):
            return f"""
            WITH {HARM},
            chosen AS (
                SELECT location_id, recorded_at AS "at", {_weight('c')} AS harm FROM crimes c
                WHERE recorded_at >= $prev_start AND recorded_at < $end {_where_area('c', params)}
                UNION ALL
                SELECT location_id, received_at, 0 FROM calls c
                WHERE received_at >= $prev_start AND received_at < $end {_where_area('c', params)}
                UNION ALL
                SELECT from_location_id, reported_at, 0 FROM missing_episodes c
                WHERE reported_at >= $prev_start AND reported_at < $end {_where_area('c', params)}),
            ranked AS (
                SELECT location_id AS id, count(*) AS n, sum(harm) AS harm, max("at") AS last_at
                FROM chosen WHERE "at" >= $start AND location_id IS NOT NULL
                GROUP BY 1 HAVING count(*) >= 2 ORDER BY n DESC, harm DESC, last_at DESC, id {top})
            SELECT r.id, coalesce(l.address, r.id), r.n,
                   (SELECT count(*) FROM chosen c WHERE c.location_id = r.id AND c."at" < $start)
            FROM ranked r LEFT JOIN locations l ON l.location_id = r.id
            ORDER BY r.n DESC, r.harm DESC, r.last_at DESC, r.id"""
    else:
        table, person, at = {"callers": ("calls", "caller_id", "received_at"),
                             "missing": ("missing_episodes", "person_id", "reported_at")}[kind]

        def sql(params):
            return f"""
            WITH chosen AS (
                SELECT {person} AS id, {at} AS "at" FROM {table} c
                WHERE {person} IS NOT NULL AND {at} >= $prev_start AND {at} < $end {_where_area('c', params)}),
            ranked AS (
                SELECT id, count(*) AS n, max("at") AS last_at FROM chosen WHERE "at" >= $start
                GROUP BY 1 HAVING count(*) >= 2 ORDER BY n DESC, last_at DESC, id {top})
            SELECT r.id, pe.name, r.n, (SELECT count(*) FROM chosen c WHERE c.id = r.id AND c."at" < $start)
            FROM ranked r LEFT JOIN persons pe ON pe.person_id = r.id
            ORDER BY r.n DESC, r.last_at DESC, r.id"""

    def run(cursor, params):
        rows = run_sql(cursor, sql(params), params)
        return [(str(i), int(n), int(p)) for i, _name, n, p in rows]
    return run


def floor_repeat_page(kind: str):
    """The Repeat lists page's first page of a full list: every entity with 2 or more events
    counted and ordered, the first PAGE_ROWS with their names and previous counts, and the
    list's length and events."""
    inner = floor_rank(kind, limit=None)

    def run(cursor, params):
        rows = inner(cursor, params)
        return len(rows), sum(n for _, n, _ in rows), rows[:PAGE_ROWS]
    return run


def floor_compare_ward(cursor, params):
    sql = """
        SELECT w.ward_code, count(c.crime_id) FILTER (WHERE c.recorded_at >= $start),
               count(c.crime_id) FILTER (WHERE c.recorded_at < $start)
        FROM wards w
        LEFT JOIN crimes c ON c.ward_code = w.ward_code AND c.recorded_at >= $prev_start AND c.recorded_at < $end
        WHERE list_contains($wards, w.ward_code)
        GROUP BY w.ward_code, w.ward_name ORDER BY w.ward_name, w.ward_code"""
    return [(w, int(n), int(p)) for w, n, p in run_sql(cursor, sql, params)]


def floor_compare_matrix(cursor, params):
    sql = """
        SELECT ward_code, coalesce(category, '(no category)') AS category,
               count(*) FILTER (WHERE recorded_at >= $start), count(*) FILTER (WHERE recorded_at < $start)
        FROM crimes WHERE list_contains($wards, ward_code) AND recorded_at >= $prev_start AND recorded_at < $end
        GROUP BY ALL ORDER BY 1, 2"""
    return [(w, c, int(n), int(p)) for w, c, n, p in run_sql(cursor, sql, params)]


def floor_compare_category(cursor, params):
    sql = f"""
        SELECT coalesce(category, '(no category)'), count(*) FILTER (WHERE recorded_at >= $start),
               count(*) FILTER (WHERE recorded_at < $start)
        FROM crimes c WHERE recorded_at >= $prev_start AND recorded_at < $end {_where_area('c', params)}
        GROUP BY 1 ORDER BY 1"""
    return [(g, int(n), int(p)) for g, n, p in run_sql(cursor, sql, params)]


def floor_headline(cursor, params):
    def counted(table, at, extra=""):
        return f"""SELECT count(*) FILTER (WHERE {at} >= $start), count(*) FILTER (WHERE {at} < $start)
                   FROM {table} c WHERE {at} >= $prev_start AND {at} < $end {extra} {_where_area('c', params)}"""
    sql = " UNION ALL ".join(f"SELECT '{m}', * FROM ({q})" for m, q in (
        ("crimes", counted("crimes", "recorded_at")), ("calls", counted("calls", "received_at")),
        ("asb_calls", counted("calls", "received_at", "AND asb")),
        ("missing_episodes", counted("missing_episodes", "reported_at"))))
    found = {m: (int(n), int(p)) for m, n, p in run_sql(cursor, sql, params)}
    return [(m, *found[m]) for m in ("crimes", "calls", "asb_calls", "missing_episodes")]


def floor_export(cursor, params):
    """The counts a public summary publishes, before its disclosure control: crimes by
    category and ASB (calls flagged asb, as 'Anti-social behaviour') per month, both windows."""
    def part(table, at, what, extra):
        return f"""SELECT CAST(date_trunc('month', {at}) AS DATE) AS month, {what} AS category FROM {table} c
                   WHERE (({at} >= $start AND {at} < $end) OR ({at} >= $prev_start AND {at} < $prev_end))
                   {extra} {_where_area('c', params)}"""
    sql = (f"SELECT month, category, count(*) FROM ({part('crimes', 'recorded_at', 'category', 'AND category IS NOT NULL')}"
           f" UNION ALL {part('calls', 'received_at', chr(39) + 'Anti-social behaviour' + chr(39), 'AND asb')}) "
           "GROUP BY ALL ORDER BY 1, 2")
    return [(m, k, int(n)) for m, k, n in run_sql(cursor, sql, params)]


def canon_export(produced) -> list:
    counts = produced[0].counts  # by street (a street-level file's), or summed (every other format's)
    counts = counts.by_ward if isinstance(counts, model.Totals) else counts
    counts = counts.groupby(["month", "category"])["count"].sum().reset_index()
    return [(pd.Timestamp(m).date(), k, int(n)) for m, k, n in counts.itertuples(index=False)]


def product_export(request, whole: bool = True):
    """The export path the Export page and ``demand export`` run: the counts read through the
    gate (read_inputs), and with ``whole`` the disclosure control and the file too."""
    def run(reader):
        inputs = export.read_inputs(reader, request)
        if not whole:
            return (inputs,)
        summary, output = export.render_file(inputs, request)
        return inputs, summary, output
    return run


def floor_concentration(kind: str):
    def run(cursor, params):
        if kind in CRIME_ROLES:
            sql = f"""SELECT count(DISTINCT c.crime_id) FROM crime_people p JOIN crimes c USING (crime_id)
                      WHERE list_contains($roles, p.role) AND c.recorded_at >= $start AND c.recorded_at < $end
                      {_where_area('c', params)} GROUP BY p.person_id"""
        else:
            sql = f"""WITH e AS (SELECT location_id, recorded_at AS "at", ward_code FROM crimes
                      UNION ALL SELECT location_id, received_at, ward_code FROM calls
                      UNION ALL SELECT from_location_id, reported_at, ward_code FROM missing_episodes)
                      SELECT count(*) FROM e WHERE location_id IS NOT NULL AND "at" >= $start AND "at" < $end
                      {_where_area('e', params)} GROUP BY location_id"""
        counts = np.array([n for (n,) in run_sql(cursor, sql, params)], dtype="int64")
        return canon_concentration(analytics.concentration_of(counts))
    return run


def floor_timeline_person(cursor, params):
    sql = """
        WITH own AS (
            SELECT received_at AS "at", 'call' AS source, incident_id AS event_id, 'caller' AS role, location_id
            FROM calls WHERE caller_id = $person
            UNION ALL
            SELECT c.recorded_at, 'crime', c.crime_id, string_agg(DISTINCT p.role, '; ' ORDER BY p.role), c.location_id
            FROM crime_people p JOIN crimes c USING (crime_id) WHERE p.person_id = $person
            GROUP BY c.recorded_at, c.crime_id, c.location_id
            UNION ALL
            SELECT reported_at, 'missing', episode_id, 'missing', from_location_id
            FROM missing_episodes WHERE person_id = $person),
        others AS (
            SELECT p.crime_id, string_agg(DISTINCT p.role || ': ' || p.person_id || coalesce(' ' || pe.name, ''), '; ')
            FROM crime_people p LEFT JOIN persons pe USING (person_id)
            WHERE p.crime_id IN (SELECT event_id FROM own WHERE source = 'crime') AND p.person_id <> $person
            GROUP BY 1)
        SELECT o.source, o.event_id, o.role, l.address, x.* EXCLUDE (crime_id)
        FROM own o LEFT JOIN locations l USING (location_id) LEFT JOIN others x ON x.crime_id = o.event_id
        ORDER BY o."at", o.source, o.event_id"""
    return [(s, e, r) for s, e, r, *_ in run_sql(cursor, sql, params)]


def floor_timeline_location(cursor, params):
    sql = """
        WITH here AS (
            SELECT received_at AS "at", 'call' AS source, incident_id AS event_id, caller_id AS person_id
            FROM calls WHERE location_id = $location
            UNION ALL SELECT recorded_at, 'crime', crime_id, NULL FROM crimes WHERE location_id = $location
            UNION ALL SELECT reported_at, 'missing', episode_id, person_id FROM missing_episodes
            WHERE from_location_id = $location),
        people AS (
            SELECT event_id, 'caller' AS role, person_id FROM here WHERE source = 'call' AND person_id IS NOT NULL
            UNION ALL SELECT event_id, 'missing', person_id FROM here WHERE source = 'missing'
            UNION ALL SELECT DISTINCT crime_id, role, person_id FROM crime_people
            WHERE crime_id IN (SELECT event_id FROM here WHERE source = 'crime')),
        linked AS (
            SELECT event_id, string_agg(role || ': ' || person_id || coalesce(' ' || pe.name, ''), '; ') AS linked
            FROM people LEFT JOIN persons pe USING (person_id) GROUP BY 1)
        SELECT h.source, h.event_id, k.linked FROM here h LEFT JOIN linked k USING (event_id)
        ORDER BY h."at", h.source, h.event_id"""
    return [(s, e, "at location") for s, e, _ in run_sql(cursor, sql, params)]


def floor_weekly(cursor, params):
    sql = f"""
        WITH e AS (SELECT 'crimes' AS source, recorded_at AS "at", ward_code FROM crimes
                   UNION ALL SELECT 'calls', received_at, ward_code FROM calls
                   UNION ALL SELECT 'missing_episodes', reported_at, ward_code FROM missing_episodes)
        SELECT CAST(date_trunc('week', "at") AS DATE), source, count(*) FROM e
        WHERE "at" >= $first_week AND "at" < $end {_where_area('e', params)} GROUP BY ALL"""
    return sorted((w, s, int(n)) for w, s, n in run_sql(cursor, sql, params))


def floor_recent(cursor, params):
    sql = f"""
        SELECT * FROM (
            SELECT received_at AS "at", 'call' AS source, incident_id AS event_id, location_id FROM calls c
            WHERE received_at >= $start AND received_at < $end {_where_area('c', params)}
            UNION ALL SELECT recorded_at, 'crime', crime_id, location_id FROM crimes c
            WHERE recorded_at >= $start AND recorded_at < $end {_where_area('c', params)}) e
        LEFT JOIN locations l USING (location_id) ORDER BY e."at" DESC, e.source, e.event_id"""
    return [(r[1], r[2]) for r in run_sql(cursor, sql, params)]


def floor_map_points(cursor, params):
    sql = f"""
        WITH e AS (SELECT location_id, recorded_at AS "at", ward_code FROM crimes
                   UNION ALL SELECT location_id, received_at, ward_code FROM calls
                   UNION ALL SELECT from_location_id, reported_at, ward_code FROM missing_episodes)
        SELECT count(*) FROM e JOIN locations l USING (location_id)
        WHERE "at" >= $start AND "at" < $end AND l.lat IS NOT NULL AND l.lon IS NOT NULL {_where_area('e', params)}"""
    return int(run_sql(cursor, sql, params)[0][0])


def floor_window_records(cursor, params):
    sql = f"""
        SELECT c.crime_id FROM crimes c LEFT JOIN locations l USING (location_id)
        WHERE recorded_at >= $start AND recorded_at < $end {_where_area('c', params)}
        ORDER BY recorded_at DESC, crime_id LIMIT 50"""
    return [r[0] for r in run_sql(cursor, sql, params)]


# --- pandas: what an analyst would write over the parquet ------------------------------------------


class Frames:
    """The extracts read into pandas once (the columns the analyses use)."""

    COLUMNS: ClassVar[dict[str, list[str]]] = {
        "crimes": ["crime_id", "recorded_at", "category", "offence", "ward_code", "location_id"],
        "calls": ["incident_id", "received_at", "ward_code", "location_id", "caller_id", "asb"],
        "crime_people": ["crime_id", "person_id", "role"],
        "missing_episodes": ["episode_id", "person_id", "reported_at", "from_location_id", "ward_code"],
        "persons": ["person_id", "name"],
        "locations": ["location_id", "address"],
        "wards": ["ward_code", "ward_name", "district"],
    }

    def __init__(self, data: Path):
        for name, columns in self.COLUMNS.items():
            files = table_files(data, TABLES[name])
            frame = pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)
            setattr(self, name, frame)
        weights = harm.load()
        self.exact = weights[weights["offence"].notna()][["category", "offence", "weight"]]
        self.default = weights[weights["offence"].isna()][["category", "weight"]]

    def crime_harm(self, crimes: pd.DataFrame) -> pd.Series:
        exact = crimes.merge(self.exact, on=["category", "offence"], how="left")["weight"]
        default = crimes[["category"]].merge(self.default, on="category", how="left")["weight"]
        return exact.fillna(default).fillna(0.0).set_axis(crimes.index)


def _ordered(totals: pd.DataFrame, with_harm: bool, limit: int | None) -> pd.DataFrame:
    keys = ["count", "harm", "last_at", "id"] if with_harm else ["count", "last_at", "id"]
    ranked = totals[totals["count"] >= 2].sort_values(keys, ascending=[False] * (len(keys) - 1) + [True])
    return ranked.head(limit) if limit else ranked


def pandas_rank(kind: str, limit: int | None = TOP):
    def run(f: Frames, params):
        start, end, prev_start = params["start"], params["end"], params["prev_start"]
        if kind in CRIME_ROLES:
            c = f.crimes
            crimes = c[(c["recorded_at"] >= prev_start) & (c["recorded_at"] < end) & _in_area(c, params)]
            links = f.crime_people[f.crime_people["role"].isin(CRIME_ROLES[kind])]
            events = links.merge(crimes, on="crime_id").drop_duplicates(["person_id", "crime_id"])
            events = events.assign(harm=f.crime_harm(events), at=events["recorded_at"], id=events["person_id"])
        elif kind == "locations":
            parts = []
            for table, at, where in (("crimes", "recorded_at", "location_id"), ("calls", "received_at", "location_id"),
                                     ("missing_episodes", "reported_at", "from_location_id")):
                t = getattr(f, table)
                chosen = t[(t[at] >= prev_start) & (t[at] < end) & _in_area(t, params)]
                harm_ = f.crime_harm(chosen) if table == "crimes" else 0.0
                parts.append(pd.DataFrame({"id": chosen[where], "at": chosen[at], "harm": harm_}))
            events = pd.concat(parts, ignore_index=True).dropna(subset=["id"])
        else:
            table, person, at = {"callers": ("calls", "caller_id", "received_at"),
                                 "missing": ("missing_episodes", "person_id", "reported_at")}[kind]
            t = getattr(f, table)
            chosen = t[t[person].notna() & (t[at] >= prev_start) & (t[at] < end) & _in_area(t, params)]
            events = pd.DataFrame({"id": chosen[person], "at": chosen[at]})
        now = events[events["at"] >= start]
        aggregations = {"count": ("at", "size"), "last_at": ("at", "max")}
        if "harm" in events:
            aggregations["harm"] = ("harm", "sum")
        totals = now.groupby("id").agg(**aggregations).reset_index()
        top = _ordered(totals, "harm" in events, limit)
        before = events[(events["at"] < start) & events["id"].isin(top["id"])].groupby("id").size()
        return [(str(i), int(n), int(before.get(i, 0))) for i, n in zip(top["id"], top["count"])]
    return run


def pandas_repeat_page(kind: str):
    inner = pandas_rank(kind, limit=None)

    def run(f, params):
        rows = inner(f, params)
        return len(rows), sum(n for _, n, _ in rows), rows[:PAGE_ROWS]
    return run


def pandas_compare_ward(f: Frames, params):
    c = f.crimes
    chosen = c[(c["recorded_at"] >= params["prev_start"]) & (c["recorded_at"] < params["end"])
               & c["ward_code"].isin(params["wards"])]
    now = chosen[chosen["recorded_at"] >= params["start"]].groupby("ward_code").size()
    before = chosen[chosen["recorded_at"] < params["start"]].groupby("ward_code").size()
    wards = f.wards[f.wards["ward_code"].isin(params["wards"])].sort_values(["ward_name", "ward_code"])
    return [(w, int(now.get(w, 0)), int(before.get(w, 0))) for w in wards["ward_code"]]


def pandas_compare_matrix(f: Frames, params):
    c = f.crimes
    chosen = c[(c["recorded_at"] >= params["prev_start"]) & (c["recorded_at"] < params["end"])
               & c["ward_code"].isin(params["wards"])]
    chosen = chosen.assign(category=chosen["category"].fillna("(no category)"),
                           now=chosen["recorded_at"] >= params["start"])
    counts = chosen.groupby(["ward_code", "category"])["now"].agg(["sum", "size"]).reset_index()
    return sorted((w, k, int(n), int(s - n)) for w, k, n, s in counts.itertuples(index=False))


def pandas_compare_category(f: Frames, params):
    c = f.crimes
    chosen = c[(c["recorded_at"] >= params["prev_start"]) & (c["recorded_at"] < params["end"]) & _in_area(c, params)]
    chosen = chosen.assign(category=chosen["category"].fillna("(no category)"),
                           now=chosen["recorded_at"] >= params["start"])
    counts = chosen.groupby("category")["now"].agg(["sum", "size"]).reset_index()
    return sorted((k, int(n), int(s - n)) for k, n, s in counts.itertuples(index=False))


def pandas_headline(f: Frames, params):
    out = []
    for measure, table, at in (("crimes", "crimes", "recorded_at"), ("calls", "calls", "received_at"),
                               ("asb_calls", "calls", "received_at"),
                               ("missing_episodes", "missing_episodes", "reported_at")):
        t = getattr(f, table)
        chosen = t[(t[at] >= params["prev_start"]) & (t[at] < params["end"]) & _in_area(t, params)]
        if measure == "asb_calls":
            chosen = chosen[chosen["asb"].fillna(False).astype(bool)]
        now = int((chosen[at] >= params["start"]).sum())
        out.append((measure, now, len(chosen) - now))
    return out


def pandas_concentration(kind: str):
    def run(f: Frames, params):
        start, end = params["start"], params["end"]
        if kind in CRIME_ROLES:
            c = f.crimes
            crimes = c[(c["recorded_at"] >= start) & (c["recorded_at"] < end) & _in_area(c, params)]
            links = f.crime_people[f.crime_people["role"].isin(CRIME_ROLES[kind])].merge(crimes[["crime_id"]])
            counts = links.drop_duplicates(["person_id", "crime_id"]).groupby("person_id").size()
        else:
            parts = []
            for table, at, where in (("crimes", "recorded_at", "location_id"), ("calls", "received_at", "location_id"),
                                     ("missing_episodes", "reported_at", "from_location_id")):
                t = getattr(f, table)
                parts.append(t.loc[(t[at] >= start) & (t[at] < end) & _in_area(t, params), where])
            counts = pd.concat(parts).dropna().value_counts()
        return canon_concentration(analytics.concentration_of(counts.to_numpy()))
    return run


def pandas_export(f: Frames, params):
    parts = []
    for table, at, what, extra in (("crimes", "recorded_at", None, "category"), ("calls", "received_at",
                                                                                  "Anti-social behaviour", "asb")):
        t = getattr(f, table)
        inside = (((t[at] >= params["start"]) & (t[at] < params["end"]))
                  | ((t[at] >= params["prev_start"]) & (t[at] < params["prev_end"])))
        kept = t[inside & _in_area(t, params)
                 & (t[extra].notna() if what is None else t[extra].fillna(False).astype(bool))]
        parts.append(pd.DataFrame({"month": kept[at].dt.to_period("M").dt.start_time.dt.date,
                                   "category": kept["category"] if what is None else what}))
    counts = pd.concat(parts).groupby(["month", "category"]).size()
    return [(m, k, int(n)) for (m, k), n in counts.items()]


def pandas_timeline_person(f: Frames, params):
    person = params["person"]
    calls = f.calls[f.calls["caller_id"] == person]
    links = f.crime_people[f.crime_people["person_id"] == person]
    roles = links.groupby("crime_id")["role"].agg(lambda r: "; ".join(sorted(set(r))))
    crimes = f.crimes[f.crimes["crime_id"].isin(roles.index)]
    missing = f.missing_episodes[f.missing_episodes["person_id"] == person]
    rows = pd.concat([
        pd.DataFrame({"at": calls["received_at"], "source": "call", "event_id": calls["incident_id"], "role": "caller"}),
        pd.DataFrame({"at": crimes["recorded_at"], "source": "crime", "event_id": crimes["crime_id"],
                      "role": crimes["crime_id"].map(roles)}),
        pd.DataFrame({"at": missing["reported_at"], "source": "missing", "event_id": missing["episode_id"],
                      "role": "missing"}),
    ]).sort_values(["at", "source", "event_id"])
    others = f.crime_people[f.crime_people["crime_id"].isin(roles.index) & (f.crime_people["person_id"] != person)]
    others.merge(f.persons, on="person_id", how="left")  # the linked people's names, as the product shows them
    return [(s, e, r) for s, e, r in zip(rows["source"], rows["event_id"], rows["role"])]


def pandas_timeline_location(f: Frames, params):
    place = params["location"]
    calls = f.calls[f.calls["location_id"] == place]
    crimes = f.crimes[f.crimes["location_id"] == place]
    missing = f.missing_episodes[f.missing_episodes["from_location_id"] == place]
    rows = pd.concat([
        pd.DataFrame({"at": calls["received_at"], "source": "call", "event_id": calls["incident_id"]}),
        pd.DataFrame({"at": crimes["recorded_at"], "source": "crime", "event_id": crimes["crime_id"]}),
        pd.DataFrame({"at": missing["reported_at"], "source": "missing", "event_id": missing["episode_id"]}),
    ]).sort_values(["at", "source", "event_id"])
    links = f.crime_people[f.crime_people["crime_id"].isin(crimes["crime_id"])]
    links.merge(f.persons, on="person_id", how="left")  # the people on each crime, by name
    return [(s, e, "at location") for s, e in zip(rows["source"], rows["event_id"])]


# --- the cases ------------------------------------------------------------------------------------


def cases(places: Places) -> list[Case]:
    """Every analysis a page, export or briefing calls, for a ward, a district and the force."""
    as_of = places.as_of
    found: list[Case] = []
    areas = (("ward", places.ward, "90d"), ("district", places.district, "90d"), ("force", "force", "12m"))
    harm_param = {"harm": harm.param()}
    for label, area, window in areas:
        for kind in RANK_KINDS:
            params = {**window_params(window, as_of), **area_params(places, area), **harm_param,
                      "roles": CRIME_ROLES.get(kind)}
            target = {"ward": 50.0, "district": None, "force": 250.0}[label]
            found.append(Case(
                f"rank {kind}, {label}, {window}, top {TOP}", "ranking", "rank", area,
                {"kind": kind, "window": window, "as_of": as_of, "limit": TOP}, canon_rank,
                floor_rank(kind), pandas_rank(kind), params, target, pandas_target=10.0))
    callers = {**window_params("12m", as_of), "wards": None}
    found.append(Case(
        "Callers tab, force, 12m: page 1 of the full list", "ranking", "rank_page", "force",
        {"kind": "callers", "window": "12m", "as_of": as_of, "page": 1, "page_rows": PAGE_ROWS},
        lambda frame: (frame.attrs["rows"], frame.attrs["events"], canon_rank(frame)),
        floor_repeat_page("callers"), pandas_repeat_page("callers"), callers, 500.0, pandas_target=10.0))

    district = area_params(places, places.district)
    found.append(Case(
        "compare by ward, district, 12m", "comparison", "compare", places.district,
        {"window": "12m", "as_of": as_of, "by": "ward"},
        lambda frame: [(g, _int(n), _int(p)) for g, n, p in zip(frame["group"], frame["count"], frame["previous_count"])],
        floor_compare_ward, pandas_compare_ward, {**window_params("12m", as_of), **district}, 50.0, pandas_target=10.0))
    found.append(Case(
        "ward × category matrix, district, 90d", "comparison", "compare_matrix", places.district,
        {"window": "90d", "as_of": as_of},
        lambda frame: sorted((w, k, _int(n), _int(p)) for w, k, n, p in
                             zip(frame["ward_code"], frame["category"], frame["count"], frame["previous_count"])),
        floor_compare_matrix, pandas_compare_matrix, {**window_params("90d", as_of), **district}, 50.0,
        pandas_target=10.0))
    for label, area in (("ward", places.ward), ("force", "force")):
        found.append(Case(
            f"compare by category, {label}, 12m", "comparison", "compare", area,
            {"window": "12m", "as_of": as_of, "by": "category"},
            lambda frame: [(g, _int(n), _int(p)) for g, n, p in
                           zip(frame["group"], frame["count"], frame["previous_count"])],
            floor_compare_category, pandas_compare_category,
            {**window_params("12m", as_of), **area_params(places, area)}, 50.0 if label == "ward" else 250.0,
            pandas_target=10.0))
        found.append(Case(
            f"headline, {label}, 28d", "comparison", "headline", area, {"window": "28d", "as_of": as_of},
            lambda frame: [(m, _int(n), _int(p)) for m, n, p in
                           zip(frame["measure"], frame["count"], frame["previous_count"])],
            floor_headline, pandas_headline, {**window_params("28d", as_of), **area_params(places, area)},
            50.0 if label == "ward" else 250.0, pandas_target=10.0))
    for kind in ("victims", "locations"):
        found.append(Case(
            f"concentration of {kind}, force, 12m", "concentration", "concentration", "force",
            {"kind": kind, "window": "12m", "as_of": as_of}, canon_concentration,
            floor_concentration(kind), pandas_concentration(kind),
            {**window_params("12m", as_of), "wards": None, "roles": CRIME_ROLES.get(kind)}, 250.0,
            pandas_target=10.0))
    found.append(Case(
        "timeline of the busiest person", "timeline", "timeline", "force", {"person": places.person},
        lambda frame: canon_rows(frame, ["source", "event_id", "role"]),
        floor_timeline_person, pandas_timeline_person, {"person": places.person}, 50.0))
    found.append(Case(
        "timeline of the busiest location", "timeline", "timeline", "force", {"location": places.location},
        lambda frame: [(s, e, r) for s, e, r in zip(frame["source"], frame["event_id"], frame["role"])],
        floor_timeline_location, pandas_timeline_location, {"location": places.location}, 50.0))

    current = whole_months("12m", as_of)
    comparison = months_before(current)
    request = Request(places.district, window="12m", as_of=as_of, format="csv")
    export_params = {"start": current.start_ts, "end": current.end_ts, "prev_start": comparison.start_ts,
                     "prev_end": comparison.end_ts, **district}
    found.append(Case(
        "public export, district, 12 months: the counts read", "export", "export_counts", places.district,
        {"window": "12m"}, canon_export, floor_export, pandas_export, export_params, None,
        product=product_export(request, whole=False)))
    # The whole file: the floor and pandas only count, so product ÷ floor is the disclosure
    # control's and the file's cost, not a layout's: no ratio target.
    found.append(Case(
        "public export, district, 12 months: counts, disclosure control, CSV file", "export", "export_counts",
        places.district, {"window": "12m"}, canon_export, floor_export, pandas_export, export_params, None,
        ratio_target=None, product=product_export(request)))

    ward = area_params(places, places.ward)
    monday = as_of - timedelta(days=as_of.weekday())
    first_week = monday - timedelta(weeks=51)
    found.append(Case(
        "weekly trend, ward, 52 weeks", "page data", "weekly_trend", places.ward, {"as_of": as_of, "weeks": 52},
        lambda frame: sorted((w, s, int(n)) for w, s, n in zip(frame["week"], frame["source"], frame["count"])
                             if pd.notna(n) and n > 0),
        floor_weekly, None,
        {**ward, "first_week": datetime.combine(first_week, datetime.min.time()),
         "end": make_window(1, as_of).end_ts}, 50.0, ratio_target=1.5))
    found.append(Case(
        "last 7 days, ward", "page data", "recent_events", places.ward, {"days": 7, "as_of": as_of},
        lambda frame: list(zip(frame["source"], frame["event_id"])),
        floor_recent, None, {**window_params(7, as_of), **ward}, 50.0))
    found.append(Case(
        "map points, ward, 90d", "page data", "map_points", places.ward,
        {"window": "90d", "as_of": as_of, "limit": 4000}, lambda result: int(result[1]),
        floor_map_points, None, {**window_params("90d", as_of), **ward}, 50.0))
    found.append(Case(
        "records behind the crime count, ward, 28d", "page data", "window_records", places.ward,
        {"measure": "crimes", "window": "28d", "as_of": as_of, "limit": 50},
        lambda frame: list(frame["event_id"]), floor_window_records, None, {**window_params("28d", as_of), **ward},
        50.0))
    return found

