"""Mobile artifacts: DEX string tables, Android binary XML, resources.arsc, IPA plists, Mach-O."""

from __future__ import annotations

import plistlib
import struct

import pytest

from leakward.scanner.sources import android_xml, dex
from leakward.scanner.sources.limits import Budget, ContainerLimits, Output
from tests.sources.builders import (
    ANDROID_NS,
    AWS_KEY,
    GOOGLE_KEY,
    Element,
    binary_xml,
    class_file,
    dex_sorted,
    macho,
    resource_table,
    zip_of,
)
from tests.sources.builders import dex as build_dex
from tests.sources.conftest import scan

DEX_STRINGS = [
    "Lcom/example/Api;",
    "<init>",
    GOOGLE_KEY,
    "multi\nline",
    "caf\u00e9 \U0001f511 nul\u0000byte",
    "https://api.example.com/v1",
]

MANIFEST: Element = (
    "manifest",
    [(ANDROID_NS, "versionCode", 7), (None, "package", "com.example.app")],
    [
        (
            "application",
            [(ANDROID_NS, "allowBackup", False)],
            [
                (
                    "meta-data",
                    [
                        (ANDROID_NS, "name", "com.google.android.geo.API_KEY"),
                        (ANDROID_NS, "value", GOOGLE_KEY),
                    ],
                    [],
                )
            ],
        )
    ],
)


def _output() -> Output:
    return Output(Budget(ContainerLimits()))


def _apk() -> bytes:
    aar = zip_of(
        {
            "classes.jar": zip_of({"com/x/K.class": class_file("com/x/K", [AWS_KEY])}),
            "AndroidManifest.xml": b"<manifest package='lib'/>",
        }
    )
    return zip_of(
        {
            "AndroidManifest.xml": binary_xml(MANIFEST),
            "classes.dex": build_dex(DEX_STRINGS),
            "res/xml/network.xml": binary_xml(("config", [], ["token " + AWS_KEY]), utf8=True),
            "resources.arsc": resource_table(["app_name", GOOGLE_KEY, "Hello"]),
            "assets/config.json": f'{{"key": "{GOOGLE_KEY}"}}'.encode(),
            "res/raw/keys.txt": AWS_KEY.encode(),
            "lib/arm64-v8a/libnative.so": b"\x7fELF\x02\x01\x01\0"
            + b"\0" * 8
            + AWS_KEY.encode()
            + b"\0",
            "libs/inner.aar": aar,
            "res/drawable/icon.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        }
    )


def test_apk_every_part_is_decoded_and_located():
    result = scan(_apk(), "app.apk")
    google = {c.origin.display for c in result.containing(GOOGLE_KEY)}
    aws = {c.origin.display for c in result.containing(AWS_KEY)}
    assert google == {
        "app.apk!AndroidManifest.xml",
        "app.apk!classes.dex",
        "app.apk!resources.arsc",
        "app.apk!assets/config.json",
    }
    assert aws == {
        "app.apk!res/xml/network.xml",
        "app.apk!res/raw/keys.txt",
        "app.apk!lib/arm64-v8a/libnative.so",
        "app.apk!libs/inner.aar!classes.jar!com/x/K.class",
    }
    assert [s.path for s in result.skipped] == ["app.apk!res/drawable/icon.png"]


def test_dex_line_is_string_index_plus_one():
    data = build_dex(DEX_STRINGS)
    (chunk,) = scan(data, "classes.dex").chunks
    assert chunk.origin.kind == "dex-string"
    lines = chunk.data.decode().split("\n")
    ordered = dex_sorted(DEX_STRINGS)
    assert len(lines) == len(ordered)
    index = ordered.index(GOOGLE_KEY)
    line, column = chunk.position(chunk.data.index(GOOGLE_KEY.encode()))
    assert (line, column) == (index + 1, 1)
    assert lines[ordered.index("multi\nline")] == "multi\\nline"
    assert "caf\u00e9 \U0001f511 nul\u0000byte" in lines


def test_dex_header_checksum_and_signature_are_those_of_the_format():
    import hashlib
    import zlib

    data = build_dex(DEX_STRINGS)
    assert struct.unpack_from("<I", data, 8)[0] == zlib.adler32(data[12:])
    assert data[12:32] == hashlib.sha1(data[32:]).digest()  # noqa: S324 - DEX says SHA-1
    assert struct.unpack_from("<I", data, 32)[0] == len(data)
    assert dex.read_strings(data, _output())[0] == dex_sorted(DEX_STRINGS)[0].encode()


@pytest.mark.parametrize("utf8", [False, True])
def test_binary_xml_decodes_to_lines_of_xml(utf8):
    text = android_xml.decode_xml(binary_xml(MANIFEST, utf8=utf8), _output())
    lines = text.splitlines()
    assert lines[0] == (
        f'<manifest xmlns:android="{ANDROID_NS}" android:versionCode="7" package="com.example.app">'
    )
    assert lines[1] == '  <application android:allowBackup="false">'
    assert lines[2] == (
        '    <meta-data android:name="com.google.android.geo.API_KEY" '
        f'android:value="{GOOGLE_KEY}">'
    )
    assert lines[-1] == "</manifest>"


def test_manifest_finding_line_is_the_decoded_line():
    result = scan(binary_xml(MANIFEST), "AndroidManifest.xml")
    (chunk,) = result.chunks
    assert chunk.position(chunk.data.index(GOOGLE_KEY.encode()))[0] == 3


def test_resources_arsc_pool_is_one_string_per_line():
    for utf8 in (True, False):
        (chunk,) = scan(
            resource_table(["app_name", GOOGLE_KEY], utf8=utf8), "resources.arsc"
        ).chunks
        assert chunk.data.split(b"\n") == [b"app_name", GOOGLE_KEY.encode()]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (binary_xml(MANIFEST)[:60], "AndroidManifest.xml", "malformed Android binary XML"),
        (resource_table(["x"])[:30], "resources.arsc", "malformed resources.arsc"),
        (b"bplist00" + b"\x01" * 40, "Info.plist", "malformed binary plist"),
        (b"dex\n035\x00" + b"\x00" * 20, "classes.dex", "malformed DEX"),
    ],
)
def test_malformed_mobile_formats_are_errors_with_reasons(data, name, reason):
    result = scan(data, name)
    (skipped,) = result.skipped
    assert skipped.is_error
    assert skipped.reason.startswith(reason)
    assert skipped.path == name


