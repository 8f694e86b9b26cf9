"""Postman exports (schema v2.0 and v2.1): every auth type, every field, environments, dumps."""

from __future__ import annotations

import json

import pytest

from leakward.scanner.models import Chunk
from tests.sources.builders import zip_of
from tests.sources.conftest import Result, scan

SCHEMA_21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
SCHEMA_20 = "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"

# One invented value per place a credential can sit, so each location is checked on its own.
AUTH = {
    "bearer": {"token": "bearer-VALUE-7Hq2"},
    "apikey": {"key": "X-Api-Key", "value": "apikey-VALUE-9Zt4", "in": "header"},
    "basic": {"username": "admin", "password": "basic-VALUE-3Kd8"},
    "digest": {"username": "admin", "password": "digest-VALUE-5Lm1"},
    "oauth1": {
        "consumerKey": "ck-VALUE-1",
        "consumerSecret": "oauth1-VALUE-2Pq6",
        "token": "tok-VALUE-1",
        "tokenSecret": "oauth1ts-VALUE-8Rw3",
    },
    "oauth2": {"accessToken": "oauth2-VALUE-4Xy7", "clientSecret": "oauth2cs-VALUE-6Vb2"},
    "awsv4": {
        "accessKey": "AKIA2NB2IR6HW2KSGBL3",
        "secretKey": "awsv4-VALUE-0Nc5",
        "region": "eu-west-1",
        "service": "s3",
    },
    "hawk": {"authId": "hawk-id", "authKey": "hawk-VALUE-2Jf9", "algorithm": "sha256"},
    "ntlm": {"username": "dom\\user", "password": "ntlm-VALUE-7Gh3"},
    "akamai": {
        "accessToken": "akab-VALUE-1Tz8",
        "clientToken": "akct-VALUE-5Ud4",
        "clientSecret": "akamai-VALUE-3Se6",
    },
}


def _auth(kind: str, version: str) -> dict[str, object]:
    params = AUTH[kind]
    if version == "2.0":
        return {"type": kind, kind: dict(params)}
    return {
        "type": kind,
        kind: [{"key": k, "value": v, "type": "string"} for k, v in params.items()],
    }


def _request(name: str, kind: str, version: str) -> dict[str, object]:
    return {
        "name": name,
        "request": {
            "auth": _auth(kind, version),
            "method": "POST",
            "header": [{"key": "X-Header-Token", "value": f"header-VALUE-{kind}"}],
            "url": {
                "raw": f"https://api.example.com/{kind}?api_key=query-VALUE-{kind}",
                "host": ["api", "example", "com"],
                "path": [kind],
                "query": [{"key": "api_key", "value": f"query-VALUE-{kind}"}],
            },
            "body": {"mode": "raw", "raw": f'{{"secret": "raw-VALUE-{kind}"}}'},
        },
        "response": [
            {
                "name": "Created",
                "code": 201,
                "body": f'{{"issued": "example-VALUE-{kind}"}}',
                "header": [{"key": "Set-Cookie", "value": f"sid=cookie-VALUE-{kind}"}],
            }
        ],
    }


