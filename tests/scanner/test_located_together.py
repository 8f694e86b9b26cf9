"""Chunks located together find exactly what each finds alone: nothing reaches across chunks."""

from __future__ import annotations

import random

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from tests.git.repos import aws_pair, pat

RULESET = load_rules().select()


def _chunks(seed: int) -> list[Chunk]:
    """Files whose ends and starts would make secrets, pairs or decodings if they were joined."""
    chooser = random.Random(seed)
    key_id, secret = aws_pair(seed)
    token = pat(seed)
    texts = [
        f"first = 1\ntoken = {token[:20]}",  # a token cut in two across a file boundary
        f"{token[20:]}\nother = 2\n",
        f"aws_access_key_id = {key_id}\n",  # an id at the end of one file …
        f"aws_secret_access_key = {secret}\nport = 8080\n",  # … its secret at the next's start
        "encoded = Z2hwX",  # base64 cut across files
        "1234\n",
        f"url = https://host/?token={token.replace('_', '%5F')}\n",  # URL-encoded, whole
        f"key = {pat(seed + 1)}  # leakward:allow\n",  # allowed in its own file only
        "\n" * chooser.randint(1, 5) + f"late = {pat(seed + 2)}\n",
    ]
    return [
        Chunk(text.encode(), Origin(kind="file", path=f"file{n}.txt"))
        for n, text in enumerate(texts)
    ]


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_chunks_located_together_match_each_located_alone(engine: str, seed: int) -> None:
    matcher = Matcher(RULESET, make_engine(RULESET, engine))
    chunks = _chunks(seed)

    together = matcher.scan_chunks_spans(chunks)

    alone = [matcher.scan_chunk_spans(chunk) for chunk in chunks]
    assert together == alone
    found = {finding.secret.reveal() for spans in together for finding, _, _ in spans}
    assert pat(seed) in found  # the URL-decoded copy: the check is not vacuous
    assert pat(seed + 2) in found
    assert pat(seed + 1) not in found


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_a_first_match_only_trigger_fires_in_every_chunk_located_together(engine: str) -> None:
    """A URL escape is reported at its first place only (triggers.FIRST_ONLY) and so is a
    keyword; Hyperscan scanning the chunks joined in one pass reported it in the first chunk
    and never in the second, whose encoded token went unfound."""
    matcher = Matcher(RULESET, make_engine(RULESET, engine))
    tokens = [pat(11), pat(12), pat(13)]
    chunks = [
        Chunk(
            f"url = https://host/?token={token.replace('_', '%5F')}\n".encode(),
            Origin(kind="file", path=f"file{n}.txt"),
        )
        for n, token in enumerate(tokens)
    ]

    found = matcher.scan_chunks_spans(chunks)

    secrets = [{finding.secret.reveal() for finding, _, _ in spans} for spans in found]
    assert [token in each for token, each in zip(tokens, secrets, strict=True)] == [True] * 3
    assert found == [matcher.scan_chunk_spans(chunk) for chunk in chunks]
