"""Write the labelled detection corpus: `python -m tests.corpus.generate OUTDIR [--seed N]`.

Stage: test data. Builds a few hundred small projects' worth of files (code in several languages,
env files, YAML, JSON, notebooks, bundles, Android resources, terraform, keys) with invented secrets
planted in them, some in the hard forms scanners miss (URL-encoded, split across JS concatenation,
inside base64 blobs, behind JSON \\u escapes), and decoys that must stay silent. The files go
to OUTDIR/files; OUTDIR/labels.json lists every planted secret and every decoy with file and line.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.corpus import decoys, providers
from tests.corpus.formats import FORMATS, Doc, Entry, Format
from tests.corpus.providers import Credential, pick

LABELS = "labels.json"
FILES = "files"  # the tree to scan; label paths are relative to it
HARD_SHARE = 0.35


@dataclass(slots=True)
class Label:
    file: str
    line: int
    end_line: int
    provider: str
    secret: str
    kind: str  # plain | url | concat | base64 | json-escape
    format: str
    key_id: str = ""
    key_id_line: int = 0
    alternates: list[str] = field(default_factory=list)
    raw: str = ""  # the text as written in the file, when it differs from the secret


@dataclass(slots=True)
class Planted:
    cred: Credential
    kind: str
    entries: list[Entry]
    alternates: list[str]
    raw: str


def _url(cred: Credential, tag: str, rng: random.Random) -> Planted:
    if cred.provider == "database":
        # A password with a reserved character must be percent-encoded inside the URI.
        uri = cred.written
        scheme, rest = uri.split("://", 1)
        user, tail = rest.split(":", 1)
        host = tail.split("@", 1)[1]
        secret = cred.secret[:6] + rng.choice("@/#:?") + cred.secret[6:]
        text = f"{scheme}://{user}:{quote(secret, safe='')}@{host}"
        alts = [
            text,
            f"{scheme}://{user}:{secret}@{host}",
            quote(secret, safe=""),
            f"{user}:{secret}",
        ]
        cred = replace(cred, secret=secret, text=text, alternates=())
        return Planted(cred, "url", [Entry(cred.names[0], text, tag)], alts, text)
    inner = f"https://api.example.com/v1/hook?{cred.names[0].lower()}={cred.secret}&region=eu"
    text = "https://auth.example.com/callback?next=" + quote(inner, safe="")
    return Planted(cred, "url", [Entry("CALLBACK_URL", text, tag)], [], text)


def _base64(cred: Credential, tag: str, fmt: Format, rng: random.Random) -> Planted:
    if fmt.name == "k8s-secret":
        # The value alone, as `kubectl create secret` stores it; a database URI goes in whole.
        text = base64.b64encode(cred.written.encode()).decode()
        return Planted(cred, "base64", [Entry(cred.names[0], text, tag)], [], text)
    lines = [f"{cred.names[0].upper()}={cred.written}", "REGION=eu-west-1", "LOG_LEVEL=info"]
    if cred.key_id:
        lines.insert(0, f"AWS_ACCESS_KEY_ID={cred.key_id}")
    text = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    return Planted(cred, "base64", [Entry("APP_CONFIG_B64", text, tag)], [], text)


def _concat(cred: Credential, tag: str, rng: random.Random) -> Planted:
    s = cred.written
    cut = next((i + 1 for i, ch in enumerate(s[:14]) if ch in "-_."), 0) or rng.randint(4, 8)
    parts = [s[:cut]]
    rest = s[cut:]
    if len(rest) > 30 and rng.random() < 0.5:
        mid = len(rest) // 2
        parts += [rest[:mid], rest[mid:]]
    else:
        parts.append(rest)
    raw = " + ".join(f'"{p}"' for p in parts)
    return Planted(cred, "concat", [Entry(cred.names[-1], s, tag, tuple(parts))], [], raw)


def _json_escape(cred: Credential, tag: str, rng: random.Random) -> Planted:
    if cred.multiline:
        text = cred.written.replace("\n", "\\n")
    else:
        chars = list(cred.written)
        seps = [i for i, ch in enumerate(chars) if ch in "-_"][:1]
        for i in seps + rng.sample(range(len(chars)), k=2):
            if not chars[i].startswith("\\"):
                chars[i] = f"\\u{ord(chars[i]):04x}"
        text = "".join(chars)
    return Planted(cred, "json-escape", [Entry(cred.names[0], text, tag)], [], text)


def plant(cred: Credential, tag: str, fmt: Format, rng: random.Random) -> Planted:
    """Choose how `cred` appears in a file of format `fmt`, hard forms about a third of the time."""
    choices = [h for h in fmt.hard if not (cred.multiline and h != "json-escape")]
    if cred.provider == "slack" and cred.secret.startswith("https"):
        choices = [h for h in choices if h != "url"]
    kind = rng.choice(choices) if choices and rng.random() < HARD_SHARE else "plain"
    if cred.multiline and fmt.name in ("json", "notebook"):
        kind = "json-escape"  # a PEM can only sit in JSON with its newlines escaped
    if fmt.name == "k8s-secret":
        kind = "base64"
    if kind == "url":
        planted = _url(cred, tag, rng)
    elif kind == "base64":
        planted = _base64(cred, tag, fmt, rng)
    elif kind == "concat":
        planted = _concat(cred, tag, rng)
    elif kind == "json-escape":
        planted = _json_escape(cred, tag, rng)
    else:
        planted = Planted(
            cred,
            "plain",
            [Entry(cred.names[rng.randrange(len(cred.names))], cred.written, tag)],
            [],
            "",
        )
    if cred.key_id and kind in ("plain", "url", "concat", "json-escape"):
        planted.entries.insert(0, Entry("AWS_ACCESS_KEY_ID", cred.key_id, "k" + tag))
    return planted


def _fits(cred: Credential, fmt: Format) -> bool:
    if fmt.name == "pem":
        return cred.multiline
    return fmt.multiline or fmt.name in ("json", "notebook") or not cred.multiline


def _write_file(
    root: Path,
    rel: str,
    fmt: Format,
    rng: random.Random,
    creds: list[Credential],
    fakes: list[decoys.Decoy],
    labels: list[Label],
    decoy_rows: list[dict[str, Any]],
) -> None:
    plants = [(f"s{i}", plant(c, f"s{i}", fmt, rng)) for i, c in enumerate(creds)]
    entries = [e for _, p in plants for e in p.entries]
    entries += [Entry(d.name, d.value, f"d{i}") for i, d in enumerate(fakes)]
    if fmt.name != "pem":
        rng.shuffle(entries)
        # keep each AWS key id right above its secret, as people write them
        for tag, _ in plants:
            ids = [i for i, e in enumerate(entries) if e.tag == "k" + tag]
            if ids:
                key = entries.pop(ids[0])
                entries.insert(next(i for i, e in enumerate(entries) if e.tag == tag), key)
    doc = Doc()
    fmt.render(doc, entries, rng)
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc.text(), encoding="utf-8")
    for tag, p in plants:
        line, end = doc.spans[tag]
        key_line = doc.spans.get("k" + tag, (line, line))[0] if p.cred.key_id else 0
        labels.append(
            Label(
                rel,
                line,
                end,
                p.cred.provider,
                p.cred.secret,
                p.kind,
                fmt.name,
                p.cred.key_id,
                key_line,
                [*p.cred.alternates, *p.alternates],
                p.raw,
            )
        )
    for i, d in enumerate(fakes):
        line, _ = doc.spans[f"d{i}"]
        decoy_rows.append({"file": rel, "line": line, "value": d.value, "kind": d.kind})


def _lockfile(rng: random.Random) -> tuple[str, list[tuple[int, decoys.Decoy]]]:
    doc, found = Doc(), []
    doc.add('{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {')
    for name in rng.sample(["left-pad", "lodash", "react", "chalk", "debug", "ms"], k=3):
        d = decoys.npm_integrity(rng)
        doc.add(f'    "node_modules/{name}": {{\n      "version": "1.{rng.randint(0, 9)}.0",')
        doc.add(f'      "integrity": "{d.value}"', "x")
        found.append((doc.spans["x"][0], d))
        doc.add("    },")
    doc.add('    "": {}\n  }\n}')
    return doc.text(), found


README = "# {name}\n\nInternal service. Configure it through environment variables; see docs/.\n"


def generate(out: Path, seed: int = 1337, projects: int = 60) -> dict[str, Any]:
    """Write the corpus and its labels into `out`; returns the labels document."""
    rng = random.Random(seed)
    # The labels hold every secret in clear, so they sit beside the scanned tree, not inside it.
    root = out / FILES
    root.mkdir(parents=True, exist_ok=True)
    labels: list[Label] = []
    decoy_rows: list[dict[str, Any]] = []
    cred_cycle = list(providers.FACTORIES.values())
    decoy_cycle = list(decoys.FACTORIES.values())
    turn = 0
    for p in range(projects):
        name = f"svc-{p:03d}-{pick(rng, 'abcdefghijklmnopqrstuvwxyz', 5)}"
        (root / name).mkdir(exist_ok=True)
        (root / name / "README.md").write_text(README.format(name=name), encoding="utf-8")
        if rng.random() < 0.4:
            text, found = _lockfile(rng)
            (root / name / "package-lock.json").write_text(text, encoding="utf-8")
            decoy_rows += [
                {"file": f"{name}/package-lock.json", "line": ln, "value": d.value, "kind": d.kind}
                for ln, d in found
            ]
        used: set[str] = set()
        for _ in range(rng.randint(3, 6)):
            fmt = rng.choice(FORMATS)
            rel = f"{name}/{rng.choice(fmt.paths)}"
            if rel in used:
                continue
            used.add(rel)
            creds: list[Credential] = []
            for _ in range(1 if fmt.name == "pem" else rng.randint(0, 3)):
                for _ in range(len(cred_cycle)):
                    cred = cred_cycle[turn % len(cred_cycle)](rng)
                    turn += 1
                    if _fits(cred, fmt):
                        creds.append(cred)
                        break
            fakes = (
                []
                if fmt.name == "pem"
                else [rng.choice(decoy_cycle)(rng) for _ in range(rng.randint(0, 2))]
            )
            if fmt.name == "k8s-secret":
                fakes = []  # a Secret's data is base64; plain-text decoys would not be realistic
            _write_file(root, rel, fmt, rng, creds, fakes, labels, decoy_rows)
    doc: dict[str, Any] = {
        "version": 1,
        "seed": seed,
        "secrets": [asdict(label) for label in labels],
        "decoys": decoy_rows,
    }
    (out / LABELS).write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--projects", type=int, default=60)
    args = parser.parse_args(argv)
    doc = generate(args.outdir, args.seed, args.projects)
    secrets = doc["secrets"]
    sys.stdout.write(f"{len(secrets)} secrets, {len(doc['decoys'])} decoys in {args.outdir}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
