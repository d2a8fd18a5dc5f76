"""The shared printable document: escaping, self-contained charts, and a PDF printed from the
same HTML by Chromium."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from demand.present import document

PAGE = """{% extends "document.html" %}
{% block content %}<p>{{ sentence }}</p><div class="chart">{{ chart }}</div>{% endblock %}
{% block notes %}<p>Source: crafted test data.</p>{% endblock %}"""

MONTHS = [date(2025, m, 1) for m in range(1, 13)]


def page(sentence: str = "Burglary fell from 23 to 14", **extra) -> str:
    chart = document.monthly_chart(
        MONTHS, {"Crimes": [5, 6, 7, None, 8, 9, 1, 2, 3, 4, 5, 6]}, "Crimes per month", missing=[MONTHS[3]]
    )
    return document.render_string(PAGE, title="Abbey ward", meta={"Area": "Abbey"}, sentence=sentence,
                                  chart=chart, **extra)


def test_values_from_the_data_are_text_never_markup():
    html = page(sentence='<img src="https://example.com/x.png"> [link](https://example.com)')
    assert "<img" not in html.split("<main>")[1]
    assert "&lt;img src=&#34;https://example.com/x.png&#34;&gt;" in html


def test_a_document_asks_for_nothing_outside_itself():
    html = page()
    # No attribute may point anywhere: SVG's xmlns is a name, not a request.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html
    assert "default-src 'none'" in html  # the browser refuses anything the page might still ask for


def test_a_missing_month_is_a_gap_and_shaded_not_a_zero():
    svg = document.monthly_chart(MONTHS[:3], {"Crimes": [4, None, 6]}, "t", missing=[MONTHS[1]])
    assert "a month the source lacks" in svg
    without_gap = document.monthly_chart(MONTHS[:3], {"Crimes": [4, 5, 6]}, "t")
    assert "a month the source lacks" not in without_gap


def test_month_ticks_name_the_year():
    svg = document.monthly_chart(MONTHS, {"Crimes": list(range(12))}, "t")
    assert "2025" in svg and "Jun" in svg


@pytest.mark.skipif(document.chromium_path() is None, reason="Chromium is installed by ./dev test")
def test_the_pdf_is_the_same_page_on_a4(tmp_path: Path):
    import pypdfium2

    pdf = document.to_pdf(page())
    assert pdf.startswith(b"%PDF")
    reader = pypdfium2.PdfDocument(pdf)
    assert len(reader) == 1
    width, height = reader[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = reader[0].get_textpage().get_text_range()
    assert "Abbey ward" in text and "Burglary fell from 23 to 14" in text
    assert "Source: crafted test data." in text


def test_no_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(document, "chromium_path", lambda: None)
    with pytest.raises(document.RenderError, match="Chromium is not installed"):
        document.to_pdf(page())


def streamlit_frame_script_hash() -> str:
    """The CSP hash of the script Streamlit's frontend appends to an st.iframe page to size it,
    worked out from the installed Streamlit (its IFrame.js keeps the script in a template
    literal, the message type in a variable)."""
    import base64
    import hashlib

    import streamlit

    scripts = Path(streamlit.__file__).parent / "static" / "static" / "js"
    source = next(scripts.glob("IFrame.*.js")).read_text(encoding="utf-8")
    body = re.search(r"=`<script>(.*?)<\\/script>`", source, re.DOTALL).group(1)
    message = re.search(r"(\w+)=`(streamlit:iframe:setSize)`", source)
    body = body.replace("${" + message.group(1) + "}", message.group(2))
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()


def test_in_the_app_a_document_allows_only_streamlits_sizing_script():
    """Shown in the app, a document may run the one script that sizes its frame (by hash, as
    the installed Streamlit writes it) and nothing else; the file handed out runs none."""
    handed_out = page()
    shown = document.in_app(handed_out)
    assert document.STREAMLIT_FRAME_SCRIPT == streamlit_frame_script_hash()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', shown).group(1)
    assert policy == f"{document.POLICY}; script-src '{document.STREAMLIT_FRAME_SCRIPT}'"
    assert "script-src" not in handed_out and shown.replace(f"; script-src '{document.STREAMLIT_FRAME_SCRIPT}'", "") \
        == handed_out
    with pytest.raises(document.RenderError, match="security policy"):
        document.in_app("<html><body>not a document</body></html>")
