"""Positions of many findings, read in one pass, are the positions asked for one at a time."""

from __future__ import annotations

import random

import pytest

from leakward.scanner.models import Chunk, Origin


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_positions_in_one_pass_match_each_position(seed: int) -> None:
    chooser = random.Random(seed)
    text = "".join(chooser.choice(["a", "é", "\n", " ", "€", "z"]) for _ in range(2000))
    chunk = Chunk(text.encode(), Origin("file", "f.txt"), first_line=7, first_column=5)
    characters = [len(text[:n].encode()) for n in range(len(text) + 1)]
    offsets = [chooser.choice(characters) for _ in range(300)] + [-3, 10**6]

    assert chunk.positions(offsets) == {offset: chunk.position(offset) for offset in offsets}
