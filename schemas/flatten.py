"""See through a schema's composition to the object shape it describes.

Comparing two schemas property by property needs their *effective* shape, but neither
side writes it flat: our documents put shared pieces behind ``$ref`` and discriminated
unions in ``allOf`` of ``if``/``then`` and nullable objects in ``if {type: null} else X``;
Clerk's spec (once converted) wraps them in ``anyOf [null, X]``. :func:`flatten` collects
what an instance meets: the properties (with every schema that constrains each), the
unconditional ``required`` set, what branches additionally require, and whether the
object is closed. The rules that make both sides comparable:

- a null branch is dropped, so "X or null" flattens to X;
- a ``then`` whose ``if`` every instance already satisfies applies unconditionally;
- in a union (``oneOf``/``anyOf``, or one ``if``/``then`` per value of a required
  discriminator, as schemas/README.md prescribes) what every branch requires is
  required, and the object is closed when every branch is closed.

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

    #: Every property, with every schema that constrains it (branches included).
    properties: dict[str, list[Node]] = field(default_factory=dict)
    #: The schemas that constrain a property whatever branch an instance takes.
    unconditional: dict[str, list[Node]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    #: Required only in some ``then``/``else`` or union branch.
    conditional_required: set[str] = field(default_factory=set)
    #: Closed whatever the branch; or every branch of a union is closed on its own.
    closed: bool = False
    #: ``items`` schemas, when the flattened schema is an array.
    items: list[Node] = field(default_factory=list)
    _branch_closed: list[bool] = field(default_factory=list, repr=False)

    def branch_nodes(self, name: str) -> list[Node]:
        """The schemas only some branches apply to ``name``."""
        strict = {id(n) for n in self.unconditional.get(name, ())}
        return [n for n in self.properties.get(name, ()) if id(n) not in strict]


def _is_null_only(node: Node, depth: int = 0) -> bool:
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 8:
        return False
    if schema.get("type") == "null" or schema.get("const", ...) is None:
        return True
    target = node.deref()
    return target is not None and _is_null_only(target, depth + 1)


def non_null_branches(node: Node) -> list[Node]:
    """The branches of a ``oneOf``/``anyOf`` that admit more than ``null``.

    ``if {type: null} else X`` (a third way to write "X or null") counts as one branch, X.
    """
    schema = node.schema
    if not isinstance(schema, Mapping):
        return []
    branches: list[Node] = []
    for key in ("oneOf", "anyOf"):
        branches.extend(node.child(s) for s in schema.get(key, ()))
    if "if" in schema and _is_null_only(node.child(schema["if"])) and "else" in schema:
        branches.append(node.child(schema["else"]))
    return [b for b in branches if not _is_null_only(b)]


def flatten(node: Node) -> Flat:
    """Collect properties, required sets and closedness through refs, allOf and branches."""
    flat = Flat()
    _collect(node, flat, conditional=False, depth=0)
    flat.conditional_required -= flat.required
    if flat._branch_closed and all(flat._branch_closed):
        flat.closed = True
    return flat


def _collect(node: Node, flat: Flat, *, conditional: bool, depth: int) -> None:
    schema = node.schema
    if not isinstance(schema, Mapping) or depth > 32:
        return
    target = node.deref()
    if target is not None:
        _collect(target, flat, conditional=conditional, depth=depth + 1)
    for name, sub in schema.get("properties", {}).items():
        child = node.child(sub)
        flat.properties.setdefault(name, []).append(child)
        if not conditional:
            flat.unconditional.setdefault(name, []).append(child)
    (flat.conditional_required if conditional else flat.required).update(schema.get("required", ()))
    if not conditional and (
        schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False
    ):
        flat.closed = True
    if "items" in schema and isinstance(schema["items"], Mapping | bool):
        flat.items.append(node.child(schema["items"]))
    cases: dict[str, list[Flat]] = {}
    for sub in schema.get("allOf", ()):
        child = node.child(sub)
        key = _discriminator(sub)
        if key is not None and not _implied(child.child(sub["if"]), flat):
            cases.setdefault(key, []).append(_branch(child.child(sub["then"]), flat, depth))
        else:
            _collect(child, flat, conditional=conditional, depth=depth + 1)
    for key, inners in cases.items():
        # One if/then per value of a required discriminator: a union, as the schemas
        # README prescribes, so what every case requires is required.
        if len(inners) > 1 and key in flat.required and not conditional:
            flat.required |= set.intersection(*(inner.required for inner in inners))
    if "if" in schema and not _is_null_only(node.child(schema["if"])):
        if _implied(node.child(schema["if"]), flat):
            if "then" in schema:
                _collect(node.child(schema["then"]), flat, conditional=conditional, depth=depth + 1)
        else:
            for key in ("then", "else"):
                if key in schema:
                    _branch(node.child(schema[key]), flat, depth)
    branches = non_null_branches(node)
    if len(branches) == 1:
        _collect(branches[0], flat, conditional=conditional, depth=depth + 1)
    elif branches:
        inners = [_branch(branch, flat, depth) for branch in branches]
        if not conditional:  # oneOf/anyOf: an instance takes one branch or another
            flat.required |= set.intersection(*(inner.required for inner in inners))


def _discriminator(schema: Any) -> str | None:
    """``p`` for ``{if: {required: [p], properties: {p: ...}}, then: ...}`` (one union case)."""
    if not isinstance(schema, Mapping) or "then" not in schema or "else" in schema:
        return None
    test = schema.get("if")
    if not isinstance(test, Mapping) or set(test) - {"required", "properties"}:
        return None
    required = test.get("required", [])
    if len(required) == 1 and set(test.get("properties", {})) == set(required):
        return str(required[0])
    return None


def _implied(test: Node, flat: Flat) -> bool:
    """Does every instance of what is collected so far already satisfy this ``if``?

    So a ``then`` guarded by ``strategy: passkey``, in a schema whose strategy can only
    be ``passkey``, applies unconditionally.
    """
    schema = test.schema
    if not isinstance(schema, Mapping) or set(schema) - {"required", "properties", "type"}:
        return False
    if not set(schema.get("required", ())) <= flat.required:
        return False
    for name, sub in schema.get("properties", {}).items():
        wanted = enum_values(test.child(sub))
        have = _intersect(enum_values(n) for n in flat.unconditional.get(name, ()))
        if wanted is None or have is None or not have <= wanted:
            return False
    return True


def _branch(node: Node, flat: Flat, depth: int) -> Flat:
    """Merge one conditional branch, remembering whether it is closed on its own."""
    inner = Flat()
    _collect(node, inner, conditional=False, depth=depth + 1)
    if inner._branch_closed and all(inner._branch_closed):
        inner.closed = True
    for name, subs in inner.properties.items():
        flat.properties.setdefault(name, []).extend(subs)
    flat.conditional_required |= inner.required | inner.conditional_required
    flat.items.extend(inner.items)
    if inner.properties or inner.closed:
        flat._branch_closed.append(inner.closed)
    return inner


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
    if _null_if_else(node):
        found.append(
            _union([frozenset({"null"}), enum_values(node.child(schema["else"]), depth + 1)])
        )
    return _intersect(iter(found))


def _null_if_else(node: Node) -> bool:
    """``if {type: null} else X``: null, or whatever X admits."""
    schema = node.schema
    return "if" in schema and "else" in schema and _is_null_only(node.child(schema["if"]))


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
    if _null_if_else(node):
        found.append(
            _union([frozenset({"null"}), json_types(node.child(schema["else"]), depth + 1)])
        )
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
