"""The property the exports must have, over random small data: no published cell of any format
reveals a count under the threshold, directly or by subtraction from totals, ward rows, the
other period, the months or the streets, even with every format of the same export at hand.

Each format's file is read back (tests/disclosure_oracle.py) and an independent linear program
over the full ward × street × month × category grid says how far an attacker who knows the
method can narrow each cell of each published table."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from demand.disclosure import formats, model
from demand.disclosure.model import ALL_CRIMES, ASB, CATEGORIES, COMPARISON, CRIMES, CURRENT
from demand.disclosure.summary import Inputs, build
from demand.disclosure.suppression import Rule
from demand.windows import months_before, months_overlapped, months_year_earlier, whole_months
from tests import disclosure_oracle as oracle

AS_OF = date(2026, 10, 31)
STREET_NAMES = ["Mill Lane", "Church Street", "Station Road", "High Street"]
WARD_NAMES = ["Abbey", "Beacon", "Castle"]
CODES = ["E05900001", "E05900002", "E05900003"]


@st.composite
def exports(draw):
    """Random small data for one export: 1 to 3 wards (a district when more than one), up to 3
    streets each, a few categories with counts skewed small, sometimes a month the crime source
    lacks, a threshold of 3 or 5, sometimes rounding to 5."""
    n_wards = draw(st.integers(1, 3))
    wards = CODES[:n_wards]
    streets = {w: draw(st.lists(st.sampled_from(STREET_NAMES), max_size=3, unique=True)) for w in wards}
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4, unique=True))
    baseline = draw(st.sampled_from(["previous", "last_year"]))
    current = whole_months("90d", AS_OF)
    comparison = months_before(current) if baseline == "previous" else months_year_earlier(current)
    months = months_overlapped(comparison) + months_overlapped(current)
    gap = draw(st.sampled_from([None, None, *months]))
    count = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 14))
    rows = []
    for w in wards:
        for street in [*streets[w], None]:
            for m in months:
                for c in categories:
                    n = draw(count)
                    if n:
                        rows.append({"ward_code": w, "street": street, "month": m, "category": c, "count": n})
    counts = pd.DataFrame(rows, columns=["ward_code", "street", "month", "category", "count"])
    gaps = frozenset({("crimes", gap)} if gap else set())
    covered = [(model.source_of(c), m) not in gaps for c, m in zip(counts["category"], counts["month"])]
    counts = counts[pd.Series(covered, index=counts.index, dtype=bool)]
    points = pd.DataFrame([{"ward_code": w, "street": s, "places": 12, "lat": 52.6 + 0.01 * i, "lon": -1.1 - 0.01 * j}
                           for i, w in enumerate(wards) for j, s in enumerate(streets[w])],
                          columns=["ward_code", "street", "places", "lat", "lon"])
    threshold = draw(st.sampled_from([3, 5]))
    rounding = draw(st.sampled_from([0, 0, 5]))
    scope = model.Scope(tuple(wards), False, current, comparison, gaps, ward_rows=n_wards > 1)
    names = dict(zip(CODES, WARD_NAMES))
    inputs = Inputs(area="Testshire" if n_wards > 1 else wards[0], area_label="Testshire", area_kind="district"
                    if n_wards > 1 else "ward", window="90d", baseline=baseline, as_of=AS_OF, scope=scope,
                    ward_names=names, counts=counts.reset_index(drop=True), points=points, source="Crafted data")
    return inputs, Rule(threshold=threshold, rounding=rounding), streets


def grid(inputs: Inputs, streets: dict) -> oracle.Grid:
    scope, atoms, values = inputs.scope, [], []
    true = {(r.ward_code, r.street if isinstance(r.street, str) else None, r.month, r.category): r.count
            for r in inputs.counts.itertuples()}
    for t in (CURRENT, COMPARISON):
        for m in scope.months(t):
            for c in CATEGORIES:
                if not scope.covered(m, c):
                    continue
                for w in scope.wards:
                    for s in [*streets[w], None]:
                        atoms.append((w, s, f"{m:%Y-%m}", c, t))
                        values.append(true.get((w, s, m, c), 0))
    return oracle.Grid(atoms, pd.Series(values).to_numpy())


def positions(inputs: Inputs, streets: dict) -> list[tuple]:
    """Every cell of every published table, and every street point × category × month group."""
    scope = inputs.scope
    out = [("category", c, t) for c in (*CATEGORIES, ALL_CRIMES) for t in (CURRENT, COMPARISON)]
    out += [("month", c, f"{m:%Y-%m}") for m in scope.months(CURRENT) for c in (*CRIMES, ALL_CRIMES, ASB)]
    out += [("month", c, f"{m:%Y-%m}") for m in scope.months(COMPARISON) for c in (ALL_CRIMES, ASB)]
    if scope.ward_rows:
        out += [("ward", w, t) for w in scope.wards for t in (CURRENT, COMPARISON)]
    out += [("street", (w, s)) for w in scope.wards for s in streets[w]]
    out += [("group", (w, s), c, f"{m:%Y-%m}") for w in scope.wards for s in streets[w] for c in CATEGORIES
            for m in scope.months(CURRENT)]
    return out


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking these takes many minutes
@given(case=exports())
def test_no_format_reveals_a_small_count_even_all_together(case):
    inputs, rule, streets = case
    street_rows = not rule.rounding
    summary = build(inputs, rule, street_rows=street_rows)
    names = inputs.ward_names
    street_of = {(f"On or near {s}", names[w] if inputs.scope.ward_rows else ""): (w, s)
                 for w in inputs.scope.wards for s in streets[w]}
    current_months = [f"{m:%Y-%m}" for m in inputs.scope.months(CURRENT)]
    by_format = {
        "csv": oracle.csv_facts(formats.render(summary, "csv").content, street_of),
        "xlsx": oracle.xlsx_facts(formats.render(summary, "xlsx").content, street_of, current_months),
        "html": oracle.html_facts(formats.render(summary, "html").content, street_of),
    }
    located: dict = {}
    if street_rows:
        point_of = {(f"{lon:.6f}", f"{lat:.6f}"): (w, s) for w, s, lat, lon in
                    zip(inputs.points["ward_code"], inputs.points["street"], inputs.points["lat"], inputs.points["lon"])}
        by_format["police-uk"], _ = oracle.police_uk_facts(formats.render(summary, "police-uk").content, point_of)
        for key, _ in by_format["police-uk"]:
            if key[0] == "group":
                located.setdefault((key[2], key[3]), set()).add(key[1])

    # Every format that shows a figure shows the same text.
    seen: dict = {}
    for fmt, facts in by_format.items():
        for key, shown in facts:
            assert seen.setdefault(key, (fmt, shown))[1] == shown, (key, fmt, shown, seen[key])
    # No format prints a count under the threshold.
    for fmt, facts in by_format.items():
        for key, shown in facts:
            if oracle.SMALL_NUMBER.match(shown):
                assert not rule.is_small(int(shown.replace(",", ""))), (fmt, key, shown)

    # Nothing under the threshold can be worked out, from all the formats together.
    full = grid(inputs, streets)
    named = {(w, s) for w, s in (street_of[k] for k in street_of) if any(
        key == ("street", (w, s)) for key in seen)}
    everything = [(key, shown) for facts in by_format.values() for key, shown in facts]
    for key, shown in everything:  # every figure printed is true (as the method says it reads)
        truth = int(full.values[full.mask(key, named, located)].sum())
        known = oracle.bounds(shown, rule)
        assert known is None or known[0] <= truth <= known[1], (key, shown, truth)
    wanted = []
    for position in positions(inputs, streets):
        truth = int(full.values[full.mask(position, named, located)].sum())
        if rule.is_small(truth) and full.mask(position, named, located).any():
            wanted.append((position, truth))
    found = oracle.intervals(full, everything, [p for p, _ in wanted], rule, named, located)
    for position, truth in wanted:
        low, high = found[position]
        assert low <= truth <= high, (position, truth, (low, high))
        assert high - low + 1 >= rule.protection, (position, truth, (low, high), rule)


def test_the_oracle_catches_a_lone_hidden_cell():
    """The oracle is not blind: hiding one small count among published totals is caught."""
    rule = Rule()
    current = whole_months("90d", AS_OF)
    scope = model.Scope((CODES[0],), False, current, months_before(current), frozenset(), ward_rows=False)
    atoms = [(CODES[0], None, f"{m:%Y-%m}", c, t) for t in (CURRENT, COMPARISON)
             for m in scope.months(t) for c in ("Burglary", "Drugs")]
    values = [3 if (a[3], a[2], a[4]) == ("Burglary", "2026-08", CURRENT) else 0 for a in atoms]
    full = oracle.Grid(atoms, pd.Series(values).to_numpy())
    facts = [(("month", "Burglary", "2026-08"), "<5"), (("month", "Burglary", "2026-09"), "0"),
             (("month", "Burglary", "2026-10"), "0"), (("category", "Burglary", CURRENT), "3")]
    (interval,) = oracle.intervals(full, facts, [("month", "Burglary", "2026-08")], rule, set(), {}).values()
    assert interval == (3, 3)


@pytest.mark.parametrize("threshold", [3, 5])
def test_a_district_of_small_wards_is_protected(threshold):
    """One fixed hard case beside the random ones: three wards whose crimes are nearly all small."""
    current = whole_months("90d", AS_OF)
    comparison = months_before(current)
    rows = [{"ward_code": w, "street": s, "month": m, "category": c, "count": n}
            for (w, s, c, n) in [(CODES[0], "Mill Lane", "Burglary", 2), (CODES[1], None, "Burglary", 1),
                                 (CODES[2], "High Street", "Drugs", 6), (CODES[0], None, "Drugs", 1)]
            for m in months_overlapped(current)[:2] + months_overlapped(comparison)[1:]]
    counts = pd.DataFrame(rows)
    points = pd.DataFrame([{"ward_code": CODES[0], "street": "Mill Lane", "places": 9, "lat": 52.6, "lon": -1.1},
                           {"ward_code": CODES[2], "street": "High Street", "places": 9, "lat": 52.7, "lon": -1.2}])
    scope = model.Scope(tuple(CODES), False, current, comparison, frozenset(), ward_rows=True)
    inputs = Inputs("Testshire", "Testshire", "district", "90d", "previous", AS_OF, scope,
                    dict(zip(CODES, WARD_NAMES)), counts, points, "Crafted data")
    summary = build(inputs, Rule(threshold=threshold), street_rows=True)
    assert summary.narrowest >= Rule(threshold=threshold).protection
    shown = [f.text for row in summary.categories + summary.wards for f in (row.now, row.before)]
    assert not any(text.isdigit() and 1 <= int(text) < threshold for text in shown)


def test_a_street_point_that_would_give_away_a_small_group_is_not_given():
    """Worked by hand. One ward, one type (burglary). Mill Lane: 6 in August, 2 in September, none in
    October; elsewhere 5 in September. The summary names Mill Lane (8 crimes) and publishes August
    6, September 7, October 0. If the street file put August's 6 rows at Mill Lane's point, Mill
    Lane's 8 - 6 = 2 others would have to be in September (October is 0): a small group given away.
    So August's rows keep no point (and nothing else can be worked out)."""
    current = whole_months("90d", AS_OF)
    aug, sep = months_overlapped(current)[:2]
    counts = pd.DataFrame([
        {"ward_code": CODES[0], "street": "Mill Lane", "month": aug, "category": "Burglary", "count": 6},
        {"ward_code": CODES[0], "street": "Mill Lane", "month": sep, "category": "Burglary", "count": 2},
        {"ward_code": CODES[0], "street": None, "month": sep, "category": "Burglary", "count": 5},
    ])
    points = pd.DataFrame([{"ward_code": CODES[0], "street": "Mill Lane", "places": 9, "lat": 52.6, "lon": -1.1}])
    scope = model.Scope((CODES[0],), False, current, months_before(current), frozenset(), ward_rows=False)
    inputs = Inputs(CODES[0], "Abbey ward", "ward", "90d", "previous", AS_OF, scope, dict(zip(CODES, WARD_NAMES)),
                    counts, points, "Crafted data")
    summary = build(inputs, Rule(), street_rows=True)
    assert [(s.label, s.figure.text) for s in summary.streets] == [("On or near Mill Lane", "8")]
    burglary = {f"{m.month:%Y-%m}": m.categories["Burglary"].text for m in summary.months if m.window == CURRENT}
    assert burglary == {"2026-08": "6", "2026-09": "7", "2026-10": "0"}
    assert summary.street_report["located"] == 0 and summary.street_report["rows"] == 13
