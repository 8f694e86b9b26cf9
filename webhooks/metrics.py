"""The receiver's and the workers' counters, rendered in Prometheus' text exposition format.

Stage: inbound webhooks (observability). Written by hand rather than with prometheus_client:
six series do not justify a dependency, and the format is small
(prometheus.io/docs/instrumenting/exposition_formats). Labels carry kinds and states only, never
a repository secret or a key value. Safe to update from the worker thread while `/metrics` reads;
nothing slow (the queue depth's database count) runs under the lock.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from collections.abc import Callable

# Exposure windows run from seconds (caught on push) to months (found in old history).
EXPOSURE_BUCKETS = (1.0, 5.0, 30.0, 60.0, 300.0, 3600.0, 86400.0, 604800.0, 2592000.0)


class Metrics:
    def __init__(self, queue_depth: Callable[[], int] | None = None) -> None:
        self._lock = threading.Lock()
        self._queue_depth = queue_depth
        self._deliveries: Counter[tuple[str, str]] = Counter()
        self._accepted: Counter[str] = Counter()
        self._scans: Counter[str] = Counter()
        self._findings: Counter[str] = Counter()
        self._rotations: Counter[str] = Counter()
        self._exposure_counts = [0] * len(EXPOSURE_BUCKETS)
        self._exposure_sum = 0.0
        self._exposure_total = 0

    def set_queue_depth(self, queue_depth: Callable[[], int]) -> None:
        """Read the queue's depth from here on (the queue is built after the metrics)."""
        self._queue_depth = queue_depth

    def delivery(self, event: str, outcome: str) -> None:
        with self._lock:
            self._deliveries[(event, outcome)] += 1

    def accepted(self, how: str) -> None:
        """A signed delivery's work was queued, merged, backlogged or a duplicate."""
        with self._lock:
            self._accepted[how] += 1

    def scanned(self, kind: str, findings: int) -> None:
        with self._lock:
            self._scans[kind] += 1
            self._findings[kind] += findings

    def rotation(self, state: str) -> None:
        with self._lock:
            self._rotations[state] += 1

    def exposure(self, seconds: float) -> None:
        with self._lock:
            index = bisect.bisect_left(EXPOSURE_BUCKETS, seconds)
            for bucket in range(index, len(EXPOSURE_BUCKETS)):
                self._exposure_counts[bucket] += 1
            self._exposure_sum += seconds
            self._exposure_total += 1

    def render(self) -> str:
        """The text for one scrape. The queue depth is a database count: it is taken before the
        lock, so a slow database delays this scrape only, not every delivery and job that
        records a metric meanwhile."""
        depth = self._queue_depth() if self._queue_depth else 0
        with self._lock:
            lines = [
                *_family("leakward_webhook_deliveries_total", "counter", "Webhook deliveries."),
                *(
                    f'leakward_webhook_deliveries_total{{event="{e}",outcome="{o}"}} {n}'
                    for (e, o), n in sorted(self._deliveries.items())
                ),
                *_labelled(
                    "leakward_webhook_jobs_accepted_total",
                    "Signed deliveries' work: queued, merged into a waiting job, backlogged "
                    "(stored past the queue limit) or duplicate.",
                    "how",
                    self._accepted,
                ),
                *_labelled("leakward_scans_total", "Scans run.", "kind", self._scans),
                *_labelled("leakward_findings_total", "Findings.", "kind", self._findings),
                *_labelled("leakward_rotations_total", "Rotations.", "state", self._rotations),
                *_family("leakward_queue_depth", "gauge", "Webhook jobs stored and not yet done."),
                f"leakward_queue_depth {depth}",
                *self._histogram(),
            ]
        return "\n".join(lines) + "\n"

    def _histogram(self) -> list[str]:
        name = "leakward_exposure_window_seconds"
        lines = _family(name, "histogram", "Time from leak (commit or push) to revocation.")
        for bound, count in zip(EXPOSURE_BUCKETS, self._exposure_counts, strict=True):
            lines.append(f'{name}_bucket{{le="{bound:g}"}} {count}')
        lines.append(f'{name}_bucket{{le="+Inf"}} {self._exposure_total}')
        lines.append(f"{name}_sum {self._exposure_sum:g}")
        lines.append(f"{name}_count {self._exposure_total}")
        return lines


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def _labelled(name: str, help_text: str, label: str, values: Counter[str]) -> list[str]:
    return [
        *_family(name, "counter", help_text),
        *(f'{name}{{{label}="{key}"}} {n}' for key, n in sorted(values.items())),
    ]
