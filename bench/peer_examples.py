"""The example tokens of the peers' published rule files, read at benchmark run time.

Stage: benchmarks only. Nothing here is checked in: the peers' repositories are read from git
directories fetched beforehand (`git clone --bare`), and each example lives only in memory and in a
temporary directory while `recall_peer_examples.py` scans it.

- Kingfisher (`mongodb/kingfisher`): `data/rules/*.yml`, each rule's `examples` list; Nosey Parker
  (`praetorian-inc/noseyparker`) and Titus (`praetorian-inc/titus`) write their rules in the same
  shape (`examples` are positives, `negative_examples` are not read).
- gitleaks and betterleaks: `cmd/generate/config/rules/*.go`, each rule function's true-positive
  list `tps`. Many are Go expressions that build a token at generation time
  (`"ghp_" + secrets.NewSecret(utils.AlphaNumeric("36"))`); a small evaluator understands string
  literals, `+`, `[]string{…}`, `append`, the `utils` pattern helpers and `secrets.NewSecret`,
  which draws a random string from the regex (seeded, so a run is repeatable). A statement using
  anything else is counted as skipped. `GenerateSampleSecret(s)` put the token in an assignment
  line; we write our own few assignment shapes instead of the peers' templates.

- trufflehog: the detectors' pattern tests, read by `trufflehog_examples.py` with the same
  evaluator (which also resolves names and `fmt.Sprintf` there).

The provider of an example is its rule file's name (`adafruit.go`, `adobe.yml`).
"""

from __future__ import annotations

import random
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from regex_sample import sample

GO_RULES = "cmd/generate/config/rules/"
KINGFISHER_RULES = "data/rules/"
# The rule folder of each peer that writes its rules as YAML with an `examples` list.
YAML_RULES = {
    "kingfisher": KINGFISHER_RULES,
    "noseyparker": "crates/noseyparker/data/default/builtin/rules/",
    "titus": "pkg/rule/rules/",
}
# Rule files whose rules name no provider: left out of "provider-specific" recall.
GENERIC_FILES = frozenset(
    {"generic", "generic_api_key", "curl", "jwt", "privatekey", "private_key"}
)


@dataclass(frozen=True, slots=True)
class Example:
    source: str  # gitleaks | betterleaks | kingfisher | noseyparker | titus | trufflehog
    provider: str
    rule: str
    text: str


class UnsupportedError(ValueError):
    """A Go expression the evaluator does not understand; the statement is skipped."""


def git_files(
    git_dir: Path, folder: str, suffix: str, *, recursive: bool = False
) -> Iterator[tuple[str, str]]:
    """(path, text) of the files under `folder` at HEAD whose name ends in `suffix`, Go test
    files left out unless `suffix` asks for them; read in one `git cat-file --batch`."""
    listing = ["ls-tree", "--name-only", *(["-r"] if recursive else []), "HEAD", folder]
    names = [
        name
        for name in _git(git_dir, listing).decode().split()
        if name.endswith(suffix) and (suffix.endswith("_test.go") or not name.endswith("_test.go"))
    ]
    request = "".join(f"HEAD:{name}\n" for name in names).encode()
    out = _git(git_dir, ["cat-file", "--batch"], request)
    pos = 0
    for name in names:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        yield name, out[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace")
        pos = header_end + 1 + size + 1  # the blob and its closing newline


def _git(git_dir: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    command = ["git", f"--git-dir={git_dir}", *args]
    return subprocess.run(command, input=stdin, check=True, capture_output=True).stdout


def _git_files(git_dir: Path, folder: str, suffix: str) -> Iterator[tuple[str, str]]:
    for name, text in git_files(git_dir, folder, suffix):
        yield Path(name).stem, text


# Rule keys the pinned Kingfisher binary need not read: it rejects the repository's newer
# validation blocks ("missing response_matcher"), and the benchmark scans with validation off.
_KINGFISHER_VALIDATION_KEYS = ("validation", "depends_on_rule", "revocation")


def write_kingfisher_rules(git_dir: Path, dest: Path) -> int:
    """Kingfisher's own `data/rules`, validation removed, as files in `dest` for the pinned
    binary's `--rules-path`; returns how many rules. The binary's built-in rules are others'."""
    count = 0
    for stem, text in _git_files(git_dir, KINGFISHER_RULES, ".yml"):
        document = yaml.safe_load(text) or {}
        for rule in document.get("rules", []):
            for key in _KINGFISHER_VALIDATION_KEYS:
                rule.pop(key, None)
            count += 1
        (dest / f"{stem}.yml").write_text(yaml.safe_dump(document), encoding="utf-8")
    return count


def yaml_examples(source: str, git_dir: Path) -> Iterator[Example]:
    """The `examples` of each rule in the YAML rule files of `source` (a key of `YAML_RULES`)."""
    for stem, text in _git_files(git_dir, YAML_RULES[source], ".yml"):
        for rule in (yaml.safe_load(text) or {}).get("rules", []):
            for example in rule.get("examples") or []:
                yield Example(source, stem, str(rule.get("id", "")), str(example))


# --- a small evaluator for the Go expressions of gitleaks' and betterleaks' `tps` ------------

_TOKEN = re.compile(
    r'(?:\s|//[^\n]*)*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<raw>`[^`]*`)|(?P<dots>\.\.\.)'
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_.]*)|(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<op>[-+(){}\[\],]))",
)
_CLASSES = {  # the character class each `utils` helper repeats its argument's count of times
    "utils.Numeric": "[0-9]",
    "utils.Hex": "[a-f0-9]",
    "utils.AlphaNumeric": "[a-z0-9]",
    "utils.AlphaNumericExtendedShort": "[a-z0-9_-]",
    "utils.AlphaNumericExtended": "[a-z0-9=_-]",
    "utils.AlphaNumericExtendedLong": "[a-z0-9/=_+-]",
}
# Our own assignment shapes for GenerateSampleSecrets (a token under its provider's name).
_SHAPES = ('{i}_api_token = "{s}"', "{I}_TOKEN={s}", '"{i}Token": "{s}",', '{i}Token := "{s}"')

