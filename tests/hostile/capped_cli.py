"""`leakward` under an address-space cap: for scanning the hostile corpus.

Usage: python -m tests.hostile.capped_cli MEMORY-BYTES LEAKWARD-ARGUMENTS...
The cap is set before the command line is imported and is inherited by forked scan workers, so
a decoder that blows up fails with MemoryError instead of exhausting the test machine.
"""

from __future__ import annotations

import resource
import sys


def main(memory: int, arguments: list[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from leakward.cli.main import main as leakward

    sys.argv = ["leakward", *arguments]
    leakward()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
