"""The webhook suite: the receiver app over ASGI, and the push end to end on local fakes."""

from __future__ import annotations

from tests.fakes.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
from tests.registry.conftest import _isolated_environment

__all__ = ["_isolated_environment"]
