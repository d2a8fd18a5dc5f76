"""The one path every import takes: stage -> import -> seal -> snapshot -> switch -> prune.

Nothing the app reads changes until the switch, a single atomic rename (``publish``). Until
then a failure (a refused file, tables that break the contract, a crash, SIGKILL) leaves the
release that was serving in place; whatever the failed run left behind is removed by the next.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from demand import config, store
from demand.errors import ImportFailure
from demand.ingest import publish
from demand.ingest.report import ImportReport, _now

# Fault injection for the kill tests (tests/test_ingest_refresh.py): when this names a step,
# the import stops there, says so on stderr and waits to be killed.
STOP_AT_ENV = "DEMAND_TEST_STOP_AT"
STEPS = ("staged", "imported", "sealed", "snapshot", "linked", "switched")


def checkpoint(step: str) -> None:
    if os.environ.get(STOP_AT_ENV) == step:
        print(f"stopped at {step}", file=sys.stderr, flush=True)
        time.sleep(3600)


class ContractFailure(ImportFailure):
    """The tables an import wrote break the contract (a bug in a mapping, usually)."""


def publish_import(out: Path, write: Callable[[Path], ImportReport], keep: int | None = None) -> ImportReport:
    """Run ``write(directory)`` (an importer writing the contract's tables, quarantine and
    report into ``directory``), then publish the result at ``out`` whole."""
    out = Path(out).absolute()
    keep = keep or config.settings().releases_kept
    publish.check_target(out)
    with publish.lock(out):
        publish.prune(out, keep)  # what an interrupted run left behind
        staging = publish.stage(out)
        checkpoint("staged")
        try:
            report = write(staging)
            checkpoint("imported")
            release = publish.seal(staging)
        except BaseException:
            publish.discard(staging)
            raise
        checkpoint("sealed")
        try:
            store.prepare(release)  # the app serves the new data at once, and it is checked
            checkpoint("snapshot")
            report.release = release.name
            report.published_at = _now()
            report.write(release)
            _switch(out, release)
        except store.ExtractError as error:
            publish.discard(release)
            raise ContractFailure(f"the imported tables break the contract, so nothing was published:\n{error}") \
                from None
        except BaseException:
            if publish.current(out) != release:
                publish.discard(release)
            raise
        checkpoint("switched")
        publish.prune(out, keep)
    return report


def _switch(out: Path, release: Path) -> None:
    if os.environ.get(STOP_AT_ENV) == "linked":
        # Stop with the new link made under its temporary name, before the rename.
        temporary = out.parent / f".{out.name}.switch-{os.getpid()}"
        os.symlink(os.path.relpath(release, out.parent), temporary)
        checkpoint("linked")
    publish.switch(out, release)


def serving(out: Path) -> str:
    """'release <name>' or 'nothing yet', for messages after a failure."""
    now = publish.current(Path(out).absolute())
    return f"release {now.name}" if now else "nothing yet"
