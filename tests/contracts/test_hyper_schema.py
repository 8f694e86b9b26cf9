"""hyper_schema.py turns hyper-schema links into OpenAPI operations a contract can check."""

from __future__ import annotations

import pytest

from tests.contracts.hyper_schema import trim

WIDGET = "%23%2Fdefinitions%2Fwidget%2Fdefinitions%2Fidentity"
DOCUMENT: dict[str, object] = {
    "title": "Widgets",
    "definitions": {
        "widget": {
            "title": "Widget",
            "strictProperties": True,
            "type": ["object"],
            "definitions": {
                "id": {"type": ["string"], "format": "uuid", "readOnly": True},
                "identity": {"anyOf": [{"$ref": "#/definitions/widget/definitions/id"}]},
                "unused": {"type": ["string"]},
            },
            "properties": {"id": {"$ref": "#/definitions/widget/definitions/id"}},
            "links": [
                {"href": "/widgets", "method": "GET", "rel": "instances", "title": "List",
                 "targetSchema": {"type": ["array"], "items": {"$ref": "#/definitions/widget"}}},
                {"href": "/widgets", "method": "POST", "rel": "create", "title": "Create",
                 "schema": {"properties": {"id": {"$ref": "#/definitions/widget/definitions/id"}}},
                 "targetSchema": {"$ref": "#/definitions/widget"}},
                {"href": f"/widgets/{{({WIDGET})}}", "method": "DELETE", "rel": "destroy",
                 "title": "Delete", "targetSchema": {"$ref": "#/definitions/widget"}},
            ],
        }
    },
}  # fmt: skip


def test_links_become_operations_with_their_statuses_and_components() -> None:
    spec = trim(DOCUMENT, ["GET /widgets", "POST /widgets", "DELETE /widgets/{id}"], "https://x")
    paths = spec["paths"]
    assert isinstance(paths, dict)
    assert set(paths) == {"/widgets", "/widgets/{widget__identity}"}
    assert set(paths["/widgets"]["get"]["responses"]) == {"200", "206", "4XX"}
    assert set(paths["/widgets"]["post"]["responses"]) == {"201", "4XX"}
    components = spec["components"]
    assert isinstance(components, dict)
    schemas = components["schemas"]
    # Only what the links reach: the unused definition is left out.
    assert set(schemas) == {"Error", "widget", "widget__id", "widget__identity"}
    widget = schemas["widget"]
    assert widget["additionalProperties"] is False
    assert widget["properties"] == {"id": {"$ref": "#/components/schemas/widget__id"}}
    assert "links" not in widget
    assert "title" not in widget
    assert schemas["widget__id"] == {"type": ["string"], "format": "uuid"}


def test_a_link_the_schema_lacks_is_an_error() -> None:
    with pytest.raises(SystemExit, match="PATCH /widgets"):
        trim(DOCUMENT, ["PATCH /widgets"], "https://x")
