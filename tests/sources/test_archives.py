"""Archives: every format opens in memory, and every hostile case of the Safety list is refused."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import struct
import tarfile
import zipfile

import pytest

from leakward.scanner.sources.dispatch import ContainerLimits
from leakward.scanner.sources.inflater import Inflater
from tests.sources.builders import AWS_KEY, GOOGLE_KEY, dex, zip_of
from tests.sources.conftest import scan

SECRET_LINE = f"GOOGLE_API_KEY={GOOGLE_KEY}\n".encode()


def _tar(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_zip_entries_are_named_inside_the_archive():
    result = scan(zip_of({"conf/app.env": SECRET_LINE, "README": b"hello"}), "dist/bundle.zip")
    chunks = result.by_name()
    assert chunks["dist/bundle.zip!conf/app.env"].data == SECRET_LINE
    assert chunks["dist/bundle.zip!conf/app.env"].origin.kind == "archive-entry"
    assert chunks["dist/bundle.zip!conf/app.env"].origin.nested == ("conf/app.env",)
    assert result.skipped == []


@pytest.mark.parametrize(
    ("compress", "name", "inner"),
    [
        (gzip.compress, "keys.env.gz", "keys.env"),
        (bz2.compress, "keys.env.bz2", "keys.env"),
        (lzma.compress, "keys.env.xz", "keys.env"),
    ],
)
def test_compressed_streams_are_inflated(compress, name, inner):
    result = scan(compress(SECRET_LINE), name)
    assert [c.origin.display for c in result.containing(GOOGLE_KEY)] == [f"{name}!{inner}"]


def test_tarball_keeps_the_outer_name_and_nested_archives_open():
    inner_zip = zip_of({"deep/secret.txt": SECRET_LINE})
    tgz = gzip.compress(_tar({"pkg/inner.zip": inner_zip, "pkg/aws.ini": AWS_KEY.encode()}))
    result = scan(tgz, "release.tgz")
    names = {c.origin.display for c in result.chunks}
    assert names == {"release.tgz!pkg/inner.zip!deep/secret.txt", "release.tgz!pkg/aws.ini"}


def test_multi_member_gzip_is_read_to_the_end():
    data = gzip.compress(b"first part\n") + gzip.compress(SECRET_LINE)
    (chunk,) = scan(data, "log.gz").chunks
    assert chunk.data == b"first part\n" + SECRET_LINE


@pytest.mark.parametrize(
    ("kind", "compress", "members"),
    [
        ("gzip", lambda data: gzip.compress(data, mtime=0), 50_000),
        ("bzip2", bz2.compress, 5_000),
        # xz streams may be followed by zero padding in blocks of four.
        ("xz", lambda data: lzma.compress(data) + b"\0" * 4, 5_000),
    ],
)
def test_many_empty_members_cost_work_linear_in_the_stream(kind, compress, members):
    # Each member used to be followed by a copy of the whole rest of the stream (#16).
    data = compress(b"") * members + compress(SECRET_LINE)
    inflater = Inflater(data, kind)
    out = b"".join(iter(lambda: inflater.read(1 << 20), b""))
    assert out == SECRET_LINE
    assert inflater.fed <= 4 * len(data)


def test_crx3_header_is_stripped():
    payload = zip_of({"background.js": SECRET_LINE, "manifest.json": b"{}"})
    header = b"\x12\x04fake-proof-bytes"
    crx = b"Cr24" + struct.pack("<II", 3, len(header)) + header + payload
    result = scan(crx, "ext.crx")
    assert result.by_name()["ext.crx!background.js"].data == SECRET_LINE


def test_path_traversal_entry_is_read_in_memory_and_named_as_in_the_archive(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    data = zip_of({"../../outside/secret.env": SECRET_LINE, "/etc/abs.env": SECRET_LINE})
    result = scan(data, "evil.zip")
    assert sorted(c.origin.display for c in result.containing(GOOGLE_KEY)) == [
        "evil.zip!../../outside/secret.env",
        "evil.zip!/etc/abs.env",
    ]
    assert sorted(os.listdir(tmp_path)) == ["work"]
    assert os.listdir(work) == []


def test_symlink_entries_are_recorded_not_followed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("link-to-passwd")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("ok.env", SECRET_LINE)
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as archive:
        info = tarfile.TarInfo("tarlink")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/shadow"
        archive.addfile(info)
    zipped, tarred = scan(buffer.getvalue(), "l.zip"), scan(tar.getvalue(), "l.tar")
    assert [(s.path, "link" in s.reason) for s in zipped.skipped] == [
        ("l.zip!link-to-passwd", True)
    ]
    assert [c.origin.display for c in zipped.chunks] == ["l.zip!ok.env"]
    assert [(s.path, "link" in s.reason) for s in tarred.skipped] == [("l.tar!tarlink", True)]
    assert tarred.chunks == []


def test_encrypted_entry_is_skipped_and_its_siblings_are_read():
    data = bytearray(zip_of({"locked.env": os.urandom(40), "open.env": SECRET_LINE}))
    # Set the "encrypted" bit of locked.env's general purpose flags, in both of its headers.
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    result = scan(bytes(data), "mixed.zip")
    (skipped,) = result.skipped
    assert skipped.path == "mixed.zip!locked.env"
    assert "encrypted" in skipped.reason
    assert [c.origin.display for c in result.chunks] == ["mixed.zip!open.env"]


def test_truncated_zip_is_an_error_not_a_crash():
    data = zip_of({"a.env": SECRET_LINE * 100, "b.env": SECRET_LINE})
    result = scan(data[: len(data) // 2], "cut.zip")
    (skipped,) = result.skipped
    assert skipped.is_error
    assert "damaged or truncated zip" in skipped.reason


def test_truncated_streams_and_tar_are_errors():
    gz = gzip.compress(os.urandom(5000).hex().encode())
    assert "truncated" in scan(gz[:-3000], "x.gz").skipped[0].reason
    tar = _tar({"one.env": SECRET_LINE, "two.env": os.urandom(4000)})
    result = scan(tar[:1500], "cut.tar")
    assert [c.origin.display for c in result.chunks] == ["cut.tar!one.env"]
    assert result.skipped
    assert all(s.is_error for s in result.skipped)


def test_damaged_zip_entry_does_not_stop_its_siblings():
    data = bytearray(zip_of({"bad.env": SECRET_LINE * 50, "good.env": SECRET_LINE}))
    data[40:60] = b"\xff" * 20  # inside bad.env's compressed bytes
    result = scan(bytes(data), "partly.zip")
    assert "partly.zip!good.env" in result.by_name()
    assert [s.path for s in result.skipped] == ["partly.zip!bad.env"]
    assert result.skipped[0].is_error


def test_zip_bomb_ratio_refused_from_its_headers(small_limits):
    data = zip_of({"first.env": SECRET_LINE, "zeros.bin": b"\0" * (6 << 20)})
    result = scan(data, "bomb.zip", small_limits)
    (skipped,) = result.skipped
    assert skipped.path == "bomb.zip!zeros.bin"
    assert "max_ratio" in skipped.reason
    assert skipped.is_error


def test_gzip_bomb_ratio_measured_while_streaming(small_limits):
    result = scan(gzip.compress(b"\0" * (6 << 20)), "bomb.gz", small_limits)
    assert result.chunks == []
    assert ["max_ratio" in s.reason for s in result.skipped] == [True]


def test_total_size_cap(small_limits):
    # Each entry is honest (random hex compresses 2:1) but together they exceed max_total_bytes.
    entries = {f"part{i}.txt": os.urandom(2 << 20).hex().encode() for i in range(5)}
    result = scan(zip_of(entries), "huge.zip", small_limits)
    assert len(result.chunks) < 5
    assert ["max_total_bytes" in s.reason for s in result.skipped] == [True]


def test_entry_size_cap_skips_only_that_entry():
    limits = ContainerLimits(max_entry_bytes=1000)
    result = scan(
        zip_of({"big.txt": os.urandom(800).hex().encode(), "s.env": SECRET_LINE}), "z.zip", limits
    )
    assert [c.origin.display for c in result.chunks] == ["z.zip!s.env"]
    assert [s.path for s in result.skipped] == ["z.zip!big.txt"]


def test_nested_bomb_is_refused_once_at_the_first_bad_entry(small_limits):
    # 42.zip-style: stored outer zips of deflated inner zips, each holding a ratio bomb.
    layer = zip_of({f"zeros{i}.bin": b"\0" * (2 << 20) for i in range(4)})
    for _ in range(2):
        layer = zip_of({f"copy{i}.zip": layer for i in range(8)}, zipfile.ZIP_STORED)
    result = scan(layer, "42.zip", small_limits)
    assert result.chunks == []
    (skipped,) = result.skipped
    assert skipped.path == "42.zip!copy0.zip!copy0.zip!zeros0.bin"
    assert "bomb" in skipped.reason


def test_depth_limit():
    data = SECRET_LINE
    for level in range(6):
        data = zip_of({f"level{level}.zip" if level else "key.env": data})
    result = scan(data, "matryoshka.zip", ContainerLimits(max_depth=3))
    assert result.chunks == []
    assert len(result.skipped) == 1
    assert "max_depth" in result.skipped[0].reason


def test_malformed_dex_in_an_apk_is_recorded_and_siblings_are_read():
    good = dex(["Lcom/example/Main;", GOOGLE_KEY])
    broken = good[:0x38] + struct.pack("<II", 999_999, 0x70) + good[0x40:]
    apk = zip_of({"classes.dex": broken, "classes2.dex": good, "assets/a.env": SECRET_LINE})
    result = scan(apk, "app.apk")
    assert [s.path for s in result.skipped] == ["app.apk!classes.dex"]
    assert "malformed DEX" in result.skipped[0].reason
    names = {c.origin.display for c in result.containing(GOOGLE_KEY)}
    assert {"app.apk!classes2.dex", "app.apk!assets/a.env"} <= names


def test_plain_binary_is_skipped_and_text_is_unchanged():
    assert scan(b"\x89PNG\r\n\x1a\n\0\0\0", "logo.png").skipped[0].reason == "binary file"
    (chunk,) = scan(SECRET_LINE, "config.env").chunks
    assert chunk.data == SECRET_LINE
    assert chunk.origin.kind == "file"
