"""Every format parser, fed mutated well-formed files, ends within the caps and never raises.

(#16) Hypothesis starts from one valid sample per format (built by tests/sources/builders.py)
and overwrites, cuts and repeats parts of it, so mutations reach the tables and counts behind
the magic bytes. For each input the dispatcher must yield Chunks and Skips only, and render no
more than the caps allow. Derandomized, with few examples, so CI runs the same cases quickly.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import json
import plistlib
import tarfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakward.scanner.models import Chunk, Origin
from leakward.scanner.sources.dispatch import ContainerLimits, chunks_for
from tests.sources.builders import (
    AWS_KEY,
    GOOGLE_KEY,
    binary_xml,
    class_file,
    dex,
    resource_table,
    zip_of,
)

LIMITS = ContainerLimits(
    max_depth=3,
    max_entry_bytes=1 << 20,
    max_total_bytes=4 << 20,
    max_entries=1_000,
    max_objects=10_000,
)
MANIFEST = ("manifest", [(None, "package", "com.example")], [("meta", [(None, "v", AWS_KEY)], [])])
POSTMAN = {
    "info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/"},
    "item": [{"name": "r", "request": {"auth": {"type": "bearer", "bearer": [
        {"key": "token", "value": AWS_KEY}]}, "body": {"raw": [[{"k": GOOGLE_KEY}]]}}}],
}  # fmt: skip
SOURCE_MAP = {"version": 3, "sources": ["a.ts"], "sourcesContent": [f"k='{AWS_KEY}'"]}


def _tar(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


SEEDS: dict[str, tuple[str, bytes]] = {
    "plist": ("Info.plist", plistlib.dumps({"k": [AWS_KEY, {"n": 1}]}, fmt=plistlib.FMT_BINARY)),
    "android_xml": ("AndroidManifest.xml", binary_xml(MANIFEST, utf8=True)),
    "arsc": ("resources.arsc", resource_table(["a", AWS_KEY, "b"])),
    "dex": ("classes.dex", dex(["La;", AWS_KEY])),
    "class_file": ("A.class", class_file("A", [AWS_KEY])),
    "zip": ("app.apk", zip_of({"classes.dex": dex([AWS_KEY]), "x/y.txt": AWS_KEY.encode()})),
    "tar": ("a.tar", _tar("k.txt", AWS_KEY.encode())),
    "gzip": ("a.log.gz", gzip.compress(AWS_KEY.encode() * 3, mtime=0) * 2),
    "bzip2": ("a.bz2", bz2.compress(AWS_KEY.encode())),
    "postman": ("c.postman_collection.json", json.dumps(POSTMAN).encode()),
    "sourcemap": ("main.js.map", json.dumps(SOURCE_MAP).encode()),
    "html": ("index.html", b"<script>//# sourceMappingURL=data:application/json;base64,"
             + base64.b64encode(json.dumps(SOURCE_MAP).encode()) + b"</script>"),
}  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["overwrite", "cut", "repeat", "truncate"]))
        if kind == "overwrite":
            data[at : at + 4] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 50))
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mutated_inputs_end_within_the_caps(fmt):
    name, seed = SEEDS[fmt]

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(seed))
    def decodes_within_caps(data: bytes) -> None:
        rendered = 0
        for item in chunks_for(data, Origin(kind="file", path=name), LIMITS):
            if isinstance(item, Chunk):
                rendered += len(item.data)
        # Decoded formats stop at the caps; text formats frame each value with its field name.
        assert rendered <= LIMITS.max_total_bytes + 8 * len(data) + 4096

    decodes_within_caps()
