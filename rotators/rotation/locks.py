"""Who is running a rotation: worker identities and telling a dead worker's lease from a live one.

Stage: rotators. The registry keeps one lease per rotation row (registry/rotations.py `claim`);
this module names workers `host:pid:random` so a lease left by a process that was killed on
this host can be taken over at once instead of waiting for it to expire.
"""

from __future__ import annotations

import os
import socket
import uuid


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_stale(holder: str) -> bool:
    """True when `holder` is a worker on this host whose process no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's worker: only its lease expiry frees the row
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    # A killed child not yet reaped by its parent still answers kill(0); it does no work.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return False
