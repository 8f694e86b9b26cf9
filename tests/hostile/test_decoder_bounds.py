"""Every format decoder renders within the caps, however its tables point at one another (#16).

Each input is a small, well-formed file whose tables or trees reuse the same bytes many times;
before the caps were applied to decoders each of these took hundreds of MiB or never ended. The
child process reports what was rendered; the tests bound those bytes and check that the key
planted in each file is still found by the raw-string fallback.
"""

from __future__ import annotations

import plistlib

import pytest

from leakward.scanner.sources import plist
from leakward.scanner.sources.limits import ContainerLimits, DecodeLimitError
from tests.hostile import shapes
from tests.hostile.harness import MiB, decode_bounded
from tests.sources.builders import AWS_KEY

LIMITS = ContainerLimits(max_entry_bytes=4 * MiB, max_total_bytes=16 * MiB, max_objects=50_000)
LONG = "x" * 30_000

HOSTILE = {
    "plist-shared-arrays": (shapes.plist_shared_arrays(40, AWS_KEY), "Info.plist"),
    "manifest-zero-stride": (
        shapes.binary_xml_repeated_attribute("y" * 1000, AWS_KEY, 12, 65535, stride=0),
        "AndroidManifest.xml",
    ),
    "manifest-many-attributes": (
        shapes.binary_xml_repeated_attribute(LONG, AWS_KEY, 1, 1500, stride=20),
        "AndroidManifest.xml",
    ),
    "arsc-one-string": (shapes.resource_table_one_string(LONG, AWS_KEY, 7000), "resources.arsc"),
    "dex-one-string": (shapes.dex_one_string(LONG, AWS_KEY, 7000), "classes.dex"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_decoder_output_is_bounded_and_the_planted_key_is_still_found(case, tmp_path):
    data, name = HOSTILE[case]
    assert len(data) < 64 * 1024  # the whole attack fits in a small file
    decoded = decode_bounded(data, name, tmp_path, LIMITS, needles=(AWS_KEY,))
    assert decoded.chunk_bytes <= LIMITS.max_entry_bytes + len(data)
    assert decoded.found[AWS_KEY], decoded.reasons()
    assert decoded.skipped, "a refused decode is reported"
    path, reason, is_error = decoded.skipped[0]
    assert (path, is_error) == (name, True)
    assert "limit max_" in reason or "do not fit their element" in reason


def test_default_caps_bound_a_deeper_plist(tmp_path):
    # 2**60 leaves: only the object cap ends this one, at the caps every scan uses.
    data = shapes.plist_shared_arrays(60, AWS_KEY)
    decoded = decode_bounded(data, "Info.plist", tmp_path, needles=(AWS_KEY,))
    assert "limit max_" in decoded.reasons()
    assert decoded.found[AWS_KEY]
    assert decoded.peak_kib * 1024 < 512 * MiB


def test_a_plist_is_judged_by_its_distinct_objects_not_by_rendering_it():
    # 2**60 leaves; counting visits each of the 61 distinct objects once.
    document = plistlib.loads(shapes.plist_shared_arrays(60, AWS_KEY))
    assert plist.written_values(document, max_nesting=64) > 2**60
    with pytest.raises(DecodeLimitError, match="max_nesting"):
        plist.written_values(document, max_nesting=10)
