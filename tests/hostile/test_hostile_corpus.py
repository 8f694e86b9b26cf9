"""The hostile corpus, scanned by the real command line under a memory cap (#16).

Every shape of the issue sits in one tree, beside a plain file with a key. The scan must end,
report the key beside them, report the keys planted inside them where the format allows, and
name each refused file with its reason.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.hostile import shapes
from tests.hostile.harness import MEMORY_CAP, run_guarded
from tests.sources.builders import AWS_KEY, GOOGLE_KEY

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
LONG = "x" * 30_000


def _deep_postman() -> bytes:
    deep: object = "deep"
    for _ in range(900):
        deep = [deep]
    bearer = [{"key": "token", "value": AWS_KEY}]
    return json.dumps({
        "info": {"_postman_id": "c1", "name": "deep", "schema": SCHEMA},
        "item": [
            {"name": "Deep", "request": {"body": {"mode": "graphql", "graphql": deep}}},
            {"name": "Next", "request": {"auth": {"type": "bearer", "bearer": bearer}}},
        ],
    }).encode()  # fmt: skip


CORPUS = {
    "Info.plist": shapes.plist_shared_arrays(40, AWS_KEY),
    "manifest/AndroidManifest.xml": shapes.binary_xml_repeated_attribute(
        "y" * 1000, AWS_KEY, 12, 65535, stride=0
    ),
    "res/resources.arsc": shapes.resource_table_one_string(LONG, AWS_KEY, 7000),
    "dex/classes.dex": shapes.dex_one_string(LONG, AWS_KEY, 7000),
    "many.zip": shapes.zip_listing(200_000),
    "members.log.gz": gzip.compress(b"", mtime=0) * 100_000
    + gzip.compress(f"aws_access_key_id = {AWS_KEY}\n".encode(), mtime=0),
    "deep.postman_collection.json": _deep_postman(),
}
# Where the scan must still find the key planted inside (the zip lists nothing real).
KEY_INSIDE = set(CORPUS) - {"many.zip"}
REFUSED = {
    "Info.plist",
    "manifest/AndroidManifest.xml",
    "res/resources.arsc",
    "dex/classes.dex",
    "many.zip",
}


def test_every_hostile_file_ends_and_every_planted_key_is_reported(tmp_path):
    for name, data in CORPUS.items():
        path = tmp_path / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / "corpus" / "beside.env").write_text(f'GOOGLE_API_KEY="{GOOGLE_KEY}"\n')
    done = run_guarded(
        ["tests.hostile.capped_cli", str(MEMORY_CAP), "scan", str(tmp_path / "corpus"),
         "--format", "json", "--no-progress"]
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    report = json.loads(done.stdout)
    files = {Path(f["file"].split("!", 1)[0]).as_posix() for f in report["findings"]}
    assert "beside.env" in files
    assert KEY_INSIDE.issubset(files)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert REFUSED.issubset(reasons)
    assert all("limit max_" in reasons[name] or "do not fit" in reasons[name] for name in REFUSED)
