"""Mirror clones of swept repositories: clone once, then fetch what changed.

Stage: application shell (org sweep), feeding the git source. Each repository is kept as a
`git clone --mirror` under the mirror directory and refreshed with `git fetch --prune`, so a
re-sweep transfers only new objects and a deleted branch disappears from the tips. A token, when
given, reaches git through GIT_CONFIG_* environment variables: never the command line (visible
in `ps`) nor the mirror's config file.
"""

from __future__ import annotations

import base64
import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# GitHub owner and repository names; anything else could walk out of the mirror directory.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_GIT_TIMEOUT = 3600.0


class MirrorError(Exception):
    """A clone or fetch failed: the repository may be gone, renamed or unreachable."""


@dataclass(frozen=True, slots=True)
class Mirror:
    repository: str  # "owner/name"
    path: Path
    is_new: bool


def mirror_path(mirror_dir: Path, repository: str) -> Path:
    owner, _, name = repository.partition("/")
    if not (_NAME.fullmatch(owner) and _NAME.fullmatch(name)) or ".." in repository:
        raise MirrorError(f"{repository!r} is not an owner/name repository name")
    return mirror_dir / owner / f"{name}.git"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One process at a time per mirror: a redelivered task may run beside the first one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# What `git clone --mirror` fetches: every ref, as it is on the remote.
MIRROR_REFSPEC = "+refs/*:refs/*"
# A fetch keeps what it receives as one pack, as a clone always does. By default a fetch of
# under 100 objects (a typical push) explodes them into loose objects: a file each, often a new
# directory each, which costs more than indexing one pack; and loose blobs have no delta
# against the version before them, which the history scan reads from packs to scan only what
# changed. Packs still pile up no further than `git maintenance run --auto` (run by every
# fetch) lets them.
KEEP_PACK = ("-c", "fetch.unpackLimit=1")


def sync_mirror(
    mirror_dir: Path, repository: str, clone_url: str, token: str | None = None
) -> Mirror:
    """Clone `clone_url` as a mirror, or fetch into the existing one. Call under `locked`."""
    path = mirror_path(mirror_dir, repository)
    env = _git_env(clone_url, token)
    if (path / "HEAD").is_file():
        # From the URL given now (GitHub may hand a new one after a transfer), with the mirror's
        # own refspec: one git process where `remote set-url` then `fetch origin` took two, and
        # an unchanged repository in a re-sweep costs little else.
        fetch = ["fetch", "--prune", "--quiet", clone_url, MIRROR_REFSPEC]
        _git(["git", "-C", str(path), *KEEP_PACK, *fetch], env)
        return Mirror(repository, path, is_new=False)
    partial = path.with_name(path.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)  # left by a clone that was killed half-way
    # No template: a mirror needs none of the sample hooks, description or info/exclude it
    # would copy, and a file created costs more CPU than the rest of a small clone on some
    # filesystems (ext4 without a journal scans its recently deleted inodes for each new one).
    # It also keeps an operator's init.templateDir hooks out of the mirrors.
    clone = ["clone", "--mirror", "--quiet", "--template=", clone_url, str(partial)]
    _git(["git", *clone], env)
    partial.rename(path)
    return Mirror(repository, path, is_new=True)


def ref_tips(path: Path) -> dict[str, str]:
    """ref name -> object id of every ref in the mirror."""
    packed = _packed_tips(path)
    if packed is not None:
        return packed
    output = _git(["git", "-C", str(path), "for-each-ref", "--format=%(objectname) %(refname)"])
    tips: dict[str, str] = {}
    for line in output.splitlines():
        oid, _, ref = line.partition(" ")
        if ref:
            tips[ref] = oid
    return tips


def _packed_tips(path: Path) -> dict[str, str] | None:
    """The tips as `packed-refs` lists them, when that file holds every ref: always so in a
    new mirror (a clone writes all refs there) and after git packs refs; else None.

    Saves a first sweep one git process per repository. Any loose ref file under refs/ (which a
    fetch writes, and which would override its packed entry), a reftable repository (whose
    refs/heads is a file) or a line not in the documented format means asking git instead.
    """
    try:
        text = (path / "packed-refs").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for _, _, files in os.walk(path / "refs"):
        if files:
            return None
    # Imported here: the git source loads GitPython, which the callers of this module pay for
    # only when they scan.
    from leakward.scanner.sources.git_ids import OBJECT_ID

    tips: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith(("#", "^")):  # the header; the peeled commit of the tag above
            continue
        oid, _, ref = line.partition(" ")
        if not (OBJECT_ID.fullmatch(oid) and ref.startswith("refs/")):
            return None
        tips[ref] = oid
    return tips


def existing_objects(path: Path, oids: set[str]) -> set[str]:
    """Those of `oids` still in the mirror (a force-push and gc may have dropped old tips)."""
    if not oids:
        return set()
    completed = subprocess.run(
        ["git", "-C", str(path), "cat-file", "--batch-check=%(objectname)"],
        input="\n".join(sorted(oids)) + "\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=_GIT_TIMEOUT,
    )
    return {line for line in completed.stdout.split() if line in oids}


def _git_env(clone_url: str, token: str | None) -> Mapping[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    if token and clone_url.startswith("https://"):
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env |= {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }
    return env


def _git(args: list[str], env: Mapping[str, str] | None = None) -> str:
    try:
        completed = subprocess.run(
            args, capture_output=True, text=True, env=env, check=False, timeout=_GIT_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise MirrorError(f"`{args[1]}` could not run: {type(error).__name__}") from None
    if completed.returncode != 0:
        # git's first error line names the problem ("repository not found"); URLs here never
        # carry credentials, which travel in the environment.
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        raise MirrorError(lines[0] if lines else f"git exited with {completed.returncode}")
    return completed.stdout
