"""Build the artifact benchmark corpus: the labelled artifact generator at a larger scale.

Stage: benchmarks only. Writes bench/corpus/artifacts/files (APKs, IPAs, bundles with maps,
extensions, CI log archives, Postman exports, nested release archives) and its labels.json with
tests/corpus/artifacts.py, the generator the test suite uses, with more units and more filler
around each secret, until the files reach --size-mb on disk.

    python bench/make_artifacts.py [--size-mb 100] [--scale 80] [--out bench/corpus/artifacts]
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.corpus import artifacts  # noqa: E402


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def build(out: Path, size_mb: int, scale: int, seed: int) -> tuple[int, int, int]:
    """Generate until the files weigh `size_mb`; returns (units, bytes, labelled secrets)."""
    target = size_mb << 20
    probe = out.with_name(out.name + ".probe")
    shutil.rmtree(probe, ignore_errors=True)
    artifacts.generate(probe, seed, units=2, scale=scale)
    per_unit = tree_bytes(probe / artifacts.FILES) / 2
    shutil.rmtree(probe, ignore_errors=True)
    units = math.ceil(target / per_unit * 1.05)
    while True:
        shutil.rmtree(out, ignore_errors=True)
        labels = artifacts.generate(out, seed, units=units, scale=scale)
        size = tree_bytes(out / artifacts.FILES)
        if size >= target:
            return units, size, len(labels["secrets"])
        units = math.ceil(units * target / size * 1.05)


def main() -> int:
    parser = argparse.ArgumentParser(description="Write the labelled artifact benchmark corpus.")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "corpus" / "artifacts")
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--scale", type=int, default=80, help="filler per secret (1 in tests)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    units, size, secrets = build(args.out, args.size_mb, args.scale, args.seed)
    print(f"{args.out / artifacts.FILES}: {units} units, {size / 1e6:.1f} MB, {secrets} secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
