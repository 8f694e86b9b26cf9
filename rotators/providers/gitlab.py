"""GitLab personal, project and group access tokens: verify, rotate, revoke.

Stage: rotators. GitLab's rotate endpoint revokes the old token and returns the new one in one
call, so reissue *is* revoke here: deliver the new value immediately. GitLab also detects reuse:
rotating a token that was already rotated revokes the whole token family, so reissue first reads
the token and refuses to rotate one that is no longer active (a retry after a lost answer would
otherwise kill the replacement too).

A `KeyRef` names the token by id; `attribute("kind")` is "personal" (default), "project" or
"group", and for the latter two `attribute("project_id")` / `attribute("group_id")` (else
`account`) is the project or group id or path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Self
from urllib.parse import quote

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    NewCredential,
    PermanentError,
    Settings,
    TransientError,
    Unrecorded,
    Verdict,
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_list,
    json_object,
    optional_field,
    probe,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.liveness_rules import read_verdict

FACTS_GITLAB = FACTS["gitlab"]
KINDS = ("personal", "project", "group")
# GitLab's largest page (docs.gitlab.com/ee/api/rest/#pagination), and pages read before giving
# up: 10,000 tokens, far more than one user, project or group holds.
PER_PAGE = 100
MAX_PAGES = 100


def _is_inactive(record: Mapping[str, object] | None) -> bool:
    """GitLab no longer knows the token (None), or its record says revoked or inactive."""
    return record is None or bool(record.get("revoked")) or record.get("active") is False


class GitLabRotator(HttpRotator):
    provider: ClassVar[str] = "gitlab"
    capability: ClassVar[Capability] = Capability.FULL
    # The rotate endpoint revokes the old token as it issues the new one.
    rotates_in_place: ClassVar[bool] = True
    facts = FACTS_GITLAB
    admin_missing = "GitLab: no admin token configured; set one in the settings"

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_token: Secret | None = None,
        base_url: str = FACTS_GITLAB.base_url,
        expires_in_days: int | None = 30,
    ) -> None:
        super().__init__(client, admin_key=admin_token, base_url=base_url)
        # GitLab's default for a rotated token is one week; say what we want explicitly.
        self._expires_in_days = expires_in_days

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        return cls(client, admin_token=admin, base_url=base_url)

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        facts = self.facts
        answer = probe(
            self._client, "GET", self._url("self"), headers=facts.key_auth.headers(secret)
        )
        ident = None
        if isinstance(answer, httpx.Response) and answer.status_code == 200:
            with contextlib.suppress(ValueError):
                body = answer.json()
                if isinstance(body, dict):
                    user, token = body.get("user_id"), body.get("id")
                    ident = f"user {user} token {token} ({body.get('name')})"
        return read_verdict(answer, facts.liveness, identity=ident)

    def _paths(self, key: KeyRef, action: str) -> str:
        kind = key.attribute("kind") or "personal"
        if kind not in KINDS:
            raise PermanentError(f"GitLab: unknown token kind {kind!r}")
        if not key.key_id:
            raise PermanentError("GitLab: the token id is unknown; import it with list_keys")
        if kind == "personal":
            url = self._url("personal_revoke", token_id=key.key_id)
            return url + "/rotate" if action == "rotate" else url
        parent = key.attribute(f"{kind}_id") or key.account
        if not parent:
            raise PermanentError(
                f"GitLab: a {kind} token needs its {kind} id; register it with "
                f"--attribute {kind}_id=ID (or as the account)"
            )
        return self._url(f"{kind}_{action}", parent=parent, token_id=key.key_id)

    def _read(self, key: KeyRef) -> Mapping[str, object] | None:
        """The token's record, or None when GitLab no longer knows it."""
        response = call(
            self._client,
            "GET",
            self._paths(key, "revoke"),
            what="read token",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return None
        return json_object(expect(response, "read token", 200), "read token")

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        if _is_inactive(self._read(key)):
            raise PermanentError(
                "GitLab: the token is no longer active, so it was rotated or revoked already; "
                "rotating it again would trigger GitLab's reuse detection and revoke the "
                "replacement too. Use the stored replacement, or mint one by hand."
            )
        body: dict[str, object] = {}
        if self._expires_in_days is not None:
            expires = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=self._expires_in_days)
            body["expires_at"] = expires.isoformat()
        response = call(
            self._client,
            "POST",
            self._paths(key, "rotate"),
            what="rotate token",
            headers=self._admin(),
            json=body,
        )
        created = json_object(expect(response, "rotate token", 200, 201), "rotate token")
        return NewCredential(
            secret=Secret(field(created, "token", "rotate token")),
            key_id=field(created, "id", "rotate token"),
            expires_at=optional_field(created, "expires_at"),
            extra_public=(("kind", key.attribute("kind") or "personal"),),
        )

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        response = call(
            self._client,
            "DELETE",
            self._paths(key, "revoke"),
            what="revoke token",
            headers=self._admin(),
        )
        # 404: already gone. 400 is GitLab's "the revoke service refused": not revoked. It is
        # also what some versions answer for a token revoked earlier, so read the token: only
        # its record saying revoked counts (a non-admin gets 404 for others' tokens).
        if expect(response, "revoke token", 204, 200, 404, 400).status_code != 400:
            return
        record = self._read(key)
        if record is None or not _is_inactive(record):
            kind = key.attribute("kind") or "personal"
            raise PermanentError(
                f"GitLab refused to revoke {kind} access token {key.key_id} (400) and does not "
                "report it revoked: the configured token must belong to an administrator or "
                "the token's owner (for a project or group token, an Owner of it). "
                + self.manual_steps(key)
            )

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # rotating keeps the token's scopes itself

    def contain(self, key: KeyRef) -> bool:
        return False  # GitLab has no reversible disable for access tokens

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The token a lost rotate answer created: the rotated token is revoked, and its
        successor is the active token of the same owner (a project or group token's bot user)
        with the same name and scopes and a later id. GitLab's rotate takes no name or tag, so
        the revoked original is what points at it."""
        record = self._read(key)
        if record is None or not _is_inactive(record) or not (key.key_id or "").isdigit():
            return Unrecorded()  # never rotated (the attempt did not get through) or unknown
        kind = key.attribute("kind") or "personal"
        parent = key.attribute(f"{kind}_id") or key.account
        if kind == "personal":  # an administrator sees every user's: ask for the owner's
            owner = str(record.get("user_id", ""))
            listed = self._listed(self._url("personal_list"), user_id=owner)
        else:
            where = f"{self._base}/api/v4/{kind}s/{quote(str(parent), safe='')}/access_tokens"
            listed = self._listed(where)
        same = ("name", "user_id", "scopes")
        later = {
            int(token_id): item
            for item in listed
            if (token_id := optional_field(item, "id")) is not None
            and token_id.isdigit()
            and int(token_id) > int(str(key.key_id))
            and not _is_inactive(item)
            and all(item.get(name) == record.get(name) for name in same)
        }
        successors = [later[token_id] for token_id in sorted(later)]
        return Unrecorded(
            tuple(
                KeyRef("gitlab", optional_field(item, "id"), key.account, attributes=key.attributes)
                for item in successors[:1]  # the first later one: any after it is someone else's
            )
        )

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        """Active personal tokens the admin can see; account "projects/<id>" or "groups/<id>"
        for a project's or group's tokens instead."""
        if account is None:
            url, kind, parent = self._url("personal_list"), "personal", None
        else:
            kind_plural, _, parent = account.partition("/")
            kind = kind_plural.rstrip("s")
            if kind not in ("project", "group") or not parent:
                raise PermanentError("GitLab: account must be 'projects/<id>' or 'groups/<id>'")
            url = f"{self._base}/api/v4/{kind_plural}/{quote(parent, safe='')}/access_tokens"
        return [
            KeyRef(
                "gitlab",
                optional_field(item, "id"),
                parent if parent else optional_field(item, "user_id"),
                hint=optional_field(item, "name"),
                attributes=(("kind", kind),),
            )
            for item in self._listed(url)
            if not _is_inactive(item)  # GitLab before 17.2 ignores `state` on these lists
        ]

    def _listed(self, url: str, **filters: str) -> list[dict[str, object]]:
        """Every active token at `url`, page by page: GitLab lists revoked and expired tokens
        too unless asked for `state=active` (project and group lists since GitLab 17.2)."""
        items: list[dict[str, object]] = []
        page = "1"
        for _ in range(MAX_PAGES):
            params = {"state": "active", "per_page": str(PER_PAGE), "page": page, **filters}
            response = call(
                self._client, "GET", url, what="list tokens", headers=self._admin(), params=params
            )
            items += json_list(expect(response, "list tokens", 200), "list tokens")
            # Offset pagination: the next page number, empty on the last page. It stays on
            # this host by construction, which matters as the admin token goes with each page.
            page = response.headers.get("x-next-page", "").strip()
            if not page:
                return items
        raise TransientError(f"list tokens: more than {MAX_PAGES} pages of {PER_PAGE}")

    def manual_steps(self, key: KeyRef) -> str:
        kind = key.attribute("kind") or "personal"
        where = (
            FACTS_GITLAB.console_url
            if kind == "personal"
            else f"the {kind}'s Settings > Access tokens page"
        )
        return (
            f"Revoke GitLab {kind} access token {key.key_id or key.hint or '(unknown id)'} at "
            f"{where}, create a replacement with the same scopes and a short expiry, and update "
            "every consumer. GitLab's rotate API does this in one step for tokens it can reach."
        )
