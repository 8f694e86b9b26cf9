"""In a pull request, the scan's own settings come from the base commit.

Stage: application shell, for the GitHub Action. A pull request that adds a token together with
`disable = ["github"]` in leakward.toml, a `.leakwardignore` line or an edited custom rule would
otherwise switch its own check off. So the settings file, the ignore file and the custom rules and
gitleaks config the settings name are read as the base commit has them, copied out of git into a
folder laid out like the repository; the pull request's changes to them are reported, and take
effect once merged.
"""

from __future__ import annotations

import io
import os
import tarfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from leakward.scanner.baseline import IGNORE_FILE
from leakward.scanner.sources.git import Repository
from leakward.settings.loader import CONFIG_NAME

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True, slots=True)
class BaseCopies:
    """The base commit's copies of the scan's own files, under `root` as in the repository."""

    root: Path
    changed: tuple[str, ...]


def settings_files(config: str | None, config_dir: str, scan_dir: str) -> list[str]:
    """The files a scan reads its own settings from: the explicit settings file, or those found
    in `config_dir`, and the ignore file beside the scan root. Paths are relative to the work
    tree, in POSIX form ("" for its root)."""
    found = [config] if config else [_join(config_dir, CONFIG_NAME), _join(config_dir, PYPROJECT)]
    return [*found, _join(scan_dir, IGNORE_FILE)]


def copy_base_files(repo: Repository, base: str, names: list[str], dest: Path) -> BaseCopies:
    """Copies `names` as `base` has them under `dest`, and names those the work tree changed."""
    extract(repo, base, names, dest)
    work_tree = repo.work_tree or repo.git_dir
    changed = tuple(name for name in names if _differs(dest / name, work_tree / name))
    return BaseCopies(dest, changed)


def copy_base_rules(repo: Repository, base: str, paths: Iterable[Path], copies: BaseCopies) -> None:
    """Copies the custom rule files and folders the base settings name, as of `base`.

    Only paths inside `copies.root` come from the repository; others (an absolute path on the
    runner) are not the pull request's to change.
    """
    inside = []
    for path in paths:
        try:
            inside.append(path.resolve().relative_to(copies.root.resolve()).as_posix())
        except ValueError:
            continue
    extract(repo, base, inside, copies.root)


def extract(repo: Repository, rev: str, names: Iterable[str], dest: Path) -> None:
    """Writes the files and folders `names` as they are at `rev` under `dest`; a name that
    `rev` does not have is left out. Only regular files are written, and only inside `dest`."""
    present = _present(repo, rev, names)
    if not present:
        return
    archive = repo.run("archive", "--format=tar", rev, "--", *present)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                tar.extract(member, dest, filter="data")


def _present(repo: Repository, rev: str, names: Iterable[str]) -> list[str]:
    """Those of `names` that `rev` has, asked of git in one process."""
    wanted = list(names)
    if not wanted:
        return []
    listed = repo.run("ls-tree", "-z", "--name-only", "--full-tree", rev, "--", *wanted)
    found = {os.fsdecode(name) for name in listed.split(b"\0") if name}
    return [name for name in wanted if name in found]


def _differs(base_copy: Path, current: Path) -> bool:
    """Whether the pull request changed the file; for pyproject.toml, only its leakward table."""
    before = _read(base_copy)
    after = _read(current)
    if current.name == PYPROJECT:
        return _leakward_table(before) != _leakward_table(after)
    return before != after


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _leakward_table(data: bytes | None) -> object:
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8")).get("tool", {}).get("leakward")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return data  # unreadable either way: compare the bytes


def _join(folder: str, name: str) -> str:
    return str(PurePosixPath(folder) / name) if folder else name
