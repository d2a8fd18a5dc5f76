"""demand.present.wording: the one definition of verdict words and colours, and every map,
chart, legend and badge drawing from it."""

import re
from datetime import date

import pandas as pd
import pytest

from demand import dashboard, geography, stats
from demand.present import wording
from tests.markdown import read

VERDICTS = ["rise", "fall", "no_change", "no_data"]


def legend_colours(html: str) -> dict[str, str]:
    """label -> swatch colour, read back from a legend's HTML."""
    return {label.strip(): colour for colour, label in re.findall(r'data-swatch="(#[0-9A-Fa-f]{6})".*?</span>([^·<]+)', html)}


def hex_of(rgba) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgba[:3])


def test_the_vocabulary_is_the_statistics_modules():
    assert set(wording.VERDICTS) == set(stats.SIGNIFICANCE)
    colours = [wording.VERDICTS[s].colour for s in VERDICTS]
    assert len(set(colours)) == 4  # no two verdicts share a colour
    # "no data" is never drawn in a rise's colour, nor in any warm colour a rise could be read as
    assert wording.VERDICTS["no_data"].colour not in (wording.OKABE_ITO["vermillion"], wording.OKABE_ITO["orange"])


def test_the_change_map_and_its_legend_agree():
    """Issue 14: a rise was filled vermillion on the map while the legend's 'rise' was pink and
    its orange meant 'months missing'. Now both read VERDICTS."""
    codes = [f["properties"]["ward_code"] for f in geography.load_ward_boundaries()["features"][:5]]
    by_ward = pd.DataFrame({"group": codes[:4], "count": [30, 5, 12, pd.NA], "previous_count": [10, 20, 11, 3],
                            "significance": VERDICTS, "p_adjusted": [0.001, 0.01, 0.7, float("nan")]})
    deck = dashboard.change_map(dashboard.ward_boundaries(codes), by_ward)
    fills = {f["properties"]["ward_code"]: hex_of(f["properties"]["fill"])
             for f in deck.layers[0].data["features"]}
    legend = legend_colours(wording.verdict_legend_html())
    for code, significance in zip(codes, VERDICTS):
        assert fills[code] == legend[wording.VERDICTS[significance].words].upper(), significance
    assert fills[codes[4]] == legend[wording.VERDICTS["no_data"].words].upper()  # a ward with no figures


def test_the_heatmap_bars_and_badges_use_the_same_colours():
    matrix = pd.DataFrame({
        "ward_name": ["A", "A", "B", "B"], "category": ["X", "Y", "X", "Y"], "count": [30, 5, 12, pd.NA],
        "previous_count": [10, 20, 11, 3], "significance": VERDICTS, "p_adjusted": [0.001, 0.01, 0.7, float("nan")],
        "change": [20.0, -15.0, 1.0, float("nan")], "group": ["a", "b", "c", "d"]})
    heat = dashboard.significance_heatmap_figure(matrix, "t").data[0]
    scale = {round(stop * 4): colour for stop, colour in heat.colorscale[::2]}  # band start -> colour
    for (ward, category), significance in zip(zip(matrix["ward_name"], matrix["category"]), VERDICTS):
        code = heat.z[list(heat.y).index(ward)][list(heat.x).index(category)]
        assert scale[int(code)] == wording.VERDICTS[significance].colour
    bars = dashboard.change_bar_figure(matrix, "t", "g").data[0]
    drawn = dict(zip(bars.y, bars.marker.color))
    assert drawn == {"a": wording.VERDICTS["rise"].colour, "b": wording.VERDICTS["fall"].colour,
                     "c": wording.VERDICTS["no_change"].colour}
    for significance in VERDICTS:
        assert f"background:{wording.VERDICTS[significance].colour}" in wording.badge_html(significance)