def collection(version: str) -> dict[str, object]:
    return {
        "info": {
            "_postman_id": "0c7b2d8e-0000-4000-8000-000000000001",
            "name": "Acme API",
            "schema": SCHEMA_21 if version == "2.1" else SCHEMA_20,
        },
        "item": [
            {
                "name": "Billing",
                "item": [_request(f"Create invoice {kind}", kind, version) for kind in AUTH],
                "variable": [{"key": "folderToken", "value": "folder-VAR-VALUE"}],
                "auth": _auth("bearer", version),
            },
            {
                "name": "Misc",
                "item": [
                    {
                        "name": "Nested",
                        "item": [
                            {
                                "name": "Form",
                                "request": {
                                    "method": "POST",
                                    "url": "https://x.example.com/f",
                                    "header": "Authorization: Bearer v20-string-header-VALUE",
                                    "body": {
                                        "mode": "urlencoded",
                                        "urlencoded": [
                                            {
                                                "key": "client_secret",
                                                "value": "urlenc-VALUE",
                                                "type": "text",
                                            }
                                        ],
                                    },
                                },
                                "event": [
                                    {
                                        "listen": "prerequest",
                                        "script": {
                                            "type": "text/javascript",
                                            "exec": [
                                                "const k = 'script-VALUE';",
                                                "pm.environment.set('k', k);",
                                            ],
                                        },
                                    }
                                ],
                            },
                            {
                                "name": "Upload",
                                "request": {
                                    "method": "POST",
                                    "url": "https://x.example.com/u",
                                    "body": {
                                        "mode": "formdata",
                                        "formdata": [
                                            {
                                                "key": "token",
                                                "value": "formdata-VALUE",
                                                "type": "text",
                                            }
                                        ],
                                    },
                                },
                            },
                            {
                                "name": "Query",
                                "request": {
                                    "method": "POST",
                                    "url": "https://x.example.com/g",
                                    "body": {
                                        "mode": "graphql",
                                        "graphql": {
                                            "query": '{ me(token: "graphql-VALUE") { id } }',
                                            "variables": '{"key": "gqlvars-VALUE"}',
                                        },
                                    },
                                },
                            },
                        ],
                    },
                ],
            },
        ],
        "event": [{"listen": "test", "script": {"exec": "pm.test('x', () => 'coltest-VALUE')"}}],
        "variable": [{"key": "baseKey", "value": "collection-VAR-VALUE", "type": "string"}],
    }


def _locations(result: Result) -> dict[str, str]:
    # A one-line value is scanned after its field name; `first_column` says where the value starts.
    return {c.origin.nested[-1]: _value(c) for c in result.chunks}


def _value(chunk: Chunk) -> str:
    text = chunk.data.decode()
    return text if chunk.first_column == 1 else text[1 - chunk.first_column : -1]


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_every_auth_type_is_located(version):
    data = json.dumps(collection(version), indent=2).encode()
    result = scan(data, "api.postman_collection.json")
    assert result.skipped == []
    found = _locations(result)
    for kind, params in AUTH.items():
        for key, value in params.items():
            if len(value) >= 4:
                assert found[f"Billing/Create invoice {kind}/auth.{kind}.{key}"] == value
    chunk = next(
        c for c in result.chunks if c.origin.nested[-1].endswith("bearer/auth.bearer.token")
    )
    assert chunk.origin.display == (
        "api.postman_collection.json!Billing/Create invoice bearer/auth.bearer.token"
    )
    assert chunk.origin.kind == "postman-item"


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_every_other_field_is_located(version):
    found = _locations(scan(json.dumps(collection(version)).encode(), "c.json"))
    expected = {
        "Billing/Create invoice apikey/header.X-Header-Token": "header-VALUE-apikey",
        "Billing/Create invoice apikey/url.query.api_key": "query-VALUE-apikey",
        "Billing/Create invoice apikey/body.raw": '{"secret": "raw-VALUE-apikey"}',
        "Billing/Create invoice apikey/response.Created.body": '{"issued": "example-VALUE-apikey"}',
        "Billing/Create invoice apikey/response.Created.header.Set-Cookie": (
            "sid=cookie-VALUE-apikey"
        ),
        "Billing/variable.folderToken": "folder-VAR-VALUE",
        "Billing/auth.bearer.token": "bearer-VALUE-7Hq2",
        "Misc/Nested/Form/header": "Authorization: Bearer v20-string-header-VALUE",
        "Misc/Nested/Form/body.urlencoded.client_secret": "urlenc-VALUE",
        "Misc/Nested/Form/event.prerequest.script": (
            "const k = 'script-VALUE';\npm.environment.set('k', k);"
        ),
        "Misc/Nested/Upload/body.formdata.token": "formdata-VALUE",
        "Misc/Nested/Query/body.graphql.query": '{ me(token: "graphql-VALUE") { id } }',
        "Misc/Nested/Query/body.graphql.variables": '{"key": "gqlvars-VALUE"}',
        "event.test.script": "pm.test('x', () => 'coltest-VALUE')",
        "variable.baseKey": "collection-VAR-VALUE",
    }
    for location, value in expected.items():
        assert found[location] == value, location
    # The parsed URL pieces repeat the raw URL; only the raw form and the query are yielded.
    assert not any(".url.path" in name or "url.host" in name for name in found)
    assert "Billing/Create invoice apikey/url.raw" in found


