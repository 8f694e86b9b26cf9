"""Opens archives in memory: zip (jar, apk, aab, aar, ipa, xpi), CRX, tar, gzip, bzip2 and xz.

Stage: sources. Each entry's bytes go back through the dispatcher (`recurse`), so an APK inside
a zip inside a tarball is opened like one on disk. Nothing is ever extracted to disk: entry names
are only labels, so a `../../etc/passwd` entry cannot write anywhere, and it is still scanned and
reported under its in-archive name. All reads go through `limits.read_bounded`.
"""

from __future__ import annotations

import io
import lzma
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import ci_logs
from leakward.scanner.sources.inflater import Inflater
from leakward.scanner.sources.limits import (
    RATIO_FLOOR,
    BombError,
    Budget,
    EntryTooLargeError,
    read_bounded,
)

Recurse = Callable[[bytes, Origin, int], Iterator[Chunk | Skipped]]

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)
_STREAM_ERRORS = (zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)
_COMPRESSED_SUFFIXES = {
    ".tgz": ".tar",
    ".tbz2": ".tar",
    ".tbz": ".tar",
    ".txz": ".tar",
    ".gz": "",
    ".bz2": "",
    ".xz": "",
}
_ENTRY = "archive-entry"
# The end of central directory record, and the zip64 end record plus its locator.
_EOCD_SIZE = 22
_ZIP64_TAIL = 56 + 20


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def is_tar(data: bytes) -> bool:
    return data[257:262] == b"ustar"


def compression_of(data: bytes) -> str | None:
    """'gzip', 'bzip2' or 'xz' when `data` starts with that stream's magic bytes."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:3] == b"BZh" and data[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return "bzip2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    return None


def zip_chunks(
    data: bytes, origin: Origin, depth: int, budget: Budget, recurse: Recurse
) -> Iterator[Chunk | Skipped]:
    """Every readable entry of a zip; damaged, encrypted or linked entries become Skipped."""
    listed = _listed_entries(data)
    if budget.entries + listed > budget.limits.max_entries:
        # zipfile builds an object per listed entry up front (2 million took 918 MB), so the
        # count is judged before it runs.
        _mark(budget, origin.display)
        raise budget.refuse(
            f"lists {listed} entries, more than {budget.limits.max_entries} "
            "(limit max_entries); not read"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        yield _damaged(origin.display, "zip archive", exc)
        return
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        redundant = ci_logs.redundant_job_logs([info.filename for info in infos])
        for info in infos:
            if info.filename in redundant:
                continue
            entry = origin.inside(info.filename, kind=_ENTRY)
            budget.count_entry()
            refusal = _zip_refusal(info, budget, entry.display)
            if refusal is not None:
                yield refusal
                continue
            try:
                with archive.open(info) as handle:
                    stored = min(info.compress_size, len(data))
                    content = _read(handle.read, budget, stored, entry.display)
            except EntryTooLargeError as exc:
                yield Skipped(entry.display, str(exc))
                continue
            except _ZIP_ERRORS as exc:
                yield _damaged(entry.display, "zip entry", exc)
                continue
            yield from recurse(content, entry, depth + 1)


def _listed_entries(data: bytes) -> int:
    """An upper bound on the central directory records zipfile will read from `data`.

    zipfile reads the `size` bytes in front of the end record (and in front of the zip64 record
    and locator, when the sizes are in those), and every record there starts with a signature;
    counting signatures, rather than trusting the count field, holds even when that field lies.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD_SIZE - 0xFFFF))
    if end < 0 or end + _EOCD_SIZE > len(data):
        return 0  # no end record: zipfile refuses the file before listing anything
    (size,) = struct.unpack_from("<I", data, end + 12)
    directory_end = end
    if size == 0xFFFFFFFF and end >= _ZIP64_TAIL and data.startswith(b"PK\x06\x07", end - 20):
        directory_end = end - _ZIP64_TAIL
        (size,) = struct.unpack_from("<Q", data, directory_end + 40)
    return data.count(b"PK\x01\x02", max(0, directory_end - size), directory_end)


def _zip_refusal(info: zipfile.ZipInfo, budget: Budget, where: str) -> Skipped | None:
    """Why an entry is not read, judged from its headers before any byte is inflated."""
    limits = budget.limits
    if info.flag_bits & 0x1:
        return Skipped(where, "encrypted entry; it cannot be read without its password")
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return Skipped(where, "symbolic link entry; links are never followed")
    if info.file_size > limits.max_entry_bytes:
        return Skipped(where, f"declares {info.file_size} bytes (limit max_entry_bytes); not read")
    if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        # The header already admits a bomb: refuse the whole outer file without inflating a byte.
        _mark(budget, where)
        raise budget.refuse(
            f"declares a compression ratio above {limits.max_ratio:g}:1 (limit max_ratio); "
            "looks like a decompression bomb, not read"
        )
    return None


