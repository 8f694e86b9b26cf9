"""Fake Twilio: the 2010 Account resource (api.twilio.com) and the v1 Key resource
(iam.twilio.com) on one server.

Stage: tests (rotators). Follows twilio.com/docs/iam/api-keys/key-resource-v1: HTTP Basic auth,
form-encoded create with AccountSid, FriendlyName and (for a Restricted key) KeyType=restricted
and a JSON Policy, a key's `policy` on fetch and list, the secret returned only on create, 204 on
delete, `{"keys": [...], "meta": {...}}` lists paged by `PageSize`/`Page` with an absolute
`next_page_url`, and 401 bodies with error code 20003. Only the
Auth Token may manage keys (Standard keys get 401 there, like the real API).
"""

from __future__ import annotations

import json
import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply

_AUTH = Reply(
    401,
    {
        "code": 20003,
        "message": "Authenticate",
        "status": 401,
        "more_info": "https://www.twilio.com/docs/errors/20003",
    },
)


class FakeTwilio(FakeServer):
    ACCOUNT = "AC" + "0" * 32

    def __init__(self) -> None:
        super().__init__()
        self.auth_token = secrets.token_hex(16)
        self.keys: dict[str, dict[str, object]] = {}
        # Where `next_page_url` points (None: this server); a test may move it to another host.
        self.next_page_host: str | None = None
        self.route("GET", r"/2010-04-01/Accounts/(?P<sid>AC\w+)\.json", self._account)
        self.route("GET", r"/v1/Keys", self._list)
        self.route("POST", r"/v1/Keys", self._create)
        self.route("GET", r"/v1/Keys/(?P<sid>SK\w+)", self._get)
        self.route("DELETE", r"/v1/Keys/(?P<sid>SK\w+)", self._delete)

    def add_key(
        self, name: str = "app", policy: dict[str, object] | None = None
    ) -> tuple[str, str]:
        """A Standard key, or a Restricted one when `policy` is given."""
        sid, secret = "SK" + secrets.token_hex(16), secrets.token_urlsafe(24)
        self.keys[sid] = {"sid": sid, "friendly_name": name, "secret": secret, "policy": policy}
        return sid, secret

    def _public(self, key: dict[str, object]) -> dict[str, object]:
        return {"sid": key["sid"], "friendly_name": key["friendly_name"], "policy": key["policy"]}

    def _get(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_owner(request):
            return _AUTH
        key = self.keys.get(match.group("sid"))
        if key is None:
            return Reply(404, {"code": 20404, "message": "not found", "status": 404})
        return Reply(200, self._public(key))

    def _is_owner(self, request: FakeRequest) -> bool:
        return request.basic() == (self.ACCOUNT, self.auth_token)

    def _account(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        creds = request.basic()
        key = self.keys.get(creds[0]) if creds else None
        if not self._is_owner(request) and (
            key is None or creds is None or key["secret"] != creds[1]
        ):
            return _AUTH
        if match.group("sid") != self.ACCOUNT:
            return Reply(404, {"code": 20404, "message": "not found", "status": 404})
        return Reply(200, {"sid": self.ACCOUNT, "status": "active"})

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        """Pages as Twilio's lists do: `PageSize` (default 50, at most 1000), `Page` and an
        absolute `next_page_url` on this host, null on the last page."""
        if not self._is_owner(request):
            return _AUTH
        size = min(int(request.query.get("PageSize", "50")), 1000)
        page = int(request.query.get("Page", "0"))
        public = [self._public(k) for k in self.keys.values()]
        shown = public[page * size : (page + 1) * size]
        query = f"AccountSid={request.query.get('AccountSid', '')}&PageSize={size}"
        following = None
        if (page + 1) * size < len(public):
            token = f"PA{page + 1}"
            host = self.next_page_host or self.url
            following = f"{host}/v1/Keys?{query}&Page={page + 1}&PageToken={token}"
        meta = {
            "page": page,
            "page_size": size,
            "first_page_url": f"{self.url}/v1/Keys?{query}&Page=0",
            "previous_page_url": None,
            "url": f"{self.url}/v1/Keys?{query}&Page={page}",
            "next_page_url": following,
            "key": "keys",
        }
        return Reply(200, {"keys": shown, "meta": meta})

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_owner(request):
            return _AUTH
        form = request.form()
        if form.get("AccountSid") != self.ACCOUNT:
            return Reply(400, {"code": 20001, "message": "AccountSid is required", "status": 400})
        policy = None
        if form.get("KeyType") == "restricted":
            if "Policy" not in form:
                return Reply(400, {"code": 20001, "message": "Policy is required", "status": 400})
            policy = json.loads(form["Policy"])
        sid, secret = self.add_key(form.get("FriendlyName", ""), policy)
        return Reply(
            201,
            {
                "sid": sid,
                "friendly_name": form.get("FriendlyName"),
                "secret": secret,
                "date_created": "Sun, 22 Nov 2026 22:00:00 +0000",
            },
        )

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        if not self._is_owner(request):
            return _AUTH
        if self.keys.pop(match.group("sid"), None) is None:
            return Reply(404, {"code": 20404, "message": "not found", "status": 404})
        return Reply(204)
