"""The one tree of leakward's errors, and the exit code each maps to.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error, 3 internal
error, 4 incomplete: no failing finding, but part of what the scan was asked to read could not be
read (an unreadable file, a damaged archive, a remote service that refused or was unreachable).

    LeakwardError (exit 3, internal)
    ├── UsageError (exit 2): a bad flag, path or option value
    ├── ConfigError (exit 2): an unreadable or invalid leakward.toml / gitleaks TOML
    ├── RuleError (exit 2): an invalid rule file, naming file, rule and reason
    ├── SourceError (exit 2): a scan target that cannot be scanned at all (not a file or repo)
    └── RegistryError (exit 2): the registry database cannot be opened or migrated

This module imports nothing of leakward, so every layer (rules, scanner, registry, rotators) may
raise from it without breaking the one-way import order. No message may contain a secret.
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INCOMPLETE = 4


class LeakwardError(Exception):
    """Base of every error leakward raises on purpose. `hint` says what to do next."""

    exit_code: int = EXIT_INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message}\n  hint: {self.hint}" if self.hint else message


class UsageError(LeakwardError):
    exit_code = EXIT_USAGE


class ConfigError(LeakwardError):
    exit_code = EXIT_USAGE


class RuleError(LeakwardError):
    exit_code = EXIT_USAGE


class SourceError(LeakwardError):
    exit_code = EXIT_USAGE


class RegistryError(LeakwardError):
    exit_code = EXIT_USAGE
