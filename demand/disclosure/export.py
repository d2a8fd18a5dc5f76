"""An export, end to end: read the counts through the gate as the user, protect them, render
a format, record the export, hand the file over. The Export page and ``python -m demand
export`` both go through here.

    request = Request("E05010458", window="90d", baseline="previous", format="xlsx")
    summary, output, name = produce(reader, request)      # read as the user, protect, render
    log_export(state, user, wards, request, summary, output, name)   # AuditWriteError: hand nothing out
    export_file(reader, state, request, path)             # the command line: all of it, the file
                                                          # written beside its place, then renamed
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from demand import access, areas, config
from demand.access import User
from demand.disclosure import formats, model
from demand.disclosure.summary import Inputs, Summary, build
from demand.disclosure.suppression import Rule
from demand.errors import UsageError
from demand.present import document
from demand.reader import Reader, wards_text
from demand.state import Export, State
from demand.windows import WHOLE_MONTHS, months_before, months_year_earlier, parse_date, whole_months

BASELINES = ("previous", "last_year")


@dataclass(frozen=True)
class Request:
    area: str
    window: str = "90d"
    as_of: date | None = None
    baseline: str = "previous"
    format: str = "html"
    threshold: int = 5
    rounding: bool = False

    def rule(self) -> Rule:
        try:
            return Rule(threshold=self.threshold, rounding=5 if self.rounding else 0)
        except ValueError as error:
            raise UsageError(str(error)) from None

    def check(self) -> None:
        """Everything that needs no data: window, baseline, format, threshold, rounding."""
        if self.window not in WHOLE_MONTHS:
            raise UsageError(f"unknown window '{areas.shown(self.window)}' for an export: choose one of "
                             f"{', '.join(WHOLE_MONTHS)}")
        if self.baseline not in BASELINES:
            raise UsageError(f"unknown baseline '{areas.shown(self.baseline)}': choose one of {', '.join(BASELINES)}")
        formats.check(self.format, rounding=self.rounding)
        self.rule()


def may_export(reader: Reader) -> None:
    if not access.may(reader.user, "exports"):
        raise UsageError(f"exports are for analysts; {reader.user.email} is a {reader.user.role}")


def _area_kind(reader: Reader, area: str | None) -> tuple[str, str]:
    """('ward' | 'district' | 'force', a label for the output)."""
    table = reader.all_wards()
    scope = reader.scope(area)
    wanted = (area or areas.FORCE).strip()
    if wanted.lower() == areas.FORCE:
        named = config.force_name() != config.DEFAULT_FORCE_NAME
        return "force", config.force_name() if named else "the whole force area"
    if wanted in set(table["ward_code"]):
        ward = table[table["ward_code"] == wanted].iloc[0]
        return "ward", f"{ward['ward_name']} ward, {ward['district']}"
    return "district", scope.label


def summarise(reader: Reader, request: Request, street_rows: bool = False) -> Summary:
    """The protected summary of ``request`` read as ``reader``'s user (analysts only)."""
    inputs = read_inputs(reader, request, street_level=True if street_rows else None)
    return build(inputs, request.rule(), street_rows=street_rows)


def read_inputs(reader: Reader, request: Request, street_level: bool | None = None) -> Inputs:
    """Everything a summary is built from, read through the gate as ``reader``'s user (analysts
    only): the counts of the two windows of whole months, the months the sources lack, and for
    the street-level file (``street_level``; by default when ``request.format`` is police-uk)
    the counts by street and month and the street points. Private: only ``build`` sees it."""
    if street_level is None:
        street_level = request.format == "police-uk"
    request.check()
    may_export(reader)
    first, last = reader.call("data_range")
    as_of = parse_date(request.as_of) if request.as_of is not None else last
    if not first <= as_of <= last:
        raise UsageError(f"as-of date {as_of} is outside the data, which runs from {first} to {last}")
    current = whole_months(request.window, as_of)
    comparison = months_before(current) if request.baseline == "previous" else months_year_earlier(current)
    kind, label = _area_kind(reader, request.area)
    scope = reader.scope(request.area)
    gaps = frozenset(
        (table, month)
        for span in (current, comparison)
        for table, month in zip(*_columns(reader.call("coverage_gaps", first=span.start, last=span.end)))
    )
    names = reader.wards().set_index("ward_code")["ward_name"].to_dict()
    ordered = tuple(sorted(scope.wards, key=lambda w: (names.get(w, w), w)))
    tables = model.Scope(ordered, scope.include_unwarded, current, comparison, gaps, ward_rows=kind != "ward")
    spans = {"start": current.start, "end": current.end, "prev_start": comparison.start, "prev_end": comparison.end}
    if street_level:
        counts = reader.call("export_counts", request.area, **spans)
        points = reader.call("street_points", request.area)
    else:  # the tables need only sums, summed in the query (a district's year: 19,000 rows, not 211,000)
        counts = model.read_totals(tables, reader.call("export_totals", request.area, crimes=model.CRIMES, **spans))
        points = None
    return Inputs(
        area=request.area, area_label=label, area_kind=kind, window=request.window, baseline=request.baseline,
        as_of=as_of, scope=tables, ward_names=names, counts=counts, points=points,
        source=f"{_source_name()} recorded crime and calls for service, data to {last:%d %B %Y}",
    )


