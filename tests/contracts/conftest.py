"""The contract tests drive rotators against the shared fake provider servers."""

from __future__ import annotations

from tests.fakes.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
