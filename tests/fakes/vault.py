"""A fake HashiCorp Vault KV version 2 server on 127.0.0.1 with check-and-set semantics.

Stage: tests (stores). Implements `GET` and `POST /v1/{mount}/data/{path}` as documented
(developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2): versions count up from 1, `options.cas`
must equal the current version (0: only if absent), and a mount may require cas on every write.
"""

from __future__ import annotations

import re

from tests.fakes.server import FakeRequest, FakeServer, Reply

TOKEN = "hvs.test-root-token"


class FakeVault(FakeServer):
    def __init__(self, *, cas_required: bool = True) -> None:
        super().__init__()
        self.cas_required = cas_required
        # (mount, path) -> list of versions' data; version n is index n-1.
        self.secrets: dict[tuple[str, str], list[dict[str, object]]] = {}
        self.route("GET", r"/v1/(?P<mount>[^/]+)/data/(?P<path>.+)", self._read_secret)
        self.route("POST", r"/v1/(?P<mount>[^/]+)/data/(?P<path>.+)", self._write_secret)
        self.route("PUT", r"/v1/(?P<mount>[^/]+)/data/(?P<path>.+)", self._write_secret)

    def current(self, mount: str, path: str) -> dict[str, object]:
        with self.lock:
            return dict(self.secrets[(mount, path)][-1])

    def _denied(self, request: FakeRequest) -> Reply | None:
        if request.headers.get("x-vault-token") != TOKEN:
            return Reply(403, {"errors": ["permission denied"]})
        return None

    def _read_secret(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        versions = self.secrets.get((match["mount"], match["path"]))
        if not versions:
            return Reply(404, {"errors": []})
        return Reply(
            200,
            {"data": {"data": versions[-1], "metadata": {"version": len(versions)}}},
        )

    def _write_secret(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        body = request.json()
        options = body.get("options") or {}
        assert isinstance(options, dict)
        versions = self.secrets.setdefault((match["mount"], match["path"]), [])
        cas = options.get("cas")
        if cas is None and self.cas_required:
            return Reply(400, {"errors": ["check-and-set parameter required for this call"]})
        if cas is not None and cas != len(versions):
            return Reply(
                400, {"errors": ["check-and-set parameter did not match the current version"]}
            )
        data = body.get("data")
        assert isinstance(data, dict)
        versions.append(dict(data))
        return Reply(200, {"data": {"version": len(versions)}})
