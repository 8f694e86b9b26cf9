"""Files and directory trees: which files to scan, and their bytes as chunks.

Stage: sources. Inside a git work tree `.gitignore` is honoured by asking git itself (tracked files
plus untracked ones that are not ignored), which is exact where any reimplementation would drift.
Large files are streamed in overlapping segments, never read whole; links are not followed.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from leakward.core.errors import SourceError
from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources.dispatch import (
    ContainerLimits,
    chunks_for,
    is_binary,
    is_plain_text,
    is_read_whole,
)

MiB = 1024 * 1024
# Opening never waits: a named pipe swapped in for a listed file would block open() until a
# writer came, and a link swapped in would be followed.
_NOT_REGULAR = "no longer a regular file (a pipe or device took its place after listing); not read"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True, slots=True)
class FileLimits:
    max_file_size: int = 256 * MiB
    segment_size: int = 16 * MiB
    # Bytes repeated at the start of the next segment so a secret across the cut is still whole.
    overlap: int = 64 * 1024


@dataclass(frozen=True, slots=True)
class Target:
    """A file to scan: where it is, and how reports name it (relative to the scan root)."""

    path: str
    display: str
    size: int

    def __reduce__(self) -> tuple[type[Target], tuple[str, str, int]]:
        # Tasks carry some 40,000 of these to the workers for a tree like rails' ten releases;
        # pickled by default, each was a dict of its slots: four times the work in the parent.
        return (Target, (self.path, self.display, self.size))


def list_targets(root: Path, *, no_ignore: bool = False) -> Iterator[Target | Skipped]:
    """Every regular file under `root` (or `root` itself), minus what git ignores."""
    if not root.exists() and not root.is_symlink():
        raise SourceError(f"{root} does not exist", "pass a file or directory to scan")
    if not root.is_dir():
        yield from _target(root, root.name)
        return
    names = None if no_ignore else _git_visible_files(root)
    if names is not None:
        for name in names:
            path = root / name
            if path.is_dir() and not path.is_symlink():
                # A repository inside this work tree (a submodule, or one cloned into it): git
                # lists it as one entry, and its own .gitignore decides what is read inside it.
                yield from _nested(list_targets(path), name.rstrip("/"))
            else:
                yield from _target(path, name)
        return
    yield from _walk(root)


def _nested(items: Iterator[Target | Skipped], prefix: str) -> Iterator[Target | Skipped]:
    for item in items:
        if isinstance(item, Target):
            yield Target(item.path, f"{prefix}/{item.display}", item.size)
        else:
            yield Skipped(f"{prefix}/{item.path}", item.reason, item.is_error)


def _target(path: Path, display: str) -> Iterator[Target | Skipped]:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return  # deleted from the work tree but still in git's index: nothing to read
    except OSError as exc:
        yield Skipped(display, f"cannot stat: {exc.strerror}", is_error=True)
        return
    if stat.S_ISLNK(info.st_mode):
        yield Skipped(display, "symbolic link (not followed)")
    elif stat.S_ISREG(info.st_mode):
        yield Target(str(path), display, info.st_size)
    elif not stat.S_ISDIR(info.st_mode):
        yield Skipped(display, "not a regular file")


def _git_visible_files(root: Path) -> list[str] | None:
    """Files git would show under `root`, or None when `root` is not in a git work tree."""
    if not _is_listed_by_git(root):
        return None
    try:
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--deduplicate",
            ],
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted(os.fsdecode(n) for n in listed.stdout.split(b"\0") if n)


def _is_listed_by_git(root: Path) -> bool:
    """Whether the files under `root` are listed by git (so `.gitignore` applies below it)."""
    try:
        inside = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            check=False,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return False
        # A folder named on the command line is scanned even when its work tree ignores it
        # (a build output, a vendored copy): .gitignore decides what to leave out below a root
        # the user chose, not whether to read that root at all.
        ignored = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-q", "."], capture_output=True, check=False
        )
    except OSError:
        return False
    return ignored.returncode != 0


def gitignored_paths(root: Path) -> list[str]:
    """What `.gitignore` leaves out under a directory `root` that `list_targets` lists through
    git: ignored files, and ignored directories once each (`node_modules/`), since listing every
    file inside them would walk trees the scan itself never enters; and the same inside a
    repository cloned into the work tree, by its own ignores. Empty when `root` is not in a work
    tree or is itself ignored (then everything under it is scanned)."""
    if not root.is_dir() or not _is_listed_by_git(root):
        return []
    ignored = _git_names(root, "--ignored", "--directory", "--no-empty-directory")
    # Untracked files one by one, and a repository inside as one entry ending in "/".
    nested = [name for name in _git_names(root) if name.endswith("/")]
    for name in nested:
        ignored += [f"{name.rstrip('/')}/{inner}" for inner in gitignored_paths(root / name)]
    return sorted(ignored)


def _git_names(root: Path, *options: str) -> list[str]:
    """The untracked paths `git ls-files --others` lists under `root` with these options."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--others", "--exclude-standard",
             *options],
            capture_output=True,
            check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return []
    return [os.fsdecode(n) for n in listed.stdout.split(b"\0") if n]


