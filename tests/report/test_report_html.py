"""The HTML report as markup: escaped, redacted, self-contained, grouped by file.

What a person sees and does in a browser is tests/report/test_report_html_browser.py; here the
page is parsed with the standard library's HTML parser, so each claim is about the document a
browser would build, not about substrings of its source.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from html.parser import HTMLParser

from leakward.scanner.models import Finding, LeftOut, Origin, ScanResult
from leakward.scanner.report import render
from tests.report.conftest import PLAIN_SECRET, make_finding

HOSTILE_PATH = 'src/<script>alert("path")</script>&.env'
HOSTILE_SECRET = "<script>alert('value')</script>Zq8Wm3Rt7Yp2Ks9Lx4Nc6Vb1"


class Page(HTMLParser):
    """Elements (tag, attributes), the text inside each <script>/<style>, and all visible text."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(document)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        inside = self._open[-1] if self._open else ""
        if inside in self.raw:
            self.raw[inside].append(data)
        else:
            self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def hostile_result(scan_result: ScanResult) -> ScanResult:
    hostile = make_finding(
        HOSTILE_SECRET, Origin(kind="file", path=HOSTILE_PATH), rule_id="acme.<marquee>x</marquee>"
    )
    return dataclasses.replace(scan_result, findings=(*scan_result.findings, hostile))


def test_markup_from_the_scanned_world_is_text(scan_result: ScanResult) -> None:
    page = Page(render(hostile_result(scan_result), "html", show_secrets=True))
    assert len(page.tags("script")) == 1, "only the report's own script"
    assert page.tags("marquee") == [], "a rule id's markup is not markup"
    # ...and each reads exactly as it was: the path, the value, the rule id.
    visible = page.visible()
    for written in (HOSTILE_PATH, HOSTILE_SECRET, "acme.<marquee>x</marquee>"):
        assert written in visible
    assert all("alert" not in script for script in page.raw["script"])


def test_bidi_and_control_characters_are_shown_not_obeyed(scan_result: ScanResult) -> None:
    path = "src/evil\u202etxt.exe\x1b[31m"
    finding = make_finding(PLAIN_SECRET, Origin(kind="file", path=path))
    page = Page(render(dataclasses.replace(scan_result, findings=(finding,)), "html"))
    assert "src/evil\\u202etxt.exe\\x1b[31m" in page.visible()
    assert "\u202e" not in page.visible()


def test_values_are_redacted_unless_asked(scan_result: ScanResult) -> None:
    redacted = render(scan_result, "html")
    for finding in scan_result.findings:
        assert finding.secret.reveal() not in redacted
        assert finding.secret.redacted() in Page(redacted).visible()
    shown = render(scan_result, "html", show_secrets=True)
    assert all(f.secret.reveal() in Page(shown).visible() for f in scan_result.findings)
    assert "--show-secrets" in Page(shown).visible()


def test_the_page_loads_nothing_and_runs_only_its_own_script(scan_result: ScanResult) -> None:
    page = Page(render(scan_result, "html"))
    for tag, attrs in page.elements:
        assert not {"src", "href", "action", "srcset"} & set(attrs), (tag, attrs)
    assert page.tags("link") == []
    (policy,) = [m["content"] for m in page.tags("meta") if m.get("http-equiv")]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "'none'"
    (script,) = page.raw["script"]
    (style,) = page.raw["style"]
    assert directives["script-src"] == f"'{sha256(script)}'"
    assert directives["style-src"] == f"'{sha256(style)}'"
    assert not page.tags("input")[0].get("style")


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_findings_are_grouped_by_file_live_then_most_severe(scan_result: ScanResult) -> None:
    verdicts = {f: {"liveness": "dead"} for f in scan_result.findings}
    slack = next(f for f in scan_result.findings if f.provider == "slack")
    verdicts[slack] = {"liveness": "live", "liveness_reason": "HTTP 200", "identity": "bot-7"}
    page = Page(render(scan_result, "html", extra=verdicts.get))
    files = [s["data-path"] for s in page.tags("section") if "data-path" in s]
    assert files == [
        "deploy/env.sh",  # low, but live
        "config/ci.yaml",  # critical
        "src/settings.py",  # high
        "dist/app bundle.js.map!src/api.ts",  # medium
    ]
    rows = page.tags("tr")[1:]
    assert [r["data-liveness"] for r in rows if "data-liveness" in r][:1] == ["live"]
    assert "HTTP 200" in page.visible()
    assert "bot-7" in page.visible()


def test_each_row_carries_what_the_filters_read(scan_result: ScanResult) -> None:
    page = Page(render(scan_result, "html"))
    rows = [r for r in page.tags("tr") if r.get("class") == "finding"]
    assert len(rows) == len(scan_result.findings)
    assert {r["data-severity"] for r in rows} == {"critical", "high", "medium", "low"}
    assert {r["data-provider"] for r in rows} == {"acme", "github", "aws", "slack"}
    filters = {(b["data-filter"], b["value"]) for b in page.tags("input") if "data-filter" in b}
    assert ("severity", "critical") in filters
    assert ("provider", "slack") in filters
    # no liveness filter for a scan that was not verified
    assert not any(name == "liveness" for name, _ in filters)


def test_git_findings_show_commit_author_date_refs_and_places(scan_result: ScanResult) -> None:
    slack = next(f for f in scan_result.findings if f.provider == "slack")
    places = [
        {"path": "deploy/env.sh", "line": 2, "commit": "0123456789abcdef"},
        {"path": "old/env.sh", "line": 9, "commit": "fedcba9876543210"},
    ]
    fields = {
        slack: {
            "refs": ["refs/heads/main", "refs/tags/v1"],
            "message": "Add deploy script",
            "locations": places,
        }
    }
    visible = Page(render(scan_result, "html", extra=fields.get)).visible()
    for shown in ("0123456789", "Ada Lovelace", "2024-05-01", "refs/heads/main, refs/tags/v1"):
        assert shown in visible
    assert "Add deploy script" in visible
    assert "seen in 2 places" in visible
    assert "old/env.sh:9 @ fedcba9876" in visible


def test_skipped_and_left_out_are_accounted_for(scan_result: ScanResult) -> None:
    left = (
        LeftOut("node_modules/", "gitignore"),
        LeftOut("a.py", "baseline", "3:1 acme.api_key.live"),
    )
    visible = Page(render(dataclasses.replace(scan_result, left_out=left), "html")).visible()
    assert "1 path ignored by .gitignore; 1 finding in the baseline" in visible
    assert "4 files skipped" in visible
    assert "secret/locked.txt : permission denied" in visible


def test_an_empty_scan_says_so(empty_result: ScanResult) -> None:
    page = Page(render(empty_result, "html"))
    assert "No secrets found." in page.visible()
    assert page.tags("form") == []


def test_the_page_stays_small(scan_result: ScanResult) -> None:
    """Self-contained means inlined, not bloated: the fixed part stays under 16 KiB."""
    empty = render(dataclasses.replace(scan_result, findings=(), skipped=()), "html")
    assert len(empty.encode()) < 16 * 1024
    per_finding = (len(render(scan_result, "html")) - len(empty)) / len(scan_result.findings)
    assert per_finding < 2500


def test_fingerprints_are_those_the_ignore_file_takes(scan_result: ScanResult) -> None:
    from leakward.scanner.fingerprint import report_fingerprint

    visible = Page(render(scan_result, "html")).visible()
    finding: Finding = scan_result.findings[0]
    printed = report_fingerprint(finding.secret.reveal())
    assert printed is not None
    assert re.search(rf"fingerprint {printed}\b", visible)
