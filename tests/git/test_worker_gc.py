"""A history scan's worker keeps what it inherited (the matcher, the rules) out of the cyclic
garbage collector's full passes; the process that scans in-process, maybe for a long time, does
not freeze anything.

Stage: orchestration, worker side (scanner.git_blob_scan).
"""

from __future__ import annotations

import gc
import multiprocessing
from multiprocessing.queues import Queue

from leakward.scanner import git_blob_scan


def _freeze_twice(queue: Queue[tuple[int, int, int]]) -> None:
    before = gc.get_freeze_count()
    git_blob_scan._freeze_inherited()
    once = gc.get_freeze_count()
    gc.collect()  # anything new, then a second task's call: nothing more is frozen
    [object() for _ in range(100)]
    git_blob_scan._freeze_inherited()
    queue.put((before, once, gc.get_freeze_count()))


def test_a_worker_freezes_what_it_inherited_once_and_the_scanning_process_nothing() -> None:
    before = gc.get_freeze_count()
    git_blob_scan._freeze_inherited()
    assert gc.get_freeze_count() == before

    context = multiprocessing.get_context("fork")
    queue: Queue[tuple[int, int, int]] = context.Queue()
    child = context.Process(target=_freeze_twice, args=(queue,))
    child.start()
    inherited, frozen, after_second = queue.get(timeout=120)
    child.join(timeout=120)

    assert child.exitcode == 0
    assert frozen > inherited
    assert after_second == frozen
