"""The blobs of a git scan, read and scanned in worker processes, task by task.

Stage: orchestration. Each task's results come back as its worker finishes it and are added
up, with progress; a task whose worker died is retried one delta family at a time
(worker_pool.run_pooled), so one poisonous blob costs its family, not the task's thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from leakward.rules.model import RuleSet
from leakward.scanner.git_blob_scan import BlobResults, scan_blobs
from leakward.scanner.git_blob_table import BlobTable, families
from leakward.scanner.git_tasks import Task, cut_tasks
from leakward.scanner.scan import Progress, ScanOptions, run_tasks, worker_died
from leakward.scanner.sources.git import Repository

# Bytes of blobs above which a scan's tasks go to worker processes; under it, one task runs here.
PARALLEL_BYTES = 8 << 20


def scan_table(
    repo: Repository,
    table: BlobTable,
    ruleset: RuleSet,
    options: ScanOptions,
    progress: Progress | None,
) -> BlobResults:
    """The table's blobs scanned: in worker processes, in tasks, when it is large."""
    parallel = table.total_size() > PARALLEL_BYTES
    # Scanned here, a small history is one task: a second would start a second cat-file.
    tasks: Iterable[Task] = (
        cut_tasks(repo.git_dir, table, options.workers)
        if parallel
        else [(str(repo.git_dir), table)]
    )
    return scan_tasks(tasks, ruleset, options, parallel, progress, lambda: len(table))


def scan_tasks(
    tasks: Iterable[Task],
    ruleset: RuleSet,
    options: ScanOptions,
    parallel: bool,
    progress: Progress | None,
    total: Callable[[], int],
) -> BlobResults:
    """The tasks' blobs scanned; `total` is how many blobs they hold, as far as known."""
    results = BlobResults()

    def collect(part: BlobResults) -> None:
        results.findings.update(part.findings)
        results.tally.add(part.tally)
        if progress:
            progress(results.tally.files, total(), results.tally.bytes)

    def lost(task: Task) -> None:
        part = BlobResults()
        part.tally.files = len(task[1])
        part.tally.skipped = [worker_died(f"{b.path} (blob {b.oid})") for b in task[1].blobs()]
        collect(part)

    run_tasks(
        scan_blobs,
        tasks,
        ruleset,
        options,
        parallel=parallel,
        on_result=collect,
        # A task whose worker died is retried one delta family at a time (a delta needs its
        # base), so one poisonous blob costs its family, not the task's thousands of blobs.
        split=lambda task: [(task[0], task[1].select(family)) for family in families(task[1])],
        on_lost=lost,
    )
    return results
