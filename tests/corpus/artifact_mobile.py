"""Mobile apps for the artifact corpus: APKs (DEX, binary XML, resources.arsc, assets, a nested
AAR with a JAR) and IPAs (binary plists, Mach-O string runs), with secrets and decoys planted.

Stage: test data. Lines are those of the documented renderings: DEX and resources.arsc one string
per line in table order, binary XML one start tag, text node or end tag per line, binary plists as
the XML plist plistlib writes, executables one `strings -n 8` run per line.
"""

from __future__ import annotations

import plistlib
import random
from xml.sax.saxutils import escape

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
    run_line,
    sentence,
)
from tests.corpus.providers import private_key
from tests.sources import builders
from tests.sources.builders import ANDROID_NS, Element

FMT_APK, FMT_IPA = "apk", "ipa"


def _dex(rng: random.Random, art: Artifact, where: str, size: int) -> bytes:
    package = f"Lcom/{identifier(rng, 1)}/{identifier(rng, 1)}"
    filler = {f"{package}/{identifier(rng).capitalize()}{i};" for i in range(size)}
    filler |= {identifier(rng) for _ in range(size)} | {sentence(rng) for _ in range(size // 4)}
    creds = [credential(rng, NAMED) for _ in range(rng.randint(2, 4))]
    fakes = [decoy(rng) for _ in range(2)]
    ordered = builders.dex_sorted([*filler, *map(bare, creds), *(d.value for d in fakes)])
    for cred in creds:
        art.plant(where, ordered.index(bare(cred)) + 1, cred, "dex-string", FMT_APK)
    for fake in fakes:
        art.decoy(where, ordered.index(fake.value) + 1, fake)
    return builders.dex(ordered)


def _xml_lines(element: Element, found: dict[str, int], line: int = 1) -> int:
    """Line of every string value in the decoded XML; returns the line after the element."""
    _, attrs, children = element
    for _, _, value in attrs:
        if isinstance(value, str):
            found.setdefault(value, line)
    line += 1
    for child in children:
        if isinstance(child, str):
            found.setdefault(child, line)
            line += 1
        else:
            line = _xml_lines(child, found, line)
    return line + 1  # the end tag


def _manifest(rng: random.Random, art: Artifact, where: str) -> bytes:
    creds = [credential(rng, ("google", "stripe", "slack_webhook", "github_pat"))]
    creds += [credential(rng, NAMED)]
    fake = decoy(rng, ("placeholder", "publishable_key"))
    metas: list[Element | str] = [
        (
            "meta-data",
            [(ANDROID_NS, "name", f"com.{identifier(rng, 1)}.KEY{i}"), (ANDROID_NS, "value", v)],
            [],
        )
        for i, v in enumerate([*map(bare, creds), fake.value])
    ]
    activity: Element = (
        "activity",
        [(ANDROID_NS, "name", ".MainActivity"), (ANDROID_NS, "exported", True)],
        [],
    )
    app: Element = ("application", [(ANDROID_NS, "allowBackup", False)], [activity, *metas])
    root: Element = (
        "manifest",
        [(ANDROID_NS, "versionCode", 7), (None, "package", "com.example.app")],
        [app],
    )
    lines: dict[str, int] = {}
    _xml_lines(root, lines)
    for cred in creds:
        art.plant(where, lines[bare(cred)], cred, "binary-xml", FMT_APK)
    art.decoy(where, lines[fake.value], fake)
    return builders.binary_xml(root)


def _res_xml(rng: random.Random, art: Artifact, where: str) -> bytes:
    cred = credential(rng, NAMED)
    root: Element = (
        "config",
        [(None, "version", "2")],
        [("endpoint", [(None, "url", "https://api.example.com")], []), ("token", [], [bare(cred)])],
    )
    lines: dict[str, int] = {}
    _xml_lines(root, lines)
    art.plant(where, lines[bare(cred)], cred, "binary-xml", FMT_APK)
    return builders.binary_xml(root, utf8=True)


def _arsc(rng: random.Random, art: Artifact, where: str, size: int) -> bytes:
    pool = [sentence(rng) for _ in range(size)]
    creds = [credential(rng, NAMED) for _ in range(rng.randint(1, 3))]
    fake = decoy(rng)
    for item in [*map(bare, creds), fake.value]:
        pool.insert(rng.randint(0, len(pool)), item)
    for cred in creds:
        art.plant(where, pool.index(bare(cred)) + 1, cred, "arsc-string", FMT_APK)
    art.decoy(where, pool.index(fake.value) + 1, fake)
    return builders.resource_table(pool, utf8=rng.random() < 0.5)


def _config_text(rng: random.Random, art: Artifact, where: str, style: str, fmt: str) -> bytes:
    doc = Text()
    if style == "json":
        doc.add("{")
    for _ in range(rng.randint(2, 4)):
        doc.add(
            {"json": '  "{}": "{}",', "properties": "{} = {}"}[style].format(
                identifier(rng), identifier(rng, 1)
            )
        )
        plant_text(doc, art, where, credential(rng, ALL_SINGLE_LINE), style, fmt)
    decoy_text(
        doc, art, where, decoy(rng, ("placeholder", "template_ref", "publishable_key")), style
    )
    if style == "json":
        doc.add('  "version": 1\n}')
    return doc.data()


def _pem(rng: random.Random, art: Artifact, where: str, fmt: str) -> bytes:
    cred = private_key(rng)
    art.plant(where, 1, cred, "pem", fmt)
    return (cred.written + "\n").encode()


def _binary(rng: random.Random, art: Artifact, where: str, build: str, size: int) -> bytes:
    creds = [credential(rng, NAMED) for _ in range(rng.randint(1, 2))]
    fake = decoy(rng, ("bad_checksum", "publishable_key", "documented_example"))
    strings = [f"_{identifier(rng)}_{i}" for i in range(size)]
    for item in [*map(bare, creds), fake.value]:
        strings.insert(rng.randint(0, len(strings)), item)
    data = builders.macho(strings) if build == "macho" else builders.elf(strings)
    fmt = FMT_IPA if build == "macho" else FMT_APK
    for cred in creds:
        art.plant(where, run_line(data, bare(cred)), cred, "string-run", fmt)
    art.decoy(where, run_line(data, fake.value), fake)
    return data


def _aar(rng: random.Random) -> Artifact:
    art = Artifact()
    cred = credential(rng, NAMED)
    klass = builders.class_file("com/vendor/sdk/Config", ["https://sdk.example.com/v2", bare(cred)])
    art.plant(
        "classes.jar!com/vendor/sdk/Config.class",
        run_line(klass, bare(cred)),
        cred,
        "class-string",
        FMT_APK,
    )
    jar = builders.zip_of(
        {"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "com/vendor/sdk/Config.class": klass}
    )
    art.data = builders.zip_of(
        {"AndroidManifest.xml": b'<manifest package="com.vendor.sdk"/>\n', "classes.jar": jar}
    )
    return art


def apk(rng: random.Random, scale: int = 1) -> Artifact:
    art = Artifact()
    entries = {
        "AndroidManifest.xml": _manifest(rng, art, "AndroidManifest.xml"),
        "classes.dex": _dex(rng, art, "classes.dex", 60 * scale),
        "res/xml/network_config.xml": _res_xml(rng, art, "res/xml/network_config.xml"),
        "resources.arsc": _arsc(rng, art, "resources.arsc", 40 * scale),
        "assets/config.json": _config_text(rng, art, "assets/config.json", "json", FMT_APK),
        "res/raw/app.properties": _config_text(
            rng, art, "res/raw/app.properties", "properties", FMT_APK
        ),
        "lib/arm64-v8a/libnative.so": _binary(
            rng, art, "lib/arm64-v8a/libnative.so", "elf", 30 * scale
        ),
        "res/drawable/icon.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + rng.randbytes(64),
    }
    if rng.random() < 0.5:
        entries["assets/certs/client.pem"] = _pem(rng, art, "assets/certs/client.pem", FMT_APK)
    sdk = _aar(rng)
    art.take(sdk, "libs/vendor-sdk.aar")
    entries["libs/vendor-sdk.aar"] = sdk.data
    art.data = builders.zip_of(entries)
    return art


def _plist(rng: random.Random, art: Artifact, where: str, google: bool) -> bytes:
    if google:
        cred = credential(rng, ("google",))
        doc: dict[str, object] = {
            "API_KEY": bare(cred),
            "GCM_SENDER_ID": "4" * 12,
            "BUNDLE_ID": "com.example.app",
            "PROJECT_ID": "example-app",
            "IS_ADS_ENABLED": False,
        }
    else:
        cred = credential(rng, NAMED)
        doc = {
            "CFBundleIdentifier": "com.example.app",
            "CFBundleVersion": "41",
            identifier(rng).capitalize(): bare(cred),
            "UIRequiredDeviceCapabilities": ["arm64"],
        }
    fake = decoy(rng)
    doc["Staging" + identifier(rng, 1).capitalize()] = fake.value
    rendered = plistlib.dumps(doc, sort_keys=False).decode().split("\n")
    for value, planted in ((bare(cred), True), (fake.value, False)):
        line = rendered.index(f"\t<string>{escape(value)}</string>") + 1
        if planted:
            art.plant(where, line, cred, "binary-plist", FMT_IPA)
        else:
            art.decoy(where, line, fake)
    return plistlib.dumps(doc, fmt=plistlib.FMT_BINARY, sort_keys=False)


def ipa(rng: random.Random, scale: int = 1) -> Artifact:
    art = Artifact()
    app = "Payload/Example.app/"
    entries = {
        app + "Info.plist": _plist(rng, art, app + "Info.plist", google=False),
        app + "GoogleService-Info.plist": _plist(
            rng, art, app + "GoogleService-Info.plist", google=True
        ),
        app + "Example": _binary(rng, art, app + "Example", "macho", 80 * scale),
        app + "Frameworks/Vendor.framework/Vendor": _binary(
            rng, art, app + "Frameworks/Vendor.framework/Vendor", "macho", 40 * scale
        ),
        app + "config.json": _config_text(rng, art, app + "config.json", "json", FMT_IPA),
    }
    art.data = builders.zip_of(entries)
    return art
