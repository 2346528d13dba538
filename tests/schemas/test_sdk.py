"""The SDK (camelCase) form: generated from the wire documents, closed under $ref, faithful."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
from click.testing import CliRunner
from referencing.jsonschema import DRAFT202012

import schemas
from fixtures.examples import valid_examples
from fixtures.factories import Factories
from fixtures.factories.sign_in import statuses as sign_in_statuses
from mock_server.cli import main
from schemas import sdk

_SDK_BY_LOCATION = {loc: name for name, loc in sdk.locations().items()}


def to_sdk(instance: Any, *, keep_object: bool = False, keep_keys: bool = False) -> Any:
    """What clerk-js exposes for a wire payload, as JSON: camelCase keys, no ``object``,
    ``*_at`` milliseconds as the ISO 8601 string ``JSON.stringify(date)`` gives."""
    if isinstance(instance, list):
        return [to_sdk(v) for v in instance]
    if not isinstance(instance, dict):
        return instance
    out: dict[str, Any] = {}
    stem = "verification" if {"status", "strategy"} <= instance.keys() else ""
    for key, value in instance.items():
        if key == "object" and not keep_object:
            continue
        if key.endswith("_at") and isinstance(value, int) and not isinstance(value, bool):
            stamp = datetime.fromtimestamp(value / 1000, tz=UTC)
            out[sdk.camel(key)] = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        elif keep_keys:
            out[key] = to_sdk(value)
        else:
            # user_settings.social is a map keyed by strategy: clerk-js keeps those keys.
            out[sdk.property_name(stem, key)] = to_sdk(value, keep_keys=key == "social")
    return out


_SIGN_IN_STATUSES = sign_in_statuses()
_CONVERTIBLE = [e for e in valid_examples() if e.schema in _SDK_BY_LOCATION]


def test_session_verification_from_a_wire_example_validates() -> None:
    wire = next(e for e in _CONVERTIBLE if e.schema == "session_reverification")
    converted = to_sdk(wire.instance)
    assert "firstFactorVerification" in converted
    sdk.validate("SessionVerification", converted)


@pytest.mark.parametrize("example", _CONVERTIBLE, ids=lambda e: e.id)
def test_every_valid_wire_example_converts_to_a_valid_sdk_object(example: Any) -> None:
    name = _SDK_BY_LOCATION[example.schema]
    sdk.validate(name, to_sdk(example.instance, keep_object=example.schema in sdk.KEEPS_OBJECT))


def test_timestamps_accept_iso_strings_and_epoch_ms_but_not_free_text() -> None:
    assert sdk.is_valid("Timestamp", "2026-05-12T10:00:00.000Z")
    assert sdk.is_valid("Timestamp", 1_778_580_000_000)
    assert not sdk.is_valid("Timestamp", "yesterday")
    assert not sdk.is_valid("Timestamp", -1)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("name", sdk.names())
def test_every_sdk_document_resolves_its_references(name: str) -> None:
    doc = sdk.document(name)
    assert doc["$id"] == f"{sdk.SDK_BASE_URI}{name}.json"
    jsonschema.Draft202012Validator.check_schema(doc)
    resolver = sdk.registry().resolver(base_uri=doc["$id"])
    for ref in _refs(doc):
        resolver.lookup(ref)
    sdk.validator(name).is_valid({})  # compiles and walks without a missing reference


def test_an_unknown_keyword_stops_generation() -> None:
    wire = {"type": "object", "dependentRequired": {"email_address": ["email_address_id"]}}
    with pytest.raises(ValueError, match="dependentRequired"):
        sdk._transform(wire, "sign_in", False, {})


def test_curated_names_cover_the_documented_clerk_js_types() -> None:
    documented = {
        "SessionVerification",
        "SignInFirstFactor",
        "EmailCodeFactor",
        "EmailLinkFactor",
        "PhoneCodeFactor",
        "PasswordFactor",
        "ResetPasswordPhoneCodeFactor",
        "ResetPasswordEmailCodeFactor",
        "Web3SignatureFactor",
        "OauthFactor",
        "SamlFactor",
        "TOTPFactor",
        "BackupCodeFactor",
        "VerificationResource",
        "SignInResource",
        "SessionResource",
        "UserResource",
    }
    assert documented <= set(sdk.names())


def test_a_snake_case_key_is_rejected_where_the_sdk_type_is_closed() -> None:
    factor = {"strategy": "email_code", "emailAddressId": "idn_1", "safeIdentifier": "j***@x.io"}
    sdk.validate("EmailCodeFactor", factor)
    with pytest.raises(schemas.SchemaValidationError) as caught:
        sdk.validate("EmailCodeFactor", {**factor, "safe_identifier": "j***@x.io"})
    assert caught.value.keyword == "additionalProperties"


def test_the_wire_object_field_is_gone_from_closed_sdk_types() -> None:
    assert not sdk.is_valid("TOTPFactor", {"strategy": "totp", "object": "factor"})
    assert "object" not in sdk.document("SignInResource")["properties"]
    assert "object" in sdk.document("DeletedObjectResource")["properties"]


def test_values_stay_snake_case() -> None:
    assert sdk.is_valid("SignInFirstFactor", {"strategy": "password"})
    ok = {"strategy": "email_code", "emailAddressId": "idn_1", "safeIdentifier": "j***@x.io"}
    assert sdk.is_valid("SignInFirstFactor", ok)
    assert not sdk.is_valid("SignInFirstFactor", {**ok, "strategy": "emailCode"})


def test_verification_redirect_url_follows_clerk_js_naming() -> None:
    oauth = sdk.document("VerificationOauth")["properties"]
    assert "externalVerificationRedirectURL" in oauth
    assert "externalVerificationRedirectUrl" in sdk.document("OauthFactor")["properties"]


def _property_maps(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["properties"]] if isinstance(node.get("properties"), dict) else []
        return own + [m for v in node.values() for m in _property_maps(v)]
    if isinstance(node, list):
        return [m for v in node for m in _property_maps(v)]
    return []


def test_every_wire_property_maps_to_exactly_one_camel_name_and_back() -> None:
    for stem, doc in schemas.documents().items():
        for props in _property_maps(doc):
            camels = [sdk.property_name(stem, p) for p in props]
            assert len(set(camels)) == len(camels), f"{stem}: two properties share a camel name"
            for wire in props:
                if wire == wire.lower() and (stem, wire) not in sdk.IRREGULAR_NAMES:
                    assert sdk.snake(sdk.property_name(stem, wire)) == wire, f"{stem}.{wire}"


def test_sdk_names_are_distinct_from_wire_locations_and_unique() -> None:
    assert len(set(sdk.locations().values())) == len(sdk.locations())
    with pytest.raises(schemas.UnknownSchemaError):
        sdk.validator("sign_in")


def test_cli_writes_documents_that_resolve_from_disk(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schemas", "sdk", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*.json"))
    assert [f.stem for f in files] == sorted(sdk.names())
    loaded = [json.loads(f.read_text("utf-8")) for f in files]
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (doc["$id"], DRAFT202012.create_resource(doc)) for doc in loaded
    )
    on_disk = jsonschema.Draft202012Validator(
        {"$ref": sdk.sdk_uri("SessionVerification")}, registry=registry
    )
    wire = next(e for e in _CONVERTIBLE if e.schema == "session_reverification")
    assert on_disk.is_valid(to_sdk(wire.instance))
    assert not on_disk.is_valid({**to_sdk(wire.instance), "status": "done"})


@pytest.mark.parametrize("status", _SIGN_IN_STATUSES)
def test_factory_sign_ins_in_every_status_convert_to_valid_sign_in_resources(status: str) -> None:
    wire = Factories(seed=4).sign_in(status=status, second_factor="phone_code")
    sdk.validate("SignInResource", to_sdk(wire))
    sdk.validate("ClientResource", to_sdk(Factories(seed=4).client(sign_in=wire)))


_FACTORY_RESOURCES: list[tuple[str, Any]] = [
    ("SessionVerification", lambda f: f.session_reverification(status="needs_second_factor")),
    ("SignUpResource", lambda f: f.sign_up(with_phone=True)),
    ("SessionResource", lambda f: f.session(include_user=True)),
    ("UserResource", lambda f: f.user(phones=1, web3_wallets=1, passkeys=1)),
    ("EnvironmentResource", lambda f: f.environment()),
]


@pytest.mark.parametrize(
    ("name", "build"), _FACTORY_RESOURCES, ids=[n for n, _ in _FACTORY_RESOURCES]
)
def test_factory_payloads_convert_to_valid_sdk_resources(name: str, build: Any) -> None:
    sdk.validate(name, to_sdk(build(Factories(seed=9))))
