"""Fake GitHub REST API: /user, installation tokens, App JWT minting, credential revocation,
deploy keys.

Stage: tests (rotators). Follows docs.github.com/rest: `Bad credentials` 401 bodies, installation
tokens refused on /user with 403, `DELETE /installation/token` 204, `POST
/app/installations/{id}/access_tokens` 201 authenticated by an RS256 App JWT, `POST
/credentials/revoke` that always answers 202 (and 403 when called authenticated on github.com),
deploy keys under /repos/{owner}/{repo}/keys: listed 30 a page (`per_page` up to 100, `page`,
a `Link` header to the next page), each `key` the OpenSSH public line without its comment, a key
that is not an OpenSSH public key or is already in use anywhere refused with 422.
`enterprise=True` models GHES (authenticated revocation of ghp_/github_pat_ only, the API
also under /api/v3).
`limit_next` makes the next requests to a path answer as GitHub does past a rate limit
(docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api): 403 or 429 with
`x-ratelimit-remaining: 0` and the reset time for the primary limit, or the secondary-limit
message, with or without `retry-after`. `GitHubFakeServer` gives FakeGitHubActions the same.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass, field, replace

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from tests.fakes.github_objects import full_repository, public_user
from tests.fakes.server import FakeRequest, FakeServer, Reply

RATE_LIMITS_DOC = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
DOCS = "https://docs.github.com/rest"


def github_error(status: int, message: str) -> Reply:
    """GitHub's error body (`basic-error`): the status travels again, as a string."""
    return Reply(status, {"message": message, "documentation_url": DOCS, "status": str(status)})


_BAD = github_error(401, "Bad credentials")


@dataclass
class Token:
    value: str
    kind: str  # pat | oauth | installation | admin
    login: str
    revoked: bool = False
    installation_id: str | None = None


@dataclass
class RateLimit:
    path: str  # a prefix of the request path
    secondary: bool  # a secondary limit, else the primary (hourly) one
    status: int  # 403 or 429: GitHub documents both
    retry_after: str | None
    method: str | None = None  # only requests with this method count
    remaining: int = 1
    reset_in: int = 1800  # seconds from now to x-ratelimit-reset (primary)
    served: list[str] = field(default_factory=list)

    def reply(self) -> Reply:
        reset = str(int(time.time()) + self.reset_in)
        headers = {"x-ratelimit-limit": "5000", "x-ratelimit-reset": reset}
        if self.secondary:
            message = (
                "You have exceeded a secondary rate limit. Please wait a few minutes before "
                "you try again."
            )
            headers["x-ratelimit-remaining"] = "4990"
        else:
            message = "API rate limit exceeded for user ID 1."
            headers |= {"x-ratelimit-remaining": "0", "x-ratelimit-used": "5000"}
        if self.retry_after is not None:
            headers["retry-after"] = self.retry_after
        return Reply(
            self.status, {"message": message, "documentation_url": RATE_LIMITS_DOC}, headers
        )


class GitHubFakeServer(FakeServer):
    """A FakeServer whose routes can be put behind GitHub's rate-limit answers."""

    def __init__(self) -> None:
        super().__init__()
        self._limits: list[RateLimit] = []

    def limit_next(
        self,
        path: str,
        *,
        secondary: bool = False,
        status: int = 403,
        retry_after: str | None = None,
        method: str | None = None,
        times: int = 1,
    ) -> RateLimit:
        limit = RateLimit(path, secondary, status, retry_after, method, times)
        with self.lock:
            self._limits.append(limit)
        return limit

    def _route(self, request: FakeRequest) -> Reply:
        with self.lock:
            for limit in self._limits:
                if (
                    limit.remaining > 0
                    and limit.method in (None, request.method)
                    and request.path.startswith(limit.path)
                ):
                    limit.remaining -= 1
                    limit.served.append(f"{request.method} {request.path}")
                    return limit.reply()
        return super()._route(request)


