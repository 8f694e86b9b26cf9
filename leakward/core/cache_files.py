"""Files in leakward's user cache directory: where they live and how they are written.

Stage: shared by every cache (validated rule sets, compiled Hyperscan databases, the regex
engine's rule facts). Each cache is keyed by what it is derived from, so a stale file is never
read; this module only decides the directory and writes so that readers never see half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs


def user_cache(name: str) -> Path:
    """The path of `name` in the user cache directory."""
    return Path(platformdirs.user_cache_dir("leakward")) / name


def write_cache(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all.

    Parallel workers may all miss a cache at once; a rename makes the last writer win cleanly.
    An unwritable cache only costs the next run the work again, so an OSError is dropped.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        return
