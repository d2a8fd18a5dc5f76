"""Which storage layout should the snapshot use? Times the same analyses over

  parquet  views over the extracts as delivered (here: DuckDB-written, zstd, sorted by time)
  snapshot the DuckDB database file demand.store builds from them

    .venv/bin/python -m benchmarks.storage_layout DATA_DIR [--repeat 5]

Prints the median wall time of each query on each layout. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.analytics import median_ms
from demand.schema import TABLES
from demand.store import Store, table_files

# Representative of the pages: a ward's repeat victims over 90 days, a district's wards x
# categories over two 12-month windows, a force-wide location ranking, one person's timeline.
QUERIES = {
    "ward victims 90d": """
        SELECT cp.person_id, count(DISTINCT c.crime_id) AS n
        FROM crimes c JOIN crime_people cp USING (crime_id)
        WHERE cp.role = 'victim' AND c.ward_code = $ward
          AND c.recorded_at >= $end - INTERVAL 90 DAY AND c.recorded_at < $end
        GROUP BY ALL HAVING n >= 2 ORDER BY n DESC LIMIT 50""",
    "district wards x categories 2x12m": """
        SELECT ward_code, category,
               count(*) FILTER (WHERE recorded_at >= $end - INTERVAL 365 DAY) AS cur,
               count(*) FILTER (WHERE recorded_at < $end - INTERVAL 365 DAY) AS prev
        FROM crimes
        WHERE list_contains($wards, ward_code)
          AND recorded_at >= $end - INTERVAL 730 DAY AND recorded_at < $end
        GROUP BY ALL""",
    "force locations 12m": """
        SELECT location_id, count(*) AS n FROM calls
        WHERE received_at >= $end - INTERVAL 365 DAY AND received_at < $end
        GROUP BY ALL ORDER BY n DESC LIMIT 100""",
    "person timeline": """
        SELECT 'crime' AS source, c.recorded_at AS event_at FROM crime_people cp JOIN crimes c USING (crime_id)
        WHERE cp.person_id = $person
        UNION ALL SELECT 'call', received_at FROM calls WHERE caller_id = $person
        UNION ALL SELECT 'missing', reported_at FROM missing_episodes WHERE person_id = $person
        ORDER BY event_at""",
}


def parquet_connection(data_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES.values():
        files = table_files(data_dir, table)
        if files:
            listed = ", ".join(f"'{p}'" for p in files)
            con.execute(f"CREATE VIEW {table.name} AS SELECT * FROM read_parquet([{listed}])")
    return con


def params_for(con) -> dict:
    end, = con.execute("SELECT max(recorded_at) FROM crimes").fetchone()
    ward, = con.execute("SELECT ward_code FROM crimes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
    district_wards = [w for (w,) in con.execute(
        "SELECT ward_code FROM wards WHERE district = (SELECT district FROM wards WHERE ward_code = ?)",
        [ward]).fetchall()]
    person, = con.execute("SELECT person_id FROM crime_people GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
    return {"end": end, "ward": ward, "wards": district_wards, "person": person}


def timed(con, sql: str, params: dict, repeat: int) -> float:
    """Median milliseconds of ``sql`` with the parameters it names."""
    wanted = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    return median_ms(lambda: con.execute(sql, wanted).fetchall(), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        store = Store(args.data_dir, cache=Path(cache))
        print(f"snapshot build (check + load + sort): {time.perf_counter() - started:.1f} s")
        layouts = {"parquet": parquet_connection(args.data_dir), "snapshot": store.cursor()}
        params = params_for(layouts["snapshot"])
        print(f"{'query':38} {'parquet':>10} {'snapshot':>10}")
        for name, sql in QUERIES.items():
            row = [timed(con, sql, params, args.repeat) for con in layouts.values()]
            print(f"{name:38} {row[0]:>8.0f}ms {row[1]:>8.0f}ms")


if __name__ == "__main__":
    main()
