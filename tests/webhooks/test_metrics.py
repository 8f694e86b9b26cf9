"""The metrics lock is never held while the queue depth is counted.

The depth is a database count; under the lock, a slow database would stall every delivery and
job that records a metric. The callback here records one from another thread and waits for it:
with the lock held that thread could not finish, and the callback says so.
"""

from __future__ import annotations

import threading

from leakward.webhooks.metrics import Metrics


def test_the_queue_depth_is_counted_outside_the_metrics_lock() -> None:
    metrics = Metrics()
    recorded_meanwhile: list[bool] = []

    def depth() -> int:
        recorder = threading.Thread(target=metrics.rotation, args=("done",), daemon=True)
        recorder.start()
        # Not a timing check: a generous bound so a held lock fails the test instead of hanging.
        recorder.join(timeout=10)
        recorded_meanwhile.append(not recorder.is_alive())
        return 3

    metrics.set_queue_depth(depth)
    text = metrics.render()

    assert recorded_meanwhile == [True]
    assert "leakward_queue_depth 3" in text
    assert 'leakward_rotations_total{state="done"} 1' in text
