"""Findings attributed by name: `TRELLO_TOKEN=<anything random>` is Trello's (issue #17).

The table (`rules/_provider_names.yaml`) on its own, then the whole matcher on both engines: the
name decides the provider, a documented rule keeps what it finds, and nothing is reported twice.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from leakward.core.errors import RuleError
from leakward.rules.loader import load_rules
from leakward.rules.provider_names import words_of
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Finding, Origin

RULESET = load_rules()
NAMES = RULESET.provider_names
INDEX = NAMES.index()
# Invented, random-looking, in no provider's documented shape.
VALUE = "Mq4vR8zL2xN6pW3tB9kH7sY1cF5jD0gA"


@pytest.fixture(scope="module", params=["hyperscan", "regex"])
def matcher(request: pytest.FixtureRequest) -> Matcher:
    ruleset = RULESET.select(min_confidence="medium", failed_checksums=True)
    return Matcher(ruleset, make_engine(ruleset, request.param))


def findings(matcher: Matcher, text: str) -> list[Finding]:
    return matcher.scan_chunk(Chunk(text.encode(), Origin(kind="file", path="config.env")))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("TRELLO_TOKEN", ("trello", "token")),
        ("sendgridAPITokenToken", ("sendgrid", "api", "token", "token")),
        ("new-relic.api_key", ("new", "relic", "api", "key")),
        ("MEM0_API_KEY", ("mem", "0", "api", "key")),
    ],
)
def test_a_name_splits_into_words_whatever_its_case(name: str, words: tuple[str, ...]) -> None:
    assert words_of(name) == words


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("TRELLO_TOKEN", "trello"),
        ("trelloApiKey", "trello"),
        ("squareToken", "square"),
        ("new-relic_api_token", "newrelic"),
        ("planetScale_api_token", "planetscale"),
        ("1password_api_token", "onepassword"),
        ("TRELLO_TOKEN_2", "trello"),
        # a glued long word: the rest of the word must still name a secret
        ("coveralls_SECRETTOKEN", "coveralls"),
        ("sendgridtoken", "sendgrid"),
        # the first provider word in the name wins
        ("GITHUB_SLACK_TOKEN", "github"),
        # no provider word, or not as a whole word
        ("ACMEPAY_TOKEN", None),
        ("author_token", None),
        ("squared_token", None),
        # the name must end in a secret word
        ("trello_token_url", None),
        ("TRELLO_TOKEN_ID", None),
        ("TRELLO", None),
        # public or made-up by its own name
        ("STRIPE_PUBLISHABLE_KEY", None),
        ("FLUTTERWAVEPUBKEY_TOKEN", None),
        ("dummy_trello_token", None),
    ],
)
def test_the_table_attributes_names(name: str, provider: str | None) -> None:
    assert INDEX.provider_of(name) == provider


def test_no_two_providers_claim_the_same_words() -> None:
    owners: dict[tuple[str, ...], str] = {}
    for entry in NAMES.entries:
        for words in entry.words:
            assert owners.setdefault(words, entry.provider) == entry.provider, words
    assert len(NAMES.entries) >= 300


@pytest.mark.parametrize(
    "text",
    [
        f"TRELLO_TOKEN={VALUE}",
        f'  "trelloToken": "{VALUE}",',
        f'trelloSecret := "{VALUE}"',
        f"trello_api_key: {VALUE}",
        f"client = connect(trello_key='{VALUE}')",
        f'ENV["TRELLO_API_KEY"] = "{VALUE}"',
        f'os.environ.setdefault("TRELLO_API_KEY", "{VALUE}")',
    ],
)
def test_a_value_under_a_provider_name_is_that_providers_at_medium(
    matcher: Matcher, text: str
) -> None:
    found = findings(matcher, text)

    assert [(f.rule_id, f.provider, f.confidence, f.secret.reveal()) for f in found] == [
        ("trello.named", "trello", "medium", VALUE)
    ]
    assert found[0].tags == ("named",)
    assert found[0].rotator is None


def test_a_documented_format_keeps_its_rule_and_is_not_reported_twice(matcher: Matcher) -> None:
    rule = RULESET.by_id()["github.pat.classic"]
    token = next(e.secret for e in rule.examples_match if e.secret)
    assert token is not None

    found = findings(matcher, f'GITHUB_TOKEN = "{token}"')

    assert [(f.rule_id, f.confidence) for f in found] == [("github.pat.classic", "high")]


def test_a_failed_checksum_is_not_rescued_by_its_name(matcher: Matcher) -> None:
    rule = RULESET.by_id()["github.pat.classic"]
    token = next(e.secret for e in rule.examples_match if e.secret)
    assert token is not None
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")

    found = findings(matcher, f'GITHUB_TOKEN = "{broken}"')

    assert [(f.rule_id, f.confidence) for f in found] == [("github.pat.classic", "low")]


@pytest.mark.parametrize(
    "text",
    [
        "TRELLO_TOKEN=${TRELLO_TOKEN}",
        'trelloToken: "your-trello-token-here"',
        "trello_token = settings.TRELLO_TOKEN_VALUE",
        f"SHIPPO_API_KEY=shippo_test_{VALUE}",
        f'STRIPE_KEY = "pk_live_{VALUE}"',
        # an identifier's words with short numbers, not a random value
        "trello_token = trello_board_v2_sync_token",
    ],
)
def test_placeholders_and_test_keys_under_a_provider_name_are_not_reported(
    matcher: Matcher, text: str
) -> None:
    assert findings(matcher, text) == []


def test_a_value_under_a_credential_name_without_a_provider_stays_generic(
    matcher: Matcher,
) -> None:
    found = findings(matcher, f"ACMEPAY_API_KEY={VALUE}")

    assert [(f.rule_id, f.provider) for f in found] == [("generic.named_key", "generic")]


def test_a_bare_key_name_without_a_provider_is_not_reported(matcher: Matcher) -> None:
    """`page_token`, `cache_key`: only a provider's name makes a bare secret word mean one."""
    assert findings(matcher, f'page_token = "{VALUE}"') == []
    assert findings(matcher, f"cache_key: {VALUE}") == []


def test_rule_files_may_not_take_an_attributed_id(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "provider: acme\nrules:\n  - id: acme.named\n    name: Acme\n    keywords: [acme_]\n"
        "    pattern: '(?P<secret>acme_[a-z0-9]{20})'\n"
    )

    with pytest.raises(RuleError, match="reserved"):
        load_rules([tmp_path])


def test_a_generic_finding_decoded_inside_an_attributed_one_is_not_reported_again(
    matcher: Matcher,
) -> None:
    """The base64 value under TRELLO_TOKEN decodes to a password assignment: one finding."""
    encoded = base64.b64encode(b'db_password="Kestrel-77x"').decode()

    found = findings(matcher, f"TRELLO_TOKEN={encoded}")

    assert [(f.rule_id, f.decoded_from) for f in found] == [("trello.named", None)]


@pytest.mark.parametrize("disabled", ["trello", "trello.named"])
def test_disabling_a_provider_also_stops_its_findings_by_name(disabled: str) -> None:
    ruleset = RULESET.select(disable=[disabled], min_confidence="medium")
    quiet = Matcher(ruleset, make_engine(ruleset, "regex"))
    assert not [f for f in findings(quiet, f"TRELLO_API_KEY={VALUE}\n") if "trello" in f.rule_id]
    assert ruleset.digest != RULESET.select(min_confidence="medium").digest
    # Only Trello: another provider's name still attributes.
    assert [f.rule_id for f in findings(quiet, f"SQUARE_API_KEY={VALUE}\n")] == ["square.named"]
