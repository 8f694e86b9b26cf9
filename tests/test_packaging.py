"""What installing leakward puts on a machine: one `leakward` namespace, every module in it.

The folders at the repository root are mapped below `leakward` by pyproject's package-dir, and
the package list there is written by hand; building the wheel is how a forgotten folder or a
stray top-level name shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.shared_setup import built_once
from tests.source_tree import ROOT, module_files

GENERIC_NAMES = ("rules", "registry", "scanner", "rotators", "webhooks")


def tracked_copy(dest: Path) -> Path:
    """The files git tracks (as they are in the work tree), so stray build output stays out."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def _build_wheel(work: Path) -> None:
    source = tracked_copy(work / "source")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), source],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per session, for this module and tests/test_base_install.py alike."""
    work = built_once(tmp_path_factory, "wheel", _build_wheel)
    [path] = (work / "dist").glob("leakward-*.whl")
    return path


def test_the_wheel_holds_only_the_leakward_namespace(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {
        "leakward",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }


def test_the_wheel_carries_the_licence_pyproject_names(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    licences = [n for n in archive.namelist() if "/licenses/" in n or n.endswith("/LICENSE")]
    assert "Apache-2.0" in archive.read(metadata).decode()
    assert licences, archive.namelist()
    text = archive.read(licences[0]).decode()
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text


def test_every_source_module_is_in_the_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "/".join(module.split(".")) + ("/__init__.py" if path.name == "__init__.py" else ".py")
        for module, path in module_files().items()
    }
    assert expected - names == set()
    assert "leakward/rules/openai.yaml" in names
    assert "leakward/registry/migrations/env.py" in names


def test_an_unpacked_wheel_imports_as_leakward_and_nothing_else(
    wheel: Path, tmp_path: Path
) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import leakward.cli.main, leakward.rules.loader;"
        "assert leakward.rules.loader.__file__.startswith(sys.argv[1]);"
        "print(len(leakward.rules.loader.load_rules(()).rules))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 100


@pytest.mark.parametrize("name", GENERIC_NAMES)
def test_no_generic_top_level_name_imports_outside_the_checkout(name: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {name}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert f"No module named '{name}'" in done.stderr
    imported = subprocess.run(
        [sys.executable, "-c", f"import leakward.{name}"], cwd=tmp_path, check=False
    )
    assert imported.returncode == 0
