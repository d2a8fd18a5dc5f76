"""Harm weights: offence row, else the category default, else 0."""

from demand import harm
from demand.schema import CRIME_CATEGORIES


def test_every_category_has_a_default_weight():
    table = harm.load()
    defaults = set(table.loc[table["offence"].isna(), "category"])
    assert defaults == set(CRIME_CATEGORIES)


def test_categories_and_offence_pairs_are_unique():
    table = harm.load()
    assert not table.duplicated(["category", "offence"]).any()
    assert (table["weight"] >= 0).all()


def test_offence_weight_overrides_the_category_default():
    table = harm.load()
    row = table[table["offence"].notna()].iloc[0]
    assert harm.weight(row["category"], row["offence"]) == row["weight"]
    default = table[(table["category"] == row["category"]) & table["offence"].isna()]["weight"].iloc[0]
    assert harm.weight(row["category"], "an offence not in the table") == default
    assert harm.weight("Not a category") == 0.0


def test_robbery_outweighs_shoplifting():
    assert harm.weight("Robbery") > harm.weight("Shoplifting")


def test_param_has_null_for_blank_offence():
    rows = harm.param()
    assert any(r["offence"] is None for r in rows) and all(isinstance(r["weight"], float) for r in rows)
