"""Runs scan tasks in worker processes, and outlives a worker that dies.

Stage: orchestration inside the scanner. A worker killed mid-task (the kernel's OOM killer, a
crash in a native library, a signal) breaks a ProcessPoolExecutor: every task it still held
fails with BrokenProcessPool. Those tasks are not the culprit's fault, so each is retried: split
into its parts (one file each), every part alone in a worker, one at a time, so a second death
names the part that causes it. That part is handed to `on_lost`; everything else is finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerDiedError(RuntimeError):
    """A task's worker process died twice and the caller gave no way to report the task."""


def run_pooled(
    task: Callable[[T], R],
    items: Iterable[T],
    start_pool: Callable[[], ProcessPoolExecutor],
    on_result: Callable[[R], None],
    *,
    most_pending: int,
    split: Callable[[T], Iterable[T]] = lambda item: [item],
    on_lost: Callable[[T], None] | None = None,
) -> None:
    """`task` over `items` in pools from `start_pool`; results go to `on_result` as they come.

    Items are submitted as they are produced, until `most_pending` wait unfinished: then the next
    one is taken only when one finishes. Items whose worker died are retried part by part
    (`split`) after the rest; a part whose worker dies again goes to `on_lost`, or raises
    WorkerDiedError when there is none.
    """
    lost: list[T] = []
    pending: dict[Future[R], T] = {}
    pool = start_pool()
    # Its processes start now, not at the first item: one forked later holds a copy of whatever
    # the producer of the items built meanwhile (git_tasks.NamedBlobs). No other thread of ours
    # may run now: a fork copies only this one, and a lock another held would stay held in the
    # worker (the history's log and walk are read without one: sources.git_history_log,
    # sources.git_walk).
    try:
        pool.submit(int)
        for item in items:
            try:
                future = pool.submit(task, item)
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = start_pool()
                future = pool.submit(task, item)
            pending[future] = item
            _settle([f for f in pending if f.done()], pending, on_result, lost)
            # A submitted item stays in this process until a worker takes it: a history's walk
            # that ran ahead of the workers held every waiting blob table (a million-blob
            # history: 171 -> 161 MB peak).
            while len(pending) >= most_pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                _settle(list(finished), pending, on_result, lost)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            _settle(list(finished), pending, on_result, lost)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    _retry_alone(
        [part for item in lost for part in split(item)], task, start_pool, on_result, on_lost
    )


def _settle(
    finished: list[Future[R]],
    pending: dict[Future[R], T],
    on_result: Callable[[R], None],
    lost: list[T],
) -> None:
    for future in finished:
        item = pending.pop(future)
        try:
            result = future.result()
        except BrokenProcessPool:
            lost.append(item)
            continue
        on_result(result)


def _retry_alone(
    parts: list[T],
    task: Callable[[T], R],
    start_pool: Callable[[], ProcessPoolExecutor],
    on_result: Callable[[R], None],
    on_lost: Callable[[T], None] | None,
) -> None:
    """Each part once more, alone in a live worker: a death now is that part's own doing."""
    pool: ProcessPoolExecutor | None = None
    try:
        for part in parts:
            pool = pool or start_pool()
            try:
                result = pool.submit(task, part).result()
            except BrokenProcessPool as exc:
                pool.shutdown(wait=True)
                pool = None
                if on_lost is None:
                    raise WorkerDiedError("a worker process died twice on the same task") from exc
                on_lost(part)
                continue
            on_result(result)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
