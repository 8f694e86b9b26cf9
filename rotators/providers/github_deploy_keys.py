"""GitHub deploy keys through the REST API: list, verify, add and delete a repository's keys.

Stage: rotators (used by rotators/providers/github.py). A deploy key is an SSH key pair: GitHub
holds only the public half, so a replacement is generated here and its public line uploaded, and the
liveness of a leaked private key is read from its repository's key list (present: live, absent:
dead), since only an SSH handshake could use the key itself. Every call needs a token that
administers the repository. docs.github.com/rest/deploy-keys/deploy-keys
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    Settings,
    TransientError,
    Verdict,
)
from leakward.rotators.github_rate_limit import rate_limit_error
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.github_app import deploy_keypair, deploy_public_key
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_list,
    json_object,
    optional_field,
)
from leakward.rotators.providers.key_hints import token_attributes

# Pages of keys read before giving up (100 a page): far more than a repository holds.
MAX_PAGES = 50
TITLE_PREFIX = "leakward "


def repository(key: KeyRef) -> str | None:
    return key.attribute("repository") or key.account


def is_deploy_key(secret: Secret, key: KeyRef | None) -> bool:
    if key is not None and key.attribute("kind") == "deploy_key":
        return True
    return "PRIVATE KEY-----" in secret.reveal()


def _public_key_of(item: Mapping[str, object]) -> str | None:
    """A listed key as "type base64": GitHub drops the comment, but compare without one anyway."""
    listed = item.get("key")
    return " ".join(listed.split()[:2]) if isinstance(listed, str) else None


def _settings_of(listed: list[dict[str, object]], key_id: str | None) -> Settings | None:
    for item in listed:
        if key_id is not None and str(item.get("id")) == key_id:
            return {"read_only": item.get("read_only") is not False}
    return None


def _is_read_only(settings: Settings | None, key: KeyRef) -> bool:
    """The old key's access: the snapshot, else the live listing, else what the registry
    recorded at import; unknown means read-only, the narrower access."""
    if settings is not None and isinstance(settings.get("read_only"), bool):
        return settings["read_only"] is not False
    return key.attribute("read_only") != "false"


class DeployKeys:
    """One GitHub API's deploy keys; `admin` gives the headers of a repository admin token."""

    def __init__(
        self, client: httpx.Client, base: str, admin: Callable[[], dict[str, str]]
    ) -> None:
        self._client = client
        self._base = base
        self._admin = admin

    def _url(self, name: str, **parts: str) -> str:
        return FACTS["github"].url(self._base, name, keep="/", **parts)

    def listed(self, repo: str) -> list[dict[str, object]]:
        """Every deploy key of `repo`, following the pages (30 a page unless asked, at most 100)
        and only to this API's own host, since the admin token goes with each request."""
        url = httpx.URL(self._url("deploy_keys", repo=repo))
        params: dict[str, str] | None = {"per_page": "100"}
        items: list[dict[str, object]] = []
        for _ in range(MAX_PAGES):
            response = call(
                self._client,
                "GET",
                str(url),
                what="list deploy keys",
                slow_down=rate_limit_error,
                headers=self._admin(),
                params=params,
            )
            items += json_list(expect(response, "list deploy keys", 200), "list deploy keys")
            following = response.links.get("next", {}).get("url")
            if not following:
                return items
            url, params = url.join(following), None  # the link carries the query
            if url.host != httpx.URL(self._base).host:
                raise PermanentError("list deploy keys: the next page is on another host")
        raise TransientError(f"list deploy keys: more than {MAX_PAGES} pages")

    def verify(self, secret: Secret, key: KeyRef | None) -> Verdict:
        repo = repository(key) if key is not None else None
        if not repo:
            return Verdict(
                Liveness.UNKNOWN, "a deploy key is checked in its repository; none given"
            )
        public = deploy_public_key(secret)
        if public is None:
            return Verdict(Liveness.UNKNOWN, "not a readable private key (encrypted or garbled)")
        try:
            listed = self.listed(repo)
        except (TransientError, PermanentError) as error:
            # A failing listing (the admin token, a 5xx, a 404 for a repository the token may
            # not see) says nothing about the deploy key itself.
            return Verdict(Liveness.UNKNOWN, f"could not read {repo}'s deploy keys: {error}")
        for item in listed:
            if _public_key_of(item) == public:
                identity = f"{repo} deploy key {item.get('id')}"
                return Verdict(Liveness.LIVE, f"{repo} lists the key", identity)
        return Verdict(Liveness.DEAD, f"{repo} no longer lists the key")

    def reissue(self, key: KeyRef, token: str) -> NewCredential:
        repo = repository(key)
        if not repo:
            raise PermanentError(
                "GitHub: a deploy key needs its repository; register it with "
                "--attribute repository=OWNER/REPO (or as the account)"
            )
        title = f"{TITLE_PREFIX}{token[:60]}"
        listed = self.listed(repo)
        for item in listed:
            if item.get("title") == title:
                # An earlier attempt uploaded this key and lost its private half: retire it.
                self.delete(repo, str(item.get("id")))
        settings = key.settings if key.settings is not None else _settings_of(listed, key.key_id)
        read_only = _is_read_only(settings, key)
        private, public = deploy_keypair(title)
        created = call(
            self._client,
            "POST",
            self._url("deploy_keys", repo=repo),
            what="add deploy key",
            slow_down=rate_limit_error,
            headers=self._admin(),
            json={"title": title, "key": public, "read_only": read_only},
        )
        body = json_object(expect(created, "add deploy key", 201), "add deploy key")
        return NewCredential(
            secret=private,
            key_id=field(body, "id", "add deploy key"),
            extra_public=(("public_key", public),),
        )

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The key's access (`read_only`); None when its repository no longer lists it."""
        repo = repository(key)
        return _settings_of(self.listed(repo), key.key_id) if repo else None

    def delete(self, repo: str, key_id: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("deploy_key", repo=repo, key_id=key_id),
            what="delete deploy key",
            slow_down=rate_limit_error,
            headers=self._admin(),
        )
        expect(response, "delete deploy key", 204, 404)

    def refs(self, repo: str) -> list[KeyRef]:
        return [
            KeyRef(
                "github",
                optional_field(item, "id"),
                repo,
                hint=optional_field(item, "title"),
                attributes=(
                    ("kind", "deploy_key"),
                    ("read_only", "false" if item.get("read_only") is False else "true"),
                    *token_attributes(item.get("title"), TITLE_PREFIX),
                ),
            )
            for item in self.listed(repo)
        ]