Value = str | list[str]


class GoExpr:
    """One Go expression at `pos`; `names` are the values of the identifiers it may use."""

    def __init__(
        self, text: str, pos: int, rng: random.Random, names: dict[str, Value] | None = None
    ) -> None:
        self.text, self.pos, self.rng = text, pos, rng
        self.names = names or {}

    def _peek(self) -> tuple[str, str]:
        m = _TOKEN.match(self.text, self.pos)
        if m is None or m.lastgroup is None:
            raise UnsupportedError(self.text[self.pos : self.pos + 30])
        return m.lastgroup, m.group(m.lastgroup)

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        kind, value = self._peek()
        if expected is not None and value != expected:
            raise UnsupportedError(f"expected {expected!r}, got {value!r}")
        m = _TOKEN.match(self.text, self.pos)
        if m is not None:  # always: _peek matched the same text
            self.pos = m.end()
        return kind, value

    def expr(self) -> Value:
        value = self._term()
        while self._peek()[1] == "+":
            self._take()
            right = self._term()
            if not isinstance(value, str) or not isinstance(right, str):
                raise UnsupportedError("+ on a list")
            value += right
        return value

    def _term(self) -> Value:
        kind, word = self._take()
        if kind == "str":
            return _go_string(word)
        if kind == "raw":
            return word[1:-1]
        if kind == "num":
            return word
        if word == "[":
            return self._composite()
        if kind == "ident" and self._peek()[1] == "(":
            return self._call(word)
        if kind == "ident" and word in self.names:
            return self.names[word]
        raise UnsupportedError(word)

    def _composite(self) -> list[str]:
        self._take("]")
        self._take("string")
        self._take("{")
        items: list[str] = []
        while self._peek()[1] != "}":
            item = self.expr()
            items += [item] if isinstance(item, str) else item
            if self._peek()[1] == ",":
                self._take()
        self._take("}")
        return items

    def _args(self) -> list[Value]:
        self._take("(")
        args: list[Value] = []
        while self._peek()[1] != ")":
            if self._peek()[0] == "ident" and self._peek()[1] == "tps":
                self._take()
                args.append([])  # append(tps, …): what came before is already counted
            else:
                args.append(self.expr())
            if self._peek()[0] == "dots":
                self._take()
            if self._peek()[1] == ",":
                self._take()
        self._take(")")
        return args

    def _call(self, name: str) -> Value:
        args = self._args()
        strings = [a for a in args if isinstance(a, str)]
        if name in _CLASSES and len(strings) == 1:
            return _CLASSES[name] + "{" + strings[0] + "}"
        if name == "utils.Hex8_4_4_4_12":
            return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        if name in ("secrets.NewSecret", "secrets.NewSecretWithEntropy") and strings:
            return sample(strings[0], self.rng)  # the entropy floor is not enforced
        if (
            name in ("utils.GenerateSampleSecret", "utils.GenerateSampleSecrets")
            and len(strings) == len(args) == 2
        ):
            ident, secret = strings
            shapes = _SHAPES[:1] if name.endswith("Secret") else _SHAPES
            lines = [s.format(i=ident, I=ident.upper(), s=secret) for s in shapes]
            return lines[0] if name.endswith("Secret") else lines
        if name == "fmt.Sprintf" and strings and len(strings) == len(args):
            return _sprintf(strings[0], strings[1:])
        if name == "strings.Repeat" and len(strings) == len(args) == 2:
            return strings[0] * int(strings[1])
        if name == "append":
            out: list[str] = []
            for a in args:
                out += [a] if isinstance(a, str) else a
            return out
        raise UnsupportedError(name)


def _sprintf(template: str, args: list[str]) -> str:
    """`fmt.Sprintf` for the verbs that print a string as it is; any other verb is skipped."""
    values = iter(args)

    def verb(m: re.Match[str]) -> str:
        if m.group(1) == "%":
            return "%"
        if m.group(1) not in "svd":
            raise UnsupportedError("%" + m.group(1))
        return next(values)

    try:
        return re.sub(r"%(.)", verb, template)
    except StopIteration as error:
        raise UnsupportedError("fewer arguments than verbs") from error


def _go_string(token: str) -> str:
    body = token[1:-1]
    return re.sub(
        r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)",
        lambda m: _go_escape(m.group(1)),
        body,
    )


def _go_escape(code: str) -> str:
    if code[0] in "xu" and len(code) > 1:
        return chr(int(code[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)


_TPS = re.compile(r"\btps\s*:?=\s*")
_FUNC = re.compile(r"^func ", re.MULTILINE)
_RULE_ID = re.compile(r'RuleID:\s*"([^"]+)"')


def go_examples(source: str, git_dir: Path, seed: int = 17) -> tuple[list[Example], int]:
    """Every evaluable `tps` entry of the Go rule files, and how many statements were skipped."""
    rng = random.Random(seed)
    examples: list[Example] = []
    skipped = 0
    for stem, text in _git_files(git_dir, GO_RULES, ".go"):
        for body in _FUNC.split(text)[1:]:
            rule = _RULE_ID.search(body)
            for m in _TPS.finditer(body):
                try:
                    value = GoExpr(body, m.end(), rng).expr()
                except (UnsupportedError, re.error, IndexError):
                    skipped += 1
                    continue
                for line in [value] if isinstance(value, str) else value:
                    examples.append(Example(source, stem, rule.group(1) if rule else stem, line))
    return examples, skipped
