"""A synchronous client for an ASGI app through httpx's ASGITransport (no server, no sockets).

Starlette's TestClient wants the `httpx2` package now; plain httpx drives the app just as well.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
from starlette.applications import Starlette


class AsgiClient:
    def __init__(self, app: Starlette) -> None:
        self.app = app

    def request(
        self,
        method: str,
        path: str,
        *,
        content: bytes | Iterator[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            body: bytes | AsyncIterator[bytes] | None
            body = content if content is None or isinstance(content, bytes) else _async(content)
            async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
                response = await client.request(method, path, content=body, headers=headers)
                await response.aread()
                return response

        return asyncio.run(send())

    def post(
        self,
        path: str,
        *,
        content: bytes | Iterator[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.request("POST", path, content=content, headers=headers)

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)


async def _async(parts: Iterator[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part
