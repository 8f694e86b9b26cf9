"""The command line every read of a repository's history starts with.

Stage: sources (git). git maps pack files in windows of `core.packedGitWindowSize` (1 GiB on
64-bit builds) up to `core.packedGitLimit` (8 GiB), and every page a long `rev-list` or
`cat-file` touches stays mapped and counts in its resident size. On rails' full history
(4.5 GB of blobs) that made git the largest process of a scan, 395 MB; 16 MiB windows under a
64 MiB cap brought the whole scan to 217 MB at the same CPU time (bench/throughput.py --git,
issue #18). Set on the command line, so a user's own configuration cannot undo it.
"""

from __future__ import annotations

from pathlib import Path

GIT = ("git", "-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=64m")


def git_at(git_dir: Path) -> list[str]:
    """`git` for the repository at `git_dir`, with small pack windows; append the subcommand."""
    return [*GIT, f"--git-dir={git_dir}"]
