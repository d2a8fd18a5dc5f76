"""What a serving process does once, whatever serves it: the app (app.py, after its first page)
and the benchmark's measuring processes (demand.bench), so the benchmark times reads as a
running server makes them."""

from __future__ import annotations

import atexit
import gc

_settled = False


def settle_memory() -> None:
    """Once per process, after its first page run: collect, then freeze every object alive
    (the imported libraries, the open store) out of the garbage collector's sight. They live as
    long as the process, yet a full collection walked all of them, about 250,000 objects taking
    100-180 ms, on whichever page run happened to trigger it (the Compare page's p95 was one of
    these in every few reruns); after this a full collection walks only what came later, 10-20 ms.
    Nothing frozen is garbage (the collection just ran), so nothing is kept that would be freed."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
    # At exit the interpreter's last collection must see them again: DuckDB's bindings report
    # any of their objects still alive then as leaked, one line each.
    atexit.register(gc.unfreeze)
