"""A zip that lists millions of entries is refused from its directory, before zipfile lists it.

(#16) zipfile builds one ZipInfo per listed entry before a single entry is read: 2 million
entries took 918 MB before the entry cap refused them. The child runs under a memory cap and
reports its peak resident size.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from tests.hostile import shapes
from tests.hostile.harness import MiB, decode_bounded


def test_the_builder_makes_a_zip_that_zipfile_lists():
    assert len(zipfile.ZipFile(BytesIO(shapes.zip_listing(3))).infolist()) == 3


def test_two_million_listed_entries_are_refused_before_they_are_listed(tmp_path):
    data = shapes.zip_listing(2_000_000)
    decoded = decode_bounded(data, "huge.zip", tmp_path)
    assert decoded.chunks == 0
    (path, reason, is_error) = decoded.skipped[0]
    assert (path, is_error) == ("huge.zip", True)
    assert "lists 2000000 entries" in reason
    assert "limit max_entries" in reason
    # The file itself (94 MB) is held once; nothing is built per entry.
    assert decoded.peak_kib * 1024 < len(data) + 160 * MiB
