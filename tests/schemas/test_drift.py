"""The drift check finds every kind of difference, and the real one is fully explained."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import referencing
from click.testing import CliRunner
from referencing.jsonschema import DRAFT202012
from spec_helpers import real_spec, write_spec

from fixtures.examples import Example
from mock_server.cli import main
from schemas import drift
from schemas.flatten import Node

OURS_ID = "https://t.example/ours.json"


def ours_node(schema: dict[str, Any]) -> Node:
    document = {"$id": OURS_ID, **schema}
    registry = referencing.Registry().with_resource(OURS_ID, DRAFT202012.create_resource(document))
    return Node({"$ref": OURS_ID}, registry.resolver())


OURS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "status", "count"],
    "properties": {
        "id": {"type": "string"},
        "status": {"enum": ["a", "b"]},
        "mode": {"type": ["string", "null"], "enum": ["x", "y", None]},
        "ref_or_null": {"oneOf": [{"$ref": "#/$defs/other"}, {"type": "null"}]},
        "extra": {"type": "string"},
        "count": {"type": "string"},
        "child": {"type": "object", "properties": {"n": {"type": "string"}}},
        "linked": {"$ref": "#/$defs/other"},
    },
    "allOf": [{"if": {"properties": {"status": {"const": "a"}}}, "then": {"required": ["mode"]}}],
    "$defs": {"other": {"type": "object", "properties": {"q": {"type": "integer"}}}},
}
SPEC: dict[str, Any] = {
    "Thing": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["a", "b", "c"]},
            "mode": {"type": "string", "nullable": True, "enum": ["x", "y"]},
            "ref_or_null": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Other"}]},
            "count": {"type": "integer"},
            "child": {
                "type": "object",
                "properties": {"n": {"type": "string"}, "m": {"type": "string"}},
                "required": ["n"],
            },
            "linked": {"$ref": "#/components/schemas/Linked"},
            "theirs_only": {"type": "string"},
        },
        "required": ["id", "status", "mode"],
    },
    "Other": {"type": "object", "properties": {"q": {"type": "integer"}}},
    "Linked": {"type": "object", "properties": {"not_ours": {"type": "string"}}},
}


@pytest.fixture
def tiny(tmp_path: Path) -> drift.OfficialSpec:
    return write_spec(tmp_path, SPEC)


def kinds(found: list[drift.Difference]) -> set[tuple[str, str]]:
    return {(d.kind, d.property) for d in found}


def test_every_difference_kind_is_found_and_nullable_is_not_one(tiny: drift.OfficialSpec) -> None:
    found = drift.compare_nodes(ours_node(OURS), drift.spec_node(tiny, "Thing"), "ours", "Thing")
    assert kinds(found) == {
        ("closedness", ""),
        ("property-ours-only", "extra"),
        ("property-spec-only", "theirs_only"),
        ("required-ours-only", "count"),
        ("required-spec-only", "mode"),
        ("enum", "status"),
        ("type", "count"),
        ("property-spec-only", "child.m"),
        ("required-spec-only", "child.n"),
        ("property-spec-only", "linked.not_ours"),
        ("property-ours-only", "linked.q"),
    }, "mode (a nullable enum) and ref_or_null (a nullable $ref) match the spec"
    status = next(d for d in found if d.kind == "enum")
    assert (status.ours, status.theirs, status.pointer) == (["a", "b"], ["a", "b", "c"], "/status")
    closed = next(d for d in found if d.kind == "closedness" and not d.property)
    assert (closed.ours, closed.theirs) == ("closed", "open")


def test_a_nullable_enum_that_forgets_null_is_an_enum_difference(tiny: drift.OfficialSpec) -> None:
    forgetful = {**OURS, "properties": {**OURS["properties"], "mode": {"enum": ["x", "y"]}}}
    found = drift.compare_nodes(ours_node(forgetful), drift.spec_node(tiny, "Thing"), "o", "Thing")
    mode = [d for d in found if d.property == "mode" and d.kind in ("enum", "type")]
    assert [(d.kind, d.ours, d.theirs) for d in mode] == [
        ("enum", ["x", "y"], ["x", "y", None]),
        ("type", ["string"], ["null", "string"]),
    ]


def test_a_mapped_component_is_not_descended_into(tiny: drift.OfficialSpec) -> None:
    found = drift.compare_nodes(
        ours_node(OURS), drift.spec_node(tiny, "Thing"), "ours", "Thing", mapped={"Linked"}
    )
    assert not [d for d in found if d.property.startswith("linked")]


def test_examples_the_spec_rejects_are_differences(tiny: drift.OfficialSpec) -> None:
    instance = {"id": "t", "status": "a", "mode": None, "count": 7}
    example = Example("ours.bad", "valid", "ours", "", {**instance, "count": "seven"})
    good = Example("ours.good", "valid", "ours", "", instance)
    found = drift.example_differences(tiny, {"ours": "Thing"}, [example, good])
    assert [(d.kind, d.property, d.component) for d in found] == [
        ("example-invalid-in-spec", "ours.bad", "Thing")
    ]
    assert "'seven' is not of type 'integer'" in found[0].theirs
    assert found[0].pointer == "/count"


def test_unmapped_and_missing_components_are_differences(tiny: drift.OfficialSpec) -> None:
    found = drift.diff(tiny, {"errors": None, "errors/error": "Nope"})
    assert [(d.schema, d.kind) for d in found] == [
        ("errors", "unmapped"),
        ("errors/error", "missing-component"),
    ]


def test_triage_sorts_allowed_unexplained_and_stale() -> None:
    a = drift.Difference("s", "C", "enum", "p", "/p")
    b = drift.Difference("s", "C", "type", "p", "/p")
    allow = [drift.AllowEntry("s", "enum", "p", "why"), drift.AllowEntry("s", "enum", "q", "old")]
    report = drift.triage([a, b], allow)
    assert report.allowed == [(a, allow[0])]
    assert report.unexplained == [b]
    assert report.stale == [allow[1]]
    assert not report.ok
    assert drift.triage([a], allow[:1]).ok


def test_allowlist_entries_need_a_reason_and_a_known_kind(tmp_path: Path) -> None:
    path = tmp_path / "allow.toml"
    path.write_text('[[allow]]\nschema = "s"\nkind = "enum"\nproperty = "p"\n', "utf-8")
    with pytest.raises(ValueError, match="lacks reason"):
        drift.load_allowlist(path)
    path.write_text('[[allow]]\nschema = "s"\nkind = "colour"\nreason = "r"\n', "utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        drift.load_allowlist(path)


def test_the_table_has_one_line_per_difference() -> None:
    rows = [drift.Difference("sign_in", "Client.SignIn-2", "enum", "status", "/status", ["a"], [])]
    lines = drift.as_table(rows).splitlines()
    assert len(lines) == 2
    assert lines[1].split() == ["sign_in", "Client.SignIn-2", "enum", "status", '["a"]', "[]"]


# -- Clerk's real spec ----------------------------------------------------------------


def test_the_declared_mapping_names_real_components() -> None:
    spec = real_spec()
    known = set(spec.component_names())
    assert set(drift.DECLARED.values()) <= known


def test_every_difference_from_clerks_spec_is_allow_listed_with_a_reason() -> None:
    report = drift.check(real_spec(), drift.load_allowlist())
    assert not report.unexplained, "unexplained drift:\n" + drift.as_table(report.unexplained)
    stale = [(e.schema, e.kind, e.property) for e in report.stale]
    assert not stale, f"allow-list entries matching nothing (remove them): {stale}"


def test_cli_diff_reports_json_and_exit_status(tmp_path: Path) -> None:
    spec = real_spec()
    runner = CliRunner()
    result = runner.invoke(main, ["schemas", "diff", "--spec", str(spec.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True
    empty = tmp_path / "empty.toml"
    empty.write_text("", "utf-8")
    strict = runner.invoke(
        main, ["schemas", "diff", "--spec", str(spec.path), "--allowlist", str(empty)]
    )
    report = drift.check(spec, [])
    assert strict.exit_code == (1 if report.differences else 0)
    assert f"{len(report.differences)} differences" in strict.output


def test_cli_diff_names_the_missing_spec(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schemas", "diff", "--spec", str(tmp_path / "no.yml")])
    assert result.exit_code == 1
    assert "no.yml" in result.output


def test_a_union_of_mapped_components_is_not_descended_into(tmp_path: Path) -> None:
    union = {
        "type": "object",
        "nullable": True,
        "oneOf": [
            {"allOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
            {"$ref": "#/components/schemas/B"},
        ],
    }
    spec = write_spec(
        tmp_path,
        {
            "Holder": {"type": "object", "properties": {"v": union}},
            "A": {"type": "object", "properties": {"a": {"type": "string"}}},
            "B": {"type": "object", "properties": {"b": {"type": "string"}}},
        },
    )
    ours = ours_node({"type": "object", "properties": {"v": {"properties": {"c": {}}}}})
    holder = drift.spec_node(spec, "Holder")
    assert kinds(drift.compare_nodes(ours, holder, "h", "Holder", mapped={"A", "B"})) == set()
    descended = drift.compare_nodes(ours, holder, "h", "Holder", mapped={"A"})
    assert ("property-ours-only", "v.c") in kinds(descended), "B is not compared elsewhere"
