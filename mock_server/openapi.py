"""The OpenAPI 3.1 document of the mock, generated from ``schemas/`` and the operation table.

One source: every response schema is a wire document (bundled into
``components/schemas``, refs rewritten), every request body comes from
``schemas/wire/requests.json`` (keyed by operation id) or, for the admin API,
``schemas/wire/admin.json``, and every path, method and operation id from ``routing.FAPI``
and ``admin.table.ADMIN`` (tag ``admin``). OpenAPI links (``openapi_links``) chain the
flows so schemathesis' stateful phase can walk them; Clerk's own document has none.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import schemas
from mock_server import routes as _routes  # noqa: F401 - registers the operations
from mock_server.admin import routes as _admin  # noqa: F401 - registers the admin operations
from mock_server.admin.table import ADMIN, AdminOperation
from mock_server.domain.tokens import TEMPLATE_NAME
from mock_server.openapi_links import LINKS
from mock_server.routing import FAPI, Operation

COMPONENTS = "#/components/schemas/"
_PATH_PARAM = re.compile(r"{([a-z0-9_]+)}")
_ERROR_STATUSES = ("400", "401", "403", "404", "405", "422", "429")


def _component(name: str) -> str:
    return name.replace("/", ".")


def _rewrite(node: Any, stem: str) -> Any:
    """Point every ``$ref`` of a wire document at the bundled components."""
    if isinstance(node, list):
        return [_rewrite(item, stem) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$id", "$schema", "$defs"):
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = _ref(value, stem)
        else:
            out[key] = _rewrite(value, stem)
    return out


def _ref(ref: str, stem: str) -> str:
    document, _, pointer = ref.partition("#")
    target = document.removesuffix(".json") if document else stem
    if pointer.startswith("/$defs/"):
        definition, _, rest = pointer[len("/$defs/") :].partition("/")
        return f"{COMPONENTS}{target}.{definition}" + (f"/{rest}" if rest else "")
    return f"{COMPONENTS}{target}" + pointer


def components() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for stem, doc in schemas.documents().items():
        out[stem] = _rewrite(doc, stem)
        for definition, body in doc.get("$defs", {}).items():
            out[f"{stem}.{definition}"] = _rewrite(body, stem)
    return out


def _request_schema(op: Operation) -> str | None:
    requests = schemas.documents().get("requests", {}).get("$defs", {})
    return op.operation_id if op.operation_id in requests else None


#: Path parameters that are not ids, and the pattern the mock accepts for each.
_NOT_IDS = {"template_name": TEMPLATE_NAME.pattern}


def _path_params(path: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {
                "type": "string",
                "minLength": 1,
                "pattern": _NOT_IDS.get(name, "^[A-Za-z0-9_]+$"),
            },
        }
        for name in _PATH_PARAM.findall(path)
    ]


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": COMPONENTS + _component(name)}}}


def _finish(responses: dict[str, Any], operation_id: str) -> None:
    """Every error is Clerk's envelope; links hang off the first JSON success."""
    for error_status in _ERROR_STATUSES:
        responses.setdefault(error_status, {"$ref": "#/components/responses/ClerkErrors"})
    links = LINKS.get(operation_id)
    success = next((s for s in sorted(responses) if s.startswith("2")), None)
    if links and success and "content" in responses[success]:
        responses[success]["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
        }


def _operation(op: Operation) -> dict[str, Any]:
    params = _path_params(op.path)
    request = _request_schema(op)
    body: dict[str, Any] | None = None
    if op.method == "GET" and request:
        definition = schemas.documents()["requests"]["$defs"][request]
        required = set(definition.get("required", []))
        params += [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": {"$ref": f"{COMPONENTS}requests.text"},
            }
            for name in definition.get("properties", {})
        ]
    elif op.method != "GET":
        schema = (
            {"$ref": f"{COMPONENTS}requests.{request}"}
            if request
            else {"type": "object", "additionalProperties": {"type": "string"}}
        )
        body = {
            "required": False,
            "content": {"application/x-www-form-urlencoded": {"schema": schema}},
        }
    responses: dict[str, Any] = {}
    for status in op.statuses:
        if status >= 400:  # every error is Clerk's envelope, added below
            continue
        if status == 303:
            responses["303"] = {"description": "Redirect back to the app"}
        else:
            responses[str(status)] = _success(op.response, "text/html")
    _finish(responses, op.operation_id)
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "parameters": params,
        "responses": responses,
        "tags": [op.path.split("/")[2] if op.path.count("/") > 1 else "fapi"],
    }
    if body:
        out["requestBody"] = body
    return out


def _success(response: str | None, page_type: str) -> dict[str, Any]:
    """A success answer: the named schema as JSON, or, without one, a page (links, inbox UI)."""
    if response is None:
        page = {"schema": {"type": "string"}}
        return {"description": "An HTML page", "content": {page_type: page}}
    return {"description": "Success", "content": _json(response)}


def _admin_operation(op: AdminOperation) -> dict[str, Any]:
    params = _path_params(op.path)
    if op.query:
        query = schemas.documents()["admin"]["$defs"][op.query.removeprefix("admin/")]
        params += [
            {"name": name, "in": "query", "required": False, "schema": _rewrite(schema, "admin")}
            for name, schema in query.get("properties", {}).items()
        ]
    responses: dict[str, Any] = {}
    for status in op.statuses:
        if status == 204:
            responses["204"] = {"description": "Done; no body"}
        else:
            responses[str(status)] = _success(op.response, op.media_type)
    _finish(responses, op.operation_id)
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "parameters": params,
        "responses": responses,
        "tags": ["admin"],
    }
    if op.request:
        out["requestBody"] = {"required": False, "content": _json(op.request)}
    return out


@cache
def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in FAPI.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    for admin in ADMIN.operations:
        paths.setdefault("/__admin" + admin.path, {})[admin.method.lower()] = _admin_operation(
            admin
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fapi-harness mock Frontend API",
            "version": "0.1.0",
            "description": (
                "The surface of the fapi-harness mock of Clerk's Frontend API, generated from "
                "its JSON Schemas. Bodies are application/x-www-form-urlencoded as clerk-js "
                "sends them; errors use Clerk's errors[] envelope."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "http://127.0.0.1:4010"}],
        "paths": paths,
        "components": {
            "schemas": components(),
            "responses": {
                "ClerkErrors": {
                    "description": "Clerk's error envelope",
                    "content": {"application/json": {"schema": {"$ref": COMPONENTS + "errors"}}},
                }
            },
        },
    }
