"""Runs a scan: targets -> chunks -> matcher -> a ScanResult in a stable order.

Stage: orchestration inside the scanner. Files are spread over worker processes (one per core by
default) in batches; each worker builds its engine from the on-disk Hyperscan cache, so start-up
is cheap. Small scans stay in-process, where forking would cost more than it saves. Within a
batch, small plain-text files (decided from magic bytes and name) are located together in one
engine call under one time budget; containers, special formats and large files go one by one,
each under its own.
"""

from __future__ import annotations

import fnmatch
import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from leakward.rules.model import RuleSet
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Finding, Origin, ScanResult, ScanStats, Skipped
from leakward.scanner.sources.dispatch import ContainerLimits
from leakward.scanner.sources.files import FileLimits, Target, list_targets, read_plain
from leakward.scanner.time_budget import TimeBudgetError, check_deadline, time_budget
from leakward.scanner.worker_pool import run_pooled

# Below this many bytes a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 8 * 1024 * 1024
_BATCH_BYTES = 4 * 1024 * 1024
_BATCH_FILES = 256
# Items submitted to the worker pool and not finished, per worker (worker_pool.run_pooled).
_PENDING_PER_WORKER = 3

Progress = Callable[[int, int, int], None]  # files done, files total, bytes done


@dataclass(frozen=True, slots=True)
class ScanOptions:
    engine: str = "auto"
    jobs: int = 0
    decode_depth: int = 2
    no_ignore: bool = False
    exclude: tuple[str, ...] = ()
    # A format named by --source for the inputs themselves ("auto": sniffed).
    source: str = "auto"
    file_limits: FileLimits = field(default_factory=FileLimits)
    container_limits: ContainerLimits = field(default_factory=ContainerLimits)
    # Seconds one file may take (0: no budget). A backstop: formats are bounded by size caps.
    file_seconds: float = 300.0

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


@dataclass(slots=True)
class _Tally:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    carried: int = 0

    def add(self, other: _Tally) -> None:
        self.findings += other.findings
        self.skipped += other.skipped
        self.files += other.files
        self.bytes += other.bytes
        self.carried += other.carried


def scan_items(matcher: Matcher, items: Iterable[Chunk | Skipped]) -> _Tally:
    """Scan chunks as they come; a chunk the matcher cannot handle is skipped, not fatal."""
    tally = _Tally()
    seen: set[tuple[str, str, int, int]] = set()
    for item in items:
        check_deadline()  # a thread's file budget (time_budget); signals serve main threads
        if isinstance(item, Skipped):
            tally.skipped.append(item)
            continue
        tally.bytes += len(item.data)
        for finding in matcher.scan_chunk(item):
            # Overlapping segments of a large file see the same secret twice.
            key = (finding.rule_id, finding.origin.display, finding.line, finding.column)
            if key not in seen:
                seen.add(key)
                tally.findings.append(finding)
    return tally


# What this thread's tasks scan with: (rule set, options), set by run_tasks or, in a spawned
# pool worker, by _init_worker. Per thread, because a process running two scans at once (the
# sweep's in-process pool) must not hand one thread the other's matcher: an engine's scratch
# space serves one scan at a time. Forked workers inherit the parent's built matcher.
_WORKER = threading.local()


# Matchers this process built, by (rule set, engine, decode depth, thread): a sweep worker scans
# one repository after another with the same rules, and a build costs 20-50 ms of CPU. Keyed by
# the rule set's value, so a changed configuration gets a new one; by thread, because an engine's
# scratch space serves one scan at a time. Only the newest few are kept.
_BUILT: dict[tuple[RuleSet, str, int, int], Matcher] = {}
_BUILT_KEPT = 8
_BUILT_LOCK = threading.Lock()


def matcher_for(ruleset: RuleSet, options: ScanOptions) -> Matcher:
    """This thread's matcher for `ruleset` with `options`' engine and decode depth."""
    key = (ruleset, options.engine, options.decode_depth, threading.get_ident())
    with _BUILT_LOCK:
        matcher = _BUILT.get(key)
    if matcher is None:
        matcher = Matcher(ruleset, make_engine(ruleset, options.engine), options.decode_depth)
        with _BUILT_LOCK:
            while len(_BUILT) >= _BUILT_KEPT:
                del _BUILT[next(iter(_BUILT))]
            _BUILT[key] = matcher
    return matcher


