"""See through a schema's composition to the object shape it describes.

Comparing two schemas property by property needs their *effective* shape, but neither
side writes it flat: our documents put shared pieces behind ``$ref`` and discriminated
unions in ``allOf`` of ``if``/``then``; Clerk's spec (once converted) wraps nullable
objects in ``anyOf [null, X]``. :func:`flatten` collects what an instance meets: the
properties (with every schema that constrains each), the unconditional ``required`` set,
what ``then``/``else`` branches additionally require, and whether the object is closed.
:func:`enum_values` and :func:`json_types` then say what one property admits.

A :class:`Node` is a schema plus the ``referencing`` resolver its refs are relative to,
so the same code walks our registry and the spec's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from referencing._core import Resolver

#: Every JSON type; ``integer`` is listed apart, as schemas do.
_ALL_TYPES = frozenset({"null", "boolean", "object", "array", "number", "integer", "string"})


@dataclass(frozen=True)
class Node:
    """A subschema and the resolver that its ``$ref`` values resolve against."""

    schema: Any
    resolver: Resolver[Any]

    def child(self, schema: Any) -> Node:
        return Node(schema, self.resolver)

    def deref(self) -> Node | None:
        """The node a bare ``$ref`` points at (``None`` if this node is no ``$ref``)."""
        if not isinstance(self.schema, Mapping) or "$ref" not in self.schema:
            return None
        resolved = self.resolver.lookup(self.schema["$ref"])
        return Node(resolved.contents, resolved.resolver)


@dataclass
class Flat:
    """The effective object shape of a schema."""

    properties: dict[str, list[Node]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    #: Required only in some ``then``/``else`` or union branch.
    conditional_required: set[str] = field(default_factory=set)
    closed: bool = False
    #: ``items`` schemas, when the flattened schema is an array.
    items: list[Node] = field(default_factory=list)


def _is_null_only(node: Node, depth: int = 0) -> bool:
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 8:
        return False
    if schema.get("type") == "null" or schema.get("const", ...) is None:
        return True
    target = node.deref()
    return target is not None and _is_null_only(target, depth + 1)


def non_null_branches(node: Node) -> list[Node]:
    """The branches of a top-level ``oneOf``/``anyOf`` that admit more than ``null``."""
    schema = node.schema
    branches: list[Node] = []
    for key in ("oneOf", "anyOf"):
        if isinstance(schema, Mapping) and key in schema:
            branches.extend(node.child(s) for s in schema[key])
    return [b for b in branches if not _is_null_only(b)]


def flatten(node: Node) -> Flat:
    """Collect properties, required sets and closedness through refs, allOf and branches."""
    flat = Flat()
    _collect(node, flat, conditional=False, depth=0)
    flat.conditional_required -= flat.required
    return flat


def _collect(node: Node, flat: Flat, *, conditional: bool, depth: int) -> None:
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 32:
        return
    target = node.deref()
    if target is not None:
        _collect(target, flat, conditional=conditional, depth=depth + 1)
    for name, sub in schema.get("properties", {}).items():
        flat.properties.setdefault(name, []).append(node.child(sub))
    (flat.conditional_required if conditional else flat.required).update(schema.get("required", ()))
    if not conditional and (
        schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False
    ):
        flat.closed = True
    if "items" in schema and isinstance(schema["items"], Mapping | bool):
        flat.items.append(node.child(schema["items"]))
    for sub in schema.get("allOf", ()):
        _collect(node.child(sub), flat, conditional=conditional, depth=depth + 1)
    for key in ("then", "else"):
        if key in schema:
            _collect(node.child(schema[key]), flat, conditional=True, depth=depth + 1)
    branches = non_null_branches(node)
    for branch in branches:
        _collect(branch, flat, conditional=conditional or len(branches) > 1, depth=depth + 1)


def _freeze(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _intersect(sets: Iterator[frozenset[str] | None]) -> frozenset[str] | None:
    out: frozenset[str] | None = None
    for found in sets:
        if found is not None:
            out = found if out is None else out & found
    return out


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if not sets or any(s is None for s in sets):
        return None
    return frozenset().union(*(s for s in sets if s is not None))


def enum_values(node: Node, depth: int = 0) -> frozenset[str] | None:
    """The values a schema admits as canonical JSON text, or ``None`` when unconstrained.

    ``enum``/``const`` constrain, ``{"type": "null"}`` admits exactly ``null``, ``allOf``
    and a ``$ref`` with siblings intersect, ``oneOf``/``anyOf`` unite. So a nullable enum
    written either way (``enum`` listing ``null``, or ``oneOf [enum, null]``) gives the
    same set, and one that forgets ``null`` in its ``enum`` shows up as a difference.
    """
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 32:
        return None
    found: list[frozenset[str] | None] = []
    if "const" in schema:
        found.append(frozenset({_freeze(schema["const"])}))
    if "enum" in schema:
        found.append(frozenset(_freeze(v) for v in schema["enum"]))
    if schema.get("type") == "null":
        found.append(frozenset({"null"}))
    target = node.deref()
    if target is not None:
        found.append(enum_values(target, depth + 1))
    found.extend(enum_values(node.child(s), depth + 1) for s in schema.get("allOf", ()))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            found.append(_union([enum_values(node.child(s), depth + 1) for s in schema[key]]))
    return _intersect(iter(found))


def json_types(node: Node, depth: int = 0) -> frozenset[str] | None:
    """The JSON types a schema admits, or ``None`` when it does not say."""
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 32:
        return None
    found: list[frozenset[str] | None] = []
    kind = schema.get("type")
    if isinstance(kind, str):
        found.append(frozenset({kind}))
    elif isinstance(kind, list):
        found.append(frozenset(kind))
    elif "const" in schema or "enum" in schema:
        values = [schema["const"]] if "const" in schema else list(schema["enum"])
        found.append(frozenset(_type_of(v) for v in values))
    target = node.deref()
    if target is not None:
        found.append(json_types(target, depth + 1))
    found.extend(json_types(node.child(s), depth + 1) for s in schema.get("allOf", ()))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            found.append(_union([json_types(node.child(s), depth + 1) for s in schema[key]]))
    result = _intersect(iter(found))
    return None if result == _ALL_TYPES else result


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
