"""Pytest fixtures for the fake usage APIs; import them into a test module or a conftest.py.

Stage: tests (usage watch). Each fixture starts its fake on 127.0.0.1 (random port) for one test
and stops it afterwards. The fakes' clock is the real one; build a `FakeOpenAIUsage(clock=…)` or
`FakeAnthropicUsage(clock=…)` directly to drive time by hand.

    from tests.usage.usage_fakes import fake_anthropic_usage, fake_openai_usage  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.anthropic_usage import FakeAnthropicUsage
from tests.fakes.openai_usage import FakeOpenAIUsage


@pytest.fixture
def fake_openai_usage() -> Iterator[FakeOpenAIUsage]:
    server = FakeOpenAIUsage()
    with server:
        yield server


@pytest.fixture
def fake_anthropic_usage() -> Iterator[FakeAnthropicUsage]:
    server = FakeAnthropicUsage()
    with server:
        yield server
