"""Writing the contract's tables: every column in contract order and type, sorted by event
time, one parquet file per table (DuckDB's writer, zstd; see STYLE.md for why)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from demand.schema import EVENT_TABLES, TABLES


def empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in TABLES[table].column_names})


def write_table(directory: Path, table: str, frame: pd.DataFrame) -> int:
    """Write one table; columns the frame lacks are written as NULL. Returns the row count."""
    spec = TABLES[table]
    frame = frame.reindex(columns=spec.column_names)
    casts = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in spec.columns)
    order = f' ORDER BY "{spec.time_column}", "{spec.key}"' if spec.time_column else (
        f' ORDER BY "{spec.key}"' if spec.key else "")
    target = Path(directory) / f"{table}.parquet"
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true; SET enable_progress_bar = false")
        con.register("rows_in", frame)
        # Paths are quoted here because COPY cannot bind a parameter; they are ours, not a user's.
        quoted = str(target).replace("'", "''")
        con.execute(f"COPY (SELECT {casts} FROM rows_in{order}) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
    return len(frame)


def coverage(months: dict[str, list[str]]) -> pd.DataFrame:
    """The coverage table: one covered row per source and month held ('YYYY-MM'). A month a
    source lacks gets no row, so every analysis names it missing rather than zero."""
    rows = [{"table_name": table, "month": pd.Timestamp(f"{month}-01").date(), "covered": True}
            for table in EVENT_TABLES for month in sorted(months.get(table, []))]
    return pd.DataFrame(rows, columns=["table_name", "month", "covered"])


def write_all(directory: Path, frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Every contract table (an absent one written empty, typed), except an optional table the
    import did not produce (powers, wanted): left out, it reads as "not held", never as zero.
    Returns rows per table written."""
    return {name: write_table(directory, name, frames.get(name, empty(name))) for name in TABLES
            if name in frames or not TABLES[name].optional}
