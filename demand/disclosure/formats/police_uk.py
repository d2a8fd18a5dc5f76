"""data.police.uk street files: a zip laid out as the data.police.uk archive is
(``YYYY-MM/YYYY-MM-<force>-street.csv``, one file per month), so it loads in any tool that reads
police.uk downloads, the project's own importer included. The rows and their protection are
``demand.disclosure.street_level``'s; a README.md in the zip states the method (tools reading
the archive skip it).

The 12 standard columns. Crime ID: a fresh random 64-hex identifier for each crime row, made
here and kept nowhere (never the force's reference, so it links to nothing); anti-social
behaviour rows have none, as on data.police.uk. Month: YYYY-MM. Reported by / Falls within: the
force's name (DEMAND_FORCE_NAME). Longitude, Latitude, Location: the street point and "On or
near <street>", or blank and "No location". LSOA code and name, Last outcome category and
Context: blank (not published by this export).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile

from demand import config
from demand.disclosure.formats import Output
from demand.disclosure.model import ASB
from demand.disclosure.summary import Summary

COLUMNS = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
           "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")


def force_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "police-force"


def month_files(summary: Summary, force: str) -> dict[str, str]:
    """{'2026-08/2026-08-<force>-street.csv': text}: one file per month with rows. A month with
    no publishable row has no file (data.police.uk never publishes an empty month); a reader
    sees it as missing, which for public purposes it is."""
    rows = summary.street_rows
    files = {}
    slug = force_slug(force)
    for month, group in rows.groupby("month", sort=True):
        stamp = f"{month:%Y-%m}"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for category, street, lat, lon in zip(group["category"], group["street"], group["lat"], group["lon"]):
            located = isinstance(street, str)
            writer.writerow([
                "" if category == ASB else secrets.token_hex(32), stamp, force, force,
                f"{lon:.6f}" if located else "", f"{lat:.6f}" if located else "",
                f"On or near {street}" if located else "No location", "", "", category, "", "",
            ])
        files[f"{stamp}/{stamp}-{slug}-street.csv"] = buffer.getvalue()
    return files


def readme(summary: Summary, force: str) -> str:
    report = summary.street_report
    lines = [f"# {summary.title}", "", (f"Street-level crime in data.police.uk's format: {summary.area_label}, "
             f"{summary.current_label}."), "",
             (f"- Rows: {report.get('rows', 0):,} ({report.get('located', 0):,} at a street point, the rest with "
             "no location)."),
             (f"- Month x type figures left out (shown as {summary.rule.small_mark} or [c] in the summary): "
             f"{report.get('figures_left_out', 0)}."),
             f"- Reported by: {force}.", "", "## Method", "",
             ("Rows are published only for a month and type of crime whose count the summary publishes, and "
             "exactly that many. A row keeps its street point only when at least "
             f"{summary.rule.threshold} rows share its street, month and type, the street holds at least 8 "
             "places, and the audit (linear programming over this file and the summary together) shows that no "
             "hidden count could be worked out from it; the rest have no location. Crime IDs are random, made "
             "for this file; outcomes, context and LSOAs are not published."), ""]
    lines += [f"- {note}" for note in summary.notes()]
    lines += [f"- {text}" for text in summary.missing]
    return "\n".join(lines) + "\n"


def render(summary: Summary) -> Output:
    if summary.street_rows is None:
        raise ValueError("the summary was built without street rows (build(..., street_rows=True))")
    force = config.force_name()
    buffer = io.BytesIO()
    stamp = summary.generated.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**month_files(summary, force), "README.md": readme(summary, force)}.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return Output(buffer.getvalue(), len(summary.street_rows))
