"""The registry pepper: the secret key of every registry fingerprint, kept outside the database.

Stage: registry. A stolen database alone must not let anyone test guesses against the stored
fingerprints, so the HMAC key lives in `LEAKWARD_PEPPER`, or else in a key file readable only by
its owner (created with mode 0600 in the user config directory on first use).
`LEAKWARD_PEPPER_FILE` moves that file (tests, several registries on one machine).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from platformdirs import user_config_dir

from leakward.core.errors import RegistryError

PEPPER_ENV = "LEAKWARD_PEPPER"
PEPPER_FILE_ENV = "LEAKWARD_PEPPER_FILE"
_MIN_LENGTH = 16


def default_pepper_path() -> Path:
    configured = os.environ.get(PEPPER_FILE_ENV)
    if configured:
        return Path(configured)
    return Path(user_config_dir("leakward")) / "registry-pepper"


def load_pepper(path: Path | None = None, *, create: bool = True) -> bytes:
    """The pepper from the environment, else from the key file.

    A missing file is created only when `create` is true (a registry with no fingerprints yet);
    otherwise it is an error, because a new pepper would match none of the stored fingerprints.
    """
    from_env = os.environ.get(PEPPER_ENV)
    if from_env:
        return _checked(from_env.encode("utf-8"), f"${PEPPER_ENV}")
    key_file = path or default_pepper_path()
    if not key_file.exists():
        if not create:
            raise RegistryError(
                f"the registry pepper file {key_file} is missing, and this registry's "
                "fingerprints were made with it",
                hint=f"restore the file from your backup, or set {PEPPER_ENV} to its value; if "
                "it is lost for good, move the database aside and register the keys again",
            )
        _create(key_file)
    return _read(key_file)


def _create(key_file: Path) -> None:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    # Write a private temporary file, then hard-link it into place: the link fails if another
    # process created the pepper first, so two first runs never end up with different peppers.
    temporary = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
    finally:
        temporary.unlink(missing_ok=True)


def _read(key_file: Path) -> bytes:
    try:
        mode = key_file.stat().st_mode
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise RegistryError(
                f"the registry pepper file {key_file} is readable by other users",
                hint=f"run: chmod 600 {key_file}",
            )
        value = key_file.read_bytes().strip()
    except OSError as error:
        raise RegistryError(
            f"cannot read the registry pepper file {key_file}: {error.strerror}",
            hint=f"fix its permissions, or set {PEPPER_ENV}",
        ) from None
    return _checked(value, str(key_file))


def _checked(value: bytes, where: str) -> bytes:
    if len(value) < _MIN_LENGTH:
        raise RegistryError(
            f"the registry pepper in {where} is shorter than {_MIN_LENGTH} bytes",
            hint="use a long random value, e.g. the output of: openssl rand -hex 32",
        )
    return value