def _walk(root: Path) -> Iterator[Target | Skipped]:
    # Display paths by slicing: os.path.relpath costs more than reading a small file. The stack
    # holds strings, since pathlib would drop a leading "./" and shift the slice.
    top = str(root)
    prefix = len(os.path.join(top, ""))
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            display = directory[prefix:] or "."
            yield Skipped(display, f"cannot list directory: {exc.strerror}", is_error=True)
            continue
        for entry in entries:
            display = entry.path[prefix:]
            try:
                if entry.is_symlink():
                    yield Skipped(display, "symbolic link (not followed)")
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name != ".git":
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    yield Target(entry.path, display, entry.stat(follow_symlinks=False).st_size)
                else:
                    yield Skipped(display, "not a regular file")
            except OSError as exc:
                yield Skipped(display, f"cannot stat: {exc.strerror}", is_error=True)


def read_target(
    target: Target, limits: FileLimits, containers: ContainerLimits, source: str = "auto"
) -> Iterator[Chunk | Skipped]:
    """The chunks of one file; anything unreadable becomes a Skipped with its reason."""
    if target.size > limits.max_file_size:
        yield Skipped(
            target.display,
            f"larger than the {limits.max_file_size // MiB} MiB limit (raise --max-file-size)",
        )
        return
    origin = Origin(kind="file", path=target.display)
    try:
        with os.fdopen(os.open(target.path, _OPEN_FLAGS), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                yield Skipped(target.display, _NOT_REGULAR, is_error=True)
                return
            head = handle.read(limits.segment_size)
            if len(head) < limits.segment_size or source != "auto" or is_read_whole(head, origin):
                # Bounded even if the file grew after it was listed.
                data = head + handle.read(max(limits.max_file_size - len(head), 0))
                yield from chunks_for(data, origin, containers, source=source)
                return
            if is_binary(head):
                yield Skipped(target.display, "binary file")
                return
            yield from _segments(handle, head, origin, limits)
    except OSError as exc:
        yield Skipped(target.display, f"cannot read: {exc.strerror}", is_error=True)


def read_plain(
    target: Target, limits: FileLimits, containers: ContainerLimits, source: str = "auto"
) -> bytes | Iterator[Chunk | Skipped]:
    """A small file's bytes when `chunks_for` would give them back whole as plain text, for the
    caller to locate together with other files; otherwise the chunks `read_target` gives.

    Nearly every file of a source tree is small plain text, and a generator, a 16 MiB read
    buffer and the format dispatch per file cost more than scanning it. Read whole in one call
    of the size `fstat` gives, since a file cannot be sniffed before it is read.
    """
    # Large files are streamed, and those past the size limit skipped with its reason, there.
    if source != "auto" or target.size >= limits.segment_size or target.size > limits.max_file_size:
        return read_target(target, limits, containers, source)
    try:
        fd = os.open(target.path, _OPEN_FLAGS)
    except OSError as exc:
        return iter([Skipped(target.display, f"cannot read: {exc.strerror}", is_error=True)])
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return iter([Skipped(target.display, _NOT_REGULAR, is_error=True)])
        if info.st_size >= limits.segment_size:
            return read_target(target, limits, containers, source)  # it grew since listing
        data = os.read(fd, info.st_size + 1)
    except OSError as exc:
        return iter([Skipped(target.display, f"cannot read: {exc.strerror}", is_error=True)])
    finally:
        os.close(fd)
    if len(data) != info.st_size:
        # Growing, truncated, or a short read (one `read` call may stop early): read it the
        # buffered way, which reads on to the end, rather than scan part of the file.
        return read_target(target, limits, containers, source)
    if is_plain_text(data, target.display, containers):
        return data
    return chunks_for(data, Origin(kind="file", path=target.display), containers)


def _segments(handle: BinaryIO, head: bytes, origin: Origin, limits: FileLimits) -> Iterator[Chunk]:
    """Overlapping segments of a large text file, each knowing its first line and column."""
    read = handle.read
    data = head
    line, column = 1, 1
    while data:
        yield Chunk(data, origin, first_line=line, first_column=column)
        block = read(limits.segment_size)
        if not block:
            return
        cut = max(0, len(data) - limits.overlap)
        newlines = data.count(b"\n", 0, cut)
        if newlines:
            line += newlines
            column = cut - data.rfind(b"\n", 0, cut)
        else:
            column += cut
        data = data[cut:] + block


def read_stdin(
    stream: BinaryIO, limits: FileLimits, source: str = "auto"
) -> Iterator[Chunk | Skipped]:
    """Standard input as one source named `-`, streamed like a large file; with a named
    `source` (`gh run view --log | leakward scan - --source ci-log`) read whole, up to the
    file size limit, and decoded as that format."""
    origin = Origin(kind="stdin", path="-")
    if source != "auto":
        data = stream.read(limits.max_file_size + 1)
        if len(data) > limits.max_file_size:
            yield Skipped("-", f"input larger than the {limits.max_file_size // MiB} MiB limit")
            return
        yield from chunks_for(data, origin, ContainerLimits(), source=source)
        return
    head = stream.read(limits.segment_size)
    if is_binary(head):
        yield Skipped("-", "binary input")
        return
    yield from _segments(stream, head, origin, limits)
