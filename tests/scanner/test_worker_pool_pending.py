"""run_pooled takes the next item only while fewer than `most_pending` wait unfinished: a
producer that runs ahead of the workers (a history's walk) must not pile every task up here."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from leakward.scanner.worker_pool import run_pooled

_FORK = multiprocessing.get_context("fork")
# Workers hold every item until the producer has handed out the third: the bound is then reached
# whatever the machine's speed, so the test shows it holds rather than that workers were quick.
_GO = _FORK.Event()


def _square(value: int) -> int:
    _GO.wait()
    return value * value


def test_the_producer_is_never_more_than_most_pending_ahead():
    results: list[int] = []
    ahead: list[int] = []

    def items() -> Iterator[int]:
        for value in range(60):
            # Items handed out, this one included, whose results are not back yet.
            ahead.append(value + 1 - len(results))
            if value == 2:
                _GO.set()
            yield value

    def start_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(2, mp_context=_FORK)

    run_pooled(_square, items(), start_pool, results.append, most_pending=3)

    assert sorted(results) == [value * value for value in range(60)]
    assert ahead[:3] == [1, 2, 3]
    assert max(ahead) == 3
