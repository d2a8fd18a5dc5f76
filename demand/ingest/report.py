"""What an import did with every row: printed at the end and kept with the data it published
(``import_report.json`` in the release), so the Data page can show the last import."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from demand.ingest.quarantine import FileTally
from demand.ingest.wards import ROUTES, UNPLACED

REPORT_FILE = "import_report.json"


@dataclass
class ImportReport:
    source: str  # 'police-uk' or 'extracts'
    inputs: list[str]
    started_at: str = field(default_factory=lambda: _now())
    finished_at: str | None = None
    published_at: str | None = None
    release: str | None = None
    files: list[FileTally] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows written per contract table
    routes: dict[str, int] = field(default_factory=dict)  # rows placed per route / unplaced reason
    districts: list[dict] = field(default_factory=list)  # the force's districts: code, name, wards
    covered: dict[str, list[str]] = field(default_factory=dict)  # source -> months covered (YYYY-MM)
    missing: dict[str, list[str]] = field(default_factory=dict)  # source -> months lacking inside the span
    not_held: list[str] = field(default_factory=list)  # sources (and persons) the input does not hold
    person_level: bool = False
    quarantined: int = 0  # rows written to quarantine.csv (rejected and duplicate rows)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)  # rows per reason
    notes: list[str] = field(default_factory=list)

    # --- totals ---------------------------------------------------------------------------

    def total(self, what: str) -> int:
        return sum(getattr(f, what) for f in self.files)

    @property
    def refused(self) -> list[FileTally]:
        return [f for f in self.files if f.refused]

    def reconciles(self) -> bool:
        return all(f.reconciles() for f in self.files)

    # --- keeping it -----------------------------------------------------------------------

    def finish(self) -> None:
        self.finished_at = _now()

    def seconds(self) -> float | None:
        if not self.finished_at:
            return None
        return (datetime.fromisoformat(self.finished_at) - datetime.fromisoformat(self.started_at)).total_seconds()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["totals"] = {k: self.total(k) for k in ("read", "loaded", "rejected", "duplicates")}
        data["seconds"] = self.seconds()
        return data

    def write(self, directory: Path) -> Path:
        path = Path(directory) / REPORT_FILE
        path.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, directory: Path) -> ImportReport | None:
        path = Path(directory) / REPORT_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["files"] = [FileTally(**f) for f in data.get("files", [])]
        return cls(**data)

    # --- saying it ------------------------------------------------------------------------

    def text(self) -> str:
        """The summary a person reads at the end of an import."""
        lines = [f"Import of {self.source} files: {len(self.files)} file(s)"]
        width = max([len(f.file) for f in self.files] + [4])
        lines.append(f"  {'file':<{width}}  {'read':>9} {'loaded':>9} {'rejected':>9} {'duplicates':>10}")
        for f in self.files:
            if f.kind == "not used" or f.refused:
                lines.append(f"  {f.file:<{width}}  {f.note}")
            else:
                lines.append(f"  {f.file:<{width}}  {f.read:>9,} {f.loaded:>9,} {f.rejected:>9,} {f.duplicates:>10,}")
        lines.append(f"  {'total':<{width}}  {self.total('read'):>9,} {self.total('loaded'):>9,} "
                     f"{self.total('rejected'):>9,} {self.total('duplicates'):>10,}")
        if self.tables:
            lines.append("Tables written: " + ", ".join(f"{t} {n:,}" for t, n in self.tables.items()))
        if self.routes:
            placed = {k: v for k, v in self.routes.items() if k in ROUTES and v}
            unplaced = {k: v for k, v in self.routes.items() if k in UNPLACED and v}
            lines.append("Rows placed in a ward: " + (", ".join(f"{ROUTES[k]}: {v:,}" for k, v in placed.items())
                                                      or "none"))
            lines.append("Rows with no ward (counted for the force only): "
                         + (", ".join(f"{UNPLACED[k]}: {v:,}" for k, v in unplaced.items()) or "none"))
        if self.districts:
            lines.append("Districts: " + ", ".join(
                f"{d['name']} ({d['code'] + ', ' if d['code'] else ''}{d['wards']} wards)" for d in self.districts))
        for source, months in self.covered.items():
            span = f"{months[0]} to {months[-1]}" if months else "none"
            gaps = self.missing.get(source) or []
            lines.append(f"Months of {source}: {span}" + (f"; missing: {', '.join(gaps)}" if gaps else ""))
        if self.not_held:
            lines.append("Not held in this input: " + ", ".join(self.not_held))
        lines.append(f"Rows in quarantine.csv: {self.quarantined:,}" + "".join(
            f"\n  {count:>9,}  {reason}" for reason, count in self.quarantine_reasons.items()))
        lines += [f"Note: {note}" for note in self.notes]
        for f in self.refused:
            lines.append(f"REFUSED {f.file}: {f.note}")
        return "\n".join(lines)


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
