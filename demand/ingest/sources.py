"""Finding and reading input files, refusing the ones that are not what they claim.

Inputs are folders (walked), zip archives (their members are read in memory, never unpacked
to disk) or single files. A file that cannot be trusted as a whole (unreadable, not the
encoding or delimiter it should be, truncated, empty, a symbolic link pointing out of the
folder it was found in, a zip holding something else) raises InputError naming it; the import
then publishes nothing unless the user asked to publish the rest.

Readers yield ``(row, values)`` with ``row`` counted as a spreadsheet shows it: the header is
row 1 and every physical record after it (blank ones included) has the next number.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Self

from demand.errors import ImportFailure

# Python's csv module refuses fields over 128 KiB by default; C&C logs can be longer.
csv.field_size_limit(16 * 1024 * 1024)

TEXT_SUFFIXES = (".csv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet",)
DATA_SUFFIXES = TEXT_SUFFIXES + SHEET_SUFFIXES + PARQUET_SUFFIXES
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class InputError(ImportFailure):
    """One input file that cannot be used; the message names it."""

    def __init__(self, file: str, message: str):
        self.file = file
        self.reason = message
        super().__init__(f"{file}: {message}")


@dataclass(frozen=True)
class InputFile:
    """A file to read: on disk, or a member of a zip archive."""

    display: str  # how the user knows it: a path, or 'archive.zip:member/name.csv'
    name: str  # the base name
    _open: Callable[[], io.BufferedIOBase]
    size: int | None = None

    def open(self) -> io.BufferedIOBase:
        return self._open()

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


def on_disk(path: Path, display: str | None = None) -> InputFile:
    return InputFile(display or str(path), path.name, lambda: open(path, "rb"), path.stat().st_size)


# --- finding files --------------------------------------------------------------------------


def expand(paths: list[Path], suffixes: tuple[str, ...] = DATA_SUFFIXES, what: str = "data files"
           ) -> list[InputFile]:
    """Every data file under the given folders, zips and files, in a stable order. A zip
    holding none (``what`` names them in the error) is refused: it is not what it claims."""
    found: list[InputFile] = []
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise InputError(str(path), "does not exist")
        if path.is_dir():
            for file in walk(path):
                found += _expand_file(file, suffixes, what=what)
        else:
            found += _expand_file(path, suffixes, explicit=True, what=what)
    return found


def walk(root: Path) -> list[Path]:
    """The files under ``root``, sorted. A symbolic link must point inside ``root``: one that
    leads out of it would let an input folder pull in any file the importer can read."""
    top = root.resolve()
    files: list[Path] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(names) + [d for d in dirs if (Path(folder) / d).is_symlink()]:
            path = Path(folder) / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(top):
                    raise InputError(str(path), f"is a symbolic link to {target}, outside the input folder {root}")
                if not target.exists():
                    raise InputError(str(path), f"is a broken symbolic link (to {target})")
                if target.is_dir():
                    continue  # its files are inside root and reached directly
            if name.startswith("."):
                continue  # hidden files (editor backups, .DS_Store) are not inputs
            files.append(path)
    return files


def _expand_file(path: Path, suffixes: tuple[str, ...], explicit: bool = False, what: str = "data files"
                 ) -> list[InputFile]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        members = zip_members(path, suffixes)
        if not members:
            with zipfile.ZipFile(path) as archive:
                held = [n for n in archive.namelist() if not n.endswith("/")]
            raise InputError(str(path), f"holds no {what} (it holds: {', '.join(held[:5]) or 'nothing'}"
                                        f"{', ...' if len(held) > 5 else ''})")
        return members
    if suffix in suffixes or explicit:
        return [on_disk(path)]
    return []  # other files in a folder (README, PDFs) are not inputs


def zip_members(path: Path, suffixes: tuple[str, ...] = DATA_SUFFIXES) -> list[InputFile]:
    """The data files inside a zip archive, read in memory when opened."""
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(str(path), f"is not a readable zip archive ({error}); it may be truncated") from None
    members = []
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts:
            raise InputError(f"{path}:{info.filename}", "has a path that leads out of the archive")
        if name.suffix.lower() not in suffixes or any(p.startswith((".", "__MACOSX")) for p in name.parts):
            continue
        members.append(InputFile(f"{path}:{info.filename}", name.name, _member_opener(path, info.filename),
                                 info.file_size))
    return members


def _member_opener(path: Path, member: str) -> Callable[[], io.BufferedIOBase]:
    def open_member() -> io.BufferedIOBase:
        try:
            with zipfile.ZipFile(path) as archive:
                return io.BytesIO(archive.read(member))
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise InputError(f"{path}:{member}", f"cannot be read from the archive ({error})") from None

    return open_member


# --- reading text files ------------------------------------------------------------------------


@dataclass
class Rows:
    """A table read from a file: its header and an iterator of (row, values). Use it in a
    ``with`` block so the file is closed however the reading ends."""

    header: list[str]
    records: Iterator[tuple[int, list]]
    close: Callable[[], None] = lambda: None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        self.close()


class _Lines:
    """Lines of a text stream, remembering the last so a truncated end can be recognised."""

    def __init__(self, stream, file: InputFile, encoding: str):
        self.stream, self.file, self.encoding, self.last, self.number = stream, file, encoding, "", 0

    def __iter__(self):
        try:
            for line in self.stream:
                self.number += 1
                self.last = line
                yield line
        except UnicodeDecodeError:
            raise InputError(self.file.display, self._decode_problem()) from None

    def _decode_problem(self) -> str:
        """Where the first byte that is not this encoding's is: the stream decodes in blocks,
        so the file is read again from the start to name the line."""
        with self.file.open() as handle:
            data = handle.read()
        try:
            data.decode(self.stream.encoding)
            return f"is not {self.encoding} text"
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return (f"is not {self.encoding} text (byte 0x{data[error.start]:02x} on line {line}); "
                    f"save it as {self.encoding} or name its encoding")


def read_text(file: InputFile, encoding: str = "utf-8", delimiter: str = ",", skip_rows: int = 0) -> Rows:
    """A delimited text file: the header (after ``skip_rows`` title lines) and its records."""
    # A UTF-8 file may start with a byte order mark (Excel writes one): read past it.
    python_encoding = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        stream = io.TextIOWrapper(file.open(), encoding=python_encoding, errors="strict", newline="")
    except LookupError:
        raise InputError(file.display, f"unknown encoding {encoding!r}") from None
    lines = _Lines(stream, file, encoding)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    records = _guarded(reader, lines, file)
    try:
        header = None
        for row, values in records:
            if row <= skip_rows:
                continue
            header = [str(v).strip() for v in values]
            break
        if header is None or not any(header):
            raise InputError(file.display, "is empty" if lines.number == 0 else "has no header row")
        if len(header) == 1:
            for mark, words in OTHER_DELIMITERS.items():
                if mark in header[0] and mark != delimiter:
                    raise InputError(file.display, f"its columns are separated by {words}, not {_name(delimiter)}")
    except BaseException:
        stream.close()
        raise
    return Rows(header, _check_end(records, lines, file, len(header)), stream.close)


def _name(delimiter: str) -> str:
    return {",": "commas", **OTHER_DELIMITERS}.get(delimiter, repr(delimiter))


def _guarded(reader, lines: _Lines, file: InputFile) -> Iterator[tuple[int, list]]:
    row = 0
    try:
        for values in reader:
            row += 1
            yield row, values
    except csv.Error as error:
        text = str(error)
        if "NUL" in text or "\x00" in text:
            raise InputError(file.display, f"contains NUL bytes near line {lines.number}: not a text file") from None
        if "unexpected end of data" in text or "EOF" in text:
            raise InputError(file.display, f"ends inside a quoted field at line {lines.number}: "
                                           "the file looks truncated") from None
        raise InputError(file.display, f"is not valid CSV at line {lines.number} ({text})") from None


def _check_end(records, lines: _Lines, file: InputFile, width: int) -> Iterator[tuple[int, list]]:
    """Hold each record back by one, so the last can be checked: a file that stops mid-row
    (no final line break and too few fields) is truncated, not a short row."""
    previous = None
    for record in records:
        if previous is not None:
            yield previous
        previous = record
    if previous is not None:
        row, values = previous
        if not lines.last.endswith(("\n", "\r")) and values and len(values) < width:
            raise InputError(file.display, f"stops in the middle of row {row} ({len(values)} of {width} "
                                           "fields, no final line break): the file looks truncated")
        yield previous


# --- spreadsheets and parquet ------------------------------------------------------------------


def read_sheet(file: InputFile, sheet: str | None = None, skip_rows: int = 0) -> Rows:
    """An XLSX worksheet (the first, or the one named): header row, then its records."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with file.open() as handle:
            data = io.BytesIO(handle.read())
        book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError) as error:
        raise InputError(file.display, f"is not a readable XLSX workbook ({error or 'truncated?'})") from None
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise InputError(file.display, f"has no sheet {sheet!r} (it has: {', '.join(book.sheetnames)})")
    rows = enumerate((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True), start=1)
    for number, values in rows:
        if number > skip_rows and values and any(v is not None for v in values):
            header = ["" if v is None else str(v).strip() for v in values]
            return Rows(header, ((n, list(v)) for n, v in rows), book.close)
    book.close()
    raise InputError(file.display, "is empty: its sheet has no header row")


def read_parquet(file: InputFile, batch_rows: int = 65_536) -> Rows:
    """A parquet file: its column names, then its rows (numbered from 1, no header row)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = file.open()
    try:
        parquet = pq.ParquetFile(handle)
    except (pa.ArrowException, OSError) as error:
        handle.close()
        raise InputError(file.display, f"is not a readable parquet file ({error})") from None

    def records():
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=batch_rows):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for values in zip(*columns):
                    number += 1
                    yield number, list(values)
        except (pa.ArrowException, OSError) as error:
            raise InputError(file.display, f"cannot be read past row {number} ({error})") from None

    return Rows(list(parquet.schema_arrow.names), records(), handle.close)


def read_any(file: InputFile, encoding: str = "utf-8", delimiter: str = ",", sheet: str | None = None,
             skip_rows: int = 0) -> Rows:
    if file.suffix in SHEET_SUFFIXES:
        return read_sheet(file, sheet, skip_rows)
    if file.suffix in PARQUET_SUFFIXES:
        return read_parquet(file)
    if file.size == 0:
        raise InputError(file.display, "is empty (0 bytes)")
    return read_text(file, encoding, delimiter, skip_rows)
