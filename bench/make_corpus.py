"""Build the throughput benchmark's input from real code: source releases of large PyPI packages.

Stage: benchmarks only. Downloads source distributions from the package index's simple API
(cached in bench/corpus/downloads, each checked against the index's sha256),
unpacks them side by side into bench/corpus/tree until it reaches --size-mb, and with --git commits
each package's successive releases as one git history per package under bench/corpus/history
(for history scans: the same files changing release after release, like a real repository).
Histories are written by one `git fast-import` straight from the archives, then repacked as a
clone would be: a history scan then reads a pack, not thousands of loose objects.

    python bench/make_corpus.py [--size-mb 300] [--git] [--out bench/corpus]
    python bench/make_corpus.py --git --history-releases 60 --git-packages botocore,django \
        --out bench/corpus-large     # GBs of unique blob bytes, like the rails clone PEERS.md uses

The files are fetched directly, not with `pip download`: pip prepares each sdist's metadata in
a fresh build environment, about ten seconds of CPU a release, which made 150 releases an hour.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
INDEX = os.environ.get("LEAKWARD_BENCH_INDEX", "https://pypi.org/simple")

# Oldest first: --git commits them in this order. Sizes are unpacked, roughly.
RELEASES: dict[str, tuple[str, ...]] = {
    "django": ("4.1.13", "4.2.16", "5.0.9", "5.1.3"),  # ~45 MB each
    "botocore": ("1.31.85", "1.34.162"),  # ~90 MB each, mostly JSON service models
    "sqlalchemy": ("1.4.54", "2.0.36"),
    "sympy": ("1.12", "1.13.3"),
    "ansible-core": ("2.16.13", "2.17.6"),
    "networkx": ("3.2.1", "3.4.2"),
    "babel": ("2.14.0", "2.16.0"),
    "pygments": ("2.17.2", "2.18.0"),
    "tornado": ("6.4.1", "6.4.2"),
    "sphinx": ("7.3.7", "8.1.3"),
}


def _cached(downloads: Path, name: str, version: str) -> Path | None:
    stem = f"{name}-{version}".lower().replace("-", "_")
    for path in downloads.iterdir():
        if path.name.lower().replace("-", "_").startswith(stem + "."):
            return path
    return None


@functools.cache
def sdists(name: str) -> dict[str, str]:
    """Final release -> address of its source distribution, from the index's project page."""
    page = httpx.get(f"{INDEX}/{name}/", follow_redirects=True, timeout=120)
    page.raise_for_status()
    spelled = re.escape(name).replace("\\-", "[-_.]")
    filename = re.compile(rf"(?i)^{spelled}-(\d+(?:\.\d+)*)\.(?:tar\.gz|zip)$")
    found: dict[str, str] = {}
    for href in re.findall(r'href="([^"]+)"', page.text):
        address = html.unescape(href)
        match = filename.match(address.split("#")[0].rsplit("/", 1)[-1])
        if match:
            found[match.group(1)] = address
    return found


def download(downloads: Path, name: str, version: str) -> Path | None:
    """The sdist of `name==version`, fetched from the index unless already cached."""
    downloads.mkdir(parents=True, exist_ok=True)
    found = _cached(downloads, name, version)
    if found:
        return found
    address = sdists(name).get(version)
    if address is None:
        print(f"  {name}=={version}: no source distribution on {INDEX}")
        return None
    url, _, digest = address.partition("#sha256=")
    target = downloads / url.rsplit("/", 1)[-1]
    partial = downloads / f".partial-{target.name}"  # a leading dot: _cached never takes it
    checksum = hashlib.sha256()
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=300) as response:
            response.raise_for_status()
            with partial.open("wb") as out:
                for block in response.iter_bytes(1 << 20):
                    checksum.update(block)
                    out.write(block)
    except httpx.HTTPError as error:
        print(f"  {name}=={version}: download failed: {error}")
        return None
    if digest and checksum.hexdigest() != digest:
        partial.unlink()
        print(f"  {name}=={version}: sha256 differs from the index's; not used")
        return None
    partial.rename(target)
    return target


