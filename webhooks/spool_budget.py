"""How many bytes of not-yet-verified webhook bodies may wait on disk at once.

Stage: inbound webhooks (the receiver's first gate, webhooks/request_body.py). A body larger
than the in-memory share is spooled to a temporary file while it is hashed, and until its
signature is checked it is a stranger's: 60 of GitHub's largest at once took 1.5 GB. Each body
that will spool reserves its declared length before a byte is read, and gives it back once read
(or refused); a body that does not fit is refused with 503 and Retry-After before it is read, so
what it would cost is never spent. Bodies held in memory (nearly every push) need no share, and
a body already being read keeps its share to the end, so the cap never loses an accepted event.
"""

from __future__ import annotations

import threading

# Ten of GitHub's largest payloads (25 MB) at once.
SPOOL_MAX = 256 * 1024 * 1024


class SpoolBudget:
    """A count of reserved bytes under `max_bytes`, shared by every request of one receiver."""

    def __init__(self, max_bytes: int = SPOOL_MAX) -> None:
        self.max_bytes = max_bytes
        self._reserved = 0
        self._lock = threading.Lock()

    def reserve(self, size: int) -> bool:
        """Hold `size` bytes; False (nothing held) when they do not fit beside the rest."""
        with self._lock:
            if self._reserved + size > self.max_bytes:
                return False
            self._reserved += size
            return True

    def release(self, size: int) -> None:
        with self._lock:
            self._reserved = max(self._reserved - size, 0)

    @property
    def reserved(self) -> int:
        with self._lock:
            return self._reserved
