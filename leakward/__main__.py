"""`python -m leakward`."""

from leakward.cli.main import main

main()
