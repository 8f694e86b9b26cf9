"""Two scans running at once in one process each keep their own matcher."""

from __future__ import annotations

import threading

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.matcher import Matcher
from leakward.scanner.scan import ScanOptions, run_tasks, worker_matcher


def test_threads_scanning_at_once_never_share_a_matcher() -> None:
    # Two small rule sets: building a matcher for hundreds of rules twice, each thread holding
    # the interpreter while it compiles, outlasted the barrier on a loaded machine.
    loaded = load_rules()
    everything = RuleSet(tuple(r for r in loaded.rules if r.provider in ("aws", "github")))
    no_aws = RuleSet(tuple(r for r in loaded.rules if r.provider == "github"))
    both_started = threading.Barrier(2, timeout=300)
    seen: dict[str, Matcher] = {}

    def scan(name: str, ruleset: RuleSet) -> None:
        def task(_: int) -> Matcher:
            both_started.wait()  # the other thread has set up its own scan by now
            return worker_matcher()[0]

        run_tasks(
            task,
            [0],
            ruleset,
            ScanOptions(jobs=1),
            parallel=False,
            on_result=lambda matcher: seen.__setitem__(name, matcher),
        )

    threads = [
        threading.Thread(target=scan, args=("everything", everything)),
        threading.Thread(target=scan, args=("aws", no_aws)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert seen["everything"] is not seen["aws"]
    # Equal, not identical: a matcher built earlier in this thread for an equal rule set is reused.
    assert seen["everything"]._ruleset == everything
    assert seen["aws"]._ruleset == no_aws
