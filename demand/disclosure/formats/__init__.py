"""The formats a public summary is written in. Each module renders a ``Summary`` (which holds
only published figures) to bytes:

* ``csv``: one tidy table (section, item, ward, period, month, count, shown, note), the method
  and the rule in its first rows;
* ``xlsx``: a workbook (openpyxl) with a sheet per table and a Notes sheet;
* ``html``: a one-page printable summary with charts (demand.present.document), readable
  offline and at phone width, one A4 page in print;
* ``pdf``: the same page printed by Chromium;
* ``police-uk``: data.police.uk street files, one per month, in a zip laid out as the archive is.
"""

from __future__ import annotations

from dataclasses import dataclass

from demand.errors import UsageError

FORMATS = ("csv", "xlsx", "html", "pdf", "police-uk")
SUFFIX = {"csv": ".csv", "xlsx": ".xlsx", "html": ".html", "pdf": ".pdf", "police-uk": "-police-uk.zip"}
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html": "text/html", "pdf": "application/pdf", "police-uk": "application/zip"}
LABELS = {"html": "Printable summary (HTML)", "pdf": "Printable summary (PDF)", "xlsx": "Workbook (XLSX)",
          "csv": "Table (CSV)", "police-uk": "data.police.uk street files (ZIP)"}


@dataclass(frozen=True)
class Output:
    content: bytes
    rows: int  # data rows written (table rows, or crime rows of the street files)


def check(fmt: str, rounding: bool = False) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{str(fmt)[:40]}': choose one of {', '.join(FORMATS)}")
    if fmt == "police-uk" and rounding:
        raise UsageError("rounding cannot apply to the police-uk format: its rows count every crime exactly; "
                         "export it without --round")


def render(summary, fmt: str) -> Output:
    check(fmt, bool(summary.rule.rounding))
    if fmt == "csv":
        from demand.disclosure.formats import csvfile

        return csvfile.render(summary)
    if fmt == "xlsx":
        from demand.disclosure.formats import xlsx

        return xlsx.render(summary)
    if fmt in ("html", "pdf"):
        from demand.disclosure.formats import page

        return page.render_pdf(summary) if fmt == "pdf" else page.render(summary)
    from demand.disclosure.formats import police_uk

    return police_uk.render(summary)
