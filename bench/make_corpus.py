"""Build the throughput benchmark's input from real code: source releases of large PyPI packages.

Stage: benchmarks only. Downloads source distributions from the package index's simple API
(cached in bench/corpus/downloads, each checked against the index's sha256),
unpacks them side by side into bench/corpus/tree until it reaches --size-mb, and with --git commits
each package's successive releases as one git history per package under bench/corpus/history
(for history scans: the same files changing release after release, like a real repository).
Releases for histories are unpacked under bench/corpus/releases. Each history is repacked at the
end, as a clone would be: a history scan then reads a pack, not thousands of loose objects.

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


def _git(repo: Path, *args: str, when: int = 0) -> None:
    stamp = f"{1_700_000_000 + when * 86_400} +0000"  # fixed dates keep the history reproducible
    env = os.environ | {
        "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
    }  # fmt: skip
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def final_releases(name: str, count: int, consecutive: bool = False) -> tuple[str, ...]:
    """`count` final releases of `name`, oldest first: spread evenly over its index, or the
    latest `count` in a row (each a small change of the one before, as most commits are)."""
    finals = sorted(sdists(name), key=lambda v: tuple(int(part) for part in v.split(".")))
    if consecutive:
        return tuple(finals[-count:])
    step = max(1, len(finals) // count)
    return tuple(finals[-step * count :: step])


def build_history(
    out: Path, packages: list[str], releases_each: int = 0, consecutive: bool = False
) -> None:
    """One repository per package, one commit per release, oldest first, whatever --size-mb says.

    `releases_each` > 0 takes that many releases from the package index instead of RELEASES."""
    history, staging = out / "history", out / "releases"
    staging.mkdir(parents=True, exist_ok=True)
    for name in packages:
        repo = history / name
        if (repo / ".git").exists():
            continue
        versions = (
            final_releases(name, releases_each, consecutive) if releases_each else RELEASES[name]
        )
        with ThreadPoolExecutor(4) as pool:
            fetch = functools.partial(download, out / "downloads", name)
            archives = list(pool.map(fetch, versions))
        repo.mkdir(parents=True)
        _git(repo, "init", "-q", "-b", "main")
        commits = 0
        for archive in archives:
            if archive is None:
                continue
            path = unpack(archive, staging)  # one at a time: 60 botocores would be GBs at once
            for child in repo.iterdir():
                if child.name != ".git":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            shutil.copytree(path, repo, dirs_exist_ok=True, symlinks=True)
            _git(repo, "add", "-A", "-f")
            _git(repo, "commit", "-q", "--allow-empty", "-m", archive.name, when=commits)
            commits += 1
            shutil.rmtree(path)  # unpacked releases are only staging; the history keeps them
        _git(repo, "repack", "-a", "-d", "-q")
        _git(repo, "prune")
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
