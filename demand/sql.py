"""SQL kept in ``queries/*.sql``, one analysis per file.

Each file starts with a header the loader reads, so the file documents itself and still
runs in a DuckDB shell once the parameters are set::

    -- name: rank_victims
    -- returns: one row per victim: person_id, events, ...
    -- reads: events, persons
    -- params: $wards, $include_unwarded, $start, $end

Parameters are always named and always bound, never formatted into the text.

``reads`` says what the query touches: ``events`` (calls, crimes, missing episodes, their
links and locations), ``persons``, ``reference`` (wards, coverage, snapshot facts) or
``build`` (run only while a snapshot is built, never served). A query that reads events or
persons must take the ward set (``$wards``): the loader refuses it otherwise, so no query
can read outside the wards the read gate (demand.reader) resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from demand.config import QUERIES_DIR

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_HEADER = re.compile(r"^--\s*(name|returns|reads|params):\s*(.*)$")
# The area condition written out rather than through the in_area macro: the store passes
# $wards NULL for the whole force (every row), which only in_area reads right.
_WRITTEN_OUT_AREA = re.compile(r"list_(?:contains|has|has_any)\(\s*\$wards\b", re.IGNORECASE)
READS = ("events", "persons", "reference", "build")
SCOPED_READS = frozenset({"events", "persons"})


class QueryDefinitionError(ValueError):
    """A query file whose header does not match its text."""


@dataclass(frozen=True)
class Query:
    name: str
    returns: str
    params: frozenset[str]
    text: str
    reads: frozenset[str] = frozenset()

    @property
    def scoped(self) -> bool:
        """Whether the query reads events or persons, and so must be given a ward set."""
        return bool(self.reads & SCOPED_READS)

    def bind(self, values: dict) -> dict:
        """The values this query declares, or an error naming what is missing or extra."""
        missing = self.params - values.keys()
        extra = values.keys() - self.params
        if missing or extra:
            raise TypeError(
                f"query {self.name}: missing parameters {sorted(missing)}, "
                f"unexpected parameters {sorted(extra)}"
            )
        return dict(values)


def parse(text: str, source: str) -> Query:
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("--"):
            break
    for field in ("name", "returns", "reads", "params"):
        if field not in header:
            raise QueryDefinitionError(f"{source}: header has no '-- {field}:' line")
    reads = frozenset(r.strip() for r in header["reads"].split(",") if r.strip())
    if not reads or reads - set(READS):
        raise QueryDefinitionError(
            f"{source}: '-- reads: {header['reads']}' must list some of {', '.join(READS)}"
        )
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    declared = frozenset(_PARAM.findall(header["params"]))
    used = frozenset(_PARAM.findall(body))
    if declared != used:
        raise QueryDefinitionError(
            f"{source}: declares {sorted(declared)} but uses {sorted(used)}"
        )
    if reads & SCOPED_READS and "wards" not in declared:
        raise QueryDefinitionError(
            f"{source}: reads {', '.join(sorted(reads & SCOPED_READS))} but takes no $wards: "
            "every query over events or persons is bound to the wards the reader may see"
        )
    if _WRITTEN_OUT_AREA.search(body):
        raise QueryDefinitionError(
            f"{source}: tests a ward against $wards itself: write the area condition as "
            "in_area(ward_code, $wards, $include_unwarded) (queries/snapshot_views.sql), the one "
            "scope condition, which also reads $wards NULL as every ward"
        )
    return Query(header["name"], header["returns"], declared, text, reads)


@cache
def load(name: str, directory: Path = QUERIES_DIR) -> Query:
    path = directory / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query file {path}")
    query = parse(path.read_text(), str(path))
    if query.name != name:
        raise QueryDefinitionError(f"{path}: header names '{query.name}', file is '{name}'")
    return query


def all_names(directory: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.sql"))