def _columns(gaps: pd.DataFrame) -> tuple[list[str], list[date]]:
    return gaps["table_name"].tolist(), [pd.Timestamp(m).date() for m in gaps["month"]]


def _source_name() -> str:
    name = config.force_name()
    return name if name != config.DEFAULT_FORCE_NAME else "The force's"


def file_name(summary: Summary, fmt: str) -> str:
    """'crime-summary-abbey-ward-2026-08-to-2026-10.xlsx' (the area and the months, no person)."""
    slug = re.sub(r"[^a-z0-9]+", "-", summary.area_label.lower()).strip("-")[:60] or "area"
    span = f"{summary.current[0]:%Y-%m}-to-{summary.current[1]:%Y-%m}"
    return f"crime-summary-{slug}-{span}{formats.SUFFIX[fmt]}"


def log_export(state: State, user: User, wards: str, request: Request, summary: Summary, output: formats.Output,
               name: str) -> int:
    """Append the export (and its audit record) to the export log: who, the area and the wards
    read, the months, the format, the file name, the rows. Raises AuditWriteError when it cannot
    be written: then the file must not be handed out."""
    return state.exports.append(Export(
        user_email=user.email, user_role=user.role, area=request.area or areas.FORCE,
        window=f"{request.window} ({summary.current[0]:%Y-%m} to {summary.current[1]:%Y-%m}, "
               f"against {summary.comparison[0]:%Y-%m} to {summary.comparison[1]:%Y-%m})",
        format=request.format, file_name=name, rows=output.rows, wards=wards, as_of=summary.as_of.isoformat(),
    ))


def render_file(inputs: Inputs, request: Request, summary: Summary | None = None) -> tuple[Summary, formats.Output]:
    """The file's bytes in ``request.format``; the street-level file builds its rows here."""
    if summary is None or (request.format == "police-uk" and summary.street_rows is None):
        summary = build(inputs, request.rule(), street_rows=request.format == "police-uk")
    try:
        return summary, formats.render(summary, request.format)
    except document.RenderError as error:
        raise UsageError(str(error)) from None


def produce(reader: Reader, request: Request) -> tuple[Summary, formats.Output, str]:
    """The summary, the file's bytes in ``request.format`` and a file name (the area and the
    months, never a person)."""
    summary, output = render_file(read_inputs(reader, request), request)
    return summary, output, file_name(summary, request.format)


def prepare_target(path: Path | str) -> Path:
    """Check that the output path can be written before any work is done."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise UsageError(f"cannot write {target}: it is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {target}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write {target}: the folder {folder} is not writable")
    return target


@contextmanager
def staged(path: Path, content: bytes) -> Iterator[Path]:
    """Write ``content`` to a temporary file beside ``path``; rename it into place when the block
    ends well, remove it otherwise. A failure (the export log refusing, a full disk) leaves no
    partial file, and an older file of that name untouched."""
    target = prepare_target(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    try:
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; the file is for handing out
        except OSError as error:
            raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
        yield target
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def export_file(reader: Reader, state: State, request: Request, path: Path | str) -> tuple[Summary, formats.Output]:
    """The command line's export: check the path, make the file, record it in the export log
    (AuditWriteError: no file), then put it in place."""
    target = prepare_target(path)
    summary, output, _ = produce(reader, request)
    with staged(target, output.content):
        log_export(state, reader.user, wards_text(reader.scope(request.area)), request, summary, output, target.name)
    return summary, output
