"""One provider of the crash matrix: a leaked key planted in a fake (`Planted`) and how to plant
it and read its family's live credentials back (`ProviderCase`); crash_providers.py lists them.

Stage: tests (rotators).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Planted:
    """A leaked key in a fake: its value, how the registry knows it, what its rotator reads."""

    value: str
    key_id: str | None
    env: dict[str, str]
    account: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    # (variable, content): written to a file in the state directory, the variable naming it.
    files: tuple[tuple[str, str], ...] = ()
    # The leaked key's settings its replacement must carry (scopes, restrictions, a policy).
    settings: object = None

    def environment(self, state: Path) -> dict[str, str]:
        """The rotator's environment, its files written: the killed and the resuming process
        share them (a Slack refresh token is replaced in its file by each rotation)."""
        state.mkdir(parents=True, exist_ok=True)
        env = dict(self.env)
        for variable, content in self.files:
            path = state / variable.lower()
            if not path.exists():
                path.write_text(content)
            env[variable] = str(path)
        return env


@dataclass(frozen=True, slots=True)
class ProviderCase:
    name: str
    provider: str
    fixture: str  # the fake's pytest fixture
    plant: Callable[[Any], Planted]
    live: Callable[[Any], set[str]]  # identifiers of the family's live credentials
    ident: Callable[[str], str] = field(default=lambda value: value)
    # None: a replacement lost in a crash is revoked by its id. Otherwise it has no id and only
    # its own value (lost with the process) revokes it: it stays valid at most this long.
    lost_lifetime: timedelta | None = None
    # The settings the fake holds for the credential with this value, compared with
    # `Planted.settings`; None where the provider's keys have none to copy.
    settings_of: Callable[[Any, str], object] | None = None
