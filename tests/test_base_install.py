"""A plain `pip install leakward` is the scanner, the hook and the Action, and nothing heavier.

The wheel is installed into an empty virtual environment (its base dependencies from the package
index, as a user gets them): no SQLAlchemy, cloud SDK or server stack arrives, `leakward scan`
finds a key there, and a command that needs an extra says which one to install.
"""

from __future__ import annotations

import subprocess
import tomllib
import venv
from collections.abc import Callable
from pathlib import Path

import pytest

from leakward.core.extras import EXTRA_OF
from tests.shared_setup import built_once
from tests.source_tree import ROOT
from tests.test_packaging import wheel  # noqa: F401 - the built wheel, shared with its module

# Spelled as a provider documents it, invented; the base scanner must find it.
AWS_KEY_LINE = 'aws_access_key_id = "AKIAQ3EGUDHOZ4XAMPLZ"\n'
HEAVY = ("sqlalchemy", "alembic", "boto3", "botocore", "celery", "starlette", "uvicorn", "hvac")


def _requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        name = requirement.split(";")[0].split("[")[0]
        for mark in "<>=!~ ":
            name = name.split(mark)[0]
        names.add(name.strip().lower())
    return names


def test_the_extras_table_and_pyproject_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = _requirement_names(project["dependencies"])
    extras = project["optional-dependencies"]
    distribution = {"nacl": "pynacl", "psycopg": "psycopg", "kombu": "celery", "botocore": "boto3"}
    for module, (_, extra) in EXTRA_OF.items():
        name = distribution.get(module, module)
        assert name not in base, f"{name} is in the base install"
        assert name in _requirement_names(extras[extra]), f"{name} is not in leakward[{extra}]"


def _install(built: Path) -> Callable[[Path], None]:
    def install(where: Path) -> None:
        venv.create(where, with_pip=True)
        pip = [where / "bin" / "python", "-m", "pip", "install", "-q"]
        installed = subprocess.run(
            [*pip, "--disable-pip-version-check", str(built)],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert installed.returncode == 0, installed.stdout + installed.stderr

    return install


@pytest.fixture(scope="module")
def base_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The venv's python; built once per session, even when xdist splits this module."""
    where = built_once(tmp_path_factory, "base-env", _install(wheel))
    return where / "bin" / "python"


def test_the_base_install_brings_no_database_cloud_sdk_or_server(base_env: Path) -> None:
    listed = subprocess.run(
        [base_env, "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    present = {line.split("==")[0] for line in listed.splitlines()}
    assert "leakward" in present
    assert present.isdisjoint(HEAVY), present & set(HEAVY)


def test_scan_works_in_the_base_install(base_env: Path, tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(AWS_KEY_LINE)
    leakward = base_env.parent / "leakward"
    done = subprocess.run(
        [leakward, "scan", str(tmp_path), "--no-progress", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    assert '"aws.access_key_id"' in done.stdout


@pytest.mark.parametrize(
    ("command", "extra"), [(["registry", "list"], "rotate"), (["serve", "--help"], "serve")]
)
def test_a_command_that_needs_an_extra_names_it(
    base_env: Path, tmp_path: Path, command: list[str], extra: str
) -> None:
    done = subprocess.run(
        [base_env.parent / "leakward", *command],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert f"pip install 'leakward[{extra}]'" in done.stderr
    assert "internal error" not in done.stderr
