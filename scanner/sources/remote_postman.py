"""Reads every collection and environment of a Postman workspace through the Postman API.

Stage: sources. `GET /workspaces/{id}` lists the workspace's collections and environments;
`GET /collections/{uid}` and `GET /environments/{uid}` return each export, which is cut into
items exactly like a file export (`postman:Team/Acme API.postman_collection.json!Billing/...`).
A listing that gives only ids (Postman deprecates the items' `name` and `uid` there) is read by
id, and each item is named after its export.
The caller builds the client; the API key comes from the environment (POSTMAN_API_KEY) and is
sent in the `X-Api-Key` header, never on the command line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

import httpx

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import postman

KEY_VARIABLE = "POSTMAN_API_KEY"
DEFAULT_API = "https://api.getpostman.com"


def postman_client(env: Mapping[str, str], base_url: str = DEFAULT_API) -> httpx.Client:
    key = env.get(KEY_VARIABLE)
    headers = {"X-Api-Key": key} if key else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=60.0, follow_redirects=True)


def workspace_chunks(client: httpx.Client, workspace_id: str) -> Iterator[Chunk | Skipped]:
    label = f"postman:{workspace_id}"
    listing = _get(client, f"/workspaces/{workspace_id}", "workspace")
    if isinstance(listing, str):
        yield Skipped(label, listing, True)
        return
    name = listing.get("name")
    label = f"postman:{name}" if isinstance(name, str) and name else label
    for kind, suffix in (
        ("collection", "postman_collection"),
        ("environment", "postman_environment"),
    ):
        entries = listing.get(f"{kind}s")
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                yield from _export(client, label, kind, suffix, entry)


def _export(
    client: httpx.Client, label: str, kind: str, suffix: str, entry: dict[str, object]
) -> Iterator[Chunk | Skipped]:
    uid = str(entry.get("uid") or entry.get("id"))
    document = _get(client, f"/{kind}s/{uid}", kind)
    # The listing's `name` is deprecated (Postman's API definition): the export names itself.
    name = entry.get("name") or (None if isinstance(document, str) else _name_of(document))
    path = f"{label}/{name or uid}.{suffix}.json"
    if isinstance(document, str):
        yield Skipped(path, document, True)
        return
    origin = Origin(kind="postman-item", path=path)
    yield from postman.postman_chunks(json.dumps(document).encode(), origin)


def _name_of(document: dict[str, object]) -> str | None:
    """An environment's `name`, or a collection's `info.name`."""
    info = document.get("info")
    name = info.get("name") if isinstance(info, dict) else document.get("name")
    return name if isinstance(name, str) and name else None


def _get(client: httpx.Client, url: str, field: str) -> dict[str, object] | str:
    """The `field` object of the JSON answer, or why it could not be had."""
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        return f"Postman API unreachable ({type(exc).__name__}); check the network"
    if response.status_code in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
        return (
            f"Postman refused access (HTTP {response.status_code}); set {KEY_VARIABLE} "
            "to an API key of a member of this workspace"
        )
    if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
        wait = response.headers.get("Retry-After", "a while")
        return f"Postman rate limit hit (HTTP 429); retry after {wait} seconds"
    if response.status_code != httpx.codes.OK:
        return f"Postman API answered HTTP {response.status_code} for {url}"
    try:
        body = response.json()
    except ValueError:
        return f"Postman API sent something that is not JSON for {url}"
    value = body.get(field) if isinstance(body, dict) else None
    return value if isinstance(value, dict) else f"Postman API answer for {url} has no {field}"