def test_words_for_numbers():
    assert wording.significance_text("rise", 0.0004) == "▲ significant rise (p < 0.001)"
    assert wording.significance_text("no_change", 0.1648) == "no significant change (p = 0.165)"
    assert wording.significance_text("no_data", 0.5) == "no data for a period"
    assert wording.fmt_count(pd.NA) == "no data" and wording.fmt_count(1234) == "1,234"
    assert wording.ratio_text(1.5625, 0.802, 3.132) == "1.56× (0.80–3.13)"
    assert wording.ratio_text(float("inf"), 0.4, float("inf")) == "none before"
    assert wording.tested_text(260) == "260 changes tested; 5% false discovery rate"
    assert wording.tested_text(1, fdr=False) == "1 change tested; each at the 5% level"


@pytest.mark.parametrize("days, exposure, gaps, expected", [
    (365, 334, [("crimes", date(2025, 5, 1))], "11 of 12 months; no crime data for May 2025"),
    (90, 59, [("crimes", date(2026, 5, 1))], "59 of 90 days; no crime data for May 2026"),
    (28, 0, [("crimes", date(2026, 5, 1))], "no crime data for this period"),
    (90, 90, [], ""),
    (365, 181, [("crimes", date(2024, m, 1)) for m in range(7, 13)],
     "6 of 12 months; no crime data for July to December 2024"),
    (365, 303, [("crimes", date(2024, 12, 1)), ("crimes", date(2025, 1, 1))],
     "10 of 12 months; no crime data for December 2024 and January 2025"),
])
def test_coverage_in_plain_words(days, exposure, gaps, expected):
    assert wording.coverage_note(["crimes"], days, exposure, gaps) == expected


def test_coverage_of_several_sources_names_only_the_lacking_months():
    note = wording.coverage_note(["crimes", "calls"], 90, 74.5, [("crimes", date(2026, 5, 1))])
    assert note == "no crime data for May 2026"


# --- values from outside shown as plain text (issue 14) ------------------------------------------

HOSTILE = "**bold** [click me](https://example.com) ![x](https://example.com/x.png)"


def test_a_value_from_a_link_is_plain_text_in_markdown():
    """The issue's link parameter rendered a live link and fetched an outside image inside the
    app's own warning: every markup character is escaped, so it reads as typed."""
    shown = wording.plain(HOSTILE, limit=200)
    assert read(shown) == HOSTILE  # what a person reads is exactly what was typed
    assert "\\[click me\\]" in shown and "\\!\\[x\\]" in shown
    # GitHub's bare links are found after escapes are read: a word joiner breaks each one
    assert "https\\:\u2060//example\\.\u2060com" in shown


def test_bare_links_are_broken():
    for value in ("https://example.com", "www.example.com", "someone@example.com"):
        shown = wording.plain(value)
        assert read(shown) == value and not re.search(r"https?://|www\.|@[a-z]", shown)


@pytest.mark.parametrize("value, escaped", [
    (":red[alarm]", "\\:\u2060red\\[alarm\\]"),  # Streamlit's coloured text
    (":material/warning:", "\\:\u2060material/warning\\:\u2060"),  # Streamlit's icons
    ("$x^2$", "\\$x^2\\$"),  # maths
    ("<img src=x>", "\\<img src=x\\>"),  # HTML
    ("- list", "\\- list"),  # a list marker at the start of a line
    ("A-road 12", "A-road 12"),  # a hyphen inside a name is left alone
])
def test_each_kind_of_markup_is_escaped(value, escaped):
    assert wording.plain(value) == escaped


def test_a_long_value_is_cut_to_a_line():
    shown = wording.plain("x" * 20_000 + "\n\x1b[2J")
    assert len(shown) == wording.LONGEST_SHOWN and shown.endswith("…")
    assert wording.cut("two\nlines\tand\x00more") == "two lines and more"


def test_messages_start_with_a_capital_and_months_read_as_people_write_them():
    assert wording.sentence("no person with reference 'P1'") == "No person with reference 'P1'"
    assert wording.month_text(date(2025, 5, 1)) == "May 2025"
    assert f"{pd.Timestamp('2025-09-01'):{wording.MONTH_FORMAT}}" == "September 2025"


def test_the_repeat_lists_have_one_order():
    assert list(wording.KIND_LABELS) == ["victims", "offenders", "locations", "callers", "missing"]
