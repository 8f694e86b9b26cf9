"""Where each setting comes from: its config key, environment variable, flags and default.

Stage: application shell. One row per field of the settings model; the loader resolves every
row the same way (flag > environment > config file > default) and docs/configuration.md is
rendered from these rows (`python -m leakward.settings.reference`), so the three cannot drift.
Variables that other layers read from the environment handed to them are listed in
`HANDED_DOWN`, for the documentation only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leakward.core.errors import ConfigError
from leakward.rules.model import CONFIDENCES, SEVERITIES
from leakward.settings.model import (
    DEFAULT_API,
    FILE_TIMEOUT_SECONDS,
    JOB_BUDGET_SECONDS,
    JOB_WORKERS,
    MAX_FETCH_AGE_HOURS,
    SPOOL_MAX_MB,
)

# A config value and the file it came from -> the setting's value; raises ConfigError, or
# TypeError/ValueError for a value of the wrong type.
FileParser = Callable[[object, Path], object]


def _text(value: object, _path: Path) -> object:
    return str(value)


def _text_or_none(value: object, _path: Path) -> object:
    return str(value) if value else None


def _whole(value: object, _path: Path) -> object:
    if not isinstance(value, int | float | str):
        raise TypeError(f"expected a whole number, not {type(value).__name__}")
    return int(value)


def _texts(value: object, _path: Path) -> object:
    return tuple(str(item) for item in _items(value))


def _paths(value: object, path: Path) -> object:
    return tuple(path.parent / str(item) for item in _items(value))


def _path_or_none(value: object, path: Path) -> object:
    return path.parent / str(value) if value else None


def _items(value: object) -> list[object]:
    if isinstance(value, list | tuple | str):
        return list(value)
    raise TypeError(f"expected a list, not {type(value).__name__}")


def _severity(value: object, path: Path) -> object:
    if str(value) not in SEVERITIES:
        raise ConfigError(f"{path}: fail_on must be one of {SEVERITIES}", None)
    return str(value)


def _confidence(value: object, path: Path) -> object:
    if str(value) not in CONFIDENCES:
        raise ConfigError(
            f"{path}: min_confidence must be one of {CONFIDENCES}", "medium is the default"
        )
    return str(value)


def _hours(value: object, path: Path) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{path}: max_fetch_age_hours must be a number of hours", None)
    if not value > 0:
        raise ConfigError(f"{path}: max_fetch_age_hours must be above 0", "24 is a day")
    return float(value)


def _positive_whole(value: object, path: Path) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{path}: webhook_job_workers must be a whole number from 1", "try 2")
    return value


def _megabytes(value: object, path: Path) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{path}: webhook_spool_max_mb must be a whole number from 1", "try 256")
    return value


def _seconds(value: object, path: Path) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigError(f"{path}: webhook_job_budget_seconds must be above 0", "900 is 15 min")
    return float(value)


def _seconds_or_zero(value: object, path: Path) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{path}: file_timeout_seconds must be 0 or more", "0 turns it off")
    return float(value)


@dataclass(frozen=True, slots=True)
class Setting:
    """One field of the model (`section.name`) and the places a user can set it."""

    section: str
    name: str
    default: object
    help: str
    key: str | None = None  # in leakward.toml, or [tool.leakward] in pyproject.toml
    parse: FileParser = _text
    env: str | None = None
    # True: the variable counts when set at all, even empty (NO_COLOR); else when non-empty.
    env_is_flag: bool = False
    flags: str = ""  # for the documentation: the options and the commands that have them
    # True: flag values are added to the file's (extra rule directories), not put in their place.
    extends: bool = False

    @property
    def path(self) -> str:
        return f"{self.section}.{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "scan",
        "rules",
        (),
        "Directories (or files) of extra YAML rules, relative to the config file.",
        key="rules",
        parse=_paths,
        flags="`--rules` (scan)",
        extends=True,
    ),
    Setting(
        "scan",
        "gitleaks_config",
        None,
        "Also load the rules of this gitleaks TOML config.",
        key="gitleaks_config",
        parse=_path_or_none,
        flags="`--gitleaks-config` (scan)",
    ),
    Setting(
        "scan",
        "fail_on",
        "low",
        "Exit 1 when a finding is at least this severe.",
        key="fail_on",
        parse=_severity,
        flags="`--fail-on` (scan); Action input `fail-on`",
    ),
    Setting(
        "scan",
        "min_confidence",
        "medium",
        "Run only rules at least this confident (high, medium, low); low adds weak generic ones.",
        key="min_confidence",
        parse=_confidence,
        flags="`--min-confidence` (scan); Action input `min-confidence`",
    ),
    Setting(
        "scan",
        "max_file_size_mb",
        256,
        "Skip files larger than this many MiB.",
        key="max_file_size_mb",
        parse=_whole,
        flags="`--max-file-size` (scan)",
    ),
    Setting(
        "scan", "exclude", (), "Glob patterns of paths not to scan.", key="exclude", parse=_texts
    ),
    Setting(
        "scan",
        "enable",
        (),
        "Off-by-default rules, providers or tags to turn on.",
        key="enable",
        parse=_texts,
        flags="`--enable` (scan)",
        extends=True,
    ),
    Setting(
        "scan",
        "disable",
        (),
        "Rules, providers or tags to turn off.",
        key="disable",
        parse=_texts,
        flags="`--disable` (scan)",
        extends=True,
    ),
    Setting(
        "scan",
        "engine",
        "auto",
        "Matching engine: auto, hyperscan or regex.",
        key="engine",
        flags="`--engine` (scan)",
    ),
    Setting(
        "scan",
        "decode_depth",
        2,
        "How many nested encodings to look through.",
        key="decode_depth",
        parse=_whole,
        flags="`--decode-depth` (scan)",
    ),
    Setting(
        "scan",
        "file_timeout_seconds",
        FILE_TIMEOUT_SECONDS,
        "Seconds one file may take; past it the file is reported as not scanned (0: no limit).",
        key="file_timeout_seconds",
        parse=_seconds_or_zero,
        flags="`--file-timeout` (scan)",
    ),
    Setting(
        "registry",
        "db",
        None,
        "Registry database URL; unset, a SQLite file in the user data directory.",
        key="db",
        parse=_text_or_none,
        env="LEAKWARD_DB",
        flags="`--db` (scan, registry, rotate, sweep, worker, serve)",
    ),
    Setting(
        "sweep",
        "api_url",
        DEFAULT_API,
        "GitHub API the org sweep and its workers call.",
        env="GITHUB_API_URL",
        flags="`--api-url` (sweep, worker)",
    ),
    Setting(
        "sweep",
        "broker",
        None,
        "Celery broker (a Redis URL) of `leakward worker`, and "
        "where `serve` sends its webhook jobs; `sweep` queues to one only with `--broker`.",
        env="LEAKWARD_BROKER",
        flags="`--broker` (sweep, worker, serve)",
    ),
    Setting(
        "sweep",
        "max_fetch_age_hours",
        MAX_FETCH_AGE_HOURS,
        "A re-sweep fetches a mirror "
        "whose last fetch is older than this even when GitHub shows no push since.",
        key="max_fetch_age_hours",
        parse=_hours,
    ),
    Setting(
        "serve",
        "job_workers",
        JOB_WORKERS,
        "Webhook jobs `serve` runs at once (without a broker).",
        key="webhook_job_workers",
        parse=_positive_whole,
        flags="`--job-workers` (serve)",
    ),
    Setting(
        "serve",
        "job_budget_seconds",
        JOB_BUDGET_SECONDS,
        "A webhook push's fetch and scan (also in `leakward worker`) are stopped, and its job "
        "failed, after this long.",
        key="webhook_job_budget_seconds",
        parse=_seconds,
        flags="`--job-budget` (serve, worker)",
    ),
    Setting(
        "serve",
        "spool_max_mb",
        SPOOL_MAX_MB,
        "MB of not yet verified webhook bodies `serve` spools to disk at once; past it, a "
        "large body is answered 503 with Retry-After before it is read.",
        key="webhook_spool_max_mb",
        parse=_megabytes,
        flags="`--spool-max-mb` (serve)",
    ),
    Setting(
        "serve",
        "dashboard_trusted_header",
        None,
        "Header (e.g. X-Forwarded-User) a reverse proxy in front of `serve` sets to the "
        "operator it authenticated; the dashboard then trusts it. Off by default: set it only "
        "when nothing can reach `serve` except through that proxy.",
        key="dashboard_trusted_header",
        parse=_text_or_none,
        env="LEAKWARD_DASHBOARD_TRUSTED_HEADER",
    ),
    Setting(
        "output",
        "no_color",
        False,
        "Set (to anything) for reports without colour.",
        env="NO_COLOR",
        env_is_flag=True,
    ),
    Setting(
        "output",
        "debug",
        False,
        "Set to print the trace of an internal error.",
        env="LEAKWARD_DEBUG",
    ),
)

# `[[schedule]]` tables: read by the same loader (leakward.settings.schedule_entries).
SCHEDULE_KEY = "schedule"

# Read from the environment handed down by the entry point, by the layer named; documented here.
HANDED_DOWN: tuple[tuple[str, str], ...] = (
    (
        "GITHUB_TOKEN",
        "GitHub token: `scan --github-actions`, the org sweep and its workers, "
        "`serve`'s clones and log downloads, GitHub secret stores and notifiers.",
    ),
    ("GITLAB_TOKEN", "`scan --gitlab-jobs`."),
    (
        "LEAKWARD_API_GITLAB",
        "`scan --gitlab-jobs` and `rotate`: the GitLab instance [default: https://gitlab.com]; "
        "`GITLAB_URL` is read as a deprecated alias.",
    ),
    ("POSTMAN_API_KEY", "`scan --postman-workspace`."),
    ("LEAKWARD_GITHUB_WEBHOOK_SECRET", "`serve`: the secret configured on the GitHub webhook."),
    (
        "LEAKWARD_DASHBOARD_TOKEN",
        "`serve`: the operator token of the dashboard at `/` (unset: the dashboard is off).",
    ),
    ("LEAKWARD_PEPPER, LEAKWARD_PEPPER_FILE", "The registry's fingerprint pepper, or its file."),
    ("LEAKWARD_API_<NAME>", "Base URL of provider NAME's API (`scan --verify`, rotators)."),
    (
        "LEAKWARD_WATCH_POLICY, LEAKWARD_WATCH_INTERVAL",
        "`watch` and `serve`'s usage watch (on when `OPENAI_ADMIN_KEY` or `ANTHROPIC_ADMIN_KEY` is "
        "set): what a confident alert does (approve, notify, auto) and seconds between polls.",
    ),
    (
        "provider credentials",
        "Each rotator, secret store and notifier names its own variables; see the provider's page.",
    ),
)


def variable(path: str) -> str:
    """The environment variable of setting `path` (`section.name`), for help texts."""
    env = next(s.env for s in SETTINGS if s.path == path)
    if env is None:
        raise ValueError(f"setting {path} has no environment variable")
    return env
