"""Which optional install (`pip install 'leakward[EXTRA]'`) brings each package the base leaves out.

Stage: application shell. A plain `pip install leakward` is the scanner, the pre-commit hook and
the Action: no database, cloud SDKs or server stack. A command that needs one of those, run
without it, gets a usage error naming the extra to install instead of an internal error. This
table and pyproject's optional dependencies must agree (tests/test_packaging.py checks it).
"""

from __future__ import annotations

from leakward.core.errors import UsageError

# Top-level import name -> (what it is for, the extra that installs it).
EXTRA_OF: dict[str, tuple[str, str]] = {
    "sqlalchemy": ("the registry", "rotate"),
    "alembic": ("the registry's migrations", "rotate"),
    "boto3": ("AWS rotation and AWS Secrets Manager", "rotate"),
    "botocore": ("AWS rotation and AWS Secrets Manager", "rotate"),
    "hvac": ("HashiCorp Vault delivery", "rotate"),
    "cryptography": ("signed provider tokens and key pairs", "rotate"),
    "nacl": ("GitHub Actions secret delivery", "rotate"),
    "starlette": ("the webhook receiver", "serve"),
    "uvicorn": ("the webhook receiver", "serve"),
    "jinja2": ("the dashboard", "serve"),
    "apscheduler": ("scheduled sweeps", "serve"),
    "celery": ("Celery workers", "serve"),
    "kombu": ("Celery workers", "serve"),
    "redis": ("Celery workers on Redis", "serve"),
    "psycopg": ("PostgreSQL registries", "postgres"),
}
# Commands whose every part comes with one extra: `serve` needs rotation too, and `serve` holds it.
EXTRA_OF_COMMAND = {"serve": "serve", "worker": "serve"}


def missing_extra(exc: ModuleNotFoundError, command: str | None) -> UsageError | None:
    """A usage error naming the extra that installs the missing module (for `command`, the
    one that installs all it needs), if an extra does."""
    root = (exc.name or "").split(".")[0]
    if root not in EXTRA_OF:
        return None
    purpose, extra = EXTRA_OF[root]
    extra = EXTRA_OF_COMMAND.get(command or "", extra)
    return UsageError(
        f"{purpose} needs the Python package {root!r}, which this installation leaves out",
        f"pip install 'leakward[{extra}]' (or 'leakward[all]' for everything)",
    )
