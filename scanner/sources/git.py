"""A git repository driven through git's own plumbing: commands, blob sizes, staged changes
and refs.

Stage: sources (git). The rest of a history scan's reading sits beside it: the object store's
listing (git_pack_listing), the log naming the reachable blobs (git_history_log), blob bytes in bulk
(git_pack, git_blob_reader), and which commit introduced a blob (git_introductions).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import git

from leakward.core.errors import SourceError
from leakward.scanner.sources.git_command import git_at
from leakward.scanner.sources.git_history_log import HistoryLog
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.git_pack_listing import PackListing


class Repository:
    """A git repository (work tree or bare), driven through git's own plumbing."""

    def __init__(self, path: Path) -> None:
        try:
            repo = git.Repo(path, search_parent_directories=False)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise SourceError(
                f"{path} is not a git repository",
                "pass the repository's top directory (or its .git / a bare repository)",
            ) from None
        self.git_dir = Path(repo.git_dir)
        self.work_tree = None if repo.bare else Path(repo.working_tree_dir or path)
        repo.close()

    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        output, error = self.run_partial(*args, stdin=stdin)
        if check and error is not None:
            raise SourceError(
                f"git {args[0]} failed: {error}",
                "check the revisions you passed and that the repository is intact",
            )
        return output

    def run_partial(self, *args: str, stdin: bytes | None = None) -> tuple[bytes, str | None]:
        """What git wrote, and its last error line when it failed part way (None on success)."""
        done = subprocess.run(
            [*git_at(self.git_dir), *args],
            capture_output=True,
            check=False,
            input=stdin,
        )
        if done.returncode == 0:
            return done.stdout, None
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return done.stdout, message[-1] if message else f"exit status {done.returncode}"

    def blob_sizes(self, oids: Iterable[str]) -> dict[str, int]:
        """Size of each blob that exists, from object headers only: no content is read."""
        request = b"".join(oid.encode() + b"\n" for oid in oids)
        if not request:
            return {}
        output, _ = self.run_partial(
            "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)", stdin=request
        )
        sizes: dict[str, int] = {}
        for line in output.split(b"\n"):
            parts = line.split(b" ")
            if len(parts) == 3 and parts[1] == b"blob":
                sizes[parts[0].decode()] = int(parts[2])
        return sizes

    def is_shallow(self) -> bool:
        """Whether git keeps a shallow boundary: a file in the common git folder (which a linked
        worktree's folder names), read directly; a git process for it cost a sweep 2 ms a repo."""
        common = self.git_dir
        pointer = common / "commondir"
        if pointer.is_file():
            common = common / pointer.read_text().strip()
        return (common / "shallow").is_file()

    def reachable_blobs(self, revs: Sequence[str]) -> HistoryLog:
        """The log naming every blob reachable from `revs`, started now; attribution reads it
        again after the scan (sources.git_history_log)."""
        return HistoryLog(self.git_dir, revs)

    def pack_listing(self) -> PackListing:
        """Every blob in the object store, reachable or not, in storage order: git starts listing
        them now, beside whatever the caller does meanwhile (the walk for reachable blobs, which
        took as long again on one core), and the rows are read from `PackListing.rows`."""
        return PackListing(self.git_dir)

    def staged_changes(self) -> Iterator[tuple[str, str, str | None]]:
        """(path, index blob, HEAD blob or None) for files added, copied, modified, renamed or
        deleted (index blob ZERO_OID): what the next commit changes."""
        # On an unborn branch `--cached` compares with the empty tree by itself.
        output = self.run(
            "diff", "--cached", "--raw", "-z", "--no-abbrev", "-M", "--diff-filter=ACDMRT"
        )
        fields = output.split(b"\0")
        index = 0
        while index < len(fields) - 1:
            parts = fields[index].lstrip(b":").split(b" ")
            if len(parts) < 5:
                index += 1
                continue
            renamed = parts[4][:1] in (b"R", b"C")
            path = fields[index + (2 if renamed else 1)].decode("utf-8", "surrogateescape")
            index += 3 if renamed else 2
            if b"160000" in (parts[0], parts[1]):
                continue  # a submodule's commit, not content
            old = parts[2].decode()
            yield path, parts[3].decode(), None if old == ZERO_OID else old

    def other_refs_than(self, commit: str, pushed_ref: str | None = None) -> list[str]:
        """Refs other than the pushed one: what a new branch's own commits are cut from.

        With `pushed_ref`, that ref and its remote-tracking copies are left out; without it,
        every ref pointing at `commit`.
        """
        output = self.run("for-each-ref", "--format=%(objectname) %(refname)")
        short = _short_ref(pushed_ref) if pushed_ref else None
        refs = []
        for line in output.decode("utf-8", "surrogateescape").splitlines():
            oid, _, name = line.partition(" ")
            if not name:
                continue
            if short is not None:
                is_pushed = name == pushed_ref or (
                    name.startswith("refs/remotes/") and name.split("/", 3)[-1] == short
                )
            else:
                is_pushed = oid == commit
            if not is_pushed:
                refs.append(name)
        return refs


def _short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref
