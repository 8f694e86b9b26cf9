"""The `leakward` command line: the group, its table of commands, and the console entry point.

Stage: application shell. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
configuration error, 3 internal error. Each command lives in its own module and is imported
only when it runs: `leakward --help` and `--version` load click and this table, nothing else
(tests/cli/test_startup.py), and `leakward scan` never loads SQLAlchemy or the rotators.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from leakward.core.errors import EXIT_INTERNAL, LeakwardError
from leakward.core.extras import missing_extra
from leakward.core.import_path import resolve
from leakward.core.version import __version__

# name -> (module:attribute, short help). The short help is the first paragraph of the command's
# own help, kept here so the group's help lists the commands without importing them;
# tests/cli/test_startup.py checks that each equals its command's.
COMMANDS: dict[str, tuple[str, str]] = {
    "baseline": (
        "leakward.cli.baseline:baseline",
        "Record known findings in a baseline file (use it with `leakward scan --baseline FILE`).",
    ),
    "leaks": (
        "leakward.cli.leaks:leaks",
        "Leaked secrets the registry recorded: where, since when, exposed how long.",
    ),
    "registry": (
        "leakward.cli.registry:registry",
        "The registry of issued keys: who owns a key and where it is deployed.",
    ),
    "rotate": (
        "leakward.cli.rotate:rotate",
        "Rotate a leaked KEY (entry id, public key id or fingerprint) from the registry.",
    ),
    "rotations": (
        "leakward.cli.rotations:rotations",
        "Rotations of leaked keys: list and show them, retry a stopped one, approve a waiting one.",
    ),
    "rules": ("leakward.cli.rules:rules", "List and check detection rules."),
    "scan": (
        "leakward.cli.scan:scan",
        "Scan files, directories, standard input (`-`), git history or remote logs for secrets.",
    ),
    "serve": (
        "leakward.cli.serve:serve",
        "Receive GitHub webhooks (push, workflow_run, ping), run the config's scheduled sweeps, "
        "and rotate what leaks.",
    ),
    "sweep": (
        "leakward.cli.sweep:sweep",
        "Scan what is new in every repository of an organisation since the last sweep.",
    ),
    "usage": (
        "leakward.cli.usage:usage",
        "Read providers' usage pages and flag keys used unlike their own habits.",
    ),
    "worker": (
        "leakward.cli.worker:worker",
        "Run sweep tasks (scan_repo, scan_logs, rotate_key) from a Celery broker.",
    ),
}


class LazyGroup(click.Group):
    """Subcommands from `COMMANDS`, each imported only when it runs or its own help is asked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        try:
            command = resolve(COMMANDS[cmd_name][0])
        except ModuleNotFoundError as exc:
            # A command whose module needs an extra says which one installs all it needs.
            error = missing_extra(exc, cmd_name)
            if error is None:
                raise
            raise error from None
        assert isinstance(command, click.Command)  # noqa: S101 - the table names commands
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, from the table's short help instead of each imported command."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, short_help(COMMANDS[name][1], limit)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def short_help(text: str, limit: int) -> str:
    """`text` cut to `limit` as click cuts a command's help for the group's listing."""
    return click.Command(None, help=text).get_short_help_str(limit)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leakward")
def cli() -> None:
    """Find leaked credentials and make them harmless."""


def main() -> None:
    """Console entry point: errors become a clear message and their exit code, never a trace
    that could carry file contents (LEAKWARD_DEBUG=1 shows the trace for bug reports)."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_INTERNAL)
    except LeakwardError as exc:
        click.echo(f"leakward: {exc}", err=True)
        sys.exit(exc.exit_code)
    except ModuleNotFoundError as exc:
        # Imported while a command runs (`scan --match` opening the registry).
        if (error := missing_extra(exc, None)) is None:
            _internal(exc)
        click.echo(f"leakward: {error}", err=True)
        sys.exit(error.exit_code)
    except Exception as exc:
        _internal(exc)


def _internal(exc: BaseException) -> NoReturn:
    """Exit 3 with where it broke, never the message (it could quote file contents)."""
    from leakward.settings.loader import output_settings

    if output_settings(os.environ).debug:
        traceback.print_exception(exc)
    where = traceback.extract_tb(exc.__traceback__)[-1]
    click.echo(
        f"leakward: internal error {type(exc).__name__} at {Path(where.filename).name}:"
        f"{where.lineno}; rerun with LEAKWARD_DEBUG=1 for the trace and report it",
        err=True,
    )
    sys.exit(EXIT_INTERNAL)
