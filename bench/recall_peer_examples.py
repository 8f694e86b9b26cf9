"""Recall on the peers' own published rule examples, per provider, leakward beside each peer.

Stage: benchmarks only. The examples are read at run time from the peers' repositories (see
`peer_examples.py`; never checked in here), one example per file in a temporary directory. Each
tool scans that directory once; an example counts as found when the tool reports a finding in
its file from a provider-specific rule (a rule whose id does not start with `generic`, and for
leakward one without the `generic` tag). Examples from the peers' catch-all rule files are left
out. The peer whose examples they are is the natural bar: gitleaks on gitleaks' set, etc. Nosey
Parker, Titus and trufflehog (its detectors' pattern tests) are not installed here: their sets are
scanned by every installed tool, and their owner column stays empty.

    git clone --bare https://github.com/gitleaks/gitleaks bench/corpus/gitleaks.git  # and others
    python bench/recall_peer_examples.py --gitleaks bench/corpus/gitleaks.git \\
        --betterleaks bench/corpus/betterleaks.git --kingfisher bench/corpus/kingfisher.git \\
        --noseyparker bench/corpus/noseyparker.git --titus bench/corpus/titus.git \\
        --trufflehog bench/corpus/trufflehog.git \\
        [--tools leakward,gitleaks,betterleaks,kingfisher] [--providers] [--misses] [--classify]

Examples whose format carries a checksum the peer's generator does not compute (a random
`ghp_` token) are fakes: leakward reports them only at low confidence ("checksum fails"), shown
with `--min-confidence low`. So leakward has two columns: `leakward` is the default tier (what a
plain `leakward scan` reports), `leakward-low` every tier (`--min-confidence low`, which also
runs the weak rules and the loose provider rules: a provider's prefix over a body that breaks the
documented shape). `--misses` lists what the default tier's documented-format rules miss, each
marked when a finding attributed by name or the low tier has it, to judge them. `--classify`
tallies those misses by why they are missed (with what the low tier finds of each class, when
`leakward-low` runs) (`peer_example_misses.tsv`: placeholder, test-mode key,
public identifier, failed checksum, broken structure, name-only, ...) beside the owner peer's
finds, and a "ceiling" line: what a tool reaches that reports every real-format credential
(leakward's finds and the misses of a real class, test-mode keys included) and no placeholder,
public identifier or broken checksum or structure. The headline figures stay as they are.

Findings attributed by name (`trello.named`: a value under a name such as `TRELLO_TOKEN`, whatever
its shape, see rules/README.md) are no documented format: each leakward column counts only the
provider's documented-format rules, and a `+named` column beside it counts those findings too.
The pinned `kingfisher-bin` 2.14.0 ships no rule of the Kingfisher repository's `data/rules`: its
built-ins are betterleaks' and Google Veles' rules. So the `kingfisher` column is that binary as
users run it, and `kingfisher-repo` the same binary with `--load-builtins false` on the
repository's own rules (validation blocks removed: the binary rejects their newer schema, and
validation is off here). `kingfisher-repo` is the owner of Kingfisher's set. Most of that set
cannot be found by any scanner that filters placeholders: the same binary's `rules check` on the
repository's rules rejects 540 of its examples by its own scan-time filters (June 2025 snapshot).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from detection import leakward_command, run_peer  # noqa: E402
from peer_example_classes import credentials, render, tally  # noqa: E402
from peer_examples import (  # noqa: E402
    GENERIC_FILES,
    Example,
    go_examples,
    write_kingfisher_rules,
    yaml_examples,
)
from peers import locate  # noqa: E402
from trufflehog_examples import trufflehog_examples  # noqa: E402

from leakward.rules.loader import load_rules  # noqa: E402
from leakward.rules.provider_names import is_named_rule_id  # noqa: E402
from tests.corpus import scoring  # noqa: E402

TOOLS = "leakward,leakward-low,gitleaks,betterleaks,kingfisher,kingfisher-repo"
# The pinned Kingfisher binary's built-in rules are betterleaks' and Google Veles' (ids
# `betterleaks.*`, `veles.*`), not the repository's `data/rules`: `kingfisher-repo` runs the same
# binary on the repository's own rules instead, and is the owner of Kingfisher's example set.
KINGFISHER_REPO = "kingfisher-repo"
# The owner of each example set; none of the last three is installed by bench/peers.py, so their
# owner column stays empty.
OWNER = {
    "gitleaks": "gitleaks",
    "betterleaks": "betterleaks",
    "kingfisher": KINGFISHER_REPO,
    "noseyparker": "noseyparker",
    "titus": "titus",
    "trufflehog": "trufflehog",
}
# The installed peer each column runs (a column is its peer unless named here).
PEER_OF = {KINGFISHER_REPO: "kingfisher"}
# leakward's columns: the option each adds to a plain scan.
LEAKWARD_TIERS = {"leakward": (), "leakward-low": ("--min-confidence", "low")}
# The column beside each leakward column that also counts findings attributed by name.
NAMED = "+named"


def collect(args: argparse.Namespace) -> list[Example]:
    examples: list[Example] = []
    for source in ("gitleaks", "betterleaks"):
        git_dir = getattr(args, source)
        if git_dir is not None:
            found, skipped = go_examples(source, git_dir.resolve())
            print(f"{source}: {len(found)} examples, {skipped} tps statements not evaluable")
            examples += found
    for source in ("kingfisher", "noseyparker", "titus"):
        git_dir = getattr(args, source)
        if git_dir is not None:
            found = list(yaml_examples(source, git_dir.resolve()))
            print(f"{source}: {len(found)} examples")
            examples += found
    if args.trufflehog is not None:
        found, skipped = trufflehog_examples(args.trufflehog.resolve())
        print(f"trufflehog: {len(found)} examples, {skipped} test cases not readable as a string")
        examples += found
    return [e for e in examples if e.provider not in GENERIC_FILES and e.text.strip()]


def write(examples: list[Example], root: Path) -> dict[str, Example]:
    """One file per example; returns file name -> example."""
    files = {}
    for n, example in enumerate(examples):
        name = f"{example.source}-{n:05d}.txt"
        (root / name).write_text(example.text + "\n", encoding="utf-8")
        files[name] = example
    return files


def generic_leakward_rules() -> set[str]:
    """leakward's catch-all rules. Loose provider rules (`loose`: a provider's prefix whose body
    breaks the documented shape, low tier) carry the `generic` tag for the matcher's ranking but
    name their provider: they count as the provider's."""
    return {r.id for r in load_rules().rules if "generic" in r.tags and "loose" not in r.tags}


