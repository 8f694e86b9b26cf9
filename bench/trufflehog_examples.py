"""The inputs of trufflehog's detector pattern tests, read at benchmark run time.

Stage: benchmarks only. trufflehog publishes no examples beside its detectors; each detector's
`pkg/detectors/<name>/[vN/]<name>_test.go` (never `*_integration_test.go`, which calls the
provider) holds a table of cases `{name: …, input: …, want: …}`. An input counts as an example
when its `want` (or `expectedPairs`, `wantCount`, `wantMatched`, the first of them after the
input) says the detector must report something (a non-empty list, a count above 0, `true`);
`nil`, empty lists and 0 are the test's negatives, and so is a case with none of these fields
(Go's zero value). Inputs are Go expressions: string literals, `+`,
`fmt.Sprintf` with `%s`/`%v`/`%d`, and names declared in the file (`validPattern`, `keyword`),
evaluated by `peer_examples.GoExpr`, never run. A case whose input or `want` cannot be read so
is skipped and counted. The provider and rule of an example are the detector's folder below
`pkg/detectors` (`github/v2`: the rule, `github`: the provider).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from peer_examples import Example, GoExpr, UnsupportedError, Value, git_files

DETECTORS = "pkg/detectors/"
# A declaration at the start of a line: `const key = …`, `validPattern = …` in a `var ( … )`
# block, `secret := …` in a function. Later ones win, as a function's own name shadows the file's.
_DECLARATION = re.compile(
    r"^[ \t]*(?:const[ \t]+|var[ \t]+)?([A-Za-z_]\w*)[ \t]*(?:string[ \t]*)?:?=[ \t]*(?!=)",
    re.MULTILINE,
)
_INPUT = re.compile(r"^[ \t]*input:[ \t]*", re.MULTILINE)
# Go tokens enough to walk a composite literal: comments, strings, runes, then any one character.
_LEXEME = re.compile(
    r'//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|[A-Za-z_][\w.]*|\s+|.',
    re.DOTALL,
)
_EMPTY_WANTS = ("nil", "false")
# The fields a case says what the detector must report in; a few tests use one of the last three.
_RESULT_KEYS = ("want", "expectedPairs", "wantCount", "wantMatched")


def trufflehog_examples(git_dir: Path, seed: int = 17) -> tuple[list[Example], int]:
    """Every pattern-test input whose test expects a finding, and how many cases were skipped."""
    rng = random.Random(seed)
    examples: list[Example] = []
    skipped = 0
    for path, text in git_files(git_dir, DETECTORS, "_test.go", recursive=True):
        if path.endswith("_integration_test.go") or path.count("/") < 3:
            continue  # calls the provider, or tests the detectors' framework, not a detector
        rule = str(Path(path).parent.relative_to(DETECTORS.rstrip("/")))
        names = _declarations(text, rng)
        for m in _INPUT.finditer(text):
            parser = GoExpr(text, m.end(), rng, names)
            try:
                value = parser.expr()
                expected = _expects_result(text, parser.pos, names, rng)
            except (UnsupportedError, re.error, IndexError, ValueError):
                skipped += 1
                continue
            if not isinstance(value, str):
                skipped += 1
            elif expected:
                examples.append(Example("trufflehog", rule.split("/")[0], rule, value))
    return examples, skipped


def _declarations(text: str, rng: random.Random) -> dict[str, Value]:
    names: dict[str, Value] = {}
    for m in _DECLARATION.finditer(text):
        try:
            names[m.group(1)] = GoExpr(text, m.end(), rng, names).expr()
        except (UnsupportedError, re.error, IndexError, ValueError):
            continue  # not a value the inputs can use (a struct, a call of a function)
    return names


def _expects_result(text: str, pos: int, names: dict[str, Value], rng: random.Random) -> bool:
    """Whether the case around `pos` (just after its input) wants a finding: its `want` field
    (or another of `_RESULT_KEYS`), found before the case's closing brace; none: the zero value,
    nothing wanted. Raises UnsupportedError when the field's value cannot be read."""
    depth = 0
    lexemes = _LEXEME.finditer(text, pos)
    for m in lexemes:
        word = m.group()
        depth += (word in "([{") - (word in ")]}") if len(word) == 1 else 0
        if depth < 0:
            break
        if depth == 0 and word in _RESULT_KEYS and text.startswith(":", m.end()):
            return _wants_something(text, m.end() + 1, names, rng)
    return False


def _wants_something(text: str, pos: int, names: dict[str, Value], rng: random.Random) -> bool:
    head = text[pos:].lstrip()
    word = re.match(r"[\w.]*", head)
    if word is not None and word.group() in _EMPTY_WANTS:
        return False
    if word is not None and word.group() == "true":
        return True
    if word is not None and word.group().isdigit():  # wantCount
        return int(word.group()) > 0
    literal = re.match(r"\[\][\w.*]+\s*\{\s*(\S)", head)
    if literal is not None:  # `[]string{…}`, `[]detectors.Result{…}`: empty when `{}`
        return literal.group(1) != "}"
    value = GoExpr(text, pos, rng, names).expr()  # a name: `secrets`
    return bool(value)
