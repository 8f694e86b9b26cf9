"""The org-sweep suite's fixtures (tests/sweep/fixtures.py)."""

from tests.sweep.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