def crx_chunks(
    data: bytes, origin: Origin, depth: int, budget: Budget, recurse: Recurse
) -> Iterator[Chunk | Skipped]:
    """A Chrome extension: a CRX2/CRX3 header (keys and signatures) in front of a plain zip."""
    try:
        version = struct.unpack_from("<I", data, 4)[0]
        if version == 3:
            start = 12 + struct.unpack_from("<I", data, 8)[0]
        elif version == 2:
            key_size, signature_size = struct.unpack_from("<II", data, 8)
            start = 16 + key_size + signature_size
        else:
            yield Skipped(origin.display, f"CRX version {version} is not known; not read", True)
            return
    except struct.error:
        yield Skipped(origin.display, "CRX header is truncated; not read", True)
        return
    yield from zip_chunks(data[start:], origin, depth, budget, recurse)


def tar_chunks(
    data: bytes, origin: Origin, depth: int, budget: Budget, recurse: Recurse
) -> Iterator[Chunk | Skipped]:
    """Every regular file of an (uncompressed) tar; links and devices are recorded, not followed."""
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115
    except (tarfile.TarError, EOFError, OSError) as exc:
        yield _damaged(origin.display, "tar archive", exc)
        return
    with archive:
        while True:
            try:
                member = archive.next()
            except (tarfile.TarError, EOFError, OSError) as exc:
                yield _damaged(origin.display, "tar archive (entries after the damage)", exc)
                return
            if member is None:
                break
            yield from _tar_member(archive, member, origin, len(data), (depth, budget, recurse))
        # tarfile ends quietly at a cut header; a sound tar ends in zero blocks only.
        if data[archive.offset :].strip(b"\0"):
            yield Skipped(
                origin.display, "truncated tar archive: entries after the cut not read", True
            )


def _tar_member(
    archive: tarfile.TarFile,
    member: tarfile.TarInfo,
    origin: Origin,
    archive_size: int,
    walk: tuple[int, Budget, Recurse],
) -> Iterator[Chunk | Skipped]:
    depth, budget, recurse = walk
    if member.isdir():
        return
    entry = origin.inside(member.name, kind=_ENTRY)
    budget.count_entry()
    if member.issym() or member.islnk():
        yield Skipped(entry.display, "link entry; links are never followed")
        return
    if not member.isfile():
        yield Skipped(entry.display, "device or special file; not read")
        return
    if member.size > budget.limits.max_entry_bytes:
        yield Skipped(entry.display, f"declares {member.size} bytes (limit max_entry_bytes)")
        return
    handle = archive.extractfile(member)
    if handle is None:
        return
    try:
        # Tar stores entries uncompressed, except sparse ones, whose holes inflate: judge those.
        stored = member.size if not member.issparse() else archive_size
        content = _read(handle.read, budget, stored, entry.display)
    except EntryTooLargeError as exc:
        yield Skipped(entry.display, str(exc))
        return
    except (tarfile.TarError, EOFError, OSError) as exc:
        yield _damaged(entry.display, "tar entry", exc)
        return
    yield from recurse(content, entry, depth + 1)


def compressed_chunks(
    data: bytes, origin: Origin, depth: int, budget: Budget, recurse: Recurse
) -> Iterator[Chunk | Skipped]:
    """A gzip, bzip2 or xz stream; a tarball inside keeps the outer name (`logs.tgz!app/x`)."""
    kind = compression_of(data)
    if kind is None:
        return
    try:
        content = _read(Inflater(data, kind).read, budget, len(data), origin.display)
    except EntryTooLargeError as exc:
        yield Skipped(origin.display, str(exc))
        return
    except _STREAM_ERRORS as exc:
        yield _damaged(origin.display, f"{kind} stream", exc)
        return
    if is_tar(content):
        # A .tar.gz is one archive to its reader: its entries sit one level below it, as a zip's do.
        yield from tar_chunks(content, origin, depth, budget, recurse)
        return
    yield from recurse(content, origin.inside(_uncompressed_name(origin), kind=_ENTRY), depth + 1)


def _uncompressed_name(origin: Origin) -> str:
    name = origin.display.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    lowered = name.lower()
    for suffix, replacement in _COMPRESSED_SUFFIXES.items():
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _read(read: Callable[[int], bytes], budget: Budget, consumed: int, where: str) -> bytes:
    try:
        return read_bounded(read, budget, consumed)
    except BombError:
        _mark(budget, where)
        raise


def _mark(budget: Budget, where: str) -> None:
    """Remember the first place a bomb showed itself; the dispatcher reports it once."""
    if budget.where is None:
        budget.where = where


def _damaged(where: str, what: str, exc: BaseException) -> Skipped:
    detail = str(exc).strip() or type(exc).__name__
    # Library messages name offsets and formats, never content, so they are safe to show.
    return Skipped(where, f"damaged or truncated {what} ({detail[:120]}); not read", True)
