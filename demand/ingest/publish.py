"""Publishing imported data whole: versioned releases behind one symbolic link.

The data directory the app reads (``DEMAND_DATA``, ``--out``) is a symbolic link to one
release, a directory that is never changed once published::

    data            -> data.releases/20250301T030000-123456   (the link the app reads)
    data.releases/
        20250301T030000-123456/ crimes.parquet, ..., import_report.json, quarantine.csv, .snapshots/
        20250228T030000-654321/ the previous release, kept for rollback
        .published              the releases the link has pointed at, one name a line
        .lock                   held while an import runs

Why a link: renaming a directory over a non-empty one is not possible on POSIX, and removing
the old one first leaves a moment with no data. A new link is made under a temporary name and
renamed over the old link with ``os.replace``, which is atomic: a reader resolves either the
old release or the new one, never a mixture and never nothing.

An import writes into ``<id>.partial`` and renames it to ``<id>`` once complete; only then is
the link switched. A process killed at any point (SIGKILL included) leaves the link on the old
release; its leftovers are removed by the next import, which holds the lock (an advisory
``flock``, released by the kernel when its holder dies).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from demand.errors import ImportFailure

PARTIAL = ".partial"
PUBLISHED_LOG = ".published"


class PublishError(ImportFailure):
    """The data directory cannot be published to; the message says why and what to do."""


def releases_dir(out: Path) -> Path:
    return out.parent / f"{out.name}.releases"


def current(out: Path) -> Path | None:
    """The release the link points at, or None when nothing is published yet."""
    if not out.is_symlink():
        return None
    return (out.parent / os.readlink(out)).resolve()


def releases(out: Path) -> list[Path]:
    """Published releases, oldest first (names sort by time)."""
    folder = releases_dir(out)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and not p.name.endswith(PARTIAL))


def published(out: Path) -> list[Path]:
    """Releases the link has pointed at (the one serving included), oldest first. A release
    that never was (an import killed after sealing it, before the switch) is not listed."""
    log = releases_dir(out) / PUBLISHED_LOG
    names = set(log.read_text().split()) if log.is_file() else set()
    serving = current(out)
    return [r for r in releases(out) if r.name in names or r == serving]


def check_target(out: Path) -> None:
    """The data directory must be our link, absent, or an empty directory: never overwrite a
    directory of extracts someone put there by hand."""
    if out.is_symlink():
        target = current(out)
        if target is None or target.parent != releases_dir(out).resolve():
            raise PublishError(f"{out} is a symbolic link to {os.readlink(out)}, not to a release in "
                               f"{releases_dir(out)}: give --out a new path")
        return
    if out.is_dir():
        if any(out.iterdir()):
            raise PublishError(f"{out} is a directory of files, not a published data link: imports publish "
                               f"through a link so a refresh is atomic. Give --out a new path (for example "
                               f"{out.parent / (out.name + '-imported')}), or move {out} away")
        return
    if out.exists():
        raise PublishError(f"{out} is a file, not a data directory")


@contextmanager
def lock(out: Path) -> Iterator[None]:
    """One import at a time per data directory."""
    folder = releases_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as handle:  # closing releases the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another import into {out} is running (lock {folder / '.lock'})") from None
        yield


def stage(out: Path) -> Path:
    """A new, empty directory for the next release, named by time so releases sort in the
    order they were made (later than every release there, even within one microsecond)."""
    folder = releases_dir(out)
    latest = max((p.name.removesuffix(PARTIAL) for p in folder.iterdir() if not p.name.startswith(".")),
                 default="")
    moment = datetime.now()
    while (name := f"{moment:%Y%m%dT%H%M%S-%f}") <= latest:
        moment += timedelta(microseconds=1)
    path = folder / f"{name}{PARTIAL}"
    path.mkdir(parents=True)
    return path


def seal(partial: Path) -> Path:
    """The staged directory, complete: give it its release name."""
    release = partial.with_name(partial.name.removesuffix(PARTIAL))
    os.replace(partial, release)
    _fsync_dir(release.parent)
    return release


def switch(out: Path, release: Path) -> None:
    """Point the data directory at ``release``, atomically."""
    if out.is_dir() and not out.is_symlink():
        out.rmdir()  # check_target allowed only an empty directory
    temporary = out.parent / f".{out.name}.switch-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(release, out.parent), temporary)
    os.replace(temporary, out)
    _fsync_dir(out.parent)
    with open(releases_dir(out) / PUBLISHED_LOG, "a", encoding="utf-8") as log:
        log.write(release.name + "\n")


def rollback(out: Path) -> Path:
    """Point the data directory back at the release before the current one."""
    now = current(out)
    older = [r for r in published(out) if now is None or r.name < now.name]
    if not older:
        raise PublishError(f"{out} has no earlier release to roll back to")
    switch(out, older[-1])
    return older[-1]


def prune(out: Path, keep: int = 2) -> list[Path]:
    """Remove what interrupted imports left (partial and never-published releases, temporary
    links) and all published releases but the one serving and the ``keep - 1`` newest others
    (kept for rollback). Call while holding the lock."""
    serving = current(out)
    folder = releases_dir(out)
    kept = published(out)
    others = [r for r in kept if r != serving]
    doomed = [p for p in folder.glob(f"*{PARTIAL}")]
    doomed += [r for r in releases(out) if r not in kept]
    doomed += others[: max(0, len(others) - (keep - 1))]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    for link in out.parent.glob(f".{out.name}.switch-*"):
        link.unlink(missing_ok=True)
    fresh = folder / f"{PUBLISHED_LOG}.new"
    fresh.write_text("".join(f"{r.name}\n" for r in published(out)), encoding="utf-8")
    os.replace(fresh, folder / PUBLISHED_LOG)  # a kill mid-write leaves the old log whole
    return doomed


def discard(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: a power cut after it cannot bring the old name back."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
