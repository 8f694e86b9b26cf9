"""The GitHub Action's inputs, read from the `INPUT_*` variables the composite action passes.

Stage: application shell, for leakward.cli.action. Each input is checked here, so that a typo in
a workflow is a usage error naming the input, before anything is scanned.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click

from leakward.core.errors import UsageError
from leakward.rules.model import CONFIDENCES, SEVERITIES
from leakward.scanner.report import FORMATS


@dataclass(frozen=True, slots=True)
class ActionInputs:
    path: Path
    fmt: str
    fail_on: str | None
    config: Path | None
    rotate: bool
    baseline: Path | None = None
    min_confidence: str | None = None
    # Settings flags from the `args` input (`scan`'s own options), by setting name.
    flags: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        workspace = Path(env.get("GITHUB_WORKSPACE") or ".")
        fmt = env.get("INPUT_FORMAT", "").strip() or "text"
        if fmt not in FORMATS:
            raise UsageError(f"input format must be one of {FORMATS}, got {fmt!r}", None)
        fail_on = env.get("INPUT_FAIL_ON", "").strip() or None
        if fail_on is not None and fail_on not in SEVERITIES:
            raise UsageError(f"input fail-on must be one of {SEVERITIES}, got {fail_on!r}", None)
        min_confidence = env.get("INPUT_MIN_CONFIDENCE", "").strip() or None
        if min_confidence is not None and min_confidence not in CONFIDENCES:
            raise UsageError(
                f"input min-confidence must be one of {CONFIDENCES}, got {min_confidence!r}", None
            )
        config = env.get("INPUT_CONFIG", "").strip()
        rotate = env.get("INPUT_ROTATE", "false").strip().lower()
        if rotate not in ("true", "false"):
            raise UsageError(f"input rotate must be true or false, got {rotate!r}", None)
        baseline = env.get("INPUT_BASELINE", "").strip()
        return cls(
            path=workspace / (env.get("INPUT_PATH", "").strip() or "."),
            fmt=fmt,
            fail_on=fail_on,
            config=workspace / config if config else None,
            rotate=rotate == "true",
            baseline=workspace / baseline if baseline else None,
            flags=args_flags(env.get("INPUT_ARGS", "")),
            min_confidence=min_confidence,
        )


def args_flags(text: str) -> dict[str, object]:
    """The settings the `args` input sets: `leakward scan` options that tune the scan. Options
    that choose what to scan or how to report are the Action's own inputs, and refused."""
    from click.core import ParameterSource

    from leakward.cli.scan import SETTING_PARAMS, setting_flags
    from leakward.cli.scan import scan as scan_command

    try:
        context = scan_command.make_context("args", shlex.split(text))
    except (click.ClickException, click.exceptions.Exit, ValueError) as exc:
        message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        raise UsageError(f"input args: {message}", "see `leakward scan --help`") from None
    given = [
        name
        for name in context.params
        if context.get_parameter_source(name) is ParameterSource.COMMANDLINE
    ]
    refused = [name for name in given if name not in SETTING_PARAMS]
    if refused:
        raise UsageError(
            f"input args: {', '.join(refused)} cannot be set there",
            "args takes options that tune the scan (--enable, --disable, --rules, "
            "--max-file-size, --decode-depth, --file-timeout, --engine); what to scan and how to "
            "report are the path, format, baseline and fail-on inputs",
        )
    flags = setting_flags(context.params)
    return {setting: flags[setting] for name, setting in SETTING_PARAMS.items() if name in given}
