"""The rotator suite uses the shared fake provider servers (tests/fakes/fixtures.py)."""

from __future__ import annotations

from tests.fakes.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
