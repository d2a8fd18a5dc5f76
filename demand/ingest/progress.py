"""Progress of a long import: a bar on a terminal, one plain line per step in a log."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """``step(label)`` once per unit of work. ``stream=None`` is silent (tests, the app)."""

    def __init__(self, total: int, unit: str = "file", stream: TextIO | None = sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.bar = None
        if stream is not None and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, file=stream, leave=False, dynamic_ncols=True)

    def step(self, label: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(label[-60:], refresh=False)
            self.bar.update(1)
        elif self.stream is not None:
            print(f"[{self.done}/{self.total}] {label}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
