"""The settings model: every user setting leakward reads, as frozen values grouped by who uses them.

Stage: application shell. Built once per process by `leakward.settings.loader.load_settings`
(flag > environment > config file > default) and handed down; below the entry points nothing
reads the environment or the config file. `leakward.settings.catalogue` says where each field
comes from, and docs/configuration.md is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

DEFAULT_API = "https://api.github.com"
# A re-sweep skips the fetch of a repository not pushed since its last fetch only while that
# fetch is younger than this: GitHub does not move `pushed_at` for every new ref (a pull request
# from a fork adds refs/pull/* to the base repository), so every mirror is fetched at least daily.
MAX_FETCH_AGE_HOURS = 24.0
JOB_WORKERS = 2
# A push is a handful of commits, scanned in seconds; fifteen minutes is far past any real one.
JOB_BUDGET_SECONDS = 900.0
# Formats are bounded by size caps; this backstops what they do not foresee. Five minutes is far
# past any real file (a 256 MiB file scans in seconds).
FILE_TIMEOUT_SECONDS = 300.0
# Unverified webhook bodies spooled to disk at once: ten of GitHub's largest (25 MB).
SPOOL_MAX_MB = 256


@dataclass(frozen=True, slots=True)
class Schedule:
    """One `[[schedule]]` entry: sweep `org` on `cron` (UTC) with `workers` processes."""

    org: str
    cron: str
    workers: int = 2


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """What `leakward scan`, the Action and `baseline` scan with."""

    rules: tuple[Path, ...] = ()
    gitleaks_config: Path | None = None
    fail_on: str = "low"
    # Rules below this confidence are not run: weak generic ones only on request.
    min_confidence: str = "medium"
    max_file_size_mb: int = 256
    exclude: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    engine: str = "auto"
    decode_depth: int = 2
    # Seconds one file may take before it is reported as not scanned (0: no budget).
    file_timeout_seconds: float = FILE_TIMEOUT_SECONDS


@dataclass(frozen=True, slots=True)
class RegistrySettings:
    # None leaves the choice to the registry's default (a SQLite file in the user data dir).
    db: str | None = None


@dataclass(frozen=True, slots=True)
class SweepSettings:
    """The org sweep, its workers and the schedules `serve` runs."""

    api_url: str = DEFAULT_API
    broker: str | None = None
    max_fetch_age_hours: float = MAX_FETCH_AGE_HOURS
    # None when no config file was read: `serve` then keeps the jobs it already stored.
    schedules: tuple[Schedule, ...] | None = None


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """How `leakward serve` runs the webhook jobs it does itself (no broker)."""

    # Jobs at once: one slow push holds one of them, not every later one.
    job_workers: int = JOB_WORKERS
    # A push's fetch and scan are stopped, and its job failed, after this many seconds.
    job_budget_seconds: float = JOB_BUDGET_SECONDS
    # Past this many MB of unverified bodies on disk, a large one is answered 503 unread.
    spool_max_mb: int = SPOOL_MAX_MB
    # The header a reverse proxy sets to the authenticated operator's name; None: not trusted.
    dashboard_trusted_header: str | None = None


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """How the command line prints."""

    no_color: bool = False
    debug: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    scan: ScanSettings = field(default_factory=ScanSettings)
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    sweep: SweepSettings = field(default_factory=SweepSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    # The environment as the entry point saw it, for the layers that keep their own variables:
    # provider credentials and base URLs, secret stores, notifiers, remote sources. Never printed.
    environ: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    # The config file these settings were read from, if any.
    source: Path | None = None
