"""Settings: the environment, then the settings file, then the defaults; a mistake in the file
is named with its key."""

from __future__ import annotations

import pytest

from demand import config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for variable in config.ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


def write(tmp_path, text: str):
    path = tmp_path / "demand.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_settings_file(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEFAULT_SETTINGS_FILE", tmp_path / "demand.toml")  # absent: optional
    settings = config.settings()
    assert settings.file is None and settings.data_dir == config.DEFAULT_DATA_DIR
    assert settings.max_age_days == 2 and settings.releases_kept == 2 and settings.refresh is None
    assert config.cache_dir(tmp_path / "data") == tmp_path / "data" / ".snapshots"
    monkeypatch.setenv(config.SETTINGS_ENV, str(tmp_path / "absent.toml"))
    with pytest.raises(config.SettingsError, match="absent.toml does not exist"):
        config.settings()  # named explicitly, so its absence is an error


def test_the_file_is_read_with_paths_relative_to_it(tmp_path):
    path = write(tmp_path, '[data]\ndir = "served"\nmax_age_days = 3.5\n\n'
                           '[refresh]\nsource = "extracts"\npaths = ["inbox"]\nmapping = "map.toml"\n')
    settings = config.settings(path)
    assert settings.data_dir == tmp_path / "served" and settings.max_age_days == 3.5
    assert settings.refresh.paths == (tmp_path / "inbox",) and settings.refresh.mapping == tmp_path / "map.toml"


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, '[data]\ndir = "served"\nmax_age_days = 3\n')
    monkeypatch.setenv(config.SETTINGS_ENV, str(path))
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "other"))
    monkeypatch.setenv(config.MAX_AGE_ENV, "0.5")
    assert config.data_dir() == tmp_path / "other" and config.max_age_days() == 0.5
    assert config.data_dir(tmp_path / "given") == tmp_path / "given"  # --data wins over all


def test_the_data_directory_is_not_resolved(tmp_path, monkeypatch):
    (tmp_path / "release").mkdir()
    (tmp_path / "data").symlink_to(tmp_path / "release")
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    assert config.data_dir() == tmp_path / "data"  # the link an import switches, not its target


@pytest.mark.parametrize("text, message", [
    ("[datas]\ndir = 'x'\n", r"unknown section \[datas\]"),
    ("[data]\ndirectory = 'x'\n", r"unknown setting \[data\] directory; known: dir, cache"),
    ("[data]\nmax_age_days = 'two'\n", r"\[data\] max_age_days must be a positive number"),
    ("[refresh]\nsource = 'ftp'\npaths = ['x']\n", r"\[refresh\] source must be one of police-uk, extracts"),
    ("[refresh]\nsource = 'police-uk'\n", r"\[refresh\] paths must list"),
    ("[data\n", "not valid TOML"),
])
def test_mistakes_name_the_file_and_the_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(config.SettingsError, match=message) as raised:
        config.settings(path)
    assert str(raised.value).startswith(str(path))


def test_the_plans_review_limit_comes_from_the_environment_or_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEFAULT_SETTINGS_FILE", tmp_path / "absent.toml")
    assert config.plan_open_days() == 180
    path = write(tmp_path, "[plans]\nopen_days = 90\n")
    monkeypatch.setenv(config.SETTINGS_ENV, str(path))
    assert config.plan_open_days() == 90
    monkeypatch.setenv(config.PLAN_OPEN_DAYS_ENV, "45")
    assert config.plan_open_days() == 45
    monkeypatch.setenv(config.PLAN_OPEN_DAYS_ENV, "soon")
    with pytest.raises(config.SettingsError, match="DEMAND_PLAN_OPEN_DAYS='soon' is not a whole number"):
        config.plan_open_days()