def test_binary_xml_with_a_bad_string_index_is_an_error():
    data = bytearray(binary_xml(MANIFEST))
    pool_size = struct.unpack_from("<I", data, 12)[0]
    element = 8 + pool_size + 24  # after the namespace node
    struct.pack_into("<I", data, element + 20, 9999)  # the element's name index
    result = scan(bytes(data), "AndroidManifest.xml")
    assert "string index 9999" in result.skipped[0].reason


def test_ipa_plists_and_mach_o_strings():
    info = plistlib.dumps(
        {
            "CFBundleIdentifier": "com.example",
            "API_KEY": GOOGLE_KEY,
            "Blob": AWS_KEY.encode(),
            "Archived": plistlib.UID(3),
        },
        fmt=plistlib.FMT_BINARY,
    )
    google_service = plistlib.dumps({"API_KEY": GOOGLE_KEY}, fmt=plistlib.FMT_XML)
    ipa = zip_of(
        {
            "Payload/App.app/Info.plist": info,
            "Payload/App.app/GoogleService-Info.plist": google_service,
            "Payload/App.app/App": macho(["_OBJC_CLASS_$_Api", AWS_KEY]),
        }
    )
    result = scan(ipa, "App.ipa")
    chunks = result.by_name()
    rendered = chunks["App.ipa!Payload/App.app/Info.plist"].data
    assert rendered.startswith(b"<?xml")
    assert f"<string>{GOOGLE_KEY}</string>".encode() in rendered
    assert f"<string>{AWS_KEY}</string>".encode() in rendered
    assert chunks["App.ipa!Payload/App.app/GoogleService-Info.plist"].data == google_service
    assert AWS_KEY.encode() in chunks["App.ipa!Payload/App.app/App"].data.split(b"\n")
    assert result.skipped == []
