"""Translate OpenAPI 3.0 schema objects into JSON Schema draft 2020-12.

Clerk publishes FAPI as OpenAPI 3.0, whose schema dialect differs from 2020-12 in ways
that change what validates: ``nullable: true`` is not a JSON Schema keyword (ignored as
is, so every ``null`` the spec allows would be rejected), an ``enum`` does not admit
``null`` unless null is listed (OpenAPI 3.0.3 says a nullable enum does), a ``$ref``'s
siblings are ignored in 3.0 but applied in 2020-12, and ``exclusiveMinimum`` is a
boolean modifier. The translation is schema-aware: it only rewrites keywords in schema
positions, so a property *named* ``nullable`` or ``example`` survives untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Keywords whose value is one subschema.
_SUBSCHEMA = ("items", "not", "additionalProperties")
#: Keywords whose value is a list of subschemas.
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf")
#: OpenAPI-only annotations with no JSON Schema meaning; dropped so the result is clean.
_DROPPED = frozenset({"nullable", "example", "discriminator", "xml", "externalDocs"})
#: A schema that composes others cannot just widen ``type``: null must bypass them.
_COMPOSING = ("$ref", "allOf", "oneOf", "anyOf", "not")


def convert(schema: Any, *, ref_base: str = "") -> Any:
    """The 2020-12 equivalent of one OpenAPI 3.0 schema object (booleans pass through).

    ``ref_base`` is prefixed to local refs (``#/components/schemas/X``), so a schema
    lifted out of the spec (a response body) still resolves through a registry that
    holds the converted spec under that URI.
    """
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED or key.startswith("x-"):
            continue
        if key == "properties":
            out[key] = {name: convert(sub, ref_base=ref_base) for name, sub in value.items()}
        elif key in _SUBSCHEMA:
            out[key] = convert(value, ref_base=ref_base)
        elif key in _SUBSCHEMA_LISTS:
            out[key] = [convert(sub, ref_base=ref_base) for sub in value]
        elif key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = ref_base + value
        else:
            out[key] = value
    _exclusive_bounds(out)
    if schema.get("nullable") is True:
        return _nullable(out)
    return out


def _exclusive_bounds(out: dict[str, Any]) -> None:
    """3.0's ``exclusiveMinimum: true`` + ``minimum: n`` is 2020-12's ``exclusiveMinimum: n``."""
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if out.get(flag) is True and bound in out:
            out[flag] = out.pop(bound)
        elif out.get(flag) is False:
            del out[flag]


def _nullable(out: dict[str, Any]) -> dict[str, Any]:
    """Admit ``null`` as well as whatever ``out`` admits.

    Widening ``type`` (and ``enum``) is enough while every other keyword ignores null;
    a schema that composes others (``$ref``, ``oneOf``...) would still reject null
    through them, so it becomes ``anyOf: [null, schema]``.
    """
    if any(key in out for key in _COMPOSING):
        annotations: dict[str, Any] = {
            k: out.pop(k) for k in ("description", "deprecated", "title") if k in out
        }
        return {**annotations, "anyOf": [{"type": "null"}, out]}
    kind = out.get("type")
    if isinstance(kind, str) and kind != "null":
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out