def found_files(
    tool: str, hits: list[scoring.Hit], generic: set[str], *, with_named: bool = False
) -> set[str]:
    """Files a provider-specific rule fired in; for leakward, a documented-format rule, or also
    a finding attributed by name when `with_named`."""
    return {
        hit.file
        for hit in hits
        if not hit.rule.lower().startswith("generic")
        and not (tool in LEAKWARD_TIERS and hit.rule in generic)
        and (with_named or not is_named_rule_id(hit.rule))
    }


def run_leakward(root: Path, work: Path, extra: tuple[str, ...]) -> object | None:
    out = work / "leakward.json"
    out.unlink(missing_ok=True)
    command = [*leakward_command(Path("."), out), *extra]
    proc = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if not out.exists() or proc.returncode not in (0, 1):
        print(f"leakward: no report (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
        return None
    report = json.loads(out.read_text(encoding="utf-8"))
    print(f"leakward {' '.join(extra)}: exit {proc.returncode}, {len(report['findings'])} findings")
    return report


def peer_options(tool: str, work: Path, kingfisher_git: Path | None) -> list[str] | None:
    """The options a peer column adds to the peer's plain directory scan; None: cannot run."""
    if PEER_OF.get(tool, tool) != "kingfisher":
        return []
    # Kingfisher reports a secret once however many files hold it by default, and some
    # examples repeat a token.
    extra = ["--no-dedup"]
    if tool == KINGFISHER_REPO:
        if kingfisher_git is None:
            print(f"{tool}: needs --kingfisher")
            return None
        rules = work / "kingfisher-rules"
        rules.mkdir(exist_ok=True)
        count = write_kingfisher_rules(kingfisher_git, rules)
        print(f"{tool}: {count} rules of the repository, built-ins off")
        extra += ["--load-builtins", "false", "--rules-path", str(rules)]
    return extra


def scan(root: Path, tools: list[str], kingfisher_git: Path | None) -> dict[str, set[str]]:
    work = Path(tempfile.mkdtemp(prefix="leakward-peer-ex-"))
    installed = {p.name: p for p in locate()}
    generic = generic_leakward_rules()
    result: dict[str, set[str]] = {}
    try:
        for tool in tools:
            if tool in LEAKWARD_TIERS:
                report = run_leakward(root, work, LEAKWARD_TIERS[tool])
            elif PEER_OF.get(tool, tool) in installed:
                extra = peer_options(tool, work, kingfisher_git)
                peer = installed[PEER_OF.get(tool, tool)]
                report = None if extra is None else run_peer(peer, root, work, extra)
            else:
                print(f"{tool}: not installed (python bench/peers.py)")
                continue
            if report is not None:
                parser = "leakward" if tool in LEAKWARD_TIERS else PEER_OF.get(tool, tool)
                parse = scoring.PARSERS[parser]
                hits = parse(report, root)
                result[tool] = found_files(tool, hits, generic)
                if tool in LEAKWARD_TIERS:
                    result[tool + NAMED] = found_files(tool, hits, generic, with_named=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def print_summary(files: dict[str, Example], found: dict[str, set[str]]) -> None:
    by_source: dict[str, list[str]] = defaultdict(list)
    for name, example in files.items():
        by_source[example.source].append(name)
    real = credentials({name: (e.rule, e.text) for name, e in files.items()})
    print(f"\n{'example set':14}{'n':>6}" + "".join(f"{t[:19]:>20}" for t in found))
    for source, names in sorted(by_source.items()):
        for label, subset in ((source, names), ("  credentials", [n for n in names if n in real])):
            rates = [sum(n in hit for n in subset) / len(subset) for hit in found.values()]
            cells = "".join(f"{rate:>20.1%}" for rate in rates)
            print(f"{label:14}{len(subset):>6}{cells}")
        fakes = [n for n in names if n not in real]
        reported = "".join(f"{sum(n in hit for n in fakes):>20}" for hit in found.values())
        print(f"{'  fakes found':14}{len(fakes):>6}{reported}")
    print("credentials: the same set without the examples peer_example_misses.tsv classifies as")
    print("  placeholder or public, for every tool alike (the classification reads only the")
    print("  example's text); fakes found: how many of those each tool reports, a false positive")
    if "leakward" in found:
        print("leakward: default tier, documented-format rules only; +named: also findings")
        print("  attributed by the name a value is assigned to (trello.named)")
    if KINGFISHER_REPO in found:
        print("kingfisher-repo: the pinned Kingfisher binary on the repository's own rules")
    if "leakward-low" in found:
        print("leakward-low: --min-confidence low (all tiers: also checksum failures, loose")
        print("  provider shapes and weak generic rules)")


def print_providers(
    files: dict[str, Example], found: dict[str, set[str]], *, only_gaps: bool
) -> None:
    rows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, example in files.items():
        rows[(example.source, example.provider)].append(name)
    print(f"\n{'set':12}{'provider':28}{'n':>4}{'leakward':>10}{'+named':>8}{'owner':>8}")
    for (source, provider), names in sorted(rows.items()):
        ours = sum(n in found.get("leakward", set()) for n in names)
        named = sum(n in found.get("leakward" + NAMED, set()) for n in names)
        owner_hits = found.get(OWNER[source])
        owner = -1 if owner_hits is None else sum(n in owner_hits for n in names)
        if only_gaps and ours >= max(owner, 0) and ours == len(names):
            continue
        cell = "" if owner_hits is None else str(owner)  # empty: the owner is not installed
        print(f"{source:12}{provider:28}{len(names):>4}{ours:>10}{named:>8}{cell:>8}")


def print_classes(files: dict[str, Example], found: dict[str, set[str]]) -> None:
    """Per example set, leakward's misses by class, beside what the owner peer finds of them."""
    ours = found.get("leakward", set())
    by_source: dict[str, list[str]] = defaultdict(list)
    for name, example in files.items():
        by_source[example.source].append(name)
    for source, names in sorted(by_source.items()):
        misses = [(n, files[n].rule, files[n].text) for n in names if n not in ours]
        owner = found.get(OWNER[source])
        counts = tally(
            misses,
            found.get("leakward" + NAMED, set()),
            owner,
            low=found.get("leakward-low"),
            low_named=found.get("leakward-low" + NAMED),
        )
        owner_found = None if owner is None else sum(n in owner for n in names)
        found_here = len(names) - len(misses)
        print("\n".join(render(source, len(names), found_here, owner_found, counts)))


def main() -> int:
    parser = argparse.ArgumentParser(description="Recall on the peers' rule examples.")
    for source in ("gitleaks", "betterleaks", "kingfisher", "noseyparker", "titus", "trufflehog"):
        parser.add_argument(f"--{source}", type=Path, help=f"git dir of {source}'s repository")
    parser.add_argument("--tools", default=TOOLS, help="leakward-low adds leakward's low tier")
    parser.add_argument("--providers", action="store_true", help="recall per provider")
    parser.add_argument("--gaps", action="store_true", help="only providers leakward misses")
    parser.add_argument("--misses", action="store_true", help="list leakward's missed lines")
    parser.add_argument(
        "--classify",
        action="store_true",
        help="tally the misses by class (peer_example_misses.tsv)",
    )
    args = parser.parse_args()
    examples = collect(args)
    root = Path(tempfile.mkdtemp(prefix="peer-examples-"))
    try:
        files = write(examples, root)
        kingfisher_git = None if args.kingfisher is None else args.kingfisher.resolve()
        found = scan(root, args.tools.split(","), kingfisher_git)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_summary(files, found)
    if args.providers or args.gaps:
        print_providers(files, found, only_gaps=args.gaps)
    if args.classify:
        print_classes(files, found)
    if args.misses:
        # Missed by the default tier's documented-format rules; marked when a finding
        # attributed by name, or the low tier, has it.
        named = found.get("leakward" + NAMED, set())
        low = found.get("leakward-low" + NAMED, set())
        for name, example in sorted(files.items()):
            if name not in found.get("leakward", set()):
                tier = " (attributed by name)" if name in named else ""
                tier += " (low tier finds it)" if name in low and name not in named else ""
                print(
                    f"miss {example.source} {example.provider} {example.rule}{tier}: "
                    f"{example.text!r}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
