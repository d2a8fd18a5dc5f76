"""Calibration report: does a data directory look like real repeat demand?

``measure(data_dir)`` computes each figure with DuckDB straight from the parquet files
(never from generator internals), so it can be pointed at any extract. The stories planted
by demand.synth are looked up through ``synth_manifest.json`` when it is there. Annual
figures use the 12 months before the end of the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from demand import stats
from demand.schema import TABLES


@dataclass(frozen=True)
class Measure:
    name: str
    value: float
    target_text: str
    ok: bool


def _months_back(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, min(d.day, 28))


def _connect(data_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for name in TABLES:
        path = data_dir / f"{name}.parquet"
        if path.exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    return con


def _one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def _top_share(con, events_sql: str, frac: float, params=None) -> float:
    """Share of events held by the top `frac` of entities; events_sql yields a column e."""
    return _one(con, f"""
        WITH n AS (SELECT e, count(*) AS k FROM ({events_sql}) WHERE e IS NOT NULL GROUP BY e),
             r AS (SELECT k, row_number() OVER (ORDER BY k DESC) AS rn, count(*) OVER () AS tot FROM n)
        SELECT sum(k) FILTER (WHERE rn <= ceil({frac} * tot)) / sum(k) FROM r""", params) or 0.0


def _gap_shares(con, events_sql: str, days: int) -> tuple[float, float]:
    """Share of repeat gaps (same entity, consecutive events) within `days`, observed and
    with the event times shuffled between events (same counts and seasonality, no clustering).
    events_sql yields e (entity), t (timestamp) and k (a unique event key)."""
    within = f"gap <= INTERVAL {days} DAY"
    observed = _one(con, f"""
        WITH g AS (SELECT t - lag(t) OVER (PARTITION BY e ORDER BY t) AS gap FROM ({events_sql}))
        SELECT avg(CASE WHEN {within} THEN 1.0 ELSE 0 END) FROM g WHERE gap IS NOT NULL""")
    shuffled = _one(con, f"""
        WITH ev AS (SELECT e, t, row_number() OVER (ORDER BY hash(k), k) AS a,
                           row_number() OVER (ORDER BY t, k) AS b FROM ({events_sql})),
             p AS (SELECT x.e, y.t FROM ev x JOIN ev y ON x.a = y.b),
             g AS (SELECT t - lag(t) OVER (PARTITION BY e ORDER BY t) AS gap FROM p)
        SELECT avg(CASE WHEN {within} THEN 1.0 ELSE 0 END) FROM g WHERE gap IS NOT NULL""")
    return observed or 0.0, shuffled or 0.0




def measure(data_dir: Path) -> list[Measure]:
    data_dir = Path(data_dir)
    con = _connect(data_dir)
    manifest_path = data_dir / "synth_manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    stories = manifest.get("stories", {})
    small = manifest.get("scale", "small") == "small"
    if "end" in manifest:
        end = date.fromisoformat(manifest["end"])
    else:
        end = _one(con, "SELECT max(received_at)::DATE FROM calls")
    stop = end + timedelta(days=1)
    w0, w1 = _months_back(stop, 12), stop
    win = [w0, w1]
    out: list[Measure] = []

    def add(name, value, target, ok):
        out.append(Measure(name, float(value), target, bool(ok)))

    def band(name, value, lo, hi, target=None):
        add(name, value, target or f"{lo:g} to {hi:g}", lo <= value <= hi)

    # ---- concentration (12 months) -----------------------------------------------------
    victims = """SELECT DISTINCT cp.crime_id, cp.person_id AS e FROM crime_people cp JOIN crimes c USING (crime_id)
                 WHERE cp.role = 'victim' AND c.recorded_at >= ? AND c.recorded_at < ?"""
    band("victims: share held by top 10% (12m)", _top_share(con, victims, 0.10, win), 0.30, 0.55, "about 0.40")
    crime_locs = "SELECT location_id AS e FROM crimes WHERE recorded_at >= ? AND recorded_at < ?"
    call_locs = "SELECT location_id AS e FROM calls WHERE received_at >= ? AND received_at < ?"
    loc_crime = _top_share(con, crime_locs, 0.05, win)
    loc_call = _top_share(con, call_locs, 0.05, win)
    band("crime locations: share held by top 5% of locations with a crime (12m)", loc_crime, 0.35, 0.65,
         "about 0.50")
    band("call locations: share held by top 5% of locations with a call (12m)", loc_call, 0.40, 0.80,
         "above the crime share")
    add("calls minus crimes top-5% location share", loc_call - loc_crime, "> 0 (calls more concentrated)",
        loc_call > loc_crime)
    offenders = """SELECT DISTINCT cp.crime_id, cp.person_id AS e FROM crime_people cp JOIN crimes c USING (crime_id)
                   WHERE cp.role IN ('offender', 'suspect') AND c.recorded_at >= ? AND c.recorded_at < ?"""
    band("offenders/suspects: share held by top 10% (12m)", _top_share(con, offenders, 0.10, win), 0.40, 0.65,
         "about 0.50")

    per_person = con.execute("""
        SELECT avg(k), count(*) FILTER (WHERE k > 10) FROM (
            SELECT person_id, count(*) AS k FROM missing_episodes
            WHERE reported_at >= ? AND reported_at < ? GROUP BY person_id)""", win).fetchone()
    band("missing: episodes per missing person (12m)", per_person[0] or 0, 1.3, 2.0, "about 1.6")
    add("missing: people with more than 10 episodes (12m)", per_person[1], ">= 2 (a few)", per_person[1] >= 2)

    callers = con.execute("""
        SELECT count(*) FILTER (WHERE k >= 100), count(*) FILTER (WHERE k >= 300) FROM (
            SELECT caller_id, count(*) AS k FROM calls
            WHERE caller_id IS NOT NULL AND received_at >= ? AND received_at < ? GROUP BY caller_id)""",
                          win).fetchone()
    if small:
        band("callers with >= 100 calls (12m)", callers[0], 3, 6, "3 to 6 (a handful)")
        add("callers with >= 300 calls (12m)", callers[1], "informational", True)
    else:
        band("callers with >= 100 calls (12m)", callers[0], 3, 40, "a handful to a few dozen")
        add("callers with >= 300 calls (12m)", callers[1], ">= 2 (a few)", callers[1] >= 2)

    # ---- time ------------------------------------------------------------------------
    season = _one(con, """
        WITH ev AS (SELECT recorded_at AS t FROM crimes WHERE category = 'Violence and sexual offences'
                    UNION ALL SELECT received_at FROM calls WHERE incident_type = 'Anti-social behaviour'),
             d AS (SELECT t::DATE AS d, count(*) AS n FROM ev GROUP BY 1)
        SELECT avg(n) FILTER (WHERE month(d) IN (6, 7, 8)) / avg(n) FILTER (WHERE month(d) IN (12, 1, 2)) FROM d""")
    add("violence + ASB: summer / winter daily volume", season, "> 1.1 (summer peak)", season > 1.1)
    # Nights run 19:00-04:00 and belong to the evening they start on.
    weekly = _one(con, """
        WITH n AS (SELECT recorded_at - INTERVAL 4 HOUR AS s FROM crimes
                   WHERE category = 'Violence and sexual offences' AND hour(recorded_at - INTERVAL 4 HOUR) >= 15)
        SELECT (count(*) FILTER (WHERE isodow(s) IN (5, 6)) / 2.0) / (count(*) FILTER (WHERE isodow(s) NOT IN (5, 6)) / 5.0)
        FROM n""")
    add("violence: Fri/Sat night vs other nights (per night)", weekly, "> 1.3", weekly > 1.3)
    hours = dict(con.execute("SELECT hour(received_at), count(*) FROM calls GROUP BY 1").fetchall())
    trough = min(hours, key=hours.get)
    peak = max(hours, key=hours.get)
    add("calls: quietest hour of day", trough, "03 to 06", 3 <= trough <= 6)
    add("calls: busiest hour of day", peak, "15 to 23 (evening)", 15 <= peak <= 23)
    ratio = (hours.get(18, 0) + hours.get(19, 0) + hours.get(20, 0)) / max(1, hours.get(4, 0) + hours.get(5, 0) + hours.get(6, 0))
    add("calls: 18-21h vs 04-07h volume", ratio, "> 2", ratio > 2)

    victim_events = """SELECT cp.person_id AS e, c.recorded_at AS t, cp.crime_id || cp.person_id AS k
                       FROM (SELECT DISTINCT crime_id, person_id FROM crime_people WHERE role = 'victim') cp
                       JOIN crimes c USING (crime_id)"""
    location_events = "SELECT location_id AS e, recorded_at AS t, crime_id AS k FROM crimes WHERE location_id IS NOT NULL"
    for label, sql in (("repeat victims", victim_events), ("repeat crime locations", location_events)):
        # The 30-day baseline is already high for the busiest places, hence a lower bar.
        for days, factor in ((7, 1.5), (30, 1.25)):
            obs, shuf = _gap_shares(con, sql, days)
            add(f"{label}: share of repeat gaps <= {days} days", obs,
                f">= {factor}x shuffled times ({shuf:.2f})", obs >= factor * shuf)

    # ---- volumes and mix -------------------------------------------------------------
    n_crimes = _one(con, "SELECT count(*) FROM crimes")
    cats = dict(con.execute("SELECT category, count(*) FROM crimes GROUP BY 1").fetchall())
    band("crimes: violence and sexual offences share", cats.get("Violence and sexual offences", 0) / n_crimes,
         0.30, 0.40, "about 0.35")
    add("crimes: recorded as 'Anti-social behaviour'", cats.get("Anti-social behaviour", 0), "0 (ASB is a call type)",
        cats.get("Anti-social behaviour", 0) == 0)
    dom = _one(con, "SELECT avg(domestic::INT) FROM crimes WHERE category = 'Violence and sexual offences'")
    band("crimes: domestic share of violence", dom, 0.10, 0.22, "about 0.15")
    band("crimes: weapon share", _one(con, "SELECT avg(weapon::INT) FROM crimes"), 0.015, 0.035, "2-3%")
    knife = _one(con, """
        SELECT count(*) FROM (
            SELECT cp.person_id FROM crimes c JOIN (SELECT DISTINCT crime_id, person_id FROM crime_people
                                                   WHERE role IN ('offender', 'suspect')) cp USING (crime_id)
            WHERE c.weapon AND c.recorded_at >= ? GROUP BY 1 HAVING count(*) >= 3)""", [_months_back(stop, 24)])
    add("habitual knife carriers (>= 3 weapon crimes in 24 months)", knife, ">= 1", knife >= 1)
    band("calls: caller not recorded", _one(con, "SELECT avg((caller_id IS NULL)::INT) FROM calls"), 0.22, 0.28,
         "about 0.25")
    asb_ok = _one(con, """SELECT count(*) FROM calls WHERE (incident_type = 'Anti-social behaviour' AND NOT asb)
                          OR (incident_type = 'Mental health' AND NOT mental_health)
                          OR (incident_type = 'Domestic incident' AND NOT domestic)""")
    add("calls: qualifier flags contradicting the incident type", asb_ok, "0", asb_ok == 0)
    child = _one(con, """SELECT avg((p.birth_year BETWEEN 2008 AND 2014)::INT) FROM missing_episodes m
                         JOIN persons p USING (person_id)""")
    band("missing: episodes of children born 2008-2014", child, 0.6, 0.95, "mostly children")
    spread = _one(con, """SELECT max(n) / median(n) FROM (SELECT w.ward_code, count(c.crime_id) AS n
                          FROM wards w LEFT JOIN crimes c USING (ward_code) GROUP BY 1)""")
    add("wards: busiest / median ward crime volume", spread, "> 2 (city centre much busier)", spread > 2)
    per_year = _one(con, "SELECT count(*) FROM crimes WHERE recorded_at >= ? AND recorded_at < ?", win)
    calls_year = _one(con, "SELECT count(*) FROM calls WHERE received_at >= ? AND received_at < ?", win)
    add("crimes in the last 12 months", per_year, "informational", True)
    add("calls in the last 12 months", calls_year, "informational", True)

    # ---- defects real extracts have ---------------------------------------------------
    links = con.execute("""
        WITH l AS (SELECT crime_id, bool_or(role = 'victim') AS v, bool_or(role = 'reporting_person') AS r
                   FROM crime_people GROUP BY crime_id)
        SELECT avg((l.crime_id IS NULL)::INT), avg((l.r AND NOT l.v)::INT)
        FROM crimes c LEFT JOIN l USING (crime_id)""").fetchone()
    band("crimes with no person linked", links[0], 0.025, 0.055, "about 0.04")
    band("crimes with a reporting person but no victim", links[1], 0.05, 0.11, "about 0.08")
    dup = _one(con, """SELECT 1 - (SELECT count(*) FROM (SELECT DISTINCT * FROM crime_people)) / count(*)
                       FROM crime_people""")
    band("crime_people: duplicated link share", dup, 0.002, 0.01, "about 0.005")
    both = _one(con, """SELECT count(*) FROM (SELECT person_id FROM crime_people GROUP BY 1
                        HAVING bool_or(role = 'victim') AND bool_or(role IN ('offender', 'suspect')))""")
    add("people both victim and offender/suspect", both, "> 0", both > 0)
    band("locations defaulted to a street", _one(con, "SELECT avg((precision = 'street')::INT) FROM locations"),
         0.08, 0.12, "about 0.10")
    for table in ("calls", "crimes", "missing_episodes"):
        band(f"{table}: no ward", _one(con, f"SELECT avg((ward_code IS NULL)::INT) FROM {table}"), 0.005, 0.015,
             "about 0.01")
    gaps = con.execute("""
        SELECT count(*), coalesce(sum((SELECT count(*) FROM crimes c
                                       WHERE date_trunc('month', c.recorded_at) = g.month)), 0)
        FROM coverage g WHERE table_name = 'crimes' AND NOT covered""").fetchone()
    add("coverage: crime months not covered", gaps[0], "1 (an outage)", gaps[0] == 1)
    add("coverage: crimes inside uncovered months", gaps[1], "0", gaps[1] == 0)

    # ---- planted stories (found through the manifest, measured in the data) ------------
    last90, prev90 = stop - timedelta(days=90), stop - timedelta(days=180)
    for h in stories.get("emerging_hotspots", []):
        rows = con.execute("""
            SELECT location_id, count(*) FILTER (WHERE recorded_at >= ?) AS cur,
                   count(*) FILTER (WHERE recorded_at < ?) AS prev
            FROM crimes WHERE ward_code = ? AND recorded_at >= ? AND recorded_at < ?
            GROUP BY 1 ORDER BY cur DESC, location_id""", [last90, last90, h["ward_code"], prev90, stop]).fetchall()
        top = rows[0][0] if rows else None
        mine = next((r for r in rows if r[0] == h["location_id"]), (None, 0, 0))
        p = stats.e_test(mine[1], mine[2])
        add(f"hotspot {h['location_id']} ({h['ward_code']}): E-test p, latest vs previous 90d ({mine[2]} -> {mine[1]})",
            p, "top location of its ward, p < 0.0001", top == h["location_id"] and p < 1e-4)
    rising = stories.get("rising_category")
    if rising:
        for ward in rising["ward_codes"]:
            cur, prev = con.execute("""
                SELECT count(*) FILTER (WHERE recorded_at >= ?), count(*) FILTER (WHERE recorded_at < ?)
                FROM crimes WHERE ward_code = ? AND category = ? AND recorded_at >= ? AND recorded_at < ?""",
                                    [last90, last90, ward, rising["category"], prev90, stop]).fetchone()
            p = stats.e_test(cur, prev)
            add(f"rising {rising['category']} in {ward}: E-test p ({prev} -> {cur})", p,
                "< 0.0001 (stands out among thousands of changes)", p < 1e-4)
    cohort = stories.get("cohort")
    if cohort:
        iv = date.fromisoformat(cohort["intervention_date"])
        before, after = con.execute("""
            SELECT count(*) FILTER (WHERE received_at < ?), count(*) FILTER (WHERE received_at >= ?)
            FROM calls WHERE caller_id IN (SELECT unnest(?)) AND received_at >= ? AND received_at < ?""",
                                    [iv, iv, cohort["person_ids"], _months_back(iv, 12),
                                     _months_back(iv, -12)]).fetchone()
        fall = 1 - after / before if before else 0.0
        band(f"cohort of {len(cohort['person_ids'])} callers: fall after intervention ({before} -> {after})",
             fall, 0.60, 0.80, "about 0.70")
    care = stories.get("care_home")
    if care:
        rows = con.execute("""SELECT from_location_id, count(*) AS n FROM missing_episodes
                              WHERE reported_at >= ? AND reported_at < ? GROUP BY 1 ORDER BY n DESC LIMIT 2""",
                           win).fetchall()
        n_care = next((n for loc, n in rows if loc == care["location_id"]), 0)
        second = rows[1][1] if len(rows) > 1 else 0
        ok = rows and rows[0][0] == care["location_id"] and n_care >= 2 * second and (n_care >= 40 or not small)
        add(f"care home {care['location_id']}: missing episodes (12m; next place {second})", n_care,
            "top missing-from place by far, >= 40", ok)
    con.close()
    return out


def format_report(measures: list[Measure]) -> str:
    """A plain aligned table, one measure a line."""
    def fmt(v: float) -> str:
        if float(v).is_integer():
            return f"{v:.0f}"
        return f"{v:.1e}" if 0 < abs(v) < 0.001 else f"{v:.3f}"

    w_name = max([len(m.name) for m in measures] + [7])
    w_val = max([len(fmt(m.value)) for m in measures] + [5])
    lines = [f"{'measure':<{w_name}}  {'value':>{w_val}}  ok    target", "-" * (w_name + w_val + 30)]
    for m in measures:
        lines.append(f"{m.name:<{w_name}}  {fmt(m.value):>{w_val}}  {'ok ' if m.ok else 'NO '}   {m.target_text}")
    failed = sum(not m.ok for m in measures)
    lines.append(f"{len(measures) - failed} of {len(measures)} measures within target")
    return "\n".join(lines)
