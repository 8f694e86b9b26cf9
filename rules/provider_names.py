"""Which provider a setting's name speaks of: `TRELLO_TOKEN`, `trelloApiKey`, `"trello-secret"`.

Stage: data. The words live in `rules/_provider_names.yaml`; a rule whose pattern has a
`(?P<name>…)` group reports what it finds as `<provider>.named` when this table attributes the
name, and nothing when it does not (see rules/README.md, "Attributed by name").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import regex

from leakward.core.errors import RuleError

# Rule ids of attributed findings end so: no rule file may use it (the loader checks).
NAMED_SUFFIX = ".named"
# A name's words: an UPPER run (API in APIKey), a Capitalised or lower word, a number.
_WORD = regex.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_PROVIDER_ID = regex.compile(r"^[a-z0-9_]+$")


def words_of(name: str) -> tuple[str, ...]:
    """`sendgridAPITokenToken` -> (sendgrid, api, token, token); separators split too."""
    return tuple(word.lower() for word in _WORD.findall(name))


def named_rule_id(provider: str) -> str:
    return provider + NAMED_SUFFIX


def is_named_rule_id(rule_id: str) -> bool:
    return rule_id.endswith(NAMED_SUFFIX)


@dataclass(frozen=True, slots=True)
class ProviderName:
    """One provider's words, each a name as written (`new relic`, `1password`) split by
    `words_of`. `is_glued`: the first word may run into the next (TRELLOTOKEN)."""

    provider: str
    words: tuple[tuple[str, ...], ...]
    is_glued: bool = False


@dataclass(frozen=True, slots=True)
class ProviderNames:
    """The table, plus what the rest of the name must say: its last word names a secret
    (`secret_word`, a whole-word pattern) and no word marks it public or made up (`excluded`)."""

    entries: tuple[ProviderName, ...] = ()
    # matches nothing until the table says what a secret word is
    secret_word: str = "$^"  # noqa: S105 - a pattern, not a password
    excluded: tuple[str, ...] = ()

    def without(self, providers: Collection[str]) -> ProviderNames:
        """The table less `providers`: a scan that disables a provider reports nothing of it by
        name either (its values under a name ending in a bare `token` then go unreported)."""
        kept = tuple(entry for entry in self.entries if entry.provider not in providers)
        return self if len(kept) == len(self.entries) else replace(self, entries=kept)

    def index(self) -> ProviderIndex:
        """The table indexed for lookups: build it once (a matcher does, at start)."""
        return ProviderIndex(self)


class ProviderIndex:
    """The table indexed by first word."""

    def __init__(self, names: ProviderNames) -> None:
        self._secret = regex.compile(names.secret_word)
        self._excluded = frozenset(names.excluded)
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._glued: set[str] = set()
        for entry in names.entries:
            for words in entry.words:
                self._by_first.setdefault(words[0], []).append((words, entry.provider))
                if entry.is_glued and len(words) == 1:
                    self._glued.add(words[0])
        # Longest first: a word's heads are looked up by length, a set lookup each.
        self._glued_sizes = sorted({len(word) for word in self._glued}, reverse=True)
        for choices in self._by_first.values():
            choices.sort(key=lambda choice: -len(choice[0]))

    def provider_of(self, name: str) -> str | None:
        """The provider `name` speaks of, or None. The first provider word in the name wins
        (`GITHUB_SLACK_TOKEN` is GitHub's), then the longest entry at that word."""
        words = self._unglued(words_of(name))
        while len(words) > 1 and words[-1].isdigit():  # TRELLO_TOKEN_2
            words.pop()
        if len(words) < 2 or not self._secret.fullmatch(words[-1]):
            return None
        if self._excluded.intersection(words):
            return None
        body = words[:-1]
        for at, word in enumerate(body):
            for entry_words, provider in self._by_first.get(word, ()):
                if tuple(body[at : at + len(entry_words)]) == entry_words:
                    return provider
        return None

    def _unglued(self, words: tuple[str, ...]) -> list[str]:
        """Split a word that opens with a glued provider word: `trellotoken` -> trello, token."""
        split: list[str] = []
        for word in words:
            size = next(
                (n for n in self._glued_sizes if n < len(word) and word[:n] in self._glued), 0
            )
            split += [word[:size], word[size:]] if size else [word]
        return split


def parse_provider_names(data: Mapping[str, object], source: str) -> ProviderNames:
    """The table from `_provider_names.yaml`; a RuleError names the entry and what to fix."""
    entries = data.get("providers")
    if not isinstance(entries, list):
        raise RuleError(f"{source}: needs a `providers:` list", "see rules/README.md")
    parsed: list[ProviderName] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{source}: entry #{index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("provider"), str):
            raise RuleError(f"{where}: needs `provider: ID` and `words: [...]`", None)
        provider = entry["provider"]
        words = tuple(words_of(str(w)) for w in entry.get("words") or ())
        if not _PROVIDER_ID.match(provider) or provider in seen:
            raise RuleError(f"{where}: provider {provider!r} is not a new lowercase id", None)
        if not words or any(not w for w in words):
            raise RuleError(f"{where}: every entry needs words made of letters or digits", None)
        seen.add(provider)
        parsed.append(ProviderName(provider, words, bool(entry.get("glued", False))))
    secret_word = str(data.get("secret_word", "$^"))
    try:
        regex.compile(secret_word)
    except regex.error as exc:
        raise RuleError(f"{source}: secret_word does not compile: {exc}", None) from None
    excluded = data.get("excluded_words") or []
    if not isinstance(excluded, list):
        raise RuleError(f"{source}: `excluded_words` must be a list", None)
    return ProviderNames(tuple(parsed), secret_word, tuple(str(w).lower() for w in excluded))
