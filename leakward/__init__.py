"""leakward: find leaked credentials and make them harmless."""

__version__ = "0.1.0"
