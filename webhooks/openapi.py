"""The OpenAPI 3.1 description of the receiver's endpoints, served at `/openapi.json`.

Stage: inbound webhooks. Written by hand because Starlette does not generate one; kept as a
Python value so it ships with the package without package-data entries. A test checks that
every route of the app is described here and nothing else.
"""

from __future__ import annotations

_ERROR = {
    "description": "",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}},
                "required": ["error"],
            }
        }
    },
}


def _error(description: str) -> dict[str, object]:
    return {**_ERROR, "description": description}


def _status(description: str, values: list[str]) -> dict[str, object]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string", "enum": values},
                        "delivery": {"type": "string"},
                        "event": {"type": "string"},
                    },
                    "required": ["status"],
                }
            }
        },
    }


def _header(name: str, description: str, required: bool = True) -> dict[str, object]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


OPENAPI: dict[str, object] = {
    "openapi": "3.1.0",
    "info": {
        "title": "leakward webhook receiver",
        "version": "1",
        "description": "Receives signed GitHub webhooks and queues scans and rotations.",
    },
    "paths": {
        "/webhooks/github": {
            "post": {
                "summary": "A GitHub webhook delivery (push, workflow_run, ping)",
                "parameters": [
                    _header("X-GitHub-Event", "push, workflow_run or ping; others are ignored"),
                    _header("X-GitHub-Delivery", "the delivery GUID; a repeat is not re-queued"),
                    _header("X-Hub-Signature-256", "sha256=HMAC-SHA256(body, webhook secret)"),
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": _status(
                        "ping answered, or a delivery already accepted", ["pong", "duplicate"]
                    ),
                    "202": _status(
                        "work stored as a job and queued (merged: joined the waiting job of "
                        "the branch's last push; backlogged: behind many others), "
                        "or nothing to do",
                        ["queued", "merged", "backlogged", "ignored", "nothing to do"],
                    ),
                    "400": _error(
                        "missing headers, a body that is not a JSON object, or a "
                        "payload without the event's required fields"
                    ),
                    "401": _error("missing or wrong X-Hub-Signature-256"),
                    "408": _error("the body did not arrive within the read timeout (10 s)"),
                    "411": _error("no Content-Length header"),
                    "413": _error("body larger than the configured maximum (default 25 MB)"),
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness",
                "responses": {"200": _status("the receiver is up", ["ok"])},
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics (text exposition format 0.0.4)",
                "responses": {
                    "200": {
                        "description": "scans, findings, rotations by state, queue depth and "
                        "the exposure-window histogram",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
}
