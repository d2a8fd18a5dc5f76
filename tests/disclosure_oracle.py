"""What an attacker can learn from published exports, worked out independently of
demand.disclosure: each format's file is read back into facts (a figure's meaning and the text
shown), and a linear program over the full ward × street × month × category grid (scipy's
linprog, not the product's HiGHS model or its compressed atoms) gives the least and the most
each cell of a published table can be, given every fact of every format at once."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

import numpy as np
import openpyxl
from scipy.optimize import linprog

from demand.disclosure.model import ALL_CRIMES, ASB, COMPARISON, CRIMES, CURRENT
from demand.disclosure.suppression import Rule

# --- reading each format back into facts: (key, text shown) -----------------------------------------
# Keys: ("category", c, t), ("month", c, "YYYY-MM"), ("ward", code, t), ("street", (ward, street)),
# ("street", "other"), ("group", (ward, street), c, "YYYY-MM"), ("no_location", c, "YYYY-MM").


def csv_facts(content: bytes, street_of: dict) -> list[tuple]:
    facts = []
    for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig"))):
        section, item, shown = row["section"], row["item"], row["shown"]
        if section == "category":
            facts.append((("category", item, row["period"]), shown))
        elif section == "month":
            facts.append((("month", item, row["month"]), shown))
        elif section == "ward":
            facts.append((("ward", row["ward"], row["period"]), shown))
        elif section == "street":
            key = ("street", "other") if item == "All other streets and places" else \
                ("street", street_of[item, row["ward"]])
            facts.append((key, shown))
    return facts


def xlsx_facts(content: bytes, street_of: dict, current_months: list[str]) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    facts = []

    def rows(sheet):
        return [r for r in book[sheet].iter_rows(min_row=5, values_only=True) if r[0] is not None]

    for label, now, before, *_ in rows("Summary"):
        facts += [(("category", label, CURRENT), text(now)), (("category", label, COMPARISON), text(before))]
    for row in rows("Months"):
        if row[0] in (*CRIMES, ALL_CRIMES, ASB) and len(current_months) + 1 <= len(row):
            facts += [(("month", row[0], m), text(v)) for m, v in zip(current_months, row[1:]) if v is not None]
        elif isinstance(row[1], str) and row[1] in (CURRENT, COMPARISON):  # the trend: Month, Period, Crimes, ASB
            stamp = f"{_month(row[0]):%Y-%m}"
            facts += [(("month", ALL_CRIMES, stamp), text(row[2])), (("month", ASB, stamp), text(row[3]))]
    for street, ward, crimes in rows("Streets"):
        key = ("street", "other") if street == "All other streets and places" else \
            ("street", street_of[street, ward or ""])
        facts.append((key, text(crimes)))
    if "Wards" in book.sheetnames:
        for _, code, now, before, _ in rows("Wards"):
            facts += [(("ward", code, CURRENT), text(now)), (("ward", code, COMPARISON), text(before))]
    return facts


def _month(label: str) -> date:
    from datetime import datetime

    return datetime.strptime(label, "%B %Y").date()


def text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._open: list[str | None] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        cell = dict(attrs).get("data-cell")
        if tag in ("td", "span"):
            self._open.append(cell)
            if cell is not None:
                self._text = []

    def handle_endtag(self, tag):
        if tag in ("td", "span") and self._open:
            cell = self._open.pop()
            if cell is not None:
                self.cells.append((cell, "".join(self._text).strip()))

    def handle_data(self, data):
        self._text.append(data)


def html_facts(content: bytes, street_of: dict) -> list[tuple]:
    parser = _Cells()
    parser.feed(content.decode("utf-8"))
    facts = []
    for cell, shown in parser.cells:
        table, a, b = cell.split("|")
        if table == "street":
            facts.append((("street", "other") if a == "other" else ("street", street_of[a, b]), shown))
        else:
            facts.append(((table, a, b), shown))
    return facts


def police_uk_facts(content: bytes, point_of: dict) -> tuple[list[tuple], list[list[str]]]:
    """Facts from the street files: the rows of each street point, category and month, the rows
    with no location, and each month x category's rows in all (published figures). Also the rows."""
    counts: dict[tuple, int] = {}
    rows = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.endswith(".csv"):
                continue
            reader = csv.reader(io.StringIO(archive.read(name).decode("utf-8")))
            header = next(reader)
            for row in reader:
                rows.append(row)
                record = dict(zip(header, row))
                where = point_of[record["Longitude"], record["Latitude"]] if record["Longitude"] else None
                key = ("group", where, record["Crime type"], record["Month"]) if where else \
                    ("no_location", record["Crime type"], record["Month"])
                counts[key] = counts.get(key, 0) + 1
                whole = ("month", record["Crime type"], record["Month"])
                counts[whole] = counts.get(whole, 0) + 1
    return [(key, f"{n:,}") for key, n in counts.items()], rows


