"""The README documents the contract and the settings, and its commands exist."""

import re
from pathlib import Path

import pytest

from demand import analytics, config
from demand.access import config as access_settings
from demand.briefings import settings as briefing_settings
from demand.schema import TABLES
from demand.state import db as state_db

README = (Path(__file__).parent.parent / "README.md").read_text()


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_every_contract_column_is_documented(table):
    section = README.split(f"**`{table.name}`**", 1)
    assert len(section) == 2, f"README has no section for table {table.name}"
    body = section[1].split("**`", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \| (\w+) \|", body, flags=re.MULTILINE)
    assert documented == [(c.name, c.type) for c in table.columns]


@pytest.mark.parametrize("variable", [
    *config.ENVIRONMENT,
    access_settings.USERS_ENV, access_settings.LIVE_ENV, access_settings.IDLE_ENV, access_settings.SESSION_ENV,
    access_settings.CLI_USER_ENV, state_db.STATE_URL_ENV, state_db.STATE_DIR_ENV, state_db.AUDIT_KEY_ENV,
    *briefing_settings.ENVIRONMENT,
])
def test_every_setting_is_documented(variable):
    assert f"`{variable}`" in README


@pytest.mark.parametrize("key", [f"[{s}] {k}" for s, keys in config.FILE_KEYS.items() for k in keys])
def test_every_settings_file_key_is_documented(key):
    assert f"`{key}`" in README
    section, name = key[1:].split("] ")
    example = (Path(__file__).parent.parent / "deploy" / "demand.example.toml").read_text()
    assert f"[{section}]" in example and f"{name} = " in example  # the example file shows it too


def test_the_example_settings_file_is_valid(monkeypatch):
    example = Path(__file__).parent.parent / "deploy" / "demand.example.toml"
    for variable in config.ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    settings = config.settings(example)
    assert settings.refresh.source == "police-uk" and settings.max_age_days == 2


def test_the_daily_refresh_is_documented():
    assert "python -m demand refresh" in README and "30 4 * * *" in README
    service = (Path(__file__).parent.parent / "deploy" / "repeat-demand-refresh.service").read_text()
    timer = (Path(__file__).parent.parent / "deploy" / "repeat-demand-refresh.timer").read_text()
    assert "-m demand refresh" in service and "DEMAND_SETTINGS" in service and "OnCalendar=" in timer


def test_the_two_commands_are_the_ones_ci_runs():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "./dev run" in README and "./dev test" in README
    assert "./dev test" in ci



@pytest.mark.parametrize("command, columns", [
    ("compare", ["group", *analytics.COMPARE_COLUMNS]),
    ("rank", analytics.RANK_COLUMNS),
])
def test_the_command_line_columns_are_documented(command, columns):
    after = README.split(f"python -m demand {command} ", 1)[1]
    comment = re.search(r"# columns: (.*?)(?:\(|\n    [^ #]|\n```)", after, flags=re.DOTALL).group(1)
    documented = [c.strip() for c in re.sub(r"\n\s*#\s*", "", comment).split(",") if c.strip()]
    assert documented[: len(columns)] == columns


def test_the_scheduled_briefing_commands_are_real_commands():
    """The cron line in the README and the systemd service run commands the CLI takes."""
    import shlex

    from demand.cli import build_parser

    service = (Path(__file__).parent.parent / "deploy" / "repeat-demand-briefings.service").read_text()
    cron = next(line for line in README.splitlines() if line.startswith("30 6 * * *"))
    commands = [re.search(r"^ExecStart=\S+ -m demand (.*)$", service, flags=re.MULTILINE).group(1),
                re.search(r"-m demand (.*?) >>", cron).group(1)]
    for command in commands:
        args = build_parser().parse_args(shlex.split(command))
        assert args.command == "brief" and args.send and args.area == "force"
    assert "repeat-demand-briefings.timer" in README and "OnCalendar=" in README
