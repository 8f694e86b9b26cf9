"""The container image's entry points are the real command line's.

No container runtime can build the image here (base images come from a registry this machine
cannot reach), so the image is checked where it meets leakward: every command the Dockerfile and
compose.yaml run is parsed by the CLI itself, every variable they set is one leakward reads, the
extras they install exist, and the health check asks a route the receiver serves.
"""

from __future__ import annotations

import json
import re
import tomllib

import click
import pytest
import yaml

from leakward.cli.main import cli
from leakward.settings.catalogue import HANDED_DOWN, SETTINGS
from tests.source_tree import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def _instruction(name: str) -> str:
    (value,) = re.findall(rf"^{name} (.+)$", DOCKERFILE, re.MULTILINE)
    return value


def _argv(command: list[str]) -> None:
    """Parse `command` as `leakward` would, failing the test on a usage error."""
    context = cli.make_context("leakward", list(command), resilient_parsing=False)
    name, sub, rest = cli.resolve_command(context, list(command))
    assert sub is not None, f"no leakward command {name}"
    try:
        sub.make_context(name or "", rest, parent=context)
    except click.UsageError as exc:
        pytest.fail(f"leakward {' '.join(command)}: {exc.format_message()}")


def _commands() -> dict[str, list[str]]:
    entrypoint = json.loads(_instruction("ENTRYPOINT"))
    assert entrypoint == ["leakward"]
    found = {"Dockerfile CMD": json.loads(_instruction("CMD"))}
    for name in ("serve", "worker"):
        found[f"compose {name}"] = COMPOSE["services"][name]["command"]
    return found


@pytest.mark.parametrize("where", ["Dockerfile CMD", "compose serve", "compose worker"])
def test_each_command_the_image_runs_parses_as_the_cli_does(where: str) -> None:
    _argv(_commands()[where])


def test_the_port_served_is_the_port_exposed() -> None:
    (port,) = _instruction("EXPOSE").split()
    command = json.loads(_instruction("CMD"))
    assert command[command.index("--port") + 1] == port
    assert f"{port}:{port}" in COMPOSE["services"]["serve"]["ports"]
    assert f"http://127.0.0.1:{port}/healthz" in _instruction("HEALTHCHECK")
    receiver = (ROOT / "webhooks" / "receiver.py").read_text()
    assert 'Route("/healthz"' in receiver


def test_the_extras_installed_exist() -> None:
    (extras,) = re.findall(r"'/src\[([a-z,]+)\]'", DOCKERFILE)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(extras.split(",")) <= set(declared["optional-dependencies"])


def test_every_variable_compose_sets_is_one_leakward_reads() -> None:
    known = {setting.env for setting in SETTINGS if setting.env}
    known |= {name.strip() for names, _ in HANDED_DOWN for name in names.split(",")}
    for name in ("serve", "worker"):
        given = set(COMPOSE["services"][name]["environment"])
        assert given <= known, given - known
