"""Run by test_local_queue.py in a fresh process: a LocalQueue of real worker processes.

Stage: tests (org sweep). `python -m tests.sweep.local_queue_run SETTINGS_JSON REPOS_JSON
[--with-thread]` scans the first (name, clone URL) here, so this process's registry pool holds
a connection when the workers start, then the others through a two-process LocalQueue, then the
first again here; it prints the queue's start method, the reports, and whether a child forked
while this process held a registry pool starts without it, as JSON. With `--probe`, it only
starts a LocalQueue, this process having scanned nothing, and prints what a worker had before
its first task (the rule set, the scan's matcher).
"""

from __future__ import annotations

import json
import os
import sys
import threading

from leakward.queues.local import LocalQueue
from leakward.scanner import scan
from leakward.settings.work import WorkSettings
from leakward.sweep import jobs as task_work
from leakward.sweep.jobs import SWEEP_WORK, close_resources, perform
from leakward.sweep.repos import SCAN_OPTIONS


def _payload(name: str, url: str, dedupe: str) -> dict[str, object]:
    return {"repository": name, "clone_url": url, "dedupe": dedupe}


def _inherited() -> dict[str, bool]:
    """Run in a worker before any task: what it started with."""
    rules = list(task_work._rulesets.values())
    key = (SCAN_OPTIONS.engine, SCAN_OPTIONS.decode_depth)
    return {
        "rules": bool(rules),
        "matcher": any(k[0] in rules and k[1:3] == key for k in scan._BUILT),
    }


def main() -> None:
    settings = WorkSettings.from_json(json.loads(sys.argv[1]))
    if "--with-thread" in sys.argv:
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    if "--probe" in sys.argv:
        with LocalQueue(SWEEP_WORK, settings, 1) as queue:
            inherited = queue._executor.submit(_inherited).result()
        sys.stdout.write(json.dumps({"start_method": queue.start_method, **inherited}) + "\n")
        return
    (first, url), *others = json.loads(sys.argv[2])
    here = [perform("scan_repo", _payload(first, url, "here"), settings).summary]
    is_clean_child = None
    if threading.active_count() == 1:
        child = os.fork()
        if child == 0:
            os._exit(0 if not task_work._opened else 1)  # a child must not reuse our pools
        is_clean_child = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
    with LocalQueue(SWEEP_WORK, settings, 2) as queue:
        for name, other_url in others:
            queue.enqueue("scan_repo", _payload(name, other_url, f"pool:{name}"))
        reports = queue.join(timeout=120)
    # This process's own pool still works after the workers used theirs.
    here.append(perform("scan_repo", _payload(first, url, "again"), settings).summary)
    close_resources()
    pooled = [{"subject": r.subject, "error": r.error, **r.summary} for r in reports]
    result = {
        "start_method": queue.start_method,
        "pool": pooled,
        "here": here,
        "is_clean_child": is_clean_child,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
