"""Decoders reveal secrets hidden by encoding, and report them where they really are."""

from __future__ import annotations

import base64
import urllib.parse

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from tests.scanner.tokens import GITHUB_PAT

RULESET = load_rules()


@pytest.fixture(scope="module", params=["hyperscan", "regex"])
def matcher(request: pytest.FixtureRequest) -> Matcher:
    return Matcher(RULESET, make_engine(RULESET, request.param))


def scan(matcher: Matcher, text: str) -> list[tuple[str, int, int, tuple[str, ...] | None]]:
    chunk = Chunk(text.encode(), Origin("file", "f.js"))
    return [
        (f.secret.reveal(), f.line, f.column, f.decoded_from)
        for f in matcher.scan_chunk(chunk)
        if f.rule_id == "github.pat.classic"
    ]


def test_base64_standard_and_urlsafe(matcher: Matcher) -> None:
    payload = f'{{"token": "{GITHUB_PAT}", "pad": "??>>"}}'.encode()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        text = "line one\nconfig: " + encode(payload).decode() + "\n"
        found = scan(matcher, text)
        assert found == [(GITHUB_PAT, 2, 9, ("base64",))] or (
            len(found) == 1 and found[0][0] == GITHUB_PAT and found[0][1] == 2
        )
        assert found[0][3] == ("base64",)


def test_percent_encoding_reports_the_original_column(matcher: Matcher) -> None:
    quoted = urllib.parse.quote(GITHUB_PAT, safe="")
    quoted = quoted.replace("_", "%5F")
    text = f"x\n  curl 'https://api.example.test/?a=1&token={quoted}'\n"
    found = scan(matcher, text)
    column = text.split("\n")[1].index("%5F") - 3 + 1
    assert found == [(GITHUB_PAT, 2, column, ("url",))]


def test_json_unicode_escapes(matcher: Matcher) -> None:
    escaped = GITHUB_PAT.replace("_", "\\u005f")
    found = scan(matcher, f'{{"t": "{escaped}"}}')
    assert found == [(GITHUB_PAT, 1, 8, ("escape",))]


def test_hex_encoded(matcher: Matcher) -> None:
    found = scan(matcher, "blob = " + GITHUB_PAT.encode().hex())
    assert [f[0] for f in found] == [GITHUB_PAT]
    assert found[0][3] == ("hex",)


def test_js_concatenation_across_lines(matcher: Matcher) -> None:
    text = f"const k = \"{GITHUB_PAT[:9]}\" +\n  '{GITHUB_PAT[9:20]}' + `{GITHUB_PAT[20:]}`;"
    found = scan(matcher, text)
    assert found == [(GITHUB_PAT, 1, 12, ("concat",))]


def test_concatenation_keeps_the_name_it_is_assigned_to(matcher: Matcher) -> None:
    # A generic rule needs the name: without the line's start, "tX1s1" + "X0xqz%5ShDN" is just
    # a string, and minified bundles split secrets exactly like this.
    text = 'x=1;\n!function(){var e={smtpPass:"tX1s1"+"X0xqz%5ShDN",n:2}}();\n'
    chunk = Chunk(text.encode(), Origin("file", "app.min.js"))
    found = [
        (f.secret.reveal(), f.line, f.column, f.decoded_from)
        for f in matcher.scan_chunk(chunk)
        if f.rule_id == "generic.password_assignment"
    ]
    column = text.split("\n")[1].index('"tX1s1"') + 2
    assert found == [("tX1s1X0xqz%5ShDN", 2, column, ("concat",))]


def test_nested_encodings_up_to_the_depth(matcher: Matcher) -> None:
    inner = base64.b64encode(f"token={GITHUB_PAT}".encode()).decode()
    outer = base64.b64encode(f"payload: {inner}".encode()).decode()
    found = scan(matcher, outer)
    assert [f[3] for f in found] == [("base64", "base64")]


def test_depth_zero_turns_decoding_off() -> None:
    shallow = Matcher(RULESET, make_engine(RULESET, "regex"), decode_depth=0)
    encoded = base64.b64encode(f"token={GITHUB_PAT}".encode()).decode()
    assert scan(shallow, encoded) == []


def test_plain_secret_is_not_reported_twice(matcher: Matcher) -> None:
    # The escape decoder sees this string too, but the plain sighting wins.
    found = scan(matcher, f'"{GITHUB_PAT}\\n"')
    assert found == [(GITHUB_PAT, 1, 2, None)]


def test_same_secret_twice_is_two_findings(matcher: Matcher) -> None:
    found = scan(matcher, f"a={GITHUB_PAT}\nb={GITHUB_PAT}\n")
    assert [(f[1], f[2]) for f in found] == [(1, 3), (2, 3)]


def test_binary_noise_in_base64_is_ignored(matcher: Matcher) -> None:
    noise = base64.b64encode(bytes(range(256)) * 4).decode()
    assert scan(matcher, noise) == []