def _invalid(message: str) -> Reply:
    error = {"resource": "PublicKey", "code": "custom", "field": "key", "message": message}
    body = {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}
    return Reply(422, {**body, "status": "422"})


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeGitHub(GitHubFakeServer):
    APP_ID = "314159"
    # GHES serves the REST API under https://HOST/api/v3; the enterprise fake answers there
    # too, and at its root as before.
    ENTERPRISE_PREFIX = "/api/v3"

    def __init__(self, *, enterprise: bool = False) -> None:
        super().__init__()
        self.enterprise = enterprise
        self.tokens: dict[str, Token] = {}
        self.deploy_keys: dict[str, dict[int, dict[str, object]]] = {}
        # installation id -> the repositories ("owner/repo") the App was installed on
        self.installation_repositories: dict[str, list[str]] = {}
        self._next_key = 1000
        self.app_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.admin_token = self.add_token("admin", login="octo-admin")
        self.route("GET", r"/user", self._user)
        self.route("GET", r"/installation/repositories", self._installation_repos)
        self.route("DELETE", r"/installation/token", self._revoke_installation)
        self.route("POST", r"/app/installations/(?P<id>\d+)/access_tokens", self._mint)
        self.route("POST", r"/credentials/revoke", self._credentials_revoke)
        self.route("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/keys", self._list_keys)
        self.route("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/keys", self._add_key)
        self.route("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/keys/(?P<id>\d+)", self._get_key)
        self.route("DELETE", r"/repos/(?P<repo>[^/]+/[^/]+)/keys/(?P<id>\d+)", self._delete_key)

    def _route(self, request: FakeRequest) -> Reply:
        if self.enterprise and request.path.startswith(self.ENTERPRISE_PREFIX + "/"):
            request = replace(request, path=request.path.removeprefix(self.ENTERPRISE_PREFIX))
        return super()._route(request)

    # --- test helpers -------------------------------------------------------------------
    def add_token(
        self, kind: str, *, login: str = "octocat", installation: str | None = None
    ) -> str:
        prefix = {"pat": "ghp_", "oauth": "gho_", "installation": "ghs_", "admin": "ghp_"}[kind]
        value = prefix + secrets.token_hex(18)
        self.tokens[value] = Token(value, kind, login, installation_id=installation)
        return value

    def app_private_key_pem(self) -> str:
        return self.app_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def add_deploy_key(self, repo: str, title: str, read_only: bool = False) -> int:
        return self.add_deploy_keypair(repo, title, read_only)[0]

    def add_deploy_keypair(self, repo: str, title: str, read_only: bool = False) -> tuple[int, str]:
        """A deploy key made as `ssh-keygen -t ed25519` would: its id and private key (PEM)."""
        private = ed25519.Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        item = self._store_key(repo, title, f"{public.decode()} {title}", read_only)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        return int(str(item["id"])), pem.decode()

    def public_keys(self, repo: str) -> set[str]:
        """The public lines of `repo`'s deploy keys, as GitHub lists them."""
        return {str(item["key"]) for item in self.deploy_keys.get(repo, {}).values()}

    def _store_key(self, repo: str, title: str, line: str, read_only: bool) -> dict[str, object]:
        self._next_key += 1
        kind, blob = line.split()[:2]
        item: dict[str, object] = {
            "id": self._next_key,
            "key": f"{kind} {blob}",  # GitHub keeps the type and key, never the comment
            "url": f"{self.url}/repos/{repo}/keys/{self._next_key}",
            "title": title,
            "verified": True,
            "created_at": "2026-11-01T12:00:00Z",
            "read_only": read_only,
            "added_by": "octo-admin",
            "last_used": None,
            "enabled": True,
        }
        self.deploy_keys.setdefault(repo, {})[self._next_key] = item
        return item

    def live(self, kind: str) -> list[Token]:
        return [t for t in self.tokens.values() if t.kind == kind and not t.revoked]

    # --- auth ---------------------------------------------------------------------------
    def _caller(self, request: FakeRequest) -> Token | None:
        token = self.tokens.get(request.bearer() or "")
        return token if token is not None and not token.revoked else None

    def _app_jwt_ok(self, request: FakeRequest) -> bool:
        try:
            head, body, signature = (request.bearer() or "").split(".")
            self.app_key.public_key().verify(
                _unb64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
            claims = json.loads(_unb64(body))
        except (ValueError, InvalidSignature):
            return False
        now = time.time()
        lifetime_ok = claims["exp"] - claims["iat"] <= 600
        return claims["iss"] == self.APP_ID and claims["iat"] <= now < claims["exp"] and lifetime_ok

    # --- routes -------------------------------------------------------------------------
    def _user(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _BAD
        if caller.kind == "installation":
            return github_error(403, "Resource not accessible by integration")
        # Without the `user` scope GitHub shows the public profile.
        body = public_user(self.url, caller.login, 1)
        return Reply(200, body, {"x-oauth-scopes": "repo"})

    def _installation_repos(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None:
            return _BAD
        if caller.kind != "installation":
            return github_error(403, "You must authenticate with an installation token")
        names = self.installation_repositories.get(caller.installation_id or "", [])
        # GitHub's `repository` here: the full object with the deprecated `has_downloads`.
        shown = [
            {**full_repository(self.url, name, 600_000 + n), "has_downloads": True}
            for n, name in enumerate(names)
        ]
        return Reply(200, {"total_count": len(shown), "repositories": shown})

    def _revoke_installation(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        caller = self._caller(request)
        if caller is None or caller.kind != "installation":
            return _BAD
        caller.revoked = True
        return Reply(204)

    def _mint(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._app_jwt_ok(request):
            return github_error(401, "A JSON web token could not be decoded")
        value = self.add_token("installation", login="app[bot]", installation=match.group("id"))
        # Installation tokens expire an hour after they are minted.
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return Reply(201, {"token": value, "expires_at": expires})

    def _credentials_revoke(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        authenticated = "authorization" in request.headers
        if self.enterprise and self._caller(request) is None:
            return _BAD
        if not self.enterprise and authenticated:
            return github_error(403, "Must not be authenticated")
        credentials = request.json().get("credentials")
        if not isinstance(credentials, list) or not 1 <= len(credentials) <= 1000:
            return Reply(422, {"message": "Validation Failed", "documentation_url": DOCS})
        prefixes = ("ghp_", "github_pat_") if self.enterprise else ("ghp_", "github_pat_", "gho_")
        for value in credentials:
            token = self.tokens.get(str(value))
            if token is not None and token.value.startswith(prefixes):
                token.revoked = True
        return Reply(202, {})  # whatever happened

    def _repo_keys(self, request: FakeRequest, repo: str) -> dict[int, dict[str, object]] | None:
        caller = self._caller(request)
        if caller is None or caller.kind != "admin":
            return None
        return self.deploy_keys.setdefault(repo, {})

    def _list_keys(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        keys = self._repo_keys(request, match.group("repo"))
        if keys is None:
            return _BAD
        # docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
        per_page = min(int(request.query.get("per_page", "30")), 100)
        page = int(request.query.get("page", "1"))
        items = list(keys.values())
        headers = {}
        if page * per_page < len(items):
            following = f"{self.url}{request.path}?per_page={per_page}&page={page + 1}"
            headers["link"] = f'<{following}>; rel="next"'
        return Reply(200, items[(page - 1) * per_page : page * per_page], headers)

    def _add_key(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        keys = self._repo_keys(request, match.group("repo"))
        if keys is None:
            return _BAD
        body = request.json()
        line = str(body.get("key", ""))
        try:
            serialization.load_ssh_public_key(line.encode())
        except (ValueError, UnsupportedAlgorithm):
            return _invalid("key is invalid. You must supply a key in OpenSSH public key format")
        in_use = {str(k["key"]) for repo in self.deploy_keys.values() for k in repo.values()}
        if " ".join(line.split()[:2]) in in_use:
            return _invalid("key is already in use")
        read_only = body.get("read_only", False) is True
        item = self._store_key(match.group("repo"), str(body.get("title", "")), line, read_only)
        return Reply(201, item)

    def _get_key(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        keys = self._repo_keys(request, match.group("repo"))
        if keys is None:
            return _BAD
        item = keys.get(int(match.group("id")))
        return Reply(200, item) if item else github_error(404, "Not Found")

    def _delete_key(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        keys = self._repo_keys(request, match.group("repo"))
        if keys is None:
            return _BAD
        if keys.pop(int(match.group("id")), None) is None:
            return github_error(404, "Not Found")
        return Reply(204)
