"""The readers of Nosey Parker's, Titus' and trufflehog's published examples, each on a small
sample in the peer's format written here (bench/recall_peer_examples.py's new example sets)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from peer_examples import YAML_RULES, yaml_examples
from trufflehog_examples import trufflehog_examples

# Nosey Parker and Titus: a `rules` list; `examples` are positives, `negative_examples` are not.
YAML_RULE_FILE = """\
rules:
- name: Acme key
  id: np.acme.1
  pattern: '\\b(acme_[a-z0-9]{20})\\b'
  examples:
  - 'ACME_KEY = "acme_k3v9xt2mkp7lwr4sz8bn"'
  - |
      {"acme": {
        "key": "acme_q7w2e9r4t1y6u3i8o5p0"}}
  negative_examples:
  - 'acme_key = "acme_XXXXXXXXXXXXXXXXXXXX"'
- name: Acme account id
  id: np.acme.2
  pattern: '\\bacct_([0-9]{8})\\b'
"""

DETECTOR_TEST = """\
package acme

var (
\tvalidPattern   = "acme_k3v9xt2mkp7lwr4sz8bn"
\tinvalidPattern = "acme_k3v9xt2?kp7lwr4sz8bn"
\tkeyword        = "acme"
)

func TestAcme_Pattern(t *testing.T) {
\tconst other = "acme_" + "q7w2e9r4t1y6u3i8o5p0"
\ttests := []struct {
\t\tname  string
\t\tinput string
\t\twant  []string
\t}{
\t\t{
\t\t\tname:  "valid pattern - with keyword",
\t\t\tinput: fmt.Sprintf("%s token = '%s'", keyword, validPattern),
\t\t\twant:  []string{validPattern},
\t\t},
\t\t{
\t\t\tname: "valid pattern - raw string",
\t\t\tinput: `ACME_TOKEN=acme_z8x7c6v5b4n3m2l1k0j9`,
\t\t\twant: []string{"acme_z8x7c6v5b4n3m2l1k0j9"},
\t\t},
\t\t{
\t\t\tname:  "valid pattern - a name declared in the function",
\t\t\tinput: "key: " + other,
\t\t\twant:  []detectors.Result{{Raw: []byte(other)}},
\t\t},
\t\t{
\t\t\tname:  "invalid pattern",
\t\t\tinput: fmt.Sprintf("%s = '%s'", keyword, invalidPattern),
\t\t\twant:  []string{},
\t\t},
\t\t{
\t\t\tname:      "a pair, counted",
\t\t\tinput:     "acme id = 'acct_40817263' acme secret = '" + validPattern + "'",
\t\t\twantCount: 1,
\t\t},
\t\t{
\t\t\tname:          "a pair, listed",
\t\t\tinput:         `acme_r5t6y7u8i9o0p1a2s3d4 for acme.test`,
\t\t\texpectedPairs: []string{"acme.test:acme_r5t6y7u8i9o0p1a2s3d4"},
\t\t},
\t\t{
\t\t\tname:      "no pair expected",
\t\t\tinput:     "acme secret = '" + validPattern + "'",
\t\t\twantCount: 0,
\t\t},
\t\t{
\t\t\tname:  "no want: Go's zero value, nothing expected",
\t\t\tinput: validPattern + " in a comment",
\t\t},
\t\t{
\t\t\tname:  "no result expected",
\t\t\tinput: validPattern,
\t\t\twant:  nil,
\t\t},
\t\t{
\t\t\tname:  "a verb the reader does not print",
\t\t\tinput: fmt.Sprintf("%q", validPattern),
\t\t\twant:  []string{validPattern},
\t\t},
\t\t{
\t\t\tname:  "a call the reader does not know",
\t\t\tinput: makeInput(validPattern),
\t\t\twant:  []string{validPattern},
\t\t},
\t}
\t_ = tests
}
"""


def _pairs(rule: str) -> list[tuple[str, str, str, str]]:
    return [
        (
            "trufflehog",
            "acme",
            rule,
            "acme id = 'acct_40817263' acme secret = 'acme_k3v9xt2mkp7lwr4sz8bn'",
        ),
        ("trufflehog", "acme", rule, "acme_r5t6y7u8i9o0p1a2s3d4 for acme.test"),
    ]


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "peer"
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sample"], check=True)
    return repo / ".git"


def test_nosey_parker_and_titus_examples_are_their_positives(tmp_path: Path) -> None:
    for source in ("noseyparker", "titus"):
        git_dir = _repo(tmp_path / source, {YAML_RULES[source] + "acme.yml": YAML_RULE_FILE})
        examples = list(yaml_examples(source, git_dir))
        expected = [(source, "acme", "np.acme.1")] * 2
        assert [(e.source, e.provider, e.rule) for e in examples] == expected
        assert examples[0].text == 'ACME_KEY = "acme_k3v9xt2mkp7lwr4sz8bn"'
        assert examples[1].text == '{"acme": {\n  "key": "acme_q7w2e9r4t1y6u3i8o5p0"}}\n'


def test_trufflehog_inputs_that_must_match_are_read_and_the_unreadable_counted(
    tmp_path: Path,
) -> None:
    git_dir = _repo(
        tmp_path,
        {
            "pkg/detectors/acme/acme_test.go": DETECTOR_TEST,
            "pkg/detectors/acme/v2/acme_test.go": DETECTOR_TEST.replace("%s token", "%s key"),
            # calls the provider: never an example
            "pkg/detectors/acme/acme_integration_test.go": DETECTOR_TEST,
            "pkg/detectors/acme/acme.go": "package acme\n",
            # the detectors' framework, not a detector
            "pkg/detectors/detectors_test.go": DETECTOR_TEST,
        },
    )
    examples, skipped = trufflehog_examples(git_dir)
    assert [(e.source, e.provider, e.rule, e.text) for e in examples] == [
        ("trufflehog", "acme", "acme", "acme token = 'acme_k3v9xt2mkp7lwr4sz8bn'"),
        ("trufflehog", "acme", "acme", "ACME_TOKEN=acme_z8x7c6v5b4n3m2l1k0j9"),
        ("trufflehog", "acme", "acme", "key: acme_q7w2e9r4t1y6u3i8o5p0"),
        *_pairs("acme"),
        ("trufflehog", "acme", "acme/v2", "acme key = 'acme_k3v9xt2mkp7lwr4sz8bn'"),
        ("trufflehog", "acme", "acme/v2", "ACME_TOKEN=acme_z8x7c6v5b4n3m2l1k0j9"),
        ("trufflehog", "acme", "acme/v2", "key: acme_q7w2e9r4t1y6u3i8o5p0"),
        *_pairs("acme/v2"),
    ]
    assert skipped == 4  # %q and makeInput, in each of the two test files
