"""The bridge to Clerk's spec: finding it, path templates, response and component validators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from spec_helpers import real_spec, write_spec
from test_fast import mutated

from schemas import official_spec

ERRORS = {"$ref": "#/components/responses/Errors"}
TINY_COMPONENTS = {
    "Thing": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"id": {"type": "string"}, "note": {"type": "string", "nullable": True}},
        "required": ["id", "note"],
    },
    "Errors": {"type": "object", "required": ["errors"], "properties": {"errors": {}}},
}
TINY_PATHS = {
    "/v1/things/{thing_id}": {
        "get": {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                    },
                },
                "307": {"description": "Redirect, no body."},
                "4XX": ERRORS,
            }
        }
    },
    "/v1/things/active": {
        "post": {
            "responses": {
                "default": ERRORS,
                "200": {
                    "description": "inline body",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"thing": {"$ref": "#/components/schemas/Thing"}},
                                "required": ["thing"],
                            }
                        }
                    },
                },
            }
        }
    },
}
TINY_RESPONSES = {
    "Errors": {
        "description": "errors",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }
}


@pytest.fixture
def tiny(tmp_path: Path) -> official_spec.OfficialSpec:
    return write_spec(tmp_path, TINY_COMPONENTS, TINY_PATHS, TINY_RESPONSES)


def test_missing_spec_raises_with_every_path_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.yml"
    monkeypatch.setenv("FAPI_SPEC", str(missing))
    monkeypatch.setattr(official_spec, "_REPO_ROOT", tmp_path / "repo")
    assert official_spec.locate() is None
    with pytest.raises(official_spec.SpecNotFound) as caught:
        official_spec.load()
    assert caught.value.tried[0] == missing
    assert str(missing) in str(caught.value)


def test_fapi_spec_env_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = write_spec(tmp_path, TINY_COMPONENTS)
    monkeypatch.setenv("FAPI_SPEC", str(spec.path))
    assert official_spec.candidate_paths()[0] == spec.path
    assert official_spec.load() is spec, "the same file is parsed once"


def test_component_validator_applies_nullable(tiny: official_spec.OfficialSpec) -> None:
    validator = tiny.component_validator("Thing")
    assert validator is tiny.component_validator("Thing")
    assert validator.is_valid({"id": "t_1", "note": None})
    assert not validator.is_valid({"id": "t_1"})
    assert not validator.is_valid({"id": "t_1", "note": None, "extra": 1})
    with pytest.raises(KeyError, match="Nope"):
        tiny.component_validator("Nope")


def test_concrete_paths_match_their_template(tiny: official_spec.OfficialSpec) -> None:
    assert tiny.match_path("/v1/things/th_123") == "/v1/things/{thing_id}"
    assert tiny.match_path("/v1/things/th_123?_clerk_js_version=5") == "/v1/things/{thing_id}"
    assert tiny.match_path("/v1/things/active") == "/v1/things/active", "literal beats parameter"
    assert tiny.match_path("/v1/things/active", "get") == "/v1/things/{thing_id}"
    assert tiny.match_path("/v1/things/th_1/more") is None
    assert tiny.match_path("/v1/things") is None


def test_response_validator_follows_refs_and_status_fallbacks(
    tiny: official_spec.OfficialSpec,
) -> None:
    ok = tiny.response_validator("GET", "/v1/things/{thing_id}", 200)
    assert ok is not None
    assert ok.is_valid({"id": "t", "note": "n"})
    assert not ok.is_valid({"errors": []})
    assert tiny.response_validator("get", "/v1/things/{thing_id}", 307) is None, "no body"
    for status in (404, "422"):
        errors = tiny.response_validator("get", "/v1/things/{thing_id}", status)
        assert errors is not None, "4XX covers every client error"
        assert errors.is_valid({"errors": []})
    assert tiny.response_validator("get", "/v1/things/{thing_id}", 500) is None
    fallback = tiny.response_validator("post", "/v1/things/active", 503)
    assert fallback is not None, "default applies"
    assert fallback.is_valid({"errors": []})
    inline = tiny.response_validator("post", "/v1/things/active", 200)
    assert inline is not None
    assert inline.is_valid({"thing": {"id": "t", "note": None}})
    assert not inline.is_valid({"thing": {"id": "t"}}), "refs inside an inline body resolve"
    assert tiny.response_validator("delete", "/v1/things/active", 200) is None
    assert tiny.response_validator("get", "/v1/unknown", 200) is None


def test_response_errors_name_the_place_and_the_operation(
    tiny: official_spec.OfficialSpec,
) -> None:
    assert tiny.response_errors("get", "/v1/things/t_1", 200, {"id": "t", "note": None}) == []
    assert tiny.response_errors("get", "/v1/things/t_1", 200, {"id": 1, "note": None}) == [
        "/id: 1 is not of type 'string'"
    ]
    assert tiny.response_errors("get", "/v1/things/t_1", 307, None) == []
    assert tiny.response_errors("put", "/v1/things/t_1", 200, {}) == [
        "PUT /v1/things/t_1: no operation in the spec"
    ]


# -- Clerk's real spec ----------------------------------------------------------------


def test_real_spec_loads_once() -> None:
    # How long the parse takes is a benchmark figure (load_seconds), not a test: shared
    # machines are too noisy for a time limit here.
    spec = real_spec()
    assert spec is official_spec.load()
    assert spec.load_seconds > 0


def test_every_converted_real_component_is_a_valid_2020_12_schema() -> None:
    spec = real_spec()
    for name in spec.component_names():
        jsonschema.Draft202012Validator.check_schema(spec.component(name))


def test_every_documented_real_response_body_compiles() -> None:
    spec = real_spec()
    count = 0
    for template, item in spec.raw["paths"].items():
        for method, operation in item.items():
            for status in operation.get("responses", {}):
                validator = spec.response_validator(method, template, status)
                if validator is not None:
                    validator.is_valid({})  # resolves every top-level ref
                    count += 1
    assert count > 500


def test_real_sign_in_attempt_path_is_matched_and_documented() -> None:
    spec = real_spec()
    template = spec.match_path("/v1/client/sign_ins/sia_123/attempt_first_factor", "post")
    assert template == "/v1/client/sign_ins/{sign_in_id}/attempt_first_factor"
    assert spec.response_validator("post", template, 307) is None
    errors = spec.response_validator("post", template, 422)
    assert errors is not None
    assert errors.is_valid({"errors": [{"code": "c", "message": "m", "long_message": "l"}]})
    assert official_spec.match_path("/v1/me/sessions/active") == "/v1/me/sessions/active"


def test_real_nullable_enum_admits_null() -> None:
    """Client.SignIn-2's client_trust_state is a nullable enum: null must validate."""
    properties = real_spec().component("Client.SignIn-2")["properties"]
    trust = jsonschema.Draft202012Validator(properties["client_trust_state"])
    assert trust.is_valid(None)
    assert trust.is_valid("known")
    assert not trust.is_valid("other")


def _mapped_examples() -> list[tuple[str, Any]]:
    from fixtures.examples import valid_examples
    from schemas import drift

    try:
        names = drift.mapping(official_spec.load())
    except official_spec.SpecNotFound:
        return []
    return [(c, e.instance) for e in valid_examples() if (c := names.get(e.schema))]


@pytest.mark.parametrize(("component", "instance"), _mapped_examples())
def test_fast_and_compiled_spec_validators_agree_on_examples(component: str, instance: Any) -> None:
    spec = real_spec()
    slow = spec.component_validator(component).is_valid(instance)
    assert spec.fast_component_validator(component).is_valid(instance) == slow


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_and_compiled_spec_validators_agree_on_mutations(case: tuple[str, Any]) -> None:
    from schemas import drift

    spec = real_spec()
    component = drift.mapping(spec).get(case[0])
    if component is None:
        return
    slow = spec.component_validator(component).is_valid(case[1])
    assert spec.fast_component_validator(component).is_valid(case[1]) == slow, component
