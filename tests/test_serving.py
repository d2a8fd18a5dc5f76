"""A serving process settles once: what it keeps for its life is frozen out of the garbage
collector's full collections, and handed back at exit (demand.serving)."""

import subprocess
import sys

from demand import config
from demand.fixtures import ABBEY, write_extracts

SERVE_AND_EXIT = """
import sys
from pathlib import Path
from demand import serving
from demand.store import Store
store = Store(Path(sys.argv[1]), cache=Path(sys.argv[2]))
store.pin().cursor().execute("SELECT count(*) FROM crimes").fetchall()
serving.settle_memory()
"""


def test_a_settled_process_exits_without_duckdb_reporting_leaks(tmp_path):
    """DuckDB's bindings report each of their objects still alive at exit as leaked: frozen
    objects are, unless they are handed back to the collector first."""
    data = write_extracts(tmp_path / "x", crimes=[{"crime_id": "R1", "recorded_at": "2026-01-05 10:00",
                                                    "ward_code": ABBEY}])
    done = subprocess.run([sys.executable, "-c", SERVE_AND_EXIT, str(data), str(tmp_path / "snapshots")],
                          capture_output=True, text=True, timeout=120, cwd=config.PROJECT_DIR, check=False)
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stderr
