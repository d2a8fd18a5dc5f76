"""The plan, assess and wdd commands: the register from the command line, the assessment as JSON,
HTML and PDF, the analyst's calculator, and one-line errors with exit status 2."""

from __future__ import annotations

import json

import pytest

from demand import fixtures
from demand.cli import main
from demand.fixtures import ABBEY, CASTLE
from demand.present import document
from demand.state import open_state


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return fixtures.plan_place_extracts(tmp_path_factory.mktemp("cli_plans") / "data", target=(40, 10),
                                        buffer=(20, 20), control=(200, 200))


@pytest.fixture
def run(data, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    monkeypatch.setenv("DEMAND_STATE_URL", url)
    monkeypatch.setenv("DEMAND_CACHE", str(tmp_path / "snap"))
    monkeypatch.chdir(tmp_path)
    users = tmp_path / "users.toml"
    users.write_text(f'[users."abbey@force.example"]\nrole = "officer"\nwards = ["{ABBEY}"]\n'
                     f'[users."castle@force.example"]\nrole = "officer"\nwards = ["{CASTLE}"]\n')
    monkeypatch.setenv("DEMAND_USERS", str(users))

    def _run(*args):
        code = main(["--data", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    _run.url = url
    return _run


CREATE = ("plan", "create", "--title", "Burglary at LT", "--kind", "location", "--target", "LT", "--ward", ABBEY,
          "--response-date", fixtures.PLAN_RESPONSE, "--response", "Target hardening")


def test_wdd_prints_the_published_example():
    """Wheeler & Ratcliffe (2018): WDD -118, SE 39.6, z -2.98, 95% interval -196 to -40."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["wdd", "--treated", "207", "110", "--control", "308", "318", "--displacement", "178", "157",
                     "--displacement-control", "150", "140"])
    text = out.getvalue()
    assert code == 0
    assert "WDD                                            -118.0   SE 39.6" in text
    assert "z = -2.98" in text and "95% interval: -195.6 to -40.4" in text
    assert "Weighted Displacement Quotient (Bowers & Johnson 2003): 0.258: a diffusion of benefits" in text


def test_wdd_json_and_where_the_wdq_is_not_defined(capsys):
    assert main(["wdd", "--treated", "20", "25", "--control", "100", "100", "--displacement", "10", "5",
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == (25 - 20) + (5 - 10) and result["wdq"] is None
    assert "did not fall" in result["wdq_undefined_reason"]
    assert main(["wdd", "--treated", "20", "5", "--control", "100", "90"]) == 0
    assert "not defined: give --displacement" in capsys.readouterr().out
    assert main(["wdd", "--treated", "-3", "5", "--control", "100", "90"]) == 2
    assert "treated: counts must be 0 or more" in capsys.readouterr().err


def test_a_plan_from_creation_to_closing(run):
    code, out, _ = run(*CREATE)
    assert code == 0 and out.strip() == f"plan 1 created: Burglary at LT (location, 1 targets, ward {ABBEY})"
    code, out, _ = run("plan", "list", "--format", "json")
    listed = json.loads(out)
    assert [(p["id"], p["status"], p["targets"], p["district"]) for p in listed] == [(1, "open", 1, "Northtown")]
    assert run("plan", "update", "1", "--status", "under assessment", "--version", "1")[0] == 0
    code, _, err = run("plan", "update", "1", "--title", "stale", "--version", "1")
    assert code == 2 and "was changed by local-command-line@localhost" in err
    code, out, _ = run("plan", "show", "1")
    assert "status: under assessment" in out and "v2" in out and "updated: status" in out
    assert run("plan", "close", "1", "--assessment", "Fell and stayed down")[0] == 0
    code, out, _ = run("plan", "show", "1", "--format", "json")
    shown = json.loads(out)
    assert shown["plan"]["status"] == "closed" and [h["action"] for h in shown["history"]] == [
        "created", "updated", "closed"]
    assert run("plan", "list", "--status", "open", "--format", "csv")[1].strip().count("\n") == 0


def test_bad_plans_are_refused_in_one_line_and_nothing_is_written(run):
    for args, message in (
        (("--title", ""), "title: a plan needs a title"),
        (("--target", "LNOWHERE"), "no place 'LNOWHERE'"),
        (("--response-date", "2999-01-01"), "is in the future"),
    ):
        replaced = list(CREATE)
        index = replaced.index(args[0])
        replaced[index + 1] = args[1]
        code, _out, err = run(*replaced)
        assert code == 2 and err.startswith("error: ") and message in err and "Traceback" not in err
    state = open_state(run.url)
    assert state.plans.list() == []
    state.close()


def test_an_officer_sees_only_their_wards_plans(run):
    assert run("--user", "abbey@force.example", *CREATE)[0] == 0
    code, _, err = run("--user", "castle@force.example", "plan", "show", "1")
    assert code == 2 and "there is no plan 1" in err
    code, out, _ = run("--user", "castle@force.example", "plan", "list", "--format", "csv")
    assert out.strip() == "id,title,kind,ward_code,district,owner,status,response_date,targets,updated_at,updated_by"


def test_assess_as_json_html_and_pdf(run, tmp_path):
    run(*CREATE)
    code, out, _ = run("assess", "1", "--window", "90d", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["stage"] == "final"
    assert (result["target"]["before"], result["target"]["after"]) == (40, 10)
    assert result["wdd"]["total"] == -30 and result["wdq"] == 0
    assert result["verdict"].startswith("Demand fell, by more than the control explains")
    code, out, _ = run("assess", "1", "--window", "90d", "--as-of", "2026-02-14", "--format", "json")
    assert json.loads(out)["stage"] == "interim" and json.loads(out)["days"] == 45
    code, out, _ = run("assess", "1", "--window", "90d", "--format", "html", "--out", "page.html")
    page = (tmp_path / "page.html").read_text()
    assert "Plan 1: Burglary at LT" in page and "Target hardening" in page
    state = open_state(run.url)
    download = state.audit.records(action="download", limit=1)[0]
    assert download["ids"] == '["LT"]' and '"file_name":"page.html"' in download["params"]
    state.close()
    if document.chromium_path() is None:
        pytest.skip("Chromium is installed by ./dev test")
    code, out, _ = run("assess", "1", "--window", "90d", "--format", "pdf")
    name = "plan-1-final-assessment-2026-06-30.pdf"
    assert code == 0 and out.strip() == f"wrote {name}"
    import pypdfium2

    pdf = pypdfium2.PdfDocument((tmp_path / name).read_bytes())
    try:
        assert len(pdf) == 1  # one page
        text = pdf[0].get_textpage().get_text_range()
        assert "Plan 1: Burglary at LT" in text and "Weighted Displacement Difference" in text
    finally:
        pdf.close()


def test_assess_refuses_what_it_cannot_do(run):
    run(*CREATE[:-4])  # no response date
    code, _, err = run("assess", "1")
    assert code == 2 and "has no response date" in err
    code, _, err = run("assess", "7")
    assert code == 2 and "there is no plan 7" in err
    code, _, err = run("assess", "1", "--window", "fortnight")
    assert code == 2
