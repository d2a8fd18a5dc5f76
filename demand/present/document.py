"""Printable documents: one HTML page a person reads on a phone or prints on A4, and the same
page as a PDF.

Exports, ward briefings and plan assessments are all documents of this kind, so they share
one base template (``templates/document.html``: system fonts only, a phone-width layout, A4
print rules), one way to draw a chart into the page (inline SVG from matplotlib, so the file
needs no script and no network), and one renderer to PDF. The PDF is Chromium printing the
very same HTML, so the two never differ.

    html = document.render("briefing.html", title="...", ...)   # a template that extends document.html
    pdf_bytes = document.to_pdf(html)
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHROMIUM = "/usr/bin/chromium"
PDF_TIMEOUT_SECONDS = 60
# A document forbids every script (its Content-Security-Policy). Inside the app, st.iframe
# appends one script of its own to size the frame to its content (Streamlit's frontend,
# IFrame.js); without it the frame is a guess that scrolls inside the page, which is hard work on
# a phone. The app's copy of a document allows that one script by its hash and nothing else.
# tests/test_present_document.py works the hash out from the installed Streamlit, so an upgrade
# that changes the script fails there rather than quietly leaving frames unsized.
STREAMLIT_FRAME_SCRIPT = "sha256-DDFiVuFZGZu7dauH2HVkuyGeSeHw5ZgKt70bMpVHIwk="
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every value from the data is text, never markup
    undefined=jinja2.StrictUndefined,  # a missing value is a bug, not an empty cell
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.globals["policy"] = Markup(POLICY)  # our own text: its quotes stay quotes


class RenderError(RuntimeError):
    """The PDF could not be made (no Chromium, or Chromium failed), or a page is not one of
    these documents; the message says which."""


def template_dirs(*extra: Path) -> None:
    """Let a package keep its own templates beside its code (they may extend document.html)."""
    _environment.loader = jinja2.ChoiceLoader(
        [_environment.loader] + [jinja2.FileSystemLoader(str(d)) for d in extra]
    )


def render(template: str, **context) -> str:
    """The named template rendered with ``context``; values are escaped as text."""
    return _environment.get_template(template).render(**context)


def render_string(source: str, **context) -> str:
    return _environment.from_string(source).render(**context)


# --- charts -----------------------------------------------------------------------------------

# Okabe-Ito, as on the pages: distinguishable with the common forms of colour blindness.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MISSING_SHADE = "#999999"


def _svg(figure) -> Markup:
    """The figure as inline SVG markup, its text kept as text (searchable, and crisp in print)."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG sits inside HTML
    return Markup(svg)


def _figure(width_in: float, height_in: float):
    import matplotlib

    matplotlib.use("Agg")  # no display; set here so importing this module costs nothing
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
    })
    return plt.subplots(figsize=(width_in, height_in))


