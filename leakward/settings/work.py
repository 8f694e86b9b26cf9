"""What a sweep worker needs to know, as plain values that survive pickling and JSON.

Stage: application shell (org sweep, workers). The same settings reach the in-process pool, a
Celery worker (through its app config) and a persisted APScheduler job, so what is serialised
holds only names, paths and URLs. Credentials (the GitHub token, provider keys for rotations)
come from `environ`: the environment of the process that runs the work, handed in by its entry
point and never written to JSON, a broker or the scheduler's job store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path

from platformdirs import user_cache_dir

from leakward.core.errors import ConfigError
from leakward.settings.model import DEFAULT_API, MAX_FETCH_AGE_HOURS, Settings

TOKEN_VARIABLE = "GITHUB_TOKEN"  # noqa: S105 - the variable's name, not a token
POLICIES = ("reissue-first", "revoke-first")


def default_mirror_dir() -> Path:
    return Path(user_cache_dir("leakward")) / "mirrors"


@dataclass(frozen=True, slots=True)
class WorkSettings:
    db_url: str | None = None
    mirror_dir: Path = field(default_factory=default_mirror_dir)
    api_url: str = DEFAULT_API
    # Seconds between one worker's GitHub API requests (PyGithub's polite default); 0 for fakes.
    api_interval: float = 0.25
    # Hand a rotate_key task for every new leak of an active registry key.
    rotate: bool = True
    policy: str = "reissue-first"  # for a leak in a private repository
    public_policy: str = "revoke-first"  # a live key in public is revoked at once
    scan_logs: bool = True
    max_log_runs: int = 50
    rules: tuple[Path, ...] = ()
    max_fetch_age_hours: float = MAX_FETCH_AGE_HOURS
    # The running process's environment, for credentials: not part of equality, hashing, repr
    # or JSON. A plain dict, so the local pool can hand it to its worker processes.
    environ: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for policy in (self.policy, self.public_policy):
            if policy not in POLICIES:
                raise ValueError(f"unknown rotation policy {policy!r}")
        if not self.max_fetch_age_hours > 0:
            raise ValueError(f"max_fetch_age_hours must be above 0, not {self.max_fetch_age_hours}")

    @property
    def max_fetch_age(self) -> timedelta:
        """How old a repository's last fetch may be for a re-sweep to skip fetching it."""
        return timedelta(hours=self.max_fetch_age_hours)

    def policy_for(self, is_public: bool) -> str:
        """The rotation policy for a leak in a public or a private repository."""
        return self.public_policy if is_public else self.policy

    def to_json(self) -> dict[str, object]:
        """Everything but `environ`: what may travel through a broker or a job store."""
        data: dict[str, object] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "environ"
        }
        data["mirror_dir"] = str(self.mirror_dir)
        data["rules"] = [str(p) for p in self.rules]
        return data

    @classmethod
    def from_json(
        cls, data: dict[str, object], environ: Mapping[str, str] | None = None
    ) -> WorkSettings:
        """Settings sent by another process, with this process's `environ` for credentials."""
        try:
            rules = data.get("rules") or []
            assert isinstance(rules, list)  # noqa: S101 - narrowed for mypy; checked below
            db_url = data.get("db_url")
            return cls(
                db_url=str(db_url) if db_url else None,
                mirror_dir=Path(str(data.get("mirror_dir") or default_mirror_dir())),
                api_url=str(data.get("api_url") or DEFAULT_API),
                api_interval=float(str(data.get("api_interval", 0.25))),
                rotate=bool(data.get("rotate", True)),
                policy=str(data.get("policy", "reissue-first")),
                public_policy=str(data.get("public_policy", "revoke-first")),
                scan_logs=bool(data.get("scan_logs", True)),
                max_log_runs=int(str(data.get("max_log_runs", 50))),
                rules=tuple(Path(str(p)) for p in rules),
                max_fetch_age_hours=float(
                    str(data.get("max_fetch_age_hours", MAX_FETCH_AGE_HOURS))
                ),
                environ=dict(environ or {}),
            )
        except (AssertionError, TypeError, ValueError) as error:
            raise ConfigError(
                f"sweep worker settings are malformed: {error}",
                hint="check the worker's --db, --mirrors and --api-url options",
            ) from None


def work_settings(
    settings: Settings,
    *,
    mirrors: Path | None = None,
    api_interval: float = 0.25,
    rotate: bool = True,
    scan_logs: bool = True,
    public_policy: str = "revoke-first",
    private_policy: str = "reissue-first",
) -> WorkSettings:
    """A sweep worker's settings: the model's registry and sweep settings, and the options of
    the command that starts the work."""
    return WorkSettings(
        db_url=settings.registry.db,
        mirror_dir=mirrors or default_mirror_dir(),
        api_url=settings.sweep.api_url,
        api_interval=api_interval,
        rotate=rotate,
        policy=private_policy,
        public_policy=public_policy,
        scan_logs=scan_logs,
        max_fetch_age_hours=settings.sweep.max_fetch_age_hours,
        environ=dict(settings.environ),
    )