# --- the oracle -----------------------------------------------------------------------------------


@dataclass
class Grid:
    """The true counts: one variable per ward × street × month × category a source covers."""

    atoms: list[tuple]  # (ward, street or None, month 'YYYY-MM', category, window)
    values: np.ndarray

    def mask(self, key: tuple, named: set, located: dict) -> np.ndarray:
        kind = key[0]
        if kind == "category":
            _, c, t = key
            return np.array([(a[3] in CRIMES if c == ALL_CRIMES else a[3] == c) and a[4] == t for a in self.atoms])
        if kind == "month":
            _, c, m = key
            return np.array([(a[3] in CRIMES if c == ALL_CRIMES else a[3] == c) and a[2] == m for a in self.atoms])
        if kind == "ward":
            _, w, t = key
            return np.array([a[0] == w and a[3] in CRIMES and a[4] == t for a in self.atoms])
        if kind == "street":
            if key[1] == "other":
                return np.array([a[3] in CRIMES and a[4] == CURRENT and (a[0], a[1]) not in named for a in self.atoms])
            return np.array([(a[0], a[1]) == key[1] and a[3] in CRIMES and a[4] == CURRENT for a in self.atoms])
        if kind == "group":
            _, street, c, m = key
            return np.array([(a[0], a[1]) == street and a[3] == c and a[2] == m for a in self.atoms])
        if kind == "no_location":
            _, c, m = key
            here = located.get((c, m), set())
            return np.array([a[3] == c and a[2] == m and (a[0], a[1]) not in here for a in self.atoms])
        raise KeyError(key)


def bounds(shown: str, rule: Rule) -> tuple[float, float] | None:
    """What a shown text tells the attacker, knowing the method."""
    if shown == rule.small_mark:
        return 1, rule.threshold - 1
    if shown == "[c]":
        return rule.threshold, math.inf
    if shown in ("–", "no data"):
        return None
    value = int(shown.replace(",", ""))
    return rule.bounds(value)


def intervals(grid: Grid, facts: list[tuple], positions: list[tuple], rule: Rule, named: set, located: dict
              ) -> dict[tuple, tuple[float, float]]:
    """For each position, the least and most it can be given every fact."""
    rows, low, high = [], [], []
    for key, shown in facts:
        known = bounds(shown, rule)
        if known is None:
            continue
        rows.append(grid.mask(key, named, located).astype(float))
        low.append(known[0])
        high.append(known[1])
    matrix = np.array(rows)
    a_ub = np.vstack([matrix, -matrix])
    b_ub = np.concatenate([np.array(high), -np.array(low)])
    finite = np.isfinite(b_ub)
    a_ub, b_ub = a_ub[finite], b_ub[finite]
    out = {}
    for position in positions:
        objective = grid.mask(position, named, located).astype(float)
        ends = []
        for sign in (1, -1):
            result = linprog(sign * objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
            if result.status == 3:
                ends.append(math.inf)
                continue
            assert result.status == 0, f"the published facts contradict the data: {result.message}"
            ends.append(sign * result.fun)
        out[position] = (math.ceil(ends[0] - 1e-7), ends[1] if math.isinf(ends[1]) else math.floor(ends[1] + 1e-7))
    return out


SMALL_NUMBER = re.compile(r"^\d[\d,]*$")
