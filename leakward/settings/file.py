"""User settings: `leakward.toml`, or `[tool.leakward]` in pyproject.toml, overridden by flags.

Stage: application shell. Relative paths in a config file are relative to that file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from leakward.core.errors import ConfigError
from leakward.rules.model import SEVERITIES
from leakward.settings.work import MAX_FETCH_AGE_HOURS

CONFIG_NAME = "leakward.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    rules: tuple[Path, ...] = ()
    gitleaks_config: Path | None = None
    fail_on: str = "low"
    max_file_size_mb: int = 256
    exclude: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    engine: str = "auto"
    decode_depth: int = 2
    # Registry database URL; `--db` and $LEAKWARD_DB take precedence.
    db: str | None = None
    # Org sweeps: the longest a mirror goes without a full fetch (leakward/sweep/repos.py).
    max_fetch_age_hours: float = MAX_FETCH_AGE_HOURS
    source: Path | None = None


def registry_url(flag: str | None, settings: Settings) -> str | None:
    """The registry URL the user chose: `--db`, else $LEAKWARD_DB, else the config file's `db`.

    None leaves the choice to the registry's default (a SQLite file in the user data dir).
    """
    return flag or os.environ.get("LEAKWARD_DB") or settings.db


def find_config(start: Path) -> Path | None:
    """`leakward.toml` in `start`, else a pyproject.toml there with a [tool.leakward] table."""
    candidate = start / CONFIG_NAME
    if candidate.is_file():
        return candidate
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None
        if "leakward" in data.get("tool", {}):
            return pyproject
    return None


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", "check --config") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", "fix the file's syntax") from None
    table = data.get("tool", {}).get("leakward", {}) if path.name == "pyproject.toml" else data
    # `[[schedule]]` entries belong to the sweep (leakward/sweep/schedules.py), which checks them.
    known = ({f.name for f in fields(Settings)} - {"source"}) | {"schedule"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{path}: unknown settings {sorted(unknown)}", f"known: {sorted(known)}")
    base = path.parent
    fail_on = str(table.get("fail_on", "low"))
    if fail_on not in SEVERITIES:
        raise ConfigError(f"{path}: fail_on must be one of {SEVERITIES}", None)
    gitleaks = table.get("gitleaks_config")
    max_fetch_age = table.get("max_fetch_age_hours", MAX_FETCH_AGE_HOURS)
    if isinstance(max_fetch_age, bool) or not isinstance(max_fetch_age, int | float):
        raise ConfigError(f"{path}: max_fetch_age_hours must be a number of hours", None)
    if not max_fetch_age > 0:
        raise ConfigError(f"{path}: max_fetch_age_hours must be above 0", "24 is a day")
    try:
        return Settings(
            rules=tuple(base / str(p) for p in table.get("rules", [])),
            gitleaks_config=base / str(gitleaks) if gitleaks else None,
            fail_on=fail_on,
            max_file_size_mb=int(table.get("max_file_size_mb", 256)),
            exclude=tuple(str(p) for p in table.get("exclude", [])),
            enable=tuple(str(p) for p in table.get("enable", [])),
            disable=tuple(str(p) for p in table.get("disable", [])),
            engine=str(table.get("engine", "auto")),
            decode_depth=int(table.get("decode_depth", 2)),
            db=str(table["db"]) if table.get("db") else None,
            max_fetch_age_hours=float(max_fetch_age),
            source=path,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: a setting has the wrong type: {exc}", None) from None
