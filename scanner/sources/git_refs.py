"""Which refs contain each of many commits, from one walk of the commit graph.

Stage: sources. `git for-each-ref --contains` answers for one commit per process, and each process
walks the history again: on rails, one per commit that introduced a finding took 330 s. Here one
`git rev-list --topo-order --parents` over every ref's tip streams each commit after all of its
children, so the set of refs reaching a commit is complete when the commit arrives: the refs
pointing at it plus those of its children. Sets are bit masks over the ref list and only the
frontier of the walk holds one, so memory follows the history's width, not its length. The walk
stops as soon as the last wanted commit has been seen.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from leakward.scanner.sources.git_command import git_at

# Commits walked between two progress reports.
_REPORT_EVERY = 4096


@dataclass(frozen=True, slots=True)
class RefTips:
    """Every ref in refname order (as `for-each-ref` sorts them) and, per commit a ref peels to,
    the bit mask of the refs pointing at it."""

    names: list[str]
    tips: dict[str, int]


def ref_tips(git_dir: Path) -> RefTips:
    """The refs whose history is a commit's: refs to commits or to tags of commits (any depth).

    A ref to a tree or a blob contains no commit, as for `for-each-ref --contains`.
    """
    listing = _git(
        git_dir,
        "for-each-ref",
        "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)",
    )
    names: list[str] = []
    peeled: list[str | None] = []
    nested: dict[int, str] = {}
    for line in listing.decode("utf-8", "surrogateescape").splitlines():
        oid, kind, target, target_kind, name = line.split(" ", 4)
        if kind == "commit":
            peeled.append(oid)
        elif target_kind == "commit":
            peeled.append(target)
        else:
            # `*objectname` peels one level: a tag of a tag is resolved below.
            peeled.append(None)
            if target_kind == "tag":
                nested[len(names)] = target
        names.append(name)
    for index, commit in _peel_to_commits(git_dir, nested).items():
        peeled[index] = commit
    tips: dict[str, int] = {}
    for index, tip in enumerate(peeled):
        if tip is not None:
            tips[tip] = tips.get(tip, 0) | 1 << index
    return RefTips(names, tips)


def _peel_to_commits(git_dir: Path, tags: dict[int, str]) -> dict[int, str]:
    """The commit each nested tag finally points at, from one cat-file for all of them."""
    if not tags:
        return {}
    request = "".join(f"{tag}^{{commit}}\n" for tag in tags.values()).encode()
    output = _git(git_dir, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin=request)
    peeled: dict[int, str] = {}
    for index, line in zip(tags, output.decode().splitlines(), strict=False):
        parts = line.split(" ")
        if len(parts) == 2 and parts[1] == "commit":
            peeled[index] = parts[0]
    return peeled


def refs_containing(
    git_dir: Path,
    commits: Collection[str],
    progress: Callable[[int], None] | None = None,
    listed: Iterable[str] | None = None,
) -> dict[str, list[str]]:
    """For each of `commits`, the refs whose history contains it, in refname order; a commit no
    ref reaches (or that a damaged history hides) gets an empty list. `progress` gets the number
    of commits walked so far. `listed`, every ref's commits as `rev-list --topo-order --parents`
    lines, is walked instead of asking git again."""
    wanted = set(commits)
    if not wanted:
        return {}
    refs = ref_tips(git_dir)
    masks: dict[str, int] = {}
    if refs.tips:
        if listed is None:
            request = "".join(f"{tip}\n" for tip in refs.tips).encode()
            command = ["rev-list", "--topo-order", "--parents", "--stdin"]
            listed = _stream(git_dir, command, request)
        masks = _walk(listed, refs.tips, wanted, progress)
    named: dict[int, list[str]] = {}
    for mask in masks.values():
        if mask not in named:
            named[mask] = [name for bit, name in enumerate(refs.names) if mask >> bit & 1]
    return {commit: list(named.get(masks.get(commit, 0), [])) for commit in wanted}


def _walk(
    listed: Iterable[str],
    tips: dict[str, int],
    wanted: set[str],
    progress: Callable[[int], None] | None,
) -> dict[str, int]:
    """Ref masks of the wanted commits: children come before parents in topological order, so a
    commit's mask is final when it is read."""
    found: dict[str, int] = {}
    reaching: dict[str, int] = {}  # commits still to come -> refs their walked children reach
    walked = 0
    for line in listed:
        commit, *parents = line.split(" ")
        mask = reaching.pop(commit, 0) | tips.get(commit, 0)
        walked += 1
        if progress is not None and walked % _REPORT_EVERY == 0:
            progress(walked)
        if commit in wanted:
            found[commit] = mask
            if len(found) == len(wanted):
                break
        for parent in parents:
            reaching[parent] = reaching.get(parent, 0) | mask
    if progress is not None:
        progress(walked)
    return found


def _stream(git_dir: Path, args: list[str], request: bytes) -> Iterator[str]:
    """Lines of a git command's output as it writes them; the command is stopped when the
    reader stops early, and a failure part way ends the lines (what was read stays valid)."""
    with tempfile.TemporaryFile() as stdin:
        # A file, not a pipe: git reads all its revisions before it writes a line, so a pipe
        # would need a writer thread to avoid a deadlock on many tips.
        stdin.write(request)
        stdin.seek(0)
        process = subprocess.Popen(
            [*git_at(git_dir), *args],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        out: IO[bytes] | None = process.stdout
        assert out is not None  # noqa: S101 - a pipe was requested
        try:
            for line in out:
                yield line.decode().rstrip("\n")
        finally:
            out.close()
            process.kill()
            process.wait()


def _git(git_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Output of a git command; a failure yields what it wrote (the old per-commit
    `for-each-ref --contains` ignored failures too: refs are context, never a reason to fail)."""
    done = subprocess.run([*git_at(git_dir), *args], capture_output=True, check=False, input=stdin)
    return done.stdout


class CommitCount:
    """`git rev-list --count`, run beside the work it is the total of: a progress bar gets a
    total without waiting for a walk of its own. 0 until git has answered (or if it failed)."""

    def __init__(self, git_dir: Path, revs: Sequence[str]) -> None:
        self._process = subprocess.Popen(
            [*git_at(git_dir), "rev-list", "--count", *revs],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._total = 0

    def total(self, wait: bool = False) -> int:
        """The count; with `wait`, once git has answered rather than 0 while it counts."""
        out = self._process.stdout
        if wait:
            self._process.wait()
        # The answer is one short line: it fits the pipe, so git exits before it is read.
        if not self._total and out is not None and self._process.poll() is not None:
            answer = out.read().strip()
            self._total = int(answer) if answer.isdigit() else 0
        return self._total

    def close(self) -> None:
        self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
