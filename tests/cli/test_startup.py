"""`leakward --help` and `--version` load click and the command table, nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from leakward.cli.main import COMMANDS, LazyGroup, cli, short_help

HEAVY = (
    "sqlalchemy",
    "boto3",
    "celery",
    "hvac",
    "nacl",
    "starlette",
    "leakward.scanner",
    "leakward.registry",
    "leakward.rotators",
)

_LOADED_AFTER = """
import json, sys
from click.testing import CliRunner
from leakward.cli.main import cli
result = CliRunner().invoke(cli, [sys.argv[1]])
assert result.exit_code == 0, result.output
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_nothing_heavy(option: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED_AFTER, option],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(done.stdout)
    heavy = [m for m in loaded if any(m == h or m.startswith(f"{h}.") for h in HEAVY)]
    assert heavy == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_tables_short_help_is_the_commands_own(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for limit in (45, 80, 200):
        table = short_help(COMMANDS[name][1], limit)
        assert table == command.get_short_help_str(limit)


def test_the_listing_is_the_one_click_makes_from_the_commands() -> None:
    class Imported(LazyGroup):
        format_commands = click.Group.format_commands  # imports each command for its help

    eager = Imported(
        name=cli.name,
        callback=cli.callback,
        params=cli.params,
        help=cli.help,
        context_settings=cli.context_settings,
    )
    runner = CliRunner()
    expected = runner.invoke(eager, ["--help"], prog_name="leakward").output
    assert runner.invoke(cli, ["--help"], prog_name="leakward").output == expected
