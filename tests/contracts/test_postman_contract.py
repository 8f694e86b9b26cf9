"""Postman: the verify probe's and the workspace scan's requests, and the fake's answers, fit
specs/postman.yaml (trimmed from Postman's OpenAPI definition of the Postman API).

Verify drives an accepted key, an unknown key (the declared 401, problem details) and a key
refused a feature in its region (403 "This feature isn't available in your region.", a key that
authenticated). The scan reads a workspace, its collection and its environment through
`remote_postman` on the client it builds itself, with and without the deprecated `name`/`uid`
of the listed items, and is refused with an unknown key.
"""

from __future__ import annotations

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers.postman import PostmanRotator
from leakward.scanner.models import Chunk, Skipped
from leakward.scanner.sources import remote_postman
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.postman import FakePostman
from tests.sources.test_postman import collection

CONTRACT = Contract.named("postman", error_schema="PostmanError")


def test_verify_fits_the_spec_and_reads_each_answer(fake_postman: FakePostman) -> None:
    traffic = Traffic()
    rotator = PostmanRotator(traffic.client(), base_url=fake_postman.url)
    live = rotator.verify(Secret(fake_postman.add_key()))
    dead = rotator.verify(Secret("PMAK-" + "0" * 59))
    elsewhere = rotator.verify(Secret(fake_postman.add_key(region_blocked=True)))

    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [200, 401, 403]
    assert traffic.exchanges[1].response.headers["content-type"] == "application/problem+json"
    assert (live.liveness, live.identity) == (Liveness.LIVE, "postman-user")
    assert dead.liveness is Liveness.DEAD
    # Postman answers 401 for a missing or invalid key; a 403 comes after the key was accepted.
    assert elsewhere.liveness is Liveness.LIVE


def _scan_client(key: str, url: str, traffic: Traffic) -> httpx.Client:
    client = remote_postman.postman_client({remote_postman.KEY_VARIABLE: key}, url)
    client.event_hooks["response"].append(traffic.keep)
    return client


def _planted(fake: FakePostman) -> str:
    workspace = fake.add_workspace("Team")
    fake.add_collection(workspace, collection("2.1"))
    fake.add_environment(workspace, "Prod", {"TOKEN": "ws-env-VALUE"})
    return workspace


def test_workspace_scan_fits_the_spec(fake_postman: FakePostman) -> None:
    workspace = _planted(fake_postman)
    traffic = Traffic()
    with _scan_client(fake_postman.add_key(), fake_postman.url, traffic) as client:
        items = list(remote_postman.workspace_chunks(client, workspace))
    assert_conforms(CONTRACT, traffic)
    assert [op.split("/")[1] for op in traffic.operations()] == [
        "workspaces",
        "collections",
        "environments",
    ]
    names = {c.origin.display for c in items if isinstance(c, Chunk)}
    assert "postman:Team/Acme API.postman_collection.json!Billing/auth.bearer.token" in names
    assert "postman:Team/Prod.postman_environment.json!values.TOKEN" in names


def test_workspace_scan_reads_items_listed_by_id_only(fake_postman: FakePostman) -> None:
    """The definition deprecates the `name` and `uid` of a workspace's items: by id alone the
    scan still fetches and reads every one, and names it after its export (it used to name
    the files after their ids)."""
    workspace = _planted(fake_postman)
    fake_postman.deprecated_fields = False
    traffic = Traffic()
    with _scan_client(fake_postman.add_key(), fake_postman.url, traffic) as client:
        items = list(remote_postman.workspace_chunks(client, workspace))
    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [200, 200, 200]
    assert not [s for s in items if isinstance(s, Skipped)]
    # Each item is named after its export, as when the listing still named it.
    names = {c.origin.display for c in items if isinstance(c, Chunk)}
    assert "postman:Team/Acme API.postman_collection.json!Billing/auth.bearer.token" in names
    assert "postman:Team/Prod.postman_environment.json!values.TOKEN" in names


def test_workspace_scan_refusals_fit_the_spec(fake_postman: FakePostman) -> None:
    workspace = _planted(fake_postman)
    traffic = Traffic()
    with _scan_client("PMAK-" + "0" * 59, fake_postman.url, traffic) as client:
        (refused,) = remote_postman.workspace_chunks(client, workspace)
    with _scan_client(fake_postman.add_key(), fake_postman.url, traffic) as client:
        (missing,) = remote_postman.workspace_chunks(client, "no-such-workspace")
    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [401, 404]
    assert isinstance(refused, Skipped)
    assert remote_postman.KEY_VARIABLE in refused.reason
    assert isinstance(missing, Skipped)
    assert "404" in missing.reason
