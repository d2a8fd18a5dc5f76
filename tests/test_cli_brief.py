"""`python -m demand brief`: one file per ward and per district, named so a person finds theirs;
an unknown area or a date outside the data is one line and writes nothing; a document that
cannot be made is reported and the others still written; every file naming anyone is audited."""

from __future__ import annotations

import pytest

from demand.cli import main
from demand.fixtures import ABBEY
from demand.present import document
from demand.state import open_state
from tests import briefing_data

USERS = f"""
[users."abbey@force.example"]
role = "officer"
wards = ["{ABBEY}"]

[users."viewer@force.example"]
role = "viewer"
"""
needs_chromium = pytest.mark.skipif(document.chromium_path() is None, reason="./dev test installs Chromium")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return briefing_data.write(tmp_path_factory.mktemp("cli_data"))


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """One snapshot cache for the module: the data does not change between its tests."""
    return tmp_path_factory.mktemp("snapshots")


@pytest.fixture
def env(tmp_path, monkeypatch, data, snapshots):
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    monkeypatch.setenv("DEMAND_DATA", str(data))
    monkeypatch.setenv("DEMAND_CACHE", str(snapshots))
    monkeypatch.setenv("DEMAND_USERS", str(users))
    monkeypatch.setenv("DEMAND_STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    return tmp_path


def records(action: str) -> list[dict]:
    state = open_state()
    try:
        return [r for r in state.audit.records(limit=100_000) if r["action"] == action]
    finally:
        state.close()


def test_a_district_gives_a_briefing_per_ward_and_its_breakdown(env, capsys):
    out = env / "briefings"
    assert main(["brief", "--area", "Northtown", "--as-of", "2026-06-30", "--out", str(out), "--format", "html"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "2026-06-30 Abbey (E05000001) ward briefing.html",
        "2026-06-30 Beacon (E05000002) ward briefing.html",
        "2026-06-30 Northtown district breakdown.html",
    ]
    assert capsys.readouterr().out.count("briefing.html") == 2
    abbey = (out / "2026-06-30 Abbey (E05000001) ward briefing.html").read_text()
    assert "Abbey ward briefing" in abbey and "Name-PN" in abbey
    written = records("briefing file")
    assert {r["area"] for r in written} == {ABBEY, "Northtown"}  # Beacon's names no one
    assert {r["user_email"] for r in written} == {"local-command-line@localhost"}


@needs_chromium
def test_a_ward_gives_its_briefing_as_html_and_pdf(env):
    out = env / "mine"
    assert main(["--user", "abbey@force.example", "brief", "--area", ABBEY, "--as-of", "2026-06-30",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["2026-06-30 Abbey (E05000001) ward briefing.html",
                                                     "2026-06-30 Abbey (E05000001) ward briefing.pdf"]
    assert (out / "2026-06-30 Abbey (E05000001) ward briefing.pdf").read_bytes()[:5] == b"%PDF-"
    assert {r["user_email"] for r in records("briefing file")} == {"abbey@force.example"}


def test_a_viewers_files_name_no_one(env):
    out = env / "public"
    assert main(["--user", "viewer@force.example", "brief", "--area", "Northtown", "--as-of", "2026-06-30",
                 "--out", str(out), "--format", "html"]) == 0
    for path in out.iterdir():
        assert "Name-" not in path.read_text(), path.name
    assert records("briefing file") == []  # nothing personal left


@pytest.mark.parametrize("argv, fragment", [
    (["--area", "E05999999"], "unknown area 'E05999999'"),
    (["--area", "Atlantis"], "unknown area 'Atlantis'"),
    (["--area", ABBEY, "--as-of", "2031-01-01"], "as-of date 2031-01-01 is outside the data"),
    (["--area", ABBEY, "--as-of", "30/06/2026"], "'30/06/2026' is not a date"),
    (["--area", ABBEY, "--format", "docx"], "unknown format 'docx'"),
    (["--area", ABBEY, "--cadence", "0"], "cadence must be a whole number of days from 1 to 90"),
])
def test_a_bad_request_is_one_line_and_writes_nothing(env, capsys, argv, fragment):
    out = env / "never"
    assert main(["brief", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_an_officer_asking_for_another_ward_gets_one_line(env, capsys):
    out = env / "never"
    assert main(["--user", "abbey@force.example", "brief", "--area", "E05000003", "--out", str(out)]) == 2
    assert "holds no ward you may see" in capsys.readouterr().err and not out.exists()


def test_nowhere_to_put_them_is_refused(env, capsys):
    assert main(["brief", "--area", ABBEY]) == 2
    assert "say where the briefings go: --out DIR, --send, or both" in capsys.readouterr().err


def test_a_document_that_cannot_be_made_is_reported_and_the_rest_written(env, monkeypatch, capsys):
    monkeypatch.setattr(document, "chromium_path", lambda: None)
    out = env / "half"
    assert main(["brief", "--area", "Northtown", "--as-of", "2026-06-30", "--out", str(out), "--format",
                 "html,pdf"]) == 1
    err = capsys.readouterr().err
    assert err.count("cannot make a PDF: Chromium is not installed") == 3
    assert len(list(out.glob("*.html"))) == 3 and not list(out.glob("*.pdf"))


def test_the_cadence_says_who_is_new(env):
    out = env / "cadence"
    main(["brief", "--area", ABBEY, "--as-of", "2026-06-30", "--out", str(out), "--format", "html",
          "--cadence", "1"])
    html = next(out.iterdir()).read_text()
    assert "the briefing of 29 Jun 2026" in html and "NEW</span>" not in html.split("Repeat victims")[1].split(
        "Repeat offenders")[0]
