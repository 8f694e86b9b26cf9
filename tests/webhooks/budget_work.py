"""Work for the time-budget tests, in a module of its own that imports next to nothing, so a
child process that unpickles it by name starts at once even on a loaded machine."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path


def forever(marker: Path) -> None:
    """Start a grandchild that would outlive us, write its pid, then never end."""
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    marker.write_text(str(grandchild.pid))
    threading.Event().wait()


def crash() -> None:
    os._exit(9)


def refuse() -> None:
    raise KeyError("no such job field")
