"""Fake PyPI upload endpoint (POST /legacy/) as the token probe sees it.

Stage: tests (rotators). Warehouse authenticates before it validates an upload: an unknown token
gets 403 "Invalid or non-existent authentication information."; a valid token with an empty
form gets 400. Nothing is ever stored.
"""

from __future__ import annotations

import re
import secrets

from tests.fakes.server import FakeRequest, FakeServer, Reply


class FakePyPI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self.uploads = 0
        self.route("POST", r"/legacy/", self._upload)

    def add_token(self) -> str:
        value = "pypi-AgEIcHlwaS5vcmc" + secrets.token_urlsafe(60)
        self.tokens.add(value)
        return value

    def _upload(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        creds = request.basic()
        if creds is None or creds[0] != "__token__" or creds[1] not in self.tokens:
            return Reply(403, {"message": "Invalid or non-existent authentication information."})
        form = request.form()
        if not form.get("name") or not form.get("version") or not form.get("content"):
            return Reply(400, {"message": "Invalid value for name. Error: This field is required."})
        self.uploads += 1
        return Reply(200, {})
