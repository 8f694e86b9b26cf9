"""Web artifacts for the artifact corpus: minified bundles with source maps (external and inline
`data:` maps), HTML pages with inline scripts, and browser extensions (.crx3, .xpi).

Stage: test data. A source map's `sourcesContent` entry is reported as `bundle.js.map!<source>`
(or `page.html!<source>` for an inline map) with the line inside that source; a minified bundle
is one line, so a key that survives minification is on line 1 of the bundle.
"""

from __future__ import annotations

import base64
import json
import random

from tests.corpus import providers
from tests.corpus.artifact_parts import (
    ALL_SINGLE_LINE,
    NAMED,
    Artifact,
    Text,
    bare,
    credential,
    decoy,
    decoy_text,
    identifier,
    plant_text,
    sentence,
)
from tests.corpus.providers import Credential, private_key
from tests.sources import builders

FMT = "web"


def _source(
    rng: random.Random, art: Artifact, where: str, size: int
) -> tuple[str, list[Credential]]:
    """A TypeScript module with keys in it; returns its text and the self-naming keys."""
    doc = Text()
    doc.add(f'import {{ {identifier(rng)} }} from "./{identifier(rng, 1)}";\n')
    named: list[Credential] = []
    for _ in range(rng.randint(1, 3)):
        for _ in range(size):
            doc.add(
                f"export function {identifier(rng)}(x: number): number {{\n"
                f"  return x * {rng.randint(2, 99)};\n}}"
            )
        name = rng.choice(ALL_SINGLE_LINE)
        cred = providers.FACTORIES[name](rng)
        plant_text(doc, art, where, cred, "js", FMT)
        if name in NAMED:  # survives minification recognisably, so it is in the bundle too
            named.append(cred)
    if rng.random() < 0.3:
        pem = private_key(rng)
        art.plant(where, doc.add(f"const CLIENT_KEY = `{pem.written}`;"), pem, "text", FMT)
    decoy_text(
        doc,
        art,
        where,
        decoy(rng, ("placeholder", "template_ref", "publishable_key", "bad_checksum")),
        "js",
    )
    doc.add(f"// {sentence(rng)}")
    return doc.text(), named


def _minified(rng: random.Random, values: list[str], size: int) -> str:
    parts = [
        f"{identifier(rng)}:function(e){{return e.{identifier(rng, 1)}+{rng.randint(1, 9)}}}"
        for _ in range(size)
    ]
    for i, value in enumerate(values):
        parts.insert(rng.randint(0, len(parts)), f'k{i}:"{value}"')
    return '!function(){"use strict";var n={' + ",".join(parts) + "};window.__app=n}();"


def _map(
    rng: random.Random, art: Artifact, prefix: str, size: int
) -> tuple[dict[str, object], list[Credential]]:
    sources, contents, named = [], [], []
    for _ in range(rng.randint(2, 3)):
        source = f"webpack://{prefix}/./src/{identifier(rng, 1)}/{identifier(rng)}.ts"
        text, found = _source(rng, art, source, size)
        sources.append(source)
        contents.append(text)
        named += found
    document = {
        "version": 3,
        "file": "main.js",
        "sources": sources,
        "sourcesContent": contents,
        "names": [],
        "mappings": "AAAA,SAASA",
    }
    return document, named


def bundle(rng: random.Random, scale: int = 1) -> dict[str, Artifact]:
    """`main.<hash>.js` + its `.map`, and `vendor.<hash>.js` with an inline base64 map."""
    digest = f"{rng.getrandbits(32):08x}"
    maps, main = Artifact(), Artifact()
    document, named = _map(rng, maps, "app", 4 * scale)
    main_name = f"main.{digest}.js"
    main.data = (
        _minified(rng, [bare(c) for c in named], 30 * scale)
        + f"\n//# sourceMappingURL={main_name}.map\n"
    ).encode()
    for cred in named:
        main.plant("", 1, cred, "bundle", FMT)
    maps.data = json.dumps(document).encode()
    vendor = Artifact()
    inline, _ = _map(rng, vendor, "vendor", 2 * scale)
    encoded = base64.b64encode(json.dumps(inline).encode()).decode()
    vendor.data = (
        _minified(rng, [], 30 * scale)
        + "\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,"
        + encoded
        + "\n"
    ).encode()
    return {main_name: main, f"{main_name}.map": maps, f"vendor.{digest}.js": vendor}


def page(rng: random.Random, scale: int = 1) -> Artifact:
    """An HTML page: keys in an inline config script, and a script carrying an inline map."""
    art = Artifact()
    doc = Text()
    doc.add(
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Example</title>\n<script>\nwindow.__ENV__ = {"
    )
    for _ in range(rng.randint(1, 3)):
        plant_text(doc, art, "", credential(rng, ALL_SINGLE_LINE), "json", FMT)
    decoy_text(doc, art, "", decoy(rng, ("placeholder", "template_ref", "publishable_key")), "json")
    doc.add('  "release": "1.0.0"\n};\n</script>')
    inline, _ = _map(rng, art, "page", scale)
    encoded = base64.b64encode(json.dumps(inline).encode()).decode()
    doc.add(
        f"<script>{_minified(rng, [], 5 * scale)}\n"
        f"//# sourceMappingURL=data:application/json;base64,{encoded}\n</script>"
    )
    for _ in range(5 * scale):
        doc.add(f"<p>{sentence(rng)}</p>")
    doc.add('</head>\n<body><div id="root"></div></body>\n</html>')
    art.data = doc.data()
    return art


def _script(rng: random.Random, art: Artifact, where: str) -> bytes:
    doc = Text()
    doc.add('"use strict";\nchrome.runtime.onInstalled.addListener(() => {});')
    for _ in range(rng.randint(1, 2)):
        plant_text(doc, art, where, credential(rng, ALL_SINGLE_LINE), "js", FMT)
    decoy_text(
        doc, art, where, decoy(rng, ("placeholder", "publishable_key", "bad_checksum")), "js"
    )
    return doc.data()


def extension(rng: random.Random, scale: int = 1) -> dict[str, Artifact]:
    """A Chrome extension (.crx, CRX3 header) and a Firefox add-on (.xpi)."""
    crx, xpi = Artifact(), Artifact()
    options = page(rng, scale)
    crx.take(options, "options.html")
    manifest = json.dumps(
        {
            "manifest_version": 3,
            "name": "Example helper",
            "version": "1.2.0",
            "background": {"service_worker": "background.js"},
        },
        indent=2,
    ).encode()
    payload = builders.zip_of(
        {
            "manifest.json": manifest,
            "background.js": _script(rng, crx, "background.js"),
            "options.html": options.data,
        }
    )
    crx.data = builders.crx3(payload, rng.randbytes(294), rng.randbytes(256))
    maps = bundle(rng, scale)
    entries = {
        "manifest.json": manifest,
        "content.js": _script(rng, xpi, "content.js"),
        "META-INF/mozilla.rsa": rng.randbytes(512),
    }
    for name, inner in maps.items():
        xpi.take(inner, f"dist/{name}")
        entries[f"dist/{name}"] = inner.data
    xpi.data = builders.zip_of(entries)
    return {"example-helper.crx": crx, "example-addon.xpi": xpi}
