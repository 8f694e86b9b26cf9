"""Regressions found by the labelled artifact corpus (tests/corpus/artifacts.py), each through the
dispatcher and the whole matcher, so the finding itself (place, line, column, count) is checked.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Finding, Origin
from leakward.scanner.sources.dispatch import ContainerLimits, chunks_for
from tests.sources.builders import GOOGLE_KEY, zip_of

MATCHER = Matcher(load_rules(), make_engine(load_rules(), "regex"))
# Invented, in Mistral's shape (32 alphanumerics): recognisable only by its name.
MISTRAL_KEY = "Q7dT2xVb9KpL4mWz8NcR1yHs6JfA3eUo"


def _findings(data: bytes, path: str) -> list[Finding]:
    found: list[Finding] = []
    for item in chunks_for(data, Origin(kind="file", path=path), ContainerLimits()):
        if isinstance(item, Chunk):
            found += MATCHER.scan_chunk(item)
    return found


def _where(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return sorted((f.origin.display, f.line, f.column) for f in findings)


def test_inline_map_keys_are_reported_once_at_their_source_line():
    source = f'const config = {{\n  mapsKey: "{GOOGLE_KEY}",\n}};\n'
    document = {"version": 3, "sources": ["src/config.ts"], "sourcesContent": [source]}
    encoded = base64.b64encode(json.dumps(document).encode()).decode()
    script = f"var a=1;\n//# sourceMappingURL=data:application/json;base64,{encoded}\n"
    for name in ("vendor.js", "index.html"):
        findings = _findings(script.encode(), name)
        # Before: the base64 decoder also reported it at line 2 of the bundle itself.
        assert _where(findings) == [(f"{name}!src/config.ts", 2, 13)]


def test_postman_value_is_read_next_to_its_name_at_its_own_column():
    env = {
        "name": "prod",
        "values": [{"key": "MISTRAL_API_KEY", "value": MISTRAL_KEY, "type": "secret"}],
        "_postman_variable_scope": "environment",
    }
    findings = _findings(json.dumps(env).encode(), "prod.postman_environment.json")
    assert [(f.rule_id, f.secret.reveal()) for f in findings] == [("mistral.api_key", MISTRAL_KEY)]
    assert _where(findings) == [("prod.postman_environment.json!values.MISTRAL_API_KEY", 1, 1)]


def _tgz(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), mtime=0)


def test_tar_gz_is_one_level_of_nesting_like_a_zip():
    # release.tgz > app.apk > sdk.aar > classes.jar > entry: four archives, the default limit.
    jar = zip_of({"res/keys.properties": f"maps_key={GOOGLE_KEY}\n".encode()})
    apk = zip_of({"libs/sdk.aar": zip_of({"classes.jar": jar})})
    findings = _findings(_tgz({"dist/app.apk": apk}), "release.tgz")
    expected = "release.tgz!dist/app.apk!libs/sdk.aar!classes.jar!res/keys.properties"
    assert _where(findings) == [(expected, 1, 10)]
