"""OpenAPI 3.0 schema objects become draft 2020-12 schemas that accept the same instances."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from schemas.openapi30 import convert


def _valid(schema: Any, instance: Any) -> bool:
    wrapped = {"$defs": {"X": convert({"type": "object", "required": ["a"]})}, **schema}
    return bool(jsonschema.Draft202012Validator(wrapped).is_valid(instance))


def test_nullable_type_admits_null_and_keeps_the_type() -> None:
    schema = convert({"type": "string", "nullable": True})
    assert schema == {"type": ["string", "null"]}
    assert _valid(schema, None)
    assert not _valid(schema, 3)


def test_nullable_enum_admits_null_as_openapi_3_0_3_says() -> None:
    schema = convert({"type": "string", "enum": ["a", "b"], "nullable": True})
    assert _valid(schema, None)
    assert _valid(schema, "a")
    assert not _valid(schema, "c")


def test_enum_without_nullable_still_rejects_null() -> None:
    assert not _valid(convert({"type": "string", "enum": ["a"]}), None)


@pytest.mark.parametrize(
    "source",
    [
        {"$ref": "#/$defs/X", "nullable": True},
        {"allOf": [{"$ref": "#/$defs/X"}], "nullable": True, "type": "object"},
        {"oneOf": [{"$ref": "#/$defs/X"}], "nullable": True, "type": "object"},
    ],
    ids=["ref", "allOf", "oneOf"],
)
def test_nullable_composition_admits_null_but_still_checks_objects(source: Any) -> None:
    schema = convert(source)
    assert _valid(schema, None)
    assert _valid(schema, {"a": 1})
    assert not _valid(schema, {"b": 1}), "the referenced schema must still apply to objects"


def test_nullable_false_changes_nothing() -> None:
    assert convert({"type": "object", "nullable": False}) == {"type": "object"}


def test_openapi_only_keywords_are_dropped_but_properties_so_named_survive() -> None:
    schema = convert(
        {
            "type": "object",
            "example": {"x": 1},
            "x-speakeasy-name-override": "y",
            "discriminator": {"propertyName": "object"},
            "properties": {"example": {"type": "string", "example": "e"}, "nullable": {}},
        }
    )
    assert schema == {
        "type": "object",
        "properties": {"example": {"type": "string"}, "nullable": {}},
    }


def test_nested_schemas_are_converted_everywhere() -> None:
    schema = convert(
        {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": {"type": "integer", "nullable": True},
                "properties": {"p": {"anyOf": [{"type": "string", "nullable": True}]}},
            },
        }
    )
    item = schema["items"]
    assert item["additionalProperties"] == {"type": ["integer", "null"]}
    assert item["properties"]["p"]["anyOf"][0] == {"type": ["string", "null"]}


def test_boolean_exclusive_minimum_becomes_a_number() -> None:
    schema = convert({"type": "integer", "minimum": 0, "exclusiveMinimum": True})
    assert schema == {"type": "integer", "exclusiveMinimum": 0}
    assert not _valid(schema, 0)
    assert _valid(schema, 1)


def test_local_refs_can_be_made_absolute_for_schemas_lifted_out_of_the_spec() -> None:
    schema = convert({"$ref": "#/components/schemas/A"}, ref_base="https://s.example/spec")
    assert schema == {"$ref": "https://s.example/spec#/components/schemas/A"}
