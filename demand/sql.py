"""SQL kept in ``queries/*.sql``, one analysis per file.

Each file starts with a header the loader reads, so the file documents itself and still
runs in a DuckDB shell once the parameters are set::

    -- name: rank_victims
    -- returns: one row per victim: person_id, events, ...
    -- params: $wards, $include_unwarded, $start, $end

Parameters are always named and always bound, never formatted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from demand.config import QUERIES_DIR

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_HEADER = re.compile(r"^--\s*(name|returns|params):\s*(.*)$")


class QueryDefinitionError(ValueError):
    """A query file whose header does not match its text."""


@dataclass(frozen=True)
class Query:
    name: str
    returns: str
    params: frozenset[str]
    text: str

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
    for field in ("name", "returns", "params"):
        if field not in header:
            raise QueryDefinitionError(f"{source}: header has no '-- {field}:' line")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    declared = frozenset(_PARAM.findall(header["params"]))
    used = frozenset(_PARAM.findall(body))
    if declared != used:
        raise QueryDefinitionError(
            f"{source}: declares {sorted(declared)} but uses {sorted(used)}"
        )
    return Query(header["name"], header["returns"], declared, text)


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
