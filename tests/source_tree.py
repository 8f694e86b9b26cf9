"""The `leakward` namespace as the source tree lays it out, read from pyproject's package-dir.

The folders the project is known by (`scanner/`, `rules/`, …) sit at the repository root and are
mapped below `leakward` only by packaging. Tools that resolve imports from files alone (mypy, the
import-contract test) need the same map: `module_files` lists every module with its file, and
`link_namespace` builds a tree of symlinks in which `leakward/scanner` is the root's `scanner/`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_dirs(root: Path = ROOT) -> dict[str, Path]:
    """Each mapped package's folder, `leakward` first."""
    with (root / "pyproject.toml").open("rb") as handle:
        mapping: dict[str, str] = tomllib.load(handle)["tool"]["setuptools"]["package-dir"]
    return {name: root / folder for name, folder in sorted(mapping.items())}


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every Python module of the namespace by dotted name (packages by their `__init__.py`)."""
    dirs = package_dirs(root)
    nested = {folder.resolve() for name, folder in dirs.items() if name != "leakward"}
    modules: dict[str, Path] = {}
    for package, folder in dirs.items():
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder)
            if package == "leakward" and any(p.resolve() in nested for p in path.parents):
                continue
            parts = [*package.split("."), *relative.with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def link_namespace(dest: Path, root: Path = ROOT) -> Path:
    """A `leakward/` under `dest` whose entries link to the source tree; returns `dest`."""
    dirs = package_dirs(root)
    top = dest / "leakward"
    top.mkdir(parents=True)
    for entry in dirs["leakward"].iterdir():
        if entry.name != "__pycache__":
            (top / entry.name).symlink_to(entry)
    for name, folder in dirs.items():
        if name != "leakward":
            (top / name.split(".", 1)[1]).symlink_to(folder, target_is_directory=True)
    return dest
