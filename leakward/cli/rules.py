"""`leakward rules list|check`: show and prove the detection rules.

Stage: application shell. Parses, loads the rules, renders; `check` runs every rule's examples
on every installed engine and exits 1 on a failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from leakward.rules.loader import load_rules
from leakward.scanner.rule_check import check_rules


@click.group()
def rules() -> None:
    """List and check detection rules."""


@rules.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="Include off-by-default rules.")
def rules_list(rule_dirs: tuple[Path, ...], show_all: bool) -> None:
    """One line per rule: id, severity, confidence, name."""
    ruleset = load_rules(rule_dirs)
    for rule in ruleset.rules:
        if rule.enabled or show_all:
            state = "" if rule.enabled else "  (off by default)"
            click.echo(f"{rule.id:<44} {rule.severity:<8} {rule.confidence:<6} {rule.name}{state}")


@rules.command("check")
@click.argument("directories", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--only", "only_custom", is_flag=True, help="Check only DIRECTORIES' rules.")
def rules_check(directories: tuple[Path, ...], only_custom: bool) -> None:
    """Validate rule files and run every rule's examples on every installed engine."""
    from leakward.scanner.engines import hyperscan_available

    ruleset = load_rules(directories, include_builtin=not only_custom or not directories)
    engines = ("hyperscan", "regex") if hyperscan_available() else ("regex",)
    failures = check_rules(ruleset, engines)
    for failure in failures:
        click.echo(str(failure), err=True)
    examples = sum(len(r.examples_match) + len(r.examples_no_match) for r in ruleset.rules)
    click.echo(
        f"{len(ruleset.rules)} rules, {examples} examples, engines: {', '.join(engines)}; "
        f"{len(failures)} failures"
    )
    if failures:
        sys.exit(1)
