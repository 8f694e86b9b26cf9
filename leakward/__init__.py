"""leakward: find leaked credentials and make them harmless.

The import namespace is one tree: `leakward.core` (the kernel), `leakward.rules`,
`leakward.scanner`, `leakward.registry`, `leakward.rotators`, `leakward.webhooks`, and the
application rooms beside them (`cli`, `settings`, `scanning`, `response`, `sweep`, `queues`).
docs/architecture.md gives the flow and which room may import which. Importing this package
loads nothing else, so `python -m leakward` and the console script start fast.
"""

from leakward.core.version import __version__

__all__ = ["__version__"]
