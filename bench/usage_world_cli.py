"""The command line every usage world shares: summarise one world, or write its pages and labels.

Stage: benchmarks only (issue #20). Worlds 5, 7 and 9 each wrote the same `main`; a world module
passes itself here with its description and default seed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol


class WorldModule(Protocol):
    build_world: Callable[[str, int], Any]
    summary: Callable[[Any], list[str]]
    write_world: Callable[[Any, Path], list[Path]]
    labels: Callable[[Any], dict[str, object]]


def run(world: WorldModule, description: str, seed: int, argv: Sequence[str] | None) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--provider", choices=("openai", "anthropic"), default="openai")
    parser.add_argument("--out", type=Path, help="write the 1h pages and labels.json here")
    args = parser.parse_args(argv)
    built = world.build_world(args.provider, args.seed)
    print("\n".join(world.summary(built)))
    if args.out:
        files = world.write_world(built, args.out)
        (args.out / "labels.json").write_text(json.dumps(world.labels(built), indent=1), "utf-8")
        print(f"{len(files)} pages and labels.json in {args.out}")
