"""Rows that were not loaded, each with the file, row, field, value and reason.

An import never drops a row silently: a row is loaded, rejected (it breaks a rule of the
contract or of its source format) or a duplicate of a row already loaded. Each file's tally
reconciles exactly, ``read = loaded + rejected + duplicates``; the rejected and duplicate rows
are written to ``quarantine.csv`` in the published data directory.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path

QUARANTINE_FILE = "quarantine.csv"
QUARANTINE_COLUMNS = ("file", "row", "field", "value", "reason", "kind")


@dataclass
class FileTally:
    """What one input file contributed. ``row`` numbers in the quarantine count the header
    as row 1, as a spreadsheet shows them."""

    file: str
    kind: str  # street, outcomes, calls, crimes, ... or 'not used'
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicates: int = 0
    months: list[str] = field(default_factory=list)
    note: str = ""  # why a file was not used, or refused
    refused: bool = False

    def reconciles(self) -> bool:
        return self.read == self.loaded + self.rejected + self.duplicates

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Rejection:
    file: str
    row: int
    field: str
    value: str
    reason: str
    kind: str = "rejected"  # or 'duplicate'
    rule: str = ""  # the reason without this row's particulars, for counting rows by reason


class Quarantine:
    """Collects the rows that were not loaded and keeps each file's tally in step."""

    def __init__(self) -> None:
        self.rows: list[Rejection] = []

    def reject(self, tally: FileTally, row: int, field_name: str, value, reason: str, rule: str | None = None) -> None:
        tally.rejected += 1
        self.rows.append(Rejection(tally.file, row, field_name, _text(value), reason, "rejected",
                                   f"{field_name}: {rule or reason}"))

    def duplicate(self, tally: FileTally, row: int, field_name: str, value, reason: str) -> None:
        tally.duplicates += 1
        self.rows.append(Rejection(tally.file, row, field_name, _text(value), reason, "duplicate",
                                   f"{field_name}: a duplicate of a row already loaded"))

    def by_rule(self) -> dict[str, int]:
        """Rows per reason, most first: what the quarantine holds, at a glance."""
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.rule] = counts.get(r.rule, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def forget(self, file: str) -> None:
        """Drop the rows of a file that was refused as a whole (its own error says why)."""
        self.rows = [r for r in self.rows if r.file != file]

    def count(self, kind: str | None = None) -> int:
        return sum(1 for r in self.rows if kind is None or r.kind == kind)

    def write(self, directory: Path) -> Path:
        path = Path(directory) / QUARANTINE_FILE
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(QUARANTINE_COLUMNS)
            for r in sorted(self.rows, key=lambda r: (r.file, r.row, r.field)):
                writer.writerow([r.file, r.row, r.field, r.value, r.reason, r.kind])
        return path


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