def unpack(archive: Path, dest: Path) -> Path:
    """Unpack into dest/<name-version>/ (the archive's own top folder), replacing what was there."""
    target = dest / archive.name.removesuffix(".tar.gz").removesuffix(".zip")
    if target.exists():
        return target
    tmp = dest / (target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)  # noqa: S202 - zipfile strips absolute paths and ".."
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(tmp, filter="data")
    inner = list(tmp.iterdir())
    (inner[0] if len(inner) == 1 and inner[0].is_dir() else tmp).rename(target)
    shutil.rmtree(tmp, ignore_errors=True)
    return target


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build_tree(out: Path, size_mb: int) -> list[tuple[str, str, Path]]:
    """Unpack releases round-robin across packages until the tree holds `size_mb`."""
    tree = out / "tree"
    tree.mkdir(parents=True, exist_ok=True)
    order = [(n, v) for i in range(4) for n, vs in RELEASES.items() if i < len(vs) for v in [vs[i]]]
    unpacked: list[tuple[str, str, Path]] = []
    total = tree_bytes(tree)
    for name, version in order:
        archive = download(out / "downloads", name, version)
        if archive is None:
            continue
        existed = (tree / archive.name.removesuffix(".tar.gz")).exists()
        if total >= size_mb * 1_000_000 and not existed:
            break
        target = unpack(archive, tree)
        if not existed:
            total += tree_bytes(target)
        unpacked.append((name, version, target))
        print(f"  {target.name}: tree now {total / 1e6:.0f} MB")
    return unpacked


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def final_releases(name: str, count: int, consecutive: bool = False) -> tuple[str, ...]:
    """`count` final releases of `name`, oldest first: spread evenly over its index, or the
    latest `count` in a row (each a small change of the one before, as most commits are)."""
    finals = sorted(sdists(name), key=lambda v: tuple(int(part) for part in v.split(".")))
    if consecutive:
        return tuple(finals[-count:])
    step = max(1, len(finals) // count)
    return tuple(finals[-step * count :: step])


def _members(archive: Path) -> Iterator[tuple[str, str, bytes]]:
    """(path inside the release, git mode, content) of each file and symlink of an sdist, with
    the archive's own top folder taken off. Nothing is written to disk, so a hostile name can do
    no harm; names git would refuse (absolute, `..`, control characters) are left out."""
    entries: list[tuple[str, str, bytes]] = []
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    executable = (info.external_attr >> 16) & 0o111
                    entries.append((info.filename, "100755" if executable else "100644",
                                    zf.read(info)))  # fmt: skip
    else:
        with tarfile.open(archive) as tf:
            for member in tf:
                if member.issym():
                    entries.append((member.name, "120000", member.linkname.encode()))
                elif member.isfile() and (handle := tf.extractfile(member)) is not None:
                    mode = "100755" if member.mode & 0o111 else "100644"
                    entries.append((member.name, mode, handle.read()))
    tops = {name.split("/", 1)[0] for name, _, _ in entries}
    strip = len(tops) == 1 and all("/" in name for name, _, _ in entries)
    for name, mode, data in entries:
        path = name.split("/", 1)[1] if strip else name
        parts = path.split("/")
        if path.startswith("/") or ".." in parts or any(ord(c) < 32 or c == '"' for c in path):
            continue
        yield path, mode, data


def _import_releases(repo: Path, archives: list[Path]) -> int:
    """Commit each release as the whole tree of one commit, oldest first, through one
    `git fast-import`: one process for the history instead of a copy, `add` and `commit` per
    release, which took this machine half a minute each for botocore."""
    env = os.environ | {"GIT_DIR": str(repo / ".git")}
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env)
    stream = proc.stdin
    if stream is None:  # only for the type checker: stdin=PIPE always gives one
        raise SystemExit("git fast-import has no input pipe")
    for when, archive in enumerate(archives):
        stamp = f"{1_700_000_000 + when * 86_400} +0000"  # fixed dates: a reproducible history
        message = archive.name.encode()
        stream.write(
            b"commit refs/heads/main\n"
            + f"author bench <bench@example.com> {stamp}\n".encode()
            + f"committer bench <bench@example.com> {stamp}\n".encode()
            + f"data {len(message)}\n".encode()
            + message
            + b"\ndeleteall\n"
        )
        for path, mode, data in _members(archive):
            stream.write(f"M {mode} inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        stream.write(b"\n")
    stream.close()
    if proc.wait() != 0:
        raise SystemExit(f"git fast-import failed for {repo}")
    return len(archives)


def build_history(
    out: Path, packages: list[str], releases_each: int = 0, consecutive: bool = False
) -> None:
    """One repository per package, one commit per release, oldest first, whatever --size-mb says.

    `releases_each` > 0 takes that many releases from the package index instead of RELEASES."""
    history = out / "history"
    for name in packages:
        repo = history / name
        if (repo / ".git").exists():
            continue
        versions = (
            final_releases(name, releases_each, consecutive) if releases_each else RELEASES[name]
        )
        with ThreadPoolExecutor(4) as pool:
            fetch = functools.partial(download, out / "downloads", name)
            archives = [a for a in pool.map(fetch, versions) if a is not None]
        repo.mkdir(parents=True)
        _git(repo, "init", "-q", "-b", "main")
        commits = _import_releases(repo, archives)
        # Deltas computed afresh over the whole history, as a clone's pack has them (fast-import
        # only tries the previous version of each path).
        _git(repo, "repack", "-a", "-d", "-f", "-q")
        _git(repo, "checkout", "-q", "-f", "main")  # the last release in the work tree, as before
        print(f"  history/{name}: {commits} commits")


def main() -> int:
    parser = argparse.ArgumentParser(description="Build bench/corpus from PyPI source releases.")
    parser.add_argument("--out", type=Path, default=BENCH / "corpus")
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--git", action="store_true", help="also build per-package histories")
    parser.add_argument(
        "--git-packages",
        default="django,sqlalchemy,sympy,networkx,pygments",
        help="packages whose releases become histories (comma-separated)",
    )
    parser.add_argument(
        "--history-releases",
        type=int,
        default=0,
        help="releases per history, spread over the package index (default: the fixed list)",
    )
    parser.add_argument(
        "--consecutive",
        action="store_true",
        help="with --history-releases: the latest releases in a row instead of spread out",
    )
    args = parser.parse_args()
    if args.size_mb > 0:
        print(f"tree: {args.out / 'tree'} (target {args.size_mb} MB)")
        build_tree(args.out, args.size_mb)
    if args.git:
        build_history(
            args.out, args.git_packages.split(","), args.history_releases, args.consecutive
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
