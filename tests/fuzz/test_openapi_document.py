"""The OpenAPI document: every operation (FAPI and admin) once, every link resolvable.

A link whose operation id, parameter or runtime expression points nowhere is silently
skipped by schemathesis' stateful phase, so each is checked here: the target operation
exists, every parameter it sets is one the target takes, and every expression reads a
path parameter the source has or a property its success answer's schema declares.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.admin.table import ADMIN
from mock_server.openapi import COMPONENTS, document
from mock_server.openapi_links import LINKS
from mock_server.routing import FAPI

DOC = document()
OPERATIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    op["operationId"]: (method.upper(), path, op)
    for path, methods in DOC["paths"].items()
    for method, op in methods.items()
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith(COMPONENTS), ref
        name, _, pointer = ref[len(COMPONENTS) :].partition("/")
        schema = DOC["components"]["schemas"][name]
        for part in filter(None, pointer.split("/")):
            schema = schema[part]
    return schema


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    """Every property a schema declares, through ``$ref`` and ``allOf``."""
    schema = _resolve(schema)
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(_properties(part))
    return found


def _declares(schema: dict[str, Any], pointer: str) -> bool:
    for part in filter(None, pointer.split("/")):
        properties = _properties(schema)
        if part not in properties:
            return False
        schema = properties[part]
        # A nullable object (`if null else $ref`, `oneOf [$ref, null]`) reads through.
        branches = [schema.get("else"), *schema.get("oneOf", []), *schema.get("anyOf", [])]
        objects = [b for b in branches if isinstance(b, dict) and "$ref" in b]
        if "$ref" not in schema and objects:
            schema = objects[0]
    return True


def _success_schema(op: dict[str, Any]) -> dict[str, Any]:
    status = next(s for s in sorted(op["responses"]) if s.startswith("2"))
    content: dict[str, Any] = op["responses"][status]["content"]
    return dict(content["application/json"]["schema"])


def test_every_operation_is_in_the_document_once() -> None:
    expected = {(op.method, op.path) for op in FAPI.operations} | {
        (op.method, "/__admin" + op.path) for op in ADMIN.operations
    }
    listed = {(method, path) for method, path, _ in OPERATIONS.values()}
    assert listed == expected
    assert len(OPERATIONS) == len(expected), "two operations share an operationId"


def test_admin_operations_are_tagged_and_typed() -> None:
    for method, path, op in OPERATIONS.values():
        assert (op["tags"] == ["admin"]) == path.startswith("/__admin"), (method, path)
    create_user = OPERATIONS["create_user"][2]
    body = create_user["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": COMPONENTS + "admin.seed_user"}
    assert create_user["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": COMPONENTS + "user"
    }


@pytest.mark.parametrize(
    ("source", "name"), [(s, n) for s, links in LINKS.items() for n in links], ids=str
)
def test_every_link_resolves(source: str, name: str) -> None:
    assert source in OPERATIONS, f"link source {source} is no operation"
    _, source_path, source_op = OPERATIONS[source]
    link = next(
        response["links"][name]
        for response in source_op["responses"].values()
        if name in response.get("links", {})
    )
    assert link["operationId"] in OPERATIONS, f"{source}.{name} -> unknown operation"
    _, _, target = OPERATIONS[link["operationId"]]
    takes = {p["name"] for p in target["parameters"]}
    for parameter, expression in link["parameters"].items():
        assert parameter in takes, f"{link['operationId']} takes no {parameter}"
        if expression.startswith("$request.path."):
            assert "{" + expression.removeprefix("$request.path.") + "}" in source_path
        else:
            prefix = "$response.body#"
            assert expression.startswith(prefix), expression
            pointer = expression.removeprefix(prefix)
            assert _declares(_success_schema(source_op), pointer), f"{source}: no {pointer}"
    required = {p["name"] for p in target["parameters"] if p["in"] == "path"}
    assert required <= set(link["parameters"]) | {"template_name"}, (
        f"{source}.{name} leaves path parameters of {link['operationId']} to chance"
    )


def test_the_resolver_catches_a_wrong_pointer() -> None:
    schema = _success_schema(OPERATIONS["create_sign_in"][2])
    assert _declares(schema, "/response/id")
    assert not _declares(schema, "/response/no_such_field")
    assert _declares(_success_schema(OPERATIONS["get_client"][2]), "/response/sessions")
