"""Write the labelled ARTIFACT corpus: `python -m tests.corpus.artifacts OUTDIR [--units N]`.

Stage: test data. Builds, per unit, an APK, an IPA, minified bundles with source maps, an HTML page,
a Chrome (.crx3) and a Firefox (.xpi) extension, a GitHub Actions log archive, a GitLab trace,
Postman collections (v2.0 and v2.1) and an environment export, plus a tar.gz and a zip nesting
some of them, with invented secrets and decoys planted in each. Files go to OUTDIR/files and
OUTDIR/labels.json lists each secret and decoy with the file as leakward names it (`outer!inner`)
and its line there, in the schema tests/corpus/scoring.py reads. Deterministic for a seed;
`scale` grows the filler around the secrets (for the benchmark), not their number.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
import tarfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.corpus import artifact_ci, artifact_mobile, artifact_web
from tests.corpus.artifact_parts import Artifact
from tests.corpus.generate import FILES, LABELS
from tests.sources import builders

__all__ = ["FILES", "LABELS", "generate"]


def _tar_gz(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1714557600, 0o644
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), mtime=0)


def _unit(rng: random.Random, index: int, scale: int) -> dict[str, Artifact]:
    """One of each artifact, keyed by its path under files/."""
    n = f"{index:03d}"
    out: dict[str, Artifact] = {
        f"android/app-{n}-release.apk": artifact_mobile.apk(rng, scale),
        f"ios/Example-{n}.ipa": artifact_mobile.ipa(rng, scale),
        f"web/site-{n}/index.html": artifact_web.page(rng, scale),
        f"ci/gitlab-job-{n}.log": artifact_ci.gitlab_trace(rng, scale),
        f"ci/logs_{n}.zip": artifact_ci.github_logs(rng, scale),
        f"api/billing-{n}.postman_collection.json": artifact_ci.collection(rng, "2.1"),
        f"api/legacy-{n}.postman_collection.json": artifact_ci.collection(rng, "2.0"),
        f"api/production-{n}.postman_environment.json": artifact_ci.environment(rng),
    }
    for name, art in artifact_web.bundle(rng, scale).items():
        out[f"web/site-{n}/static/js/{name}"] = art
    for name, art in artifact_web.extension(rng, scale).items():
        out[f"extensions/{n}-{name}"] = art
    out[f"releases/release-{n}.tar.gz"] = _nest(rng, scale, tarball=True)
    out[f"releases/mobile-{n}.zip"] = _nest(rng, scale, tarball=False)
    return out


def _nest(rng: random.Random, scale: int, tarball: bool) -> Artifact:
    """A release archive holding other artifacts (an APK in a tar.gz, an IPA and logs in a zip)."""
    outer = Artifact()
    if tarball:
        inner = {
            "dist/app-release.apk": artifact_mobile.apk(rng, scale),
            "api/collection.json": artifact_ci.collection(rng, "2.1"),
        }
        inner |= {f"dist/web/{k}": v for k, v in artifact_web.bundle(rng, scale).items()}
    else:
        inner = {
            "ios/Example.ipa": artifact_mobile.ipa(rng, scale),
            "ci/logs.zip": artifact_ci.github_logs(rng, scale),
        }
    for path, art in inner.items():
        outer.take(art, path)
    data = {path: art.data for path, art in inner.items()}
    outer.data = _tar_gz(data) if tarball else builders.zip_of(data)
    return outer


def generate(out: Path, seed: int = 1337, units: int = 3, scale: int = 1) -> dict[str, Any]:
    """Write `units` sets of artifacts under out/files and return (and write) their labels."""
    rng = random.Random(seed)
    root = out / FILES
    secrets: list[dict[str, Any]] = []
    decoy_rows: list[dict[str, Any]] = []
    for index in range(units):
        for rel, art in _unit(rng, index, scale).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(art.data)
            holder = Artifact()
            holder.take(art, rel)
            secrets += [asdict(label) for label in holder.secrets]
            decoy_rows += holder.decoys
    labels = {
        "seed": seed,
        "units": units,
        "scale": scale,
        "secrets": secrets,
        "decoys": decoy_rows,
    }
    (out / LABELS).write_text(json.dumps(labels, indent=1), encoding="utf-8")
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the labelled artifact corpus.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--units", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)
    labels = generate(args.outdir, args.seed, args.units, args.scale)
    sys.stdout.write(
        f"{len(labels['secrets'])} secrets, {len(labels['decoys'])} decoys "
        f"in {args.outdir / FILES}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
