"""The rotator suite uses the shared fake provider servers (tests/fakes/fixtures.py)."""

from __future__ import annotations

from tests.fakes.fixtures import (
    _moto_session,
    fake_ghes,
    fake_github,
    fake_gitlab,
    http_client,
    moto_url,
)

__all__ = ["_moto_session", "fake_ghes", "fake_github", "fake_gitlab", "http_client", "moto_url"]
