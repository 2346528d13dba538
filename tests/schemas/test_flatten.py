"""flatten / enum_values / json_types see through refs, allOf, if-then and null branches."""

from __future__ import annotations

from typing import Any

import pytest
import referencing
from referencing.jsonschema import DRAFT202012

from schemas.flatten import Node, enum_values, flatten, json_types

BASE = "https://t.example/"
SHARED = {
    "$id": BASE + "shared.json",
    "$defs": {
        "id": {"type": "string"},
        "status": {"enum": ["a", "b"]},
        "nullable_status": {"oneOf": [{"$ref": "#/$defs/status"}, {"type": "null"}]},
        "child": {
            "type": "object",
            "additionalProperties": False,
            "required": ["n"],
            "properties": {"n": {"type": "integer"}},
        },
        "base": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"$ref": "#/$defs/id"}, "status": {"$ref": "#/$defs/status"}},
        },
    },
}


def node(schema: Any) -> Node:
    registry = referencing.Registry().with_resource(
        SHARED["$id"], DRAFT202012.create_resource(SHARED)
    )
    return Node(schema, registry.resolver(base_uri=BASE + "shared.json"))


def test_properties_and_required_come_through_ref_and_all_of() -> None:
    flat = flatten(
        node(
            {
                "allOf": [{"$ref": "#/$defs/base"}],
                "required": ["extra"],
                "properties": {"extra": {"type": "boolean"}},
            }
        )
    )
    assert set(flat.properties) == {"id", "status", "extra"}
    assert flat.required == {"id", "extra"}
    assert not flat.closed


def test_then_branches_add_properties_but_only_conditional_requirements() -> None:
    flat = flatten(
        node(
            {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"enum": ["x", "y"]}},
                "allOf": [
                    {
                        "if": {"properties": {"kind": {"const": "x"}}},
                        "then": {"required": ["x_only"], "properties": {"x_only": {}}},
                        "else": {"required": ["kind"], "properties": {"y_only": {}}},
                    }
                ],
            }
        )
    )
    assert set(flat.properties) == {"kind", "x_only", "y_only"}
    assert flat.required == {"kind"}
    assert flat.conditional_required == {"x_only"}, "kind is already unconditional"


@pytest.mark.parametrize(
    "schema",
    [
        {"additionalProperties": False},
        {"unevaluatedProperties": False},
        {"allOf": [{"$ref": "#/$defs/child"}]},
    ],
)
def test_closed_objects_are_recognised(schema: Any) -> None:
    assert flatten(node(schema)).closed


def _union(*branches: dict[str, Any]) -> dict[str, Any]:
    return {"allOf": [{"if": {"required": [f"k{i}"]}, "then": b} for i, b in enumerate(branches)]}


def test_a_union_is_closed_when_every_branch_is_closed() -> None:
    closed = {"additionalProperties": False, "properties": {"a": {}}}
    assert flatten(node(_union(closed, {"$ref": "#/$defs/child"}))).closed
    assert not flatten(node(_union(closed, {"properties": {"b": {}}}))).closed
    assert flatten(node({"oneOf": [closed, {"$ref": "#/$defs/child"}]})).closed


def test_if_null_else_is_a_nullable_object() -> None:
    flat = flatten(node({"if": {"type": "null"}, "else": {"$ref": "#/$defs/child"}}))
    assert flat.required == {"n"}
    assert flat.closed


def test_a_nullable_object_flattens_to_the_object() -> None:
    for nullable in (
        {"oneOf": [{"$ref": "#/$defs/child"}, {"type": "null"}]},
        {"anyOf": [{"type": "null"}, {"allOf": [{"$ref": "#/$defs/child"}]}]},
    ):
        flat = flatten(node(nullable))
        assert set(flat.properties) == {"n"}
        assert flat.required == {"n"}
        assert flat.closed


def test_a_union_of_objects_only_conditionally_requires() -> None:
    flat = flatten(
        node(
            {
                "oneOf": [
                    {"required": ["a"], "properties": {"a": {}}},
                    {"required": ["b"], "properties": {"b": {}}},
                ]
            }
        )
    )
    assert set(flat.properties) == {"a", "b"}
    assert flat.required == set()
    assert flat.conditional_required == {"a", "b"}


