"""How many different wrong operator tokens one client address may try before it must wait.

Stage: inbound (webhooks), the dashboard's gate. The operator token is long and random, so
guessing it online cannot succeed; this limit keeps a guesser from trying at the server's full
speed, and out of the logs. Only *different* wrong tokens count: a script retrying with a stale
token is misconfigured, not guessing, and must not lock the operators behind its address out.
Past `max_guesses` within `window` seconds, every token from that address (the right one too,
else the answer would tell a guess apart) is refused until the window has passed. Session cookies
are signed with a key of this process and are not guesses: an operator logged in keeps working.

The memory is bounded: at most `max_guesses` digests per address, and `max_addresses` addresses,
the least recently seen dropped first. Counts live in this process only; a restart forgets them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_GUESSES = 10
WINDOW = 15 * 60.0  # seconds
MAX_ADDRESSES = 10_000


class GuessLimit:
    def __init__(
        self,
        max_guesses: int = MAX_GUESSES,
        window: float = WINDOW,
        max_addresses: int = MAX_ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max, self._window, self._max_addresses = max_guesses, window, max_addresses
        self._clock = clock
        # Digests, not the wrong tokens: one may be a real token of another system.
        self._key = secrets.token_bytes(32)
        # address -> {digest of a wrong token: when it was last tried}
        self._seen: OrderedDict[str, dict[bytes, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_for(self, address: str) -> float:
        """Seconds `address` must wait before a token from it is looked at; 0 when it may try."""
        with self._lock:
            tried = self._recent(address)
            if len(tried) < self._max:
                return 0.0
            return max(min(tried.values()) + self._window - self._clock(), 1.0)

    def failed(self, address: str, token: str) -> None:
        """Count `token` as a wrong guess from `address`."""
        digest = hmac.new(self._key, token.encode("utf-8", "replace"), hashlib.sha256).digest()
        with self._lock:
            tried = self._recent(address)
            tried[digest] = self._clock()
            while len(tried) > self._max:  # only the newest count; older ones add nothing
                tried.pop(min(tried, key=tried.__getitem__))
            self._seen[address] = tried
            self._seen.move_to_end(address)
            while len(self._seen) > self._max_addresses:
                self._seen.popitem(last=False)

    def _recent(self, address: str) -> dict[bytes, float]:
        cutoff = self._clock() - self._window
        tried = {d: at for d, at in self._seen.get(address, {}).items() if at > cutoff}
        if not tried:
            self._seen.pop(address, None)
        return tried
