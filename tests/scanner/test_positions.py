"""Positions of many findings, read in one pass, are the positions asked for one at a time."""

from __future__ import annotations

import dataclasses
import inspect
import random

import pytest

from leakward.scanner.models import Chunk, Finding, Origin, placed_finding


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_positions_in_one_pass_match_each_position(seed: int) -> None:
    chooser = random.Random(seed)
    text = "".join(chooser.choice(["a", "é", "\n", " ", "€", "z"]) for _ in range(2000))
    chunk = Chunk(text.encode(), Origin("file", "f.txt"), first_line=7, first_column=5)
    characters = [len(text[:n].encode()) for n in range(len(text) + 1)]
    offsets = [chooser.choice(characters) for _ in range(300)] + [-3, 10**6]

    assert chunk.positions(offsets) == {offset: chunk.position(offset) for offset in offsets}


@pytest.mark.parametrize("seed", [4, 5])
def test_positions_in_ascii_text_count_bytes_as_characters(seed: int) -> None:
    """ASCII text takes a shortcut (no slice decoded per offset); it must land where the
    decoding path lands, on the first line and after it."""
    chooser = random.Random(seed)
    text = "".join(chooser.choice(["a", "\n", " ", "z", "\t"]) for _ in range(2000))
    chunk = Chunk(text.encode(), Origin("file", "f.txt"), first_line=3, first_column=9)
    offsets = [chooser.randrange(len(text) + 1) for _ in range(300)] + [0, -1, 10**6]

    assert chunk.positions(offsets) == {offset: chunk.position(offset) for offset in offsets}


def test_a_placed_finding_is_the_finding_its_fields_make() -> None:
    """`placed_finding` sets the slots in field order: a field added to `Finding` (or two
    swapped) must show here, not as a finding with its line in its column."""
    names = [field.name for field in dataclasses.fields(Finding)]
    assert list(inspect.signature(placed_finding).parameters) == names
    values = [f"v{n}" for n in range(len(names))]

    placed = placed_finding(*values)  # type: ignore[arg-type]

    assert placed == Finding(*values)  # type: ignore[arg-type]
    assert [getattr(placed, name) for name in names] == values
    assert hash(placed) == hash(Finding(*values))  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        placed.line = 2  # type: ignore[misc]