def _unlock_after_fork() -> None:
    # A child forked while another thread held the lock would wait on it for ever.
    global _BUILT_LOCK
    _BUILT_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_unlock_after_fork)


def _init_worker(ruleset: RuleSet, options: ScanOptions) -> None:
    _WORKER.current = (ruleset, options)


def _scan_batch(batch: list[Target]) -> _Tally:
    matcher, options = worker_matcher()
    tally = _Tally()
    texts: list[tuple[Target, bytes]] = []
    held = 0
    for target in batch:
        tally.files += 1
        read = read_plain(target, options.file_limits, options.container_limits, options.source)
        if not isinstance(read, bytes):
            tally.add(_scan_alone(matcher, options, target, read))
            continue
        texts.append((target, read))
        held += len(read)
        if held >= _BATCH_BYTES:  # files that grew since they were listed: memory stays bounded
            tally.add(_scan_texts(matcher, options, texts))
            texts, held = [], 0
    if texts:
        tally.add(_scan_texts(matcher, options, texts))
    return tally


def _scan_alone(
    matcher: Matcher, options: ScanOptions, target: Target, chunks: Iterable[Chunk | Skipped]
) -> _Tally:
    """One file's chunks under its own time budget; whatever goes wrong is that file's reason."""
    try:
        with time_budget(options.file_seconds):
            return scan_items(matcher, chunks)
    except TimeBudgetError:
        return _Tally(skipped=[over_budget(target.display, options.file_seconds)])
    except Exception as exc:
        reason = f"internal error: {type(exc).__name__}"
        return _Tally(skipped=[Skipped(target.display, reason, is_error=True)])


def _scan_texts(
    matcher: Matcher, options: ScanOptions, texts: list[tuple[Target, bytes]]
) -> _Tally:
    """Plain-text files located together, in one engine call under one time budget (a timer
    armed per file cost more than scanning most files). Past that budget, or on an error, each
    file is scanned again alone, so the reason names the file that caused it."""
    try:
        with time_budget(options.file_seconds):
            located = matcher.scan_many_spans(
                [data for _, data in texts],
                lambda n: Origin(kind="file", path=texts[n][0].display),
            )
    except (TimeBudgetError, Exception):
        tally = _Tally()
        for target, data in texts:
            origin = Origin(kind="file", path=target.display)
            tally.add(_scan_alone(matcher, options, target, [Chunk(data, origin)]))
        return tally
    tally = _Tally(bytes=sum(len(data) for _, data in texts))
    for spans in located:
        # As `scan_items` does within a file: one finding per rule and place.
        seen: set[tuple[str, int, int]] = set()
        for finding, _, _ in spans:
            key = (finding.rule_id, finding.line, finding.column)
            if key not in seen:
                seen.add(key)
                tally.findings.append(finding)
    return tally


def over_budget(display: str, seconds: float) -> Skipped:
    """Why a file past its time budget (`--file-timeout`) was not scanned."""
    return Skipped(
        display,
        f"took longer than its {seconds:g} s time budget; the file was not scanned. Scan it "
        "alone to see why, and report it to the leakward maintainers",
        is_error=True,
    )


def worker_died(display: str) -> Skipped:
    """Why a file whose worker process died twice was not scanned."""
    return Skipped(
        display,
        "the worker process scanning this file died twice (killed, or out of memory); not "
        "scanned. Scan it alone (--jobs 1) to see why, and report it if leakward crashed",
        is_error=True,
    )


def _batches(targets: Iterable[Target]) -> Iterator[list[Target]]:
    batch: list[Target] = []
    size = 0
    for target in targets:
        batch.append(target)
        size += target.size
        if size >= _BATCH_BYTES or len(batch) >= _BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


T = TypeVar("T")
R = TypeVar("R")