def test_base64_value_right_after_an_equals_sign(matcher: Matcher) -> None:
    encoded = base64.b64encode(f"GITHUB_TOKEN={GITHUB_PAT}\nREGION=eu\n".encode()).decode()
    found = scan(matcher, f"CONFIG_B64={encoded}\n")
    assert [(f[0], f[3]) for f in found] == [(GITHUB_PAT, ("base64",))]


def test_decoded_value_keeps_the_name_it_was_assigned_to(matcher: Matcher) -> None:
    """A bare 40-character AWS secret only counts next to its name; base64 must not hide it."""
    secret = "D9YuS6DqmeHNKcAPNROmsC6ZuYNBYJXJP2n+HHXd"
    text = "data:\n  aws_secret_access_key: " + base64.b64encode(secret.encode()).decode() + "\n"
    chunk = Chunk(text.encode(), Origin("file", "secret.yaml"))
    found = [(f.secret.reveal(), f.line, f.decoded_from) for f in matcher.scan_chunk(chunk)]
    assert (secret, 2, ("base64",)) in found


def test_a_token_with_a_wrong_checksum_is_not_reported_by_any_rule(matcher: Matcher) -> None:
    """The GitHub rule rejects a bad checksum; the generic password rule must not report it."""
    broken = GITHUB_PAT[:-1] + ("A" if GITHUB_PAT[-1] != "A" else "B")
    for line in (f'GITHUB_TOKEN = "{broken}"', f"ACCESS_TOKEN={broken}\n"):
        chunk = Chunk(line.encode(), Origin("file", "config.py"))
        assert matcher.scan_chunk(chunk) == []


def test_escaped_assignment_in_a_notebook_cell_keeps_its_value(matcher: Matcher) -> None:
    """The trigger ends at the value's opening `\\"`: the string must run on past it, to the
    cell line's closing quote, or the decoded assignment has no value to match."""
    cell = '"os.environ[\\"DB_PASSWORD\\"] = \\"Xk29fLq8Zt4Wm1Rv\\"\\n",'
    text = '{"cells": [{"source": ["import os\\n", ' + cell + "]}]}\n"
    chunk = Chunk(text.encode(), Origin("file", "nb.ipynb"))
    found = [
        (f.rule_id, f.secret.reveal(), f.column, f.decoded_from) for f in matcher.scan_chunk(chunk)
    ]
    column = text.index("Xk29") + 1
    assert found == [("generic.password_assignment", "Xk29fLq8Zt4Wm1Rv", column, ("escape",))]


def test_escapes_before_a_secret_shift_its_decoded_offsets_back(matcher: Matcher) -> None:
    """Each multi-byte escape maps to one decoded byte: the reported column is the raw one."""
    escaped = "\\u0041\\u0042\\/" * 20 + GITHUB_PAT.replace("_", "\\u005f")
    text = f'x = "{escaped}"'
    found = scan(matcher, text)
    assert found == [(GITHUB_PAT, 1, text.index("ghp") + 1, ("escape",))]


def test_a_uri_password_keeps_its_percent_encoding_over_the_decoded_view(
    matcher: Matcher,
) -> None:
    """URL-decoding `%40` gives `@`, which would end the password early in the decoded view."""
    text = 'DATABASE_URL: "mongodb://svc_orders:UjgGIr%40BzaUWK8J20KMfFgCy1@db.internal:27017/x"\n'
    chunk = Chunk(text.encode(), Origin(kind="file", path="deploy.yml"))
    found = [(f.rule_id, f.secret.reveal()) for f in matcher.scan_chunk(chunk)]
    assert found == [("database.mongodb_uri", "UjgGIr%40BzaUWK8J20KMfFgCy1")]


def test_a_generic_rule_reports_a_base64_value_once_as_what_it_decodes_to(
    matcher: Matcher,
) -> None:
    """A Kubernetes Secret holds base64; the password is what it decodes to, not the base64."""
    password = "CgmdrTOMQ7s3PA%w9ySg"
    encoded = base64.b64encode(password.encode()).decode()
    text = f"kind: Secret\ndata:\n  password: {encoded}\n"
    chunk = Chunk(text.encode(), Origin(kind="file", path="k8s/secret.yaml"))
    found = [(f.secret.reveal(), f.decoded_from) for f in matcher.scan_chunk(chunk)]
    assert found == [(password, ("base64",))]


def test_an_escaped_backslash_before_u_is_text_not_an_escape() -> None:
    """`\\\\u0020` in JSON is the six characters `\\u0020` (API docs quote character ranges so):
    no escape to decode. `\\\\\\u0041` is an escaped backslash, then a real escape."""
    engine = make_engine(RULESET, "hyperscan")
    quoted = b'{"doc": "from the space (<code>\\\\u0020</code>) to DEL"}'
    assert "escape" not in engine.scan(quoted).triggers
    real = b'{"doc": "a backslash \\\\\\u0041 then A"}'
    assert "escape" in engine.scan(real).triggers
