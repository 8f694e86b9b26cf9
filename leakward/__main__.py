"""`python -m leakward`."""

from leakward.cli import main

main()
