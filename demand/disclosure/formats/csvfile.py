"""The summary as one tidy CSV table, its method on its face (the first rows, section 'about').

Columns: section, item, ward, period, month, count, shown, note.

* section: about | category | change | month | ward | street | missing;
* item: the category, ward, street ('On or near ...') or what an 'about' row states;
* period: current or comparison (the 'about' rows give their months); month: YYYY-MM;
* count: the published number, empty when it is not published; shown: as printed ('23', '<5',
  '[c]', '–', 'no data'); note: the change in words, or the 'about' row's text.
"""

from __future__ import annotations

import csv
import io

from demand.disclosure.formats import Output
from demand.disclosure.model import ASB, COMPARISON, CRIMES, CURRENT
from demand.disclosure.summary import Figure, Summary

COLUMNS = ["section", "item", "ward", "period", "month", "count", "shown", "note"]


def about(summary: Summary) -> list[tuple[str, str]]:
    """What every format states on its face: the area, the periods, the source and the rule."""
    rule = summary.rule
    rows = [
        ("Title", summary.title),
        ("Area", summary.area_label),
        ("Current period", f"{summary.current_label} ({summary.current[0]} to {summary.current[1]})"),
        ("Comparison period", (f"{summary.comparison_label} ({summary.comparison[0]} to {summary.comparison[1]}): "
                              f"{summary.compared_with}")),
        ("Source", summary.source),
        ("Threshold", f"counts from 1 to {rule.threshold - 1} are shown as {rule.small_mark}"),
        ("Rounding", f"to the nearest {rule.rounding}" if rule.rounding else "none: counts are exact"),
        ("Protection", f"no hidden count can be narrowed to fewer than {rule.protection} possible values"),
        ("Symbols", (f"{rule.small_mark}: 1 to {rule.threshold - 1}; [c]: withheld to protect a small figure "
                    f"({rule.threshold} or more); –: not broken down (too small); no data: the source lacks it")),
        ("Produced", f"{summary.generated:%Y-%m-%d %H:%M}"),
    ]
    rows += [("Method", note) for note in summary.notes()]
    rows += [("Missing months", text) for text in summary.missing]
    return rows


def rows(summary: Summary) -> list[dict]:
    out = [{"section": "about", "item": item, "note": text} for item, text in about(summary)]

    def figure(section: str, item: str, figure: Figure, period: str = "", month: str = "", ward: str = "") -> None:
        out.append({"section": section, "item": item, "ward": ward, "period": period, "month": month,
                    "count": figure.value if figure.value is not None else "", "shown": figure.text})

    for row in summary.categories:
        figure("category", row.label, row.now, CURRENT)
        figure("category", row.label, row.before, COMPARISON)
        out.append({"section": "change", "item": row.label, "shown": row.significance or "", "note": row.change})
    for month in summary.months:
        stamp = f"{month.month:%Y-%m}"
        figure("month", "All crimes", month.crimes, month.window, stamp)
        figure("month", ASB, month.asb, month.window, stamp)
        for category in CRIMES:
            if category in month.categories:
                figure("month", category, month.categories[category], month.window, stamp)
    for row in summary.wards:
        figure("ward", row.label, row.now, CURRENT, ward=row.key)
        figure("ward", row.label, row.before, COMPARISON, ward=row.key)
        out.append({"section": "change", "item": row.label, "ward": row.key, "shown": row.significance or "",
                    "note": row.change})
    for street in summary.streets:
        figure("street", street.label, street.figure, CURRENT, ward=street.ward)
    if summary.other_streets is not None:
        figure("street", "All other streets and places", summary.other_streets, CURRENT)
    return out


def render(summary: Summary) -> Output:
    table = rows(summary)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    # UTF-8 with a byte-order mark, so Excel reads '–' and 'ü' as they are
    return Output(buffer.getvalue().encode("utf-8-sig"), len(table))
