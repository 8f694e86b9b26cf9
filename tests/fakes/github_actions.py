"""A fake GitHub REST API for Actions secrets: public keys and sealed-box PUTs, on 127.0.0.1.

Stage: tests (stores, notifiers). Follows docs.github.com/rest/actions/secrets: each scope
(repository, environment, organization) has its own Curve25519 public key; PUT takes
`{encrypted_value, key_id}` and answers 201 (created) or 204 (updated). The fake holds the
private keys, so tests can open what was sent. An organization secret's PUT needs a
`visibility`; `selected_repository_ids` (only with "selected") replaces the list of
repositories that may read it, which `GET …/secrets/{name}/repositories` lists 30 a page
(`per_page` up to 100, `page`, `total_count`). Environment names arrive URL-encoded (the
docs: "any slashes in the name must be replaced with %2F"). `GET /repos/{o}/{r}` gives a
repository's id. Also `POST /repos/{o}/{r}/issues` for the GitHub-issue notifier.
"""

from __future__ import annotations

import base64
import re

from nacl.public import PrivateKey, SealedBox

from tests.fakes.github import GitHubFakeServer, github_error
from tests.fakes.github_objects import (
    CREATED,
    UPDATED,
    full_repository,
    issue,
    minimal_repository,
)
from tests.fakes.server import FakeRequest, Reply

TOKEN = "ghp_fakeAdminToken000000000000000000000"


def _ids(stored: dict[str, object]) -> list[int]:
    listed = stored.get("selected_repository_ids")
    return [int(i) for i in listed] if isinstance(listed, list) else []


class FakeGitHubActions(GitHubFakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.private_keys: dict[str, PrivateKey] = {}
        # scope path -> secret name -> (key_id, encrypted_value, extra fields)
        self.secrets: dict[str, dict[str, dict[str, object]]] = {}
        self.issues: list[dict[str, object]] = []
        self.repository_ids: dict[str, int] = {}  # "owner/repo" -> id
        scopes = (
            r"/repos/[^/]+/[^/]+/actions/secrets",
            r"/repos/[^/]+/[^/]+/environments/[^/]+/secrets",
            r"/orgs/[^/]+/actions/secrets",
        )
        for scope in scopes:
            self.route("GET", f"(?P<scope>{scope})/public-key", self._public_key)
            self.route("PUT", f"(?P<scope>{scope})/(?P<name>[A-Za-z0-9_]+)", self._put)
            self.route("GET", f"(?P<scope>{scope})/(?P<name>[A-Za-z0-9_]+)", self._get)
        self.route(
            "GET",
            r"/orgs/[^/]+/actions/secrets/(?P<name>[A-Za-z0-9_]+)/repositories",
            self._selected,
        )
        self.route("GET", r"/repos/(?P<repo>[^/]+/[^/]+)", self._repository)
        self.route("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/issues", self._create_issue)
        self.route("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues", self._list_issues)

    def opened(self, scope: str, name: str) -> str:
        """The plaintext of a stored secret, decrypted with the scope's private key."""
        with self.lock:
            stored = self.secrets[scope][name]
        sealed = base64.b64decode(str(stored["encrypted_value"]))
        return SealedBox(self.private_keys[scope]).decrypt(sealed).decode()

    def add_repository(self, full_name: str) -> int:
        return self.repository_ids.setdefault(full_name, 500_000 + len(self.repository_ids))

    def selected_ids(self, org: str, name: str) -> list[int]:
        return _ids(self.secrets[f"/orgs/{org}/actions/secrets"][name])

    def _authorised(self, request: FakeRequest) -> bool:
        return request.bearer() == TOKEN

    def _key(self, scope: str) -> PrivateKey:
        if scope not in self.private_keys:
            self.private_keys[scope] = PrivateKey.generate()
        return self.private_keys[scope]

    def _key_id(self, scope: str) -> str:
        return f"kid-{abs(hash(scope)) % 10**8}"

    def _public_key(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._authorised(request):
            return github_error(401, "Bad credentials")
        public = bytes(self._key(match["scope"]).public_key)
        return Reply(
            200, {"key_id": self._key_id(match["scope"]), "key": base64.b64encode(public).decode()}
        )

    def _put(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._authorised(request):
            return github_error(401, "Bad credentials")
        body = request.json()
        scope = match["scope"]
        if body.get("key_id") != self._key_id(scope) or "encrypted_value" not in body:
            return github_error(422, "Invalid request")
        if scope.startswith("/orgs/") and body.get("visibility") not in (
            "all",
            "private",
            "selected",
        ):
            return github_error(422, "visibility is required")
        if "selected_repository_ids" in body and body.get("visibility") != "selected":
            return github_error(422, "repository ids need visibility 'selected'")
        existed = match["name"] in self.secrets.get(scope, {})
        stored = dict(body)
        if body.get("visibility") == "selected":
            stored["selected_repository_ids"] = _ids(body)
        self.secrets.setdefault(scope, {})[match["name"]] = stored
        # Created: 201 with an empty JSON object; updated: 204 with no body.
        return Reply(204) if existed else Reply(201, {})

    def _selected(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._authorised(request):
            return github_error(401, "Bad credentials")
        scope = request.path.rsplit("/", 2)[0]
        stored = self.secrets.get(scope, {}).get(match["name"])
        if stored is None:
            return github_error(404, "Not Found")
        ids = _ids(stored)
        per_page = min(int(request.query.get("per_page", "30")), 100)
        page = int(request.query.get("page", "1"))
        names = {i: n for n, i in self.repository_ids.items()}
        shown = [
            minimal_repository(self.url, names.get(i, f"octo/r{i}"), i)
            for i in ids[(page - 1) * per_page : page * per_page]
        ]
        return Reply(200, {"total_count": len(ids), "repositories": shown})

    def _repository(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._authorised(request):
            return github_error(401, "Bad credentials")
        found = self.repository_ids.get(match["repo"])
        if found is None:
            return github_error(404, "Not Found")
        return Reply(200, full_repository(self.url, match["repo"], found))

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        stored = self.secrets.get(match["scope"], {}).get(match["name"])
        if stored is None:
            return github_error(404, "Not Found")
        answer = {"name": match["name"], "created_at": CREATED, "updated_at": UPDATED}
        if "visibility" in stored:
            answer["visibility"] = str(stored["visibility"])
        if stored.get("visibility") == "selected":
            answer["selected_repositories_url"] = f"{self.url}{request.path}/repositories"
        return Reply(200, answer)

    def _create_issue(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._authorised(request):
            return github_error(401, "Bad credentials")
        stored = {**request.json(), "number": len(self.issues) + 1, "repo": match["repo"]}
        stored["state"] = "open"
        self.issues.append(stored)
        return Reply(201, issue(self.url, match["repo"], stored))

    def _list_issues(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        label = request.query.get("labels")
        found = [
            i
            for i in reversed(self.issues)  # GitHub's default order: created, newest first
            if i["repo"] == match["repo"] and (label is None or label in i.get("labels", []))
        ]
        per_page = min(int(request.query.get("per_page", "30")), 100)
        page = int(request.query.get("page", "1"))
        headers = {}
        if page * per_page < len(found):
            following = f"{self.url}{request.path}?labels={label or ''}&state=all"
            headers["link"] = f'<{following}&per_page={per_page}&page={page + 1}>; rel="next"'
        shown = found[(page - 1) * per_page : page * per_page]
        return Reply(200, [issue(self.url, match["repo"], i) for i in shown], headers)
