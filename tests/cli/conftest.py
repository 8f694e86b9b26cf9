"""The CLI tests drive real fake-provider servers for `scan --verify`."""

from tests.fakes.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