def monthly_chart(
    months: Sequence[date],
    series: Mapping[str, Sequence[float | None]],
    title: str,
    missing: Sequence[date] = (),
    y_label: str = "Events per month",
    marker: date | None = None,
    marker_label: str = "",
) -> Markup:
    """Lines of monthly counts, one per series. A month in ``missing`` is shaded and its
    value drawn as a gap (pass None for it): a month the source lacks is never a zero.
    ``marker`` draws a vertical line (a plan's response date, say)."""
    figure, axes = _figure(7.0, 2.4)
    positions = list(range(len(months)))
    for (label, values), colour in zip(series.items(), SERIES_COLOURS):
        ys = [float("nan") if v is None else float(v) for v in values]
        axes.plot(positions, ys, label=label, color=colour, linewidth=1.8, marker="o", markersize=2.5)
    missing_set = set(missing)
    for position, month in zip(positions, months):
        if month in missing_set:
            axes.axvspan(position - 0.5, position + 0.5, color=MISSING_SHADE, alpha=0.25, linewidth=0)
    if marker is not None:
        before = [p for p, m in zip(positions, months) if m <= marker]
        if before:
            axes.axvline(before[-1], color="#000000", linestyle="--", linewidth=1)
            if marker_label:
                axes.annotate(marker_label, (before[-1], 1), xycoords=("data", "axes fraction"),
                              xytext=(3, -10), textcoords="offset points", fontsize=8)
    step = max(1, -(-len(months) // 12))
    ticks = positions[::step]
    axes.set_xticks(ticks, [_month_tick(months[p], p == ticks[0]) for p in ticks])
    axes.set_ylim(bottom=0)
    axes.set_ylabel(y_label)
    axes.set_title(title)
    if len(series) > 1:
        axes.legend(frameon=False, ncols=len(series), loc="upper left", bbox_to_anchor=(0, -0.18))
    if missing_set & set(months):
        axes.annotate("Shaded: a month the source lacks (not a zero)", (0, 0), xycoords="figure fraction",
                      xytext=(4, 2), textcoords="offset points", fontsize=7.5, color="#555555")
    return _svg(figure)


def _month_tick(month: date, first: bool) -> str:
    """'Jan' with the year under it on January and on the first tick, so a year is always named."""
    return f"{month:%b}\n{month:%Y}" if first or month.month == 1 else f"{month:%b}"


def change_chart(labels: Sequence[str], before: Sequence[float | None], after: Sequence[float | None],
                 title: str, before_label: str = "Before", after_label: str = "Now") -> Markup:
    """Paired horizontal bars, before and now, one pair per label (top to bottom as given)."""
    height = 0.9 + 0.28 * max(1, len(labels))
    figure, axes = _figure(7.0, height)
    rows = list(range(len(labels)))[::-1]
    width = 0.38
    clean = [[float("nan") if v is None else float(v) for v in values] for values in (before, after)]
    axes.barh([r + width / 2 for r in rows], clean[0], height=width, color="#BBBBBB", label=before_label)
    axes.barh([r - width / 2 for r in rows], clean[1], height=width, color=SERIES_COLOURS[0], label=after_label)
    axes.set_yticks(rows, list(labels))
    axes.set_title(title)
    axes.legend(frameon=False, ncols=2, loc="lower right", bbox_to_anchor=(1, 1))
    return _svg(figure)


def in_app(page: str) -> str:
    """The document as the app shows it in ``st.iframe(page, height="content")``: the same
    page, its policy allowing only Streamlit's frame-sizing script. Files handed out keep the
    policy that allows no script."""
    if POLICY not in page:
        raise RenderError("the page is not a document of this module (its security policy was not found)")
    return page.replace(POLICY, f"{POLICY}; script-src '{STREAMLIT_FRAME_SCRIPT}'", 1)


# --- PDF ---------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    return found


def to_pdf(html: str) -> bytes:
    """The HTML printed to PDF by headless Chromium (A4 unless the page's CSS says otherwise).

    The page is loaded from a temporary file with networking switched off: a document must be
    complete in itself, and printing it must not call any host."""
    browser = chromium_path()
    if browser is None:
        raise RenderError("cannot make a PDF: Chromium is not installed (./dev run installs it); "
                          "the HTML version holds the same content")
    with tempfile.TemporaryDirectory(prefix="demand-pdf-") as work:
        page, out = Path(work) / "document.html", Path(work) / "document.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", f"--user-data-dir={Path(work) / 'profile'}",
            # Chromium takes a proxy it can never reach, so the page cannot call any host.
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--no-pdf-header-footer", "--print-to-pdf-no-header",
            f"--print-to-pdf={out}", page.as_uri(),
        ]
        try:
            finished = subprocess.run(command, check=False, capture_output=True, timeout=PDF_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise RenderError(f"cannot make a PDF: Chromium took longer than {PDF_TIMEOUT_SECONDS} s") from None
        if not out.exists() or out.stat().st_size == 0:
            detail = finished.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise RenderError(f"cannot make a PDF: Chromium exited with {finished.returncode} ({detail[0]})")
        return out.read_bytes()
