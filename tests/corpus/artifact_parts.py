"""Building blocks of the labelled artifact corpus: an artifact with its labels, text documents.

Stage: test data. An `Artifact` is bytes plus the secrets and decoys planted in them, each located
by the path leakward reports *inside* the artifact ("" for the artifact itself, `classes.dex`,
`libs/sdk.aar!classes.jar!com/x/K.class`) and a line. Putting an artifact into a container, or
on disk, prefixes those paths the way leakward names nested entries (`outer!inner`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from typing import Any

from tests.corpus import decoys, providers
from tests.corpus.generate import Label
from tests.corpus.providers import Credential

# Providers whose keys name themselves (prefix, checksum or URL shape): a reader spots them in a
# bare string table (DEX, resources.arsc, Mach-O) with no variable name around them.
NAMED = (
    "github_pat",
    "github_oauth",
    "npm",
    "openai",
    "anthropic",
    "google",
    "slack",
    "slack_webhook",
    "stripe",
    "twilio",
    "sendgrid",
    "pypi",
    "huggingface",
    "groq",
    "xai",
    "gitlab",
    "jwt",
    "database_uri",
)
# Keys that are only recognisable next to a name (`MISTRAL_API_KEY=`), so only in text with one.
ANCHORED = ("aws", "mistral", "deepseek", "cohere", "password")
ALL_SINGLE_LINE = NAMED + ANCHORED
# Decoys that stand on their own in a string table; template references need their file around.
STANDALONE_DECOYS = ("placeholder", "bad_checksum", "publishable_key", "documented_example")
STRINGS_MIN = 8  # `strings -n 8`: the run length binary_strings documents


@dataclass(slots=True)
class Artifact:
    data: bytes = b""
    secrets: list[Label] = field(default_factory=list)
    decoys: list[dict[str, Any]] = field(default_factory=list)

    def plant(
        self, where: str, line: int, cred: Credential, kind: str, fmt: str, **extra: Any
    ) -> None:
        end = extra.pop("end_line", line + cred.written.count("\n"))
        alternates = [*cred.alternates, *extra.pop("alternates", [])]
        self.secrets.append(
            Label(
                where,
                line,
                end,
                cred.provider,
                cred.secret,
                kind,
                fmt,
                alternates=alternates,
                **extra,
            )
        )

    def decoy(self, where: str, line: int, fake: decoys.Decoy) -> None:
        self.decoys.append({"file": where, "line": line, "value": fake.value, "kind": fake.kind})

    def take(self, inner: Artifact, path: str) -> None:
        """Adopt the labels of `inner`, stored at `path` inside this artifact."""
        for label in inner.secrets:
            self.secrets.append(replace(label, file=join(path, label.file)))
        for row in inner.decoys:
            self.decoys.append({**row, "file": join(path, row["file"])})


def join(outer: str, inner: str) -> str:
    if not outer:
        return inner
    return f"{outer}!{inner}" if inner else outer


def credential(rng: random.Random, names: tuple[str, ...] = ALL_SINGLE_LINE) -> Credential:
    return providers.FACTORIES[rng.choice(names)](rng)


def decoy(rng: random.Random, kinds: tuple[str, ...] = STANDALONE_DECOYS) -> decoys.Decoy:
    return decoys.FACTORIES[rng.choice(kinds)](rng)


def bare(cred: Credential) -> str:
    """What a self-naming key looks like in a string table: a database URI whole, else the key."""
    return cred.written


class Text:
    """A text file written line by line; `add` returns the line its text starts on."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    def add(self, text: str) -> int:
        start = len(self.rows) + 1
        self.rows.extend(text.split("\n"))
        return start

    @property
    def next_line(self) -> int:
        return len(self.rows) + 1

    def text(self) -> str:
        return "\n".join(self.rows) + "\n"

    def data(self) -> bytes:
        return self.text().encode()


def assignment(cred: Credential, style: str) -> tuple[str, int, dict[str, Any]]:
    """`cred` written as one assignment in `style`; returns text, line offset of the secret, extra.

    An AWS secret gets its access key id on the line above, the way both are always written.
    """
    name, value = cred.names[0], cred.written
    template = {
        "env": "{n}={v}",
        "export": "export {n}={v}",
        "json": '  "{n}": "{v}",',
        "js": 'const {n} = "{v}";',
        "properties": "{n} = {v}",
        "yaml": "{n}: {v}",
    }[style]
    line = template.format(n=name, v=value)
    if not cred.key_id:
        return line, 0, {}
    id_line = template.format(n="AWS_ACCESS_KEY_ID", v=cred.key_id)
    return f"{id_line}\n{line}", 1, {"key_id": cred.key_id}


def plant_text(
    doc: Text, art: Artifact, where: str, cred: Credential, style: str, fmt: str
) -> None:
    text, offset, extra = assignment(cred, style)
    start = doc.add(text)
    if extra:
        extra["key_id_line"] = start
    art.plant(where, start + offset, cred, "text", fmt, **extra)


def decoy_text(doc: Text, art: Artifact, where: str, fake: decoys.Decoy, style: str) -> None:
    text, _, _ = assignment(Credential("decoy", fake.value, (fake.name,)), style)
    art.decoy(where, doc.add(text), fake)


_RUN = re.compile(rb"[\x20-\x7e\t]{%d,}" % STRINGS_MIN)


def run_line(data: bytes, needle: str) -> int:
    """The `strings -n 8` line (1-based run number) holding `needle` in a binary."""
    for number, match in enumerate(_RUN.finditer(data), start=1):
        if needle.encode() in match.group():
            return number
    raise ValueError("needle is not inside one printable run")


WORDS = (
    "account", "billing", "cache", "session", "profile", "upload", "search", "feed", "order",
    "invoice", "payment", "report", "settings", "device", "network", "message", "channel",
    "status", "render", "layout", "widget", "adapter", "service", "manager", "handler", "event",
)  # fmt: skip


def identifier(rng: random.Random, parts: int = 2) -> str:
    words = [rng.choice(WORDS) for _ in range(parts)]
    return words[0] + "".join(w.capitalize() for w in words[1:])


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize() + "."
