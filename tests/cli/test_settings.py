"""The settings model: one loader, flag > environment > config file > default, documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leakward.core.errors import ConfigError
from leakward.settings.catalogue import SETTINGS
from leakward.settings.loader import load_settings
from leakward.settings.model import Schedule, Settings
from leakward.settings.reference import handed_down_table, settings_table
from leakward.settings.work import WorkSettings

ROOT = Path(__file__).resolve().parents[2]


def test_a_flag_beats_the_environment_which_beats_the_file(tmp_path: Path) -> None:
    config = tmp_path / "leakward.toml"
    config.write_text('db = "sqlite:///file.db"\nfail_on = "high"\n', encoding="utf-8")
    environ = {"LEAKWARD_DB": "sqlite:///env.db"}
    assert load_settings(config).registry.db == "sqlite:///file.db"
    assert load_settings(config, environ).registry.db == "sqlite:///env.db"
    flagged = load_settings(config, environ, {"registry.db": "sqlite:///flag.db"})
    assert flagged.registry.db == "sqlite:///flag.db"
    assert flagged.scan.fail_on == "high"
    assert load_settings(config, {}, {"scan.fail_on": "low"}).scan.fail_on == "low"


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(None, {}, discover_in=tmp_path)
    assert settings == Settings()
    assert settings.sweep.schedules is None


def test_list_flags_add_to_the_files(tmp_path: Path) -> None:
    config = tmp_path / "leakward.toml"
    config.write_text('rules = ["mine"]\nenable = ["test-mode"]\n', encoding="utf-8")
    scan = load_settings(config, {}, {"scan.rules": (Path("extra"),), "scan.enable": ()}).scan
    assert scan.rules == (tmp_path / "mine", Path("extra"))
    assert scan.enable == ("test-mode",)


def test_no_color_counts_when_set_even_empty() -> None:
    assert load_settings(None, {"NO_COLOR": ""}).output.no_color
    assert not load_settings(None, {"LEAKWARD_DEBUG": ""}).output.debug
    assert load_settings(None, {"LEAKWARD_DEBUG": "1"}).output.debug


def test_pyproject_table_and_schedules_are_read_once(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.leakward]\nfail_on = "medium"\n[[tool.leakward.schedule]]\norg = "acme"\n'
        'cron = "0 * * * *"\n',
        encoding="utf-8",
    )
    settings = load_settings(None, {}, discover_in=tmp_path)
    assert settings.scan.fail_on == "medium"
    assert settings.sweep.schedules == (Schedule("acme", "0 * * * *"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = true\n", "unknown settings"),
        ('fail_on = "nope"\n', "fail_on must be one of"),
        ("decode_depth = [1]\n", "wrong type"),
        ("max_fetch_age_hours = 0\n", "must be above 0"),
    ],
)
def test_bad_files_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "leakward.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_docs_list_every_setting() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert settings_table() in page, "run: python -m leakward.settings.reference"
    assert handed_down_table() in page
    for setting in SETTINGS:
        assert f"`{setting.path}`" in page


def test_work_settings_carry_credentials_in_memory_only() -> None:
    """The worker's environment goes with its settings to the work, never into the JSON that a
    broker or the scheduler's job store keeps."""
    token = "ghp_" + "k" * 36
    settings = WorkSettings(db_url="sqlite:///r.db", environ={"GITHUB_TOKEN": token})
    sent = settings.to_json()
    assert "environ" not in sent
    assert token not in json.dumps(sent)
    assert token not in repr(settings)
    received = WorkSettings.from_json(sent, {"GITHUB_TOKEN": "other"})
    assert received == settings  # credentials are not part of what the settings are
    assert received.environ == {"GITHUB_TOKEN": "other"}
    assert WorkSettings.from_json(sent).environ == {}
