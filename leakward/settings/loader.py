"""The one loader of user settings: config file, environment and flags into the settings model.

Stage: application shell. Every entry point (CLI commands, the Action, a worker process) calls
`load_settings` once and hands the result, or the part needed, down. Precedence, for every
setting alike: a flag given on the command line, else its environment variable, else the
config file (`leakward.toml`, or `[tool.leakward]` in pyproject.toml), else the default.
The TOML file is parsed here and only here, `[[schedule]]` entries included.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from leakward.core.errors import ConfigError
from leakward.settings.catalogue import SCHEDULE_KEY, SETTINGS, Setting
from leakward.settings.model import (
    OutputSettings,
    RegistrySettings,
    ScanSettings,
    Schedule,
    ServeSettings,
    Settings,
    SweepSettings,
)

CONFIG_NAME = "leakward.toml"
SECTIONS: dict[str, type[Any]] = {
    "scan": ScanSettings,
    "registry": RegistrySettings,
    "sweep": SweepSettings,
    "serve": ServeSettings,
    "output": OutputSettings,
}


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A config file's `leakward` table, parsed once."""

    path: Path
    table: Mapping[str, object]


def find_config(start: Path) -> ConfigFile | None:
    """`leakward.toml` in `start`, else a pyproject.toml there with a [tool.leakward] table;
    each file is read and parsed once."""
    candidate = start / CONFIG_NAME
    if candidate.is_file():
        return read_config(candidate)
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None  # another tool's file: not ours to report on
        if "leakward" in data.get("tool", {}):
            return _checked(pyproject, data["tool"]["leakward"])
    return None


def read_config(path: Path) -> ConfigFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", "check --config") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", "fix the file's syntax") from None
    table = data.get("tool", {}).get("leakward", {}) if path.name == "pyproject.toml" else data
    return _checked(path, table)


def _checked(path: Path, table: Mapping[str, object]) -> ConfigFile:
    known = {s.key for s in SETTINGS if s.key} | {SCHEDULE_KEY}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{path}: unknown settings {sorted(unknown)}", f"known: {sorted(known)}")
    return ConfigFile(path, table)


def load_settings(
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, object] | None = None,
    *,
    discover_in: Path | None = None,
) -> Settings:
    """The settings for this run.

    `config` is the --config file; without one, `find_config` looks in `discover_in` (the
    working directory by default). `environ` is the process environment as the entry point
    saw it. `flags` maps `section.name` (see leakward.settings.catalogue) to a command-line
    value; None, or a flag missing from it, means the flag was not given.
    """
    environ = MappingProxyType(dict(environ or {}))
    file = read_config(config) if config else find_config(discover_in or Path.cwd())
    given = flags or {}
    unknown = set(given) - {s.path for s in SETTINGS}
    if unknown:
        raise ValueError(f"no such settings: {sorted(unknown)}")  # a programming error
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for setting in SETTINGS:
        values[setting.section][setting.name] = _resolve(setting, file, environ, given)
    values["sweep"]["schedules"] = schedule_entries(file) if file else None
    return Settings(
        **{name: kind(**values[name]) for name, kind in SECTIONS.items()},
        environ=environ,
        source=file.path if file else None,
    )


def _resolve(
    setting: Setting,
    file: ConfigFile | None,
    environ: Mapping[str, str],
    flags: Mapping[str, object],
) -> object:
    flag = flags.get(setting.path)
    if flag is not None and not setting.extends:
        return flag
    if setting.env is not None:
        if setting.env_is_flag:
            if setting.env in environ:
                return True
        elif environ.get(setting.env):
            return environ[setting.env] if not isinstance(setting.default, bool) else True
    value = setting.default
    if file is not None and setting.key is not None and setting.key in file.table:
        try:
            value = setting.parse(file.table[setting.key], file.path)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{file.path}: a setting has the wrong type: {exc}", None) from None
    if setting.extends and isinstance(flag, tuple) and isinstance(value, tuple):
        return (*value, *flag)
    return value


def schedule_entries(file: ConfigFile) -> tuple[Schedule, ...]:
    """The `[[schedule]]` entries, checked for shape; their cron expressions are checked by
    leakward.sweep.schedules, which alone needs the scheduler's cron parser."""
    entries = file.table.get(SCHEDULE_KEY, [])
    if not isinstance(entries, list):
        raise ConfigError(f"{file.path}: `schedule` must be [[schedule]] tables", None)
    return tuple(_schedule(file.path, index, entry) for index, entry in enumerate(entries, 1))


def _schedule(path: Path, index: int, entry: object) -> Schedule:
    where = f"{path}: schedule {index}"
    if not isinstance(entry, dict) or set(entry) - {"org", "cron", "workers"}:
        raise ConfigError(f"{where}: expected org, cron and optionally workers", None)
    org, cron = entry.get("org"), entry.get("cron")
    if not isinstance(org, str) or not org:
        raise ConfigError(f"{where}: `org` must name a GitHub organisation", None)
    if not isinstance(cron, str):
        raise ConfigError(f'{where}: `cron` must be a string such as "0 * * * *"', None)
    workers = entry.get("workers", 2)
    if not isinstance(workers, int) or not 1 <= workers <= 64:
        raise ConfigError(f"{where}: `workers` must be a whole number from 1 to 64", None)
    return Schedule(org, cron, workers)


def output_settings(environ: Mapping[str, str]) -> OutputSettings:
    """The printing settings alone, from the environment: for the console entry point's error
    path, which must not fail on a config file."""
    values: dict[str, Any] = {
        s.name: _resolve(s, None, environ, {}) for s in SETTINGS if s.section == "output"
    }
    return OutputSettings(**values)
