"""Java class files: constants read from the pool, one per line, whatever their length byte."""

from __future__ import annotations

import struct

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources.class_file import is_class_file, read_utf8_constants
from leakward.scanner.sources.dispatch import ContainerLimits, chunks_for
from leakward.scanner.sources.limits import Budget, Output
from tests.sources.builders import class_file

# 79 characters long: its u2 length ends in the byte 0x4f, a printable "O" glued to the key
# when the class is read as raw string runs.
_BASE = "postgresql://billing:Zq8Wn3Rt6Yp1Lk4Hs7Df0Gb@db.example.net:5432/"
URI = _BASE + "c" * (ord("O") - len(_BASE))
ORIGIN = Origin("file", "app.jar", ("com/acme/Db.class",))


def test_a_constant_is_found_whole_at_its_own_line() -> None:
    assert len(URI.encode()) % 256 == ord("O")
    data = class_file("com/acme/Db", ["jdbc driver", URI])
    (chunk,) = chunks_for(data, ORIGIN, ContainerLimits())
    assert isinstance(chunk, Chunk)
    assert chunk.origin.kind == "class-string"
    lines = chunk.data.split(b"\n")
    assert lines.index(URI.encode()) == 3  # after com/acme/Db, java/lang/Object, jdbc driver
    ruleset = load_rules().select()
    found = Matcher(ruleset, make_engine(ruleset)).scan_chunk(chunk)
    assert [(f.secret.reveal(), f.line) for f in found] == [("Zq8Wn3Rt6Yp1Lk4Hs7Df0Gb", 4)]


def test_wide_constants_take_two_slots() -> None:
    pool = b"".join(
        [
            b"\x05" + struct.pack(">q", 7),  # Long: slots 1 and 2
            b"\x01" + struct.pack(">H", 5) + b"hello",  # slot 3
            b"\x06" + struct.pack(">d", 1.5),  # Double: slots 4 and 5
            b"\x01" + struct.pack(">H", 3) + b"bye",  # slot 6
        ]
    )
    data = struct.pack(">IHHH", 0xCAFEBABE, 0, 52, 7) + pool + bytes(14)
    assert read_utf8_constants(data, Output(Budget(ContainerLimits()))) == [b"hello", b"bye"]


def test_a_truncated_class_is_reported_and_still_read_as_strings() -> None:
    data = class_file("com/acme/Db", [URI])[:60]
    items = list(chunks_for(data, ORIGIN, ContainerLimits()))
    assert isinstance(items[0], Skipped)
    assert items[0].is_error
    assert "malformed class file" in items[0].reason


def test_a_fat_mach_o_is_not_a_class_file() -> None:
    fat = struct.pack(">II", 0xCAFEBABE, 2) + bytes(64)
    assert not is_class_file(fat, "MyApp")
    assert is_class_file(class_file("A", []), "A.class")