def worker_matcher() -> tuple[Matcher, ScanOptions]:
    """The matcher of this thread (a pool worker, or the caller for in-process work)."""
    current: tuple[RuleSet, ScanOptions] = _WORKER.current  # set before any task runs
    # Kept beside the settings it was built for: looking it up in `_BUILT` hashes the rule set,
    # some 3,000 dataclass hashes, and a task runs in about as long as 50 of those lookups.
    built: tuple[tuple[RuleSet, ScanOptions], Matcher] | None = getattr(_WORKER, "built", None)
    if built is None or built[0] is not current:
        built = _WORKER.built = (current, matcher_for(*current))
    return built[1], current[1]


def run_tasks(
    task: Callable[[T], R],
    items: Iterable[T],
    ruleset: RuleSet,
    options: ScanOptions,
    *,
    parallel: bool,
    on_result: Callable[[R], None],
    split: Callable[[T], Iterable[T]] = lambda item: [item],
    on_lost: Callable[[T], None] | None = None,
) -> None:
    """Run `task` over `items` in worker processes (or here), handing each result back in turn.

    Items are submitted as they are produced, so listing a tree overlaps scanning it. The parent
    builds the matcher first, so the Hyperscan database is compiled and cached once and forked
    workers inherit it; spawned workers load it from the cache. An item whose worker dies is
    retried as its `split` parts, each alone; a part that kills its worker again goes to
    `on_lost` (worker_pool.run_pooled).
    """
    _WORKER.current = (ruleset, options)
    matcher_for(ruleset, options)  # built here, so forked workers inherit it
    if not parallel or options.workers == 1:
        for item in items:
            on_result(task(item))
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def start_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=options.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(ruleset, options),
        )

    run_pooled(
        task,
        items,
        start_pool,
        on_result,
        # Enough waiting that no worker idles while the next item is produced.
        most_pending=_PENDING_PER_WORKER * options.workers,
        split=split,
        on_lost=on_lost,
    )


def scan_paths(
    roots: Sequence[Path],
    ruleset: RuleSet,
    options: ScanOptions,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan files and directory trees; paths in reports are relative to each root.

    The first few MiB decide: a small scan stays in this process; a larger one starts the
    workers at once and feeds them batches while the rest of the tree is still being listed.
    """
    started = time.perf_counter()
    tally = _Tally()
    listed = 0

    def targets() -> Iterator[Target]:
        nonlocal listed
        for root in roots:
            for item in list_targets(root, no_ignore=options.no_ignore):
                if isinstance(item, Skipped):
                    tally.skipped.append(item)
                elif not any(fnmatch.fnmatch(item.display, glob) for glob in options.exclude):
                    listed += 1
                    yield item

    batches = _batches(targets())
    head: list[list[Target]] = []
    size = 0
    for batch in batches:
        head.append(batch)
        size += sum(t.size for t in batch)
        if size >= _PARALLEL_THRESHOLD:
            break

    def collect(part: _Tally) -> None:
        tally.add(part)
        if progress:
            progress(tally.files, listed, tally.bytes)

    def lost(batch: list[Target]) -> None:
        (target,) = batch  # retried batches hold one file each
        collect(_Tally(skipped=[worker_died(target.display)], files=1))

    run_tasks(
        _scan_batch,
        itertools.chain(head, batches),
        ruleset,
        options,
        parallel=size >= _PARALLEL_THRESHOLD,
        on_result=collect,
        split=lambda batch: [[target] for target in batch],
        on_lost=lost,
    )
    return finish(tally, started, root=str(roots[0]) if len(roots) == 1 else ".")


def scan_chunks(
    items: Iterable[Chunk | Skipped], ruleset: RuleSet, options: ScanOptions, files: int = 1
) -> ScanResult:
    """Scan chunks from any source in this process (stdin, git blobs, remote logs)."""
    started = time.perf_counter()
    tally = scan_items(matcher_for(ruleset, options), items)
    tally.files = files
    return finish(tally, started)


def finish(tally: _Tally, started: float, root: str = ".") -> ScanResult:
    findings = sorted(tally.findings, key=lambda f: (f.origin.display, f.line, f.column, f.rule_id))
    skipped = sorted(tally.skipped, key=lambda s: s.path)
    stats = ScanStats(
        files=tally.files,
        bytes=tally.bytes,
        skipped=len(skipped),
        errors=sum(1 for s in skipped if s.is_error),
        seconds=time.perf_counter() - started,
        carried=tally.carried,
    )
    return ScanResult(tuple(findings), tuple(skipped), stats, root)
