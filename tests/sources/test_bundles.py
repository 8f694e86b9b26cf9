"""Browser bundles: source maps, inline data: maps, HTML pages, extensions."""

from __future__ import annotations

import base64
import json
import urllib.parse

from tests.sources.builders import GOOGLE_KEY, zip_of
from tests.sources.conftest import scan

API_TS = f'import x from "y";\n\nexport const KEY = "{GOOGLE_KEY}";\n'
MAP = {
    "version": 3,
    "file": "main.js",
    "sources": ["webpack://app/src/api.ts", "webpack://app/src/empty.ts", "webpack://app/src/n.ts"],
    "sourcesContent": [API_TS, "", None],
    "names": [],
    "mappings": "AAAA",
}


def test_sources_content_entries_are_chunks_with_their_own_lines():
    result = scan(json.dumps(MAP).encode(), "dist/main.js.map")
    (chunk,) = result.chunks
    assert chunk.origin.display == "dist/main.js.map!webpack://app/src/api.ts"
    assert chunk.origin.kind == "bundle-entry"
    assert chunk.position(chunk.data.index(GOOGLE_KEY.encode())) == (3, 21)


def test_index_map_sections_and_source_root():
    index = {
        "version": 3,
        "sections": [
            {
                "offset": {"line": 0, "column": 0},
                "map": {
                    **MAP,
                    "sourceRoot": "/root/",
                    "sources": ["a.ts"],
                    "sourcesContent": [API_TS],
                },
            }
        ],
    }
    (chunk,) = scan(json.dumps(index).encode(), "x.map").chunks
    assert chunk.origin.nested == ("/root/a.ts",)


def test_inline_base64_and_percent_encoded_maps_in_scripts():
    encoded = base64.b64encode(json.dumps(MAP).encode()).decode()
    bundle = (
        f"var a=1;\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,{encoded}\n"
    )
    result = scan(bundle.encode(), "main.js")
    assert [c.origin.display for c in result.chunks] == [
        "main.js",
        "main.js!webpack://app/src/api.ts",
    ]
    quoted = urllib.parse.quote(json.dumps(MAP))
    page = f"<script>var a=1;\n//# sourceMappingURL=data:application/json,{quoted}\n</script>"
    names = [c.origin.display for c in scan(page.encode(), "index.html").chunks]
    assert names == ["index.html", "index.html!webpack://app/src/api.ts"]


def test_a_truncated_inline_map_is_a_note_and_its_script_is_still_scanned():
    """Django's own tests ship a cut-off `data:` map: that is not a scan error."""
    encoded = base64.b64encode(json.dumps(MAP).encode()).decode()[:40]
    bundle = f"//# sourceMappingURL=data:application/json;base64,{encoded}\nvar k='{GOOGLE_KEY}';"
    result = scan(bundle.encode(), "cut.js")
    (note,) = result.skipped
    assert "malformed inline source map" in note.reason
    assert not note.is_error
    assert [c.origin.display for c in result.containing(GOOGLE_KEY)] == ["cut.js"]


def test_html_inline_script_is_located_in_the_page():
    page = f'<html>\n<body>\n<script>\nconst k="{GOOGLE_KEY}";\n</script>\n</body>\n</html>\n'
    (chunk,) = scan(page.encode(), "index.html").chunks
    assert chunk.position(chunk.data.index(GOOGLE_KEY.encode())) == (4, 10)


def test_minified_bundle_is_one_chunk_with_exact_columns():
    line = "a=1;" * 50_000 + f'k="{GOOGLE_KEY}"'
    (chunk,) = scan(line.encode(), "vendor.min.js").chunks
    assert chunk.position(chunk.data.index(GOOGLE_KEY.encode())) == (1, 200_004)


def test_malformed_map_is_an_error_and_still_scanned_as_text():
    data = b'{"version": 3, "sourcesContent": ["' + GOOGLE_KEY.encode() + b'"'
    result = scan(data, "bad.js.map")
    assert result.skipped[0].is_error
    assert "malformed source map (not valid JSON" in result.skipped[0].reason
    assert GOOGLE_KEY not in result.skipped[0].reason
    assert [c.data for c in result.chunks] == [data]


def test_xpi_extension_with_map():
    xpi = zip_of({"manifest.json": b"{}", "bg.js.map": json.dumps(MAP).encode()})
    names = {c.origin.display for c in scan(xpi, "ext.xpi").containing(GOOGLE_KEY)}
    assert names == {"ext.xpi!bg.js.map!webpack://app/src/api.ts"}
