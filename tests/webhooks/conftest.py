"""The webhook suite: the receiver app over ASGI, and the push end to end on local fakes, in the
rotation world the sweep and worker suites share (tests/org_world.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
from tests.fakes.git_http import GitHttpServer
from tests.org_world import RotationWorld, rotation_world
from tests.registry.conftest import _isolated_environment
from tests.webhooks.serve_world import ServeWorld

__all__ = ["_isolated_environment", "rotation_world"]


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[GitHttpServer]:
    """Bare repositories over git's smart HTTP, for pushes the webhook tests make."""
    server = GitHttpServer(tmp_path / "served").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def serve_world(tmp_path: Path, rotation_world: RotationWorld) -> ServeWorld:
    """This test's registry, mirrors and serve log, in the rotation world."""
    return ServeWorld(rotation_world, tmp_path)
