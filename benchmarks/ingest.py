"""Times the importers end to end (read, check, write, snapshot, switch):

    .venv/bin/python -m benchmarks.ingest police-uk PATH...      # data.police.uk files
    .venv/bin/python -m benchmarks.ingest extracts [--scale small|force]

``extracts`` writes the synthetic force's calls and crimes as a command-and-control and a
crime system would export them (Windows-1252 CSV, UK dates, codes) and imports them with a
mapping. Prints rows and seconds. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from demand.ingest import extracts, police_uk, run
from demand.schema import CALL_GRADES

MAPPING = """
[defaults]
encoding = "cp1252"
datetime_format = "%d/%m/%Y %H:%M"
true_values = ["Y"]
false_values = ["N"]

[wards]
files = ["wards.parquet"]
[wards.columns]
ward_code = "ward_code"
ward_name = "ward_name"
district = "district"
population = "population"

[calls]
files = ["calls.csv"]
location = { location_id = "Location" }
values.grade = { G1 = "emergency", G2 = "priority", G3 = "scheduled", G4 = "resolved without deployment" }
[calls.columns]
incident_id = "Incident"
received_at = "Received"
incident_type = "Type"
grade = "Grade"
ward_code = "Ward"
caller_id = "Caller"
asb = "ASB"
mental_health = "MH"
domestic = "DA"

[crimes]
files = ["crimes.csv"]
location = { location_id = "Location" }
[crimes.columns]
crime_id = "Crime"
recorded_at = "Recorded"
offence = "Offence"
category = "Category"
ward_code = "Ward"
outcome = "Outcome"
domestic = "DA"
weapon = "Weapon"
"""


def write_exports(source: Path, folder: Path) -> int:
    """The synthetic force's calls and crimes as CSV exports; returns the rows written."""
    con = duckdb.connect()
    grades = " ".join(f"WHEN '{g}' THEN 'G{i + 1}'" for i, g in enumerate(CALL_GRADES))
    yes = "CASE WHEN {} THEN 'Y' ELSE 'N' END"
    con.execute(f"""COPY (SELECT incident_id AS "Incident", strftime(received_at, '%d/%m/%Y %H:%M') AS "Received",
        incident_type AS "Type", CASE grade {grades} END AS "Grade", ward_code AS "Ward", caller_id AS "Caller",
        {yes.format('asb')} AS "ASB", {yes.format('mental_health')} AS "MH", {yes.format('domestic')} AS "DA",
        location_id AS "Location" FROM '{source}/calls.parquet') TO '{folder}/calls.csv' (HEADER)""")
    con.execute(f"""COPY (SELECT crime_id AS "Crime", strftime(recorded_at, '%d/%m/%Y %H:%M') AS "Recorded",
        offence AS "Offence", category AS "Category", ward_code AS "Ward", outcome AS "Outcome",
        {yes.format('domestic')} AS "DA", {yes.format('weapon')} AS "Weapon", location_id AS "Location"
        FROM '{source}/crimes.parquet') TO '{folder}/crimes.csv' (HEADER)""")
    con.execute(f"COPY (SELECT * FROM '{source}/wards.parquet') TO '{folder}/wards.parquet'")
    rows = con.execute(f"SELECT (SELECT count(*) FROM '{source}/calls.parquet') + "
                       f"(SELECT count(*) FROM '{source}/crimes.parquet')").fetchall()[0][0]
    con.close()
    (folder / "mapping.toml").write_text(MAPPING)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", choices=("police-uk", "extracts"))
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--scale", default="small", choices=("small", "force"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if args.source == "police-uk":
            def write(directory):
                return police_uk.import_files(args.paths, directory)
        else:
            from demand import synth

            synth.generate(work / "synthetic", scale=args.scale, seed=1)
            (work / "exports").mkdir()
            rows = write_exports(work / "synthetic", work / "exports")
            print(f"exports written: {rows:,} rows")

            def write(directory):
                return extracts.import_folder(work / "exports", directory)
        started = time.perf_counter()
        report = run.publish_import(work / "data", write)
        seconds = time.perf_counter() - started
        print(f"{report.total('read'):,} rows read, {report.total('loaded'):,} loaded in {seconds:.1f} s "
              f"({report.total('read') / seconds:,.0f} rows/s), snapshot and switch included")


if __name__ == "__main__":
    main()
