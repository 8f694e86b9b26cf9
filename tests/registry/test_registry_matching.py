"""Matching: exact by fingerprint, by public key id, probably by provider hint, else unknown."""

from __future__ import annotations

from leakward.registry import MatchQuery, NewKey, Owner, Registry, hint_of, parse_hint
from leakward.registry.matching import BATCH

OPENAI = "sk-proj-M4tchMeExactly00000000000000abcd"
AWS_ID = "AKIAIOSFODNN7EXAMPLE"


def _query(
    registry: Registry, secret: str, provider: str | None = None, **extra: str
) -> MatchQuery:
    return MatchQuery(registry.fingerprint(secret), provider, hint=hint_of(secret), **extra)


def test_each_kind_of_match_and_its_confidence(registry: Registry) -> None:
    exact = registry.add_key(NewKey("openai", Owner("alice@example.com"), key_id="key_1"), OPENAI)
    by_id = registry.add_key(NewKey("aws", Owner("bob@example.com"), key_id=AWS_ID))
    by_hint = registry.add_key(
        NewKey("anthropic", Owner("carol@example.com"), hint=parse_hint("sk-ant-api03-R2D...igAA"))
    )
    results = registry.match(
        [
            _query(registry, OPENAI, "openai"),
            _query(registry, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws", key_id=AWS_ID),
            _query(registry, "sk-ant-api03-R2DzzzzzzzzzzzzzzzzzzzzzzzzzzzzigAA", "anthropic"),
            _query(registry, "sk-proj-SomeoneElsesKey000000000000000zzzz", "openai"),
        ]
    )
    assert [(m.entry_id, m.method, m.confidence) if m else None for m in results] == [
        (exact, "fingerprint", 1.0),
        (by_id, "key_id", 0.9),
        (by_hint, "hint", 0.5),
        None,
    ]
    first = results[0]
    assert first is not None
    assert (first.owner, first.key_id, first.status) == ("alice@example.com", "key_1", "active")


def test_a_different_value_with_a_fingerprinted_keys_hint_is_no_match(registry: Registry) -> None:
    registry.add_key(NewKey("openai", Owner("a@example.com")), OPENAI)
    lookalike = OPENAI[:-8] + "9999abcd"  # same prefix, same last four, different value
    assert registry.match([_query(registry, lookalike, "openai")]) == [None]


def test_key_id_and_hint_respect_the_provider(registry: Registry) -> None:
    registry.add_key(NewKey("aws", Owner("a@example.com"), key_id=AWS_ID))
    registry.add_key(NewKey("openai", Owner("a@example.com"), hint=parse_hint("sk-proj-****abcd")))
    results = registry.match(
        [
            _query(registry, "x" * 40, "github", key_id=AWS_ID),
            _query(registry, OPENAI, "anthropic"),
            _query(registry, OPENAI, None),
        ]
    )
    assert results[0] is None
    assert results[1] is None
    assert results[2] is not None
    assert results[2].method == "hint"


def test_shared_hints_lower_the_confidence(registry: Registry) -> None:
    for owner in ("a@example.com", "b@example.com"):
        registry.add_key(NewKey("openai", Owner(owner), hint=parse_hint("sk-proj-****abcd")))
    [result] = registry.match([_query(registry, OPENAI, "openai")])
    assert result is not None
    assert result.confidence == 0.25


def test_many_queries_span_batches_and_keep_their_order(registry: Registry) -> None:
    secrets = [f"sk-proj-BatchKey{i:06d}xxxxxxxxxxxxxxxx{i:04d}" for i in range(BATCH + 50)]
    registered = {}
    for secret in secrets[::7]:
        registered[secret] = registry.add_key(NewKey("openai", Owner("a@example.com")), secret)
    results = registry.match([_query(registry, s, "openai") for s in secrets])
    assert len(results) == len(secrets)
    for secret, result in zip(secrets, results, strict=True):
        expected = registered.get(secret)
        assert (result.entry_id if result else None) == expected