def test_environment_and_globals_exports():
    env = {
        "id": "5a0c",
        "name": "Production",
        "values": [
            {"key": "API_KEY", "value": "env-secret-VALUE", "type": "secret", "enabled": True},
            {"key": "BASE", "value": "https://api.example.com", "type": "default", "enabled": True},
        ],
        "_postman_variable_scope": "environment",
        "_postman_exported_using": "Postman/10.20.0",
    }
    glob = {**env, "name": "Globals", "_postman_variable_scope": "globals"}
    assert _locations(scan(json.dumps(env).encode(), "prod.postman_environment.json")) == {
        "values.API_KEY": "env-secret-VALUE",
        "values.BASE": "https://api.example.com",
    }
    assert "values.API_KEY" in _locations(scan(json.dumps(glob).encode(), "g.json"))


def test_workspace_dump_zip_and_api_wrapper():
    wrapped = {"collection": collection("2.1")}
    dump = zip_of(
        {
            "collections/acme.json": json.dumps(wrapped).encode(),
            "environments/prod.json": json.dumps(
                {
                    "values": [{"key": "K", "value": "zip-env-VALUE"}],
                    "_postman_variable_scope": "environment",
                }
            ).encode(),
        }
    )
    names = {c.origin.display for c in scan(dump, "workspace.zip").chunks}
    assert "workspace.zip!collections/acme.json!Billing/auth.bearer.token" in names
    assert "workspace.zip!environments/prod.json!values.K" in names


def test_malformed_postman_json_is_an_error_but_its_text_is_still_scanned():
    text = b'{"info": {"schema": "' + SCHEMA_21.encode() + b'"}, "item": [ {"token": "x-VALUE"'
    result = scan(text, "broken.postman_collection.json")
    (skipped,) = result.skipped
    assert skipped.is_error
    assert "malformed Postman export (not valid JSON" in skipped.reason
    assert "x-VALUE" not in skipped.reason
    assert [c.data for c in result.chunks] == [text]


def test_ordinary_json_is_left_alone():
    data = b'{"name": "pkg", "token": "plain-VALUE"}'
    assert [c.data for c in scan(data, "package.json").chunks] == [data]


@pytest.mark.parametrize("shape", ["lists", "objects"])
def test_a_body_nested_deeper_than_python_recursion_costs_nothing_else(shape):
    # 900 levels: json accepts them; a recursive walk would lose the whole collection (#16).
    deep: object = "deep-VALUE-6Wk1"
    for _ in range(900):
        deep = [deep] if shape == "lists" else {"k": deep}
    collection = {
        "info": {"_postman_id": "c1", "name": "deep", "schema": SCHEMA_21},
        "item": [
            {"name": "Deep", "request": {"body": {"mode": "graphql", "graphql": deep}}},
            {"name": "Next", "request": {"auth": {"type": "bearer", "bearer": [
                {"key": "token", "value": "bearer-VALUE-7Hq2"}]}}},
        ],
    }  # fmt: skip
    result = scan(json.dumps(collection).encode(), "deep.postman_collection.json")
    assert result.skipped == []
    labels = {c.origin.display.split("!", 1)[1]: c for c in result.chunks}
    assert "bearer-VALUE-7Hq2" in labels["Next/auth.bearer.token"].data.decode()
    (deep_label,) = [label for label in labels if label.startswith("Deep/")]
    assert "deep-VALUE-6Wk1" in labels[deep_label].data.decode()
    # Labels stop growing at a fixed depth instead of costing the square of the nesting.
    assert len(deep_label.split(".")) <= 40