def test_array_items_are_collected() -> None:
    flat = flatten(node({"type": "array", "items": {"$ref": "#/$defs/child"}}))
    assert len(flat.items) == 1
    assert set(flatten(flat.items[0]).properties) == {"n"}


def values(schema: Any) -> set[str] | None:
    found = enum_values(node(schema))
    return None if found is None else set(found)


def test_enum_values_through_refs_and_unions() -> None:
    assert values({"$ref": "#/$defs/status"}) == {'"a"', '"b"'}
    assert values({"const": 3}) == {"3"}
    assert values({"$ref": "#/$defs/nullable_status"}) == {'"a"', '"b"', "null"}
    if_null = {"if": {"type": "null"}, "else": {"$ref": "#/$defs/status"}}
    assert values(if_null) == {'"a"', '"b"', "null"}
    assert values({"type": "string"}) is None
    assert values({"oneOf": [{"$ref": "#/$defs/status"}, {"type": "string"}]}) is None


def test_both_ways_of_writing_a_nullable_enum_admit_the_same_values() -> None:
    listed = values({"type": ["string", "null"], "enum": ["a", "b", None]})
    assert listed == values({"$ref": "#/$defs/nullable_status"})


def test_a_nullable_type_with_an_enum_lacking_null_does_not_admit_null() -> None:
    assert values({"type": ["string", "null"], "enum": ["a"]}) == {'"a"'}


def test_all_of_intersects_enum_values() -> None:
    schema = {"allOf": [{"enum": ["a", "b", "c"]}, {"$ref": "#/$defs/status"}], "enum": ["b", "c"]}
    assert values(schema) == {'"b"'}


def types(schema: Any) -> set[str] | None:
    found = json_types(node(schema))
    return None if found is None else set(found)


def test_json_types() -> None:
    assert types({"type": ["string", "null"]}) == {"string", "null"}
    assert types({"$ref": "#/$defs/nullable_status"}) == {"string", "null"}
    assert types({"oneOf": [{"$ref": "#/$defs/child"}, {"type": "null"}]}) == {"object", "null"}
    assert types({"description": "anything"}) is None
    assert types({"allOf": [{"type": ["integer", "null"]}, {"type": "integer"}]}) == {"integer"}
    assert types({"const": True}) == {"boolean"}
    assert types({"if": {"type": "null"}, "else": {"$ref": "#/$defs/child"}}) == {"object", "null"}


def _case(value: str, then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"required": ["kind"], "properties": {"kind": {"const": value}}}, "then": then}


def test_a_then_whose_if_always_holds_applies_unconditionally() -> None:
    schema = {
        "required": ["kind"],
        "properties": {"kind": {"enum": ["only"]}},
        "allOf": [_case("only", {"required": ["x"], "additionalProperties": False})],
    }
    flat = flatten(node(schema))
    assert flat.required == {"kind", "x"}
    assert flat.closed


def test_a_then_whose_if_may_fail_stays_conditional() -> None:
    schema = {
        "required": ["kind"],
        "properties": {"kind": {"enum": ["a", "b"]}},
        "allOf": [_case("a", {"required": ["x"]})],
    }
    flat = flatten(node(schema))
    assert flat.required == {"kind"}
    assert flat.conditional_required == {"x"}


def test_what_every_case_of_a_discriminated_union_requires_is_required() -> None:
    schema = {
        "required": ["kind"],
        "properties": {"kind": {"enum": ["a", "b"]}},
        "allOf": [
            _case("a", {"required": ["status", "a_only"]}),
            _case("b", {"required": ["status"]}),
        ],
    }
    flat = flatten(node(schema))
    assert flat.required == {"kind", "status"}
    assert flat.conditional_required == {"a_only"}


def test_what_every_one_of_branch_requires_is_required() -> None:
    flat = flatten(node({"oneOf": [{"required": ["a", "b"]}, {"required": ["a"]}]}))
    assert flat.required == {"a"}
    assert flat.conditional_required == {"b"}
