"""A registry knows which pepper its fingerprints were made with: a missing pepper file is never
silently replaced, a different pepper is refused, and a new SQLite registry is private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from leakward.core.errors import RegistryError
from leakward.registry import NewKey, Owner, Registry

VALUE = "sk-proj-" + "Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUe" * 2


def register_one(db_url: str) -> str:
    with Registry.open(db_url) as registry:
        registry.add_key(NewKey("openai", Owner("dev@example.com")), VALUE)
        return registry.fingerprint(VALUE)


def test_a_missing_pepper_file_is_refused_not_replaced(db_url: str, tmp_path: Path) -> None:
    pepper_file = tmp_path / "config" / "registry-pepper"
    register_one(db_url)
    assert pepper_file.is_file()
    pepper_file.unlink()
    with pytest.raises(RegistryError) as caught:
        Registry.open(db_url)
    assert "registry-pepper is missing" in str(caught.value)
    assert "restore the file from your backup" in str(caught.value)
    assert not pepper_file.exists(), "a new pepper would match none of the stored fingerprints"


def test_a_restored_pepper_file_matches_again(db_url: str, tmp_path: Path) -> None:
    pepper_file = tmp_path / "config" / "registry-pepper"
    stored = register_one(db_url)
    backup = pepper_file.read_bytes()
    pepper_file.unlink()
    with pytest.raises(RegistryError):
        Registry.open(db_url)
    pepper_file.write_bytes(backup)
    pepper_file.chmod(0o600)
    with Registry.open(db_url) as registry:
        assert registry.fingerprint(VALUE) == stored
        assert len(registry.list_keys()) == 1


def test_another_registrys_pepper_is_refused(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    register_one(db_url)
    monkeypatch.setenv("LEAKWARD_PEPPER", "a-different-pepper-0123456789abcdef")
    with pytest.raises(RegistryError) as caught:
        Registry.open(db_url)
    assert "not the one the registry" in str(caught.value)
    assert "a-different-pepper" not in str(caught.value)


def test_a_new_registry_creates_its_pepper(db_url: str, tmp_path: Path) -> None:
    pepper_file = tmp_path / "config" / "registry-pepper"
    assert not pepper_file.exists()
    with Registry.open(db_url) as registry:
        assert registry.list_keys() == []
    assert pepper_file.is_file()


def test_a_new_sqlite_registry_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "registry.db"
    with Registry.open(f"sqlite:///{path}", pepper=b"p" * 32) as registry:
        assert registry.list_keys() == []
    for file in (path, path.with_name("registry.db-wal")):
        if file.exists():
            assert stat.S_IMODE(file.stat().st_mode) & 0o077 == 0, file
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
