"""Registry fingerprints, hints and the pepper: keyed, short, and kept outside the database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from leakward.core.errors import RegistryError, UsageError
from leakward.registry.fingerprints import fingerprint, hint_of, parse_hint, type_prefix
from leakward.registry.pepper import load_pepper

OPENAI_KEY = "sk-proj-Ab_cdEFghIJklMNopQRstUVwxYZ0123abcd"


def test_fingerprint_depends_on_the_pepper() -> None:
    one = fingerprint(OPENAI_KEY, b"pepper-one-0123456789")
    assert one == fingerprint(OPENAI_KEY, b"pepper-one-0123456789")
    assert one != fingerprint(OPENAI_KEY, b"pepper-two-0123456789")
    assert len(one) == 64
    assert OPENAI_KEY not in one


@pytest.mark.parametrize(
    ("secret", "prefix", "last4"),
    [
        (OPENAI_KEY, "sk-proj-", "abcd"),
        ("sk-ant-api03-R2D_xx-yyyyyyyyyyyyyyyyyyigAA", "sk-ant-api03-", "igAA"),
        ("AKIAIOSFODNN7EXAMPLE", "AKIA", "MPLE"),
        ("ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_", "2345"),
        ("zq8w7e6r5t4y3u2i1o0pzq8w7e6r5t4y3u2i1o0p", "", "1o0p"),
        ("short", "", ""),
        # No provider prefix and short: its last characters would narrow a guess.
        ("zq8w7e6r5t4y3u2i1o0p", "", ""),
        ("backup-x9Lp", "", ""),
        ("backup-2024-x9Lp", "", ""),
    ],
)
def test_hint_shows_type_prefix_and_last_four_only(secret: str, prefix: str, last4: str) -> None:
    hint = hint_of(secret)
    assert (hint.prefix, hint.last4) == (prefix, last4)


def test_provider_hints_parse_to_the_same_hint_as_the_key() -> None:
    assert parse_hint("sk-proj-****abcd") == hint_of(OPENAI_KEY)
    anthropic = "sk-ant-api03-R2D_xx-yyyyyyyyyyyyyyyyyyigAA"
    assert parse_hint("sk-ant-api03-R2D...igAA") == hint_of(anthropic)
    assert parse_hint("AKIA…MPLE").prefix == "AKIA"


def test_unreadable_hint_does_not_echo_what_was_given() -> None:
    with pytest.raises(UsageError) as caught:
        parse_hint(OPENAI_KEY)
    assert OPENAI_KEY not in str(caught.value)
    with pytest.raises(UsageError, match="fewer than 4"):
        parse_hint("sk-****ab")


def test_type_prefix_prefers_the_longest_known_prefix() -> None:
    assert type_prefix("sk-ant-admin01-xyz") == "sk-ant-admin01-"
    assert type_prefix("acme_live_123") == ""  # no provider defines it: part of the secret


def test_pepper_file_is_created_private_once(tmp_path: Path) -> None:
    key_file = tmp_path / "deep" / "registry-pepper"
    first = load_pepper(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_pepper(key_file) == first
    assert len(first) >= 32
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left behind


def test_pepper_from_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEAKWARD_PEPPER", "an-environment-pepper-value")
    assert load_pepper(tmp_path / "never-created") == b"an-environment-pepper-value"
    assert not (tmp_path / "never-created").exists()


def test_pepper_file_env_moves_the_default(tmp_path: Path) -> None:
    assert load_pepper() == load_pepper()
    assert Path(os.environ["LEAKWARD_PEPPER_FILE"]).exists()


def test_shared_pepper_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "pepper"
    key_file.write_text("0123456789abcdef0123456789abcdef")
    key_file.chmod(0o644)
    with pytest.raises(RegistryError, match="chmod 600"):
        load_pepper(key_file)


def test_short_pepper_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKWARD_PEPPER", "short")
    with pytest.raises(RegistryError, match="shorter than 16"):
        load_pepper()
