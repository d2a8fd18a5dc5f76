"""Progress of a long import: a bar on a terminal, one plain line per file in a log."""

from __future__ import annotations

import io

from demand.ingest.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_the_output_is_a_log():
    log = io.StringIO()
    progress = Progress(2, stream=log)
    progress.step("a.csv")
    progress.step("b.csv")
    progress.close()
    assert log.getvalue() == "[1/2] a.csv\n[2/2] b.csv\n"


def test_a_bar_on_a_terminal():
    terminal = Terminal()
    progress = Progress(4, stream=terminal)
    progress.step("a.csv")
    progress.close()
    shown = terminal.getvalue()
    assert "\r" in shown and "/4 [" in shown and "[1/4] a.csv" not in shown  # a redrawn bar, not lines


def test_silent_without_a_stream():
    progress = Progress(1, stream=None)
    progress.step("a.csv")  # nothing to show, nothing raised
    progress.close()
