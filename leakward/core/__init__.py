"""The kernel: the error tree, the `Secret` wrapper and the version.

Every layer may import it; it imports nothing of the project, so it can never take part in an
import cycle.
"""
