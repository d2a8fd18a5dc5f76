"""The summary as an Excel workbook (openpyxl): a sheet per table, the hidden figures as their
marks on a grey ground, and a Notes sheet with the method, the rule, the periods and the source."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from demand.disclosure.formats import Output
from demand.disclosure.formats.csvfile import about
from demand.disclosure.model import CRIMES, CURRENT
from demand.disclosure.summary import Figure, Summary

HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HIDDEN_FILL = PatternFill("solid", fgColor="EEEEEE")
HIDDEN_FONT = Font(italic=True, color="555555")
TITLE = Font(bold=True, size=14)
TOTAL = Font(bold=True)


def _put(sheet, row: int, column: int, figure: Figure) -> None:
    """A published count as a number; anything else as its mark, greyed."""
    cell = sheet.cell(row=row, column=column, value=figure.value if figure.value is not None else figure.text)
    if figure.value is None:
        cell.fill, cell.font = HIDDEN_FILL, HIDDEN_FONT
        cell.alignment = Alignment(horizontal="right")
    else:
        cell.number_format = "#,##0"


def _table(sheet, top: int, headings: list[str], widths: list[int]) -> None:
    for column, (heading, width) in enumerate(zip(headings, widths), start=1):
        cell = sheet.cell(row=top, column=column, value=heading)
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=top + 1, column=2)


def _heading(sheet, summary: Summary, title: str) -> int:
    sheet["A1"] = title
    sheet["A1"].font = TITLE
    sheet["A2"] = f"{summary.area_label}: {summary.current_label}, compared with {summary.compared_with} " \
                  f"({summary.comparison_label}). See the Notes sheet for the method."
    return 4


def _categories(book: Workbook, summary: Summary) -> int:
    sheet = book.active
    sheet.title = "Summary"
    top = _heading(sheet, summary, summary.title)
    _table(sheet, top, ["Type", f"Now ({summary.current_label})", f"Before ({summary.comparison_label})",
                        "Is it a real change?", "In words"], [30, 16, 16, 14, 110])
    for offset, row in enumerate(summary.categories, start=1):
        r = top + offset
        sheet.cell(row=r, column=1, value=row.label)
        _put(sheet, r, 2, row.now)
        _put(sheet, r, 3, row.before)
        sheet.cell(row=r, column=4, value={"rise": "real rise", "fall": "real fall",
                                           "no_change": "usual range"}.get(row.significance or "", "not tested"))
        sheet.cell(row=r, column=5, value=row.change)
        if row.key == "All crimes":
            for column in range(1, 6):
                sheet.cell(row=r, column=column).font = TOTAL
    return len(summary.categories)


def _months(book: Workbook, summary: Summary) -> int:
    sheet = book.create_sheet("Months")
    top = _heading(sheet, summary, "Crimes by month and type")
    current = [m for m in summary.months if m.window == CURRENT]
    _table(sheet, top, ["Type", *[f"{m.month:%b %Y}" for m in current]], [30] + [10] * len(current))
    lines = [(c, [m.categories[c] for m in current]) for c in CRIMES]
    lines += [("All crimes", [m.crimes for m in current]), ("Anti-social behaviour", [m.asb for m in current])]
    for offset, (label, figures) in enumerate(lines, start=1):
        sheet.cell(row=top + offset, column=1, value=label)
        for column, figure in enumerate(figures, start=2):
            _put(sheet, top + offset, column, figure)
    trend = top + len(lines) + 3
    sheet.cell(row=trend - 1, column=1, value="Month by month, both periods").font = TOTAL
    _table(sheet, trend, ["Month", "Period", "Crimes", "Anti-social behaviour"], [30, 12, 12, 12])
    sheet.freeze_panes = sheet.cell(row=top + 1, column=2)
    for offset, month in enumerate(summary.months, start=1):
        sheet.cell(row=trend + offset, column=1, value=f"{month.month:%B %Y}")
        sheet.cell(row=trend + offset, column=2, value=month.window)
        _put(sheet, trend + offset, 3, month.crimes)
        _put(sheet, trend + offset, 4, month.asb)
    return len(lines) + len(summary.months)


def _streets(book: Workbook, summary: Summary) -> int:
    sheet = book.create_sheet("Streets")
    top = _heading(sheet, summary, f"Busiest streets, {summary.current_label}")
    _table(sheet, top, ["Street", "Ward", "Crimes"], [40, 30, 12])
    lines = [(s.label, s.ward, s.figure) for s in summary.streets]
    if summary.other_streets is not None:
        lines.append(("All other streets and places", "", summary.other_streets))
    for offset, (label, ward, figure) in enumerate(lines, start=1):
        sheet.cell(row=top + offset, column=1, value=label)
        sheet.cell(row=top + offset, column=2, value=ward)
        _put(sheet, top + offset, 3, figure)
    return len(lines)


def _wards(book: Workbook, summary: Summary) -> int:
    sheet = book.create_sheet("Wards")
    top = _heading(sheet, summary, "Crimes by ward")
    _table(sheet, top, ["Ward", "Ward code", "Now", "Before", "In words"], [32, 12, 12, 12, 110])
    for offset, row in enumerate(summary.wards, start=1):
        sheet.cell(row=top + offset, column=1, value=row.label)
        sheet.cell(row=top + offset, column=2, value=row.key)
        _put(sheet, top + offset, 3, row.now)
        _put(sheet, top + offset, 4, row.before)
        sheet.cell(row=top + offset, column=5, value=row.change)
    return len(summary.wards)


def _notes(book: Workbook, summary: Summary) -> None:
    sheet = book.create_sheet("Notes")
    sheet["A1"] = "About this summary"
    sheet["A1"].font = TITLE
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 120
    for offset, (item, text) in enumerate(about(summary), start=3):
        sheet.cell(row=offset, column=1, value=item).font = TOTAL
        sheet.cell(row=offset, column=2, value=text).alignment = Alignment(wrap_text=True, vertical="top")


def render(summary: Summary) -> Output:
    book = Workbook()
    rows = _categories(book, summary) + _months(book, summary) + _streets(book, summary)
    if summary.wards:
        rows += _wards(book, summary)
    _notes(book, summary)
    book.properties.creator = "Repeat demand"
    book.properties.title = summary.title
    buffer = io.BytesIO()
    book.save(buffer)
    return Output(buffer.getvalue(), rows)
