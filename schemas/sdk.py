"""The SDK (camelCase) form of the schemas, generated from the wire documents.

Clerk's JavaScript SDK exposes the wire objects as camelCase resources
(``SessionVerification``, ``SignInFirstFactor``, ``VerificationResource`` ...). A frontend
test that serialises those resources needs schemas too, and writing them by hand would
keep every shape twice. So each SDK document here is a mechanical transform of a wire
location (a document or one of its ``$defs``), built on first use and cached:

- property names go through clerk-js' own ``snakeToCamel`` rule, in ``properties``,
  ``required`` and the ``if``/``then`` discriminators alike (the one documented
  exception is in :data:`IRREGULAR_NAMES`); values (enums, consts, strategies such as
  ``"email_code"``) are left alone;
- the wire-only ``object`` field is dropped (clerk-js resources have none), except on
  the types that keep it (``DeletedObjectResource``);
- every ``$ref`` is re-pointed to the SDK document generated for its target, so each
  document stands alone and the set is closed under references;
- timestamps: clerk-js turns ``*_at`` milliseconds into ``Date`` objects, and
  ``JSON.stringify`` turns a ``Date`` into an ISO 8601 string. The SDK ``Timestamp``
  therefore accepts an ISO 8601 UTC/offset date-time string or integer epoch
  milliseconds (``date.getTime()``), nothing else.

Names are the clerk-js type names where the mapping is one-to-one (:data:`SDK_NAMES`);
a wire location referenced by them but with no clerk-js counterpart gets a derived
PascalCase name (``verification/otp`` -> ``VerificationOtp``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from jsonschema.exceptions import ValidationError, best_match, relevance
from jsonschema.protocols import Validator
from referencing.jsonschema import DRAFT202012

from schemas.errors import SchemaValidationError, SchemaViolation, UnknownSchemaError
from schemas.registry import documents
from schemas.validation import json_path

SDK_BASE_URI = "https://fapi-harness.dev/schemas/sdk/"

SDK_NAMES: dict[str, str] = {
    "SessionVerification": "session_reverification",
    "SignInResource": "sign_in",
    "SignUpResource": "sign_up",
    "SignUpVerificationsResource": "sign_up/verifications",
    "SessionResource": "session",
    "SessionBase": "session/session_base",
    "PublicUserData": "session/public_user_data",
    "TokenResource": "token",
    "ClientResource": "client",
    "UserResource": "user",
    "EmailAddressResource": "email_address",
    "PhoneNumberResource": "phone_number",
    "Web3WalletResource": "web3_wallet",
    "PasskeyResource": "passkey",
    "ExternalAccountResource": "external_account",
    "SamlAccountResource": "saml_account",
    "TOTPResource": "totp",
    "BackupCodeResource": "backup_codes",
    "DeletedObjectResource": "deleted_object",
    "EnvironmentResource": "environment",
    "AuthConfigResource": "environment/auth_config",
    "DisplayConfigResource": "environment/display_config",
    "UserSettingsResource": "environment/user_settings",
    "OrganizationSettingsResource": "environment/organization_settings",
    "ClerkAPIError": "errors/error",
    "VerificationResource": "verification",
    "SignInFactor": "factor",
    "SignInFirstFactor": "factor/sign_in_first_factor",
    "SignInSecondFactor": "factor/sign_in_second_factor",
    "SessionVerificationFirstFactor": "factor/reverification_first_factor",
    "SessionVerificationSecondFactor": "factor/reverification_second_factor",
    "EmailCodeFactor": "factor/email_code",
    "EmailLinkFactor": "factor/email_link",
    "PhoneCodeFactor": "factor/phone_code",
    "PasswordFactor": "factor/password",
    "ResetPasswordPhoneCodeFactor": "factor/reset_password_phone_code",
    "ResetPasswordEmailCodeFactor": "factor/reset_password_email_code",
    "Web3SignatureFactor": "factor/web3_signature",
    "OauthFactor": "factor/oauth",
    "SamlFactor": "factor/saml",
    "EnterpriseSSOFactor": "factor/enterprise_sso",
    "PasskeyFactor": "factor/passkey",
    "TOTPFactor": "factor/totp",
    "BackupCodeFactor": "factor/backup_code",
}
"""clerk-js type name -> wire location (``stem`` or ``stem/def``)."""

IRREGULAR_NAMES: dict[tuple[str, str], str] = {
    ("verification", "external_verification_redirect_url"): "externalVerificationRedirectURL",
}
"""(wire stem, wire property) -> SDK name, where clerk-js does not use ``snakeToCamel``:
``VerificationResource.externalVerificationRedirectURL`` (a ``URL``, serialised as its
href). Factors keep the mechanical ``externalVerificationRedirectUrl``: clerk-js converts
them with ``deepSnakeToCamel``."""

KEEPS_OBJECT = frozenset({"deleted_object"})
"""Wire locations whose SDK type keeps the ``object`` field (``DeletedObjectResource``)."""

_ISO_8601 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$"
_SDK_TIMESTAMP: dict[str, Any] = {
    "description": (
        "A wire epoch-milliseconds timestamp as clerk-js exposes it: a Date, serialised by "
        "JSON.stringify as an ISO 8601 string, or its getTime() in integer milliseconds."
    ),
    "anyOf": [
        {"type": "string", "format": "date-time", "pattern": _ISO_8601},
        {"type": "integer", "minimum": 0},
    ],
}
_TIMESTAMP_LOCATION = "common/timestamp"

_SCHEMA_VALUED = frozenset(
    {"items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains"}
)
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_DROPPED = frozenset({"$id", "$schema", "$defs"})
_VERBATIM = frozenset(
    {
        *("type", "enum", "const", "title", "description", "$comment", "format", "pattern"),
        *("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
        *("minLength", "maxLength", "minItems", "maxItems", "uniqueItems"),
        *("default", "examples", "deprecated", "readOnly", "writeOnly"),
    }
)
"""Keywords whose values hold no property names or schemas, copied as they are. Any other
keyword (``dependentRequired``, ``patternProperties`` ...) stops generation, so a new
keyword in a wire document cannot slip through with its snake_case names unconverted."""
_SNAKE_PART = re.compile(r"[-_][a-z]")
_UPPER = re.compile(r"[A-Z]")


def camel(name: str) -> str:
    """clerk-js ``snakeToCamel``: ``email_address_id`` -> ``emailAddressId``."""
    return _SNAKE_PART.sub(lambda m: m.group(0)[1].upper(), name)


def snake(name: str) -> str:
    """clerk-js ``camelToSnake``, the inverse of :func:`camel` on snake_case names."""
    return _UPPER.sub(lambda m: "_" + m.group(0).lower(), name)


def property_name(stem: str, wire: str) -> str:
    """The SDK name of property ``wire`` of an object defined in wire document ``stem``."""
    return IRREGULAR_NAMES.get((stem, wire)) or camel(wire)


def _wire_node(location: str) -> Any:
    stem, _, definition = location.partition("/")
    doc = documents()[stem]
    return doc["$defs"][definition] if definition else doc


def _target(ref: str, stem: str) -> str:
    """The wire location a ``$ref`` written inside document ``stem`` points to."""
    doc, _, fragment = ref.partition("#")
    target_stem = doc.removesuffix(".json") if doc else stem
    if not fragment:
        return target_stem
    prefix = "/$defs/"
    if not fragment.startswith(prefix) or "/" in fragment[len(prefix) :]:
        raise ValueError(f"cannot map $ref {ref!r} in {stem}.json to an SDK document")
    return f"{target_stem}/{fragment[len(prefix) :]}"


def _refs(node: Any, stem: str) -> list[str]:
    """Every wire location referenced under ``node`` (not descending into ``$defs``)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.append(_target(value, stem))
            elif key not in _DROPPED and key not in {"enum", "const"}:
                found.extend(_refs(value, stem))
    elif isinstance(node, list):
        for value in node:
            found.extend(_refs(value, stem))
    return found


def _pascal(snake_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake_name.split("_"))


def _derived_name(location: str) -> str:
    stem, _, definition = location.partition("/")
    if stem == "common":
        return _pascal(definition)
    return _pascal(stem) + _pascal(definition)


@cache
def locations() -> dict[str, str]:
    """SDK name -> wire location, closed under ``$ref``: every target has a document."""
    by_location = {loc: name for name, loc in SDK_NAMES.items()}
    pending = list(by_location)
    while pending:
        location = pending.pop()
        for target in _refs(_wire_node(location), location.partition("/")[0]):
            if target not in by_location:
                by_location[target] = _derived_name(target)
                pending.append(target)
    out = {name: loc for loc, name in by_location.items()}
    if len(out) != len(by_location):
        raise ValueError("two wire locations derive the same SDK name")
    return dict(sorted(out.items()))


def names() -> list[str]:
    """Every SDK document name, curated and derived."""
    return list(locations())


def sdk_uri(name: str) -> str:
    if name not in locations():
        raise UnknownSchemaError(name, names())
    return SDK_BASE_URI + name + ".json"


def _transform(node: Any, stem: str, keep_object: bool, by_location: dict[str, str]) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties":
            out[key] = {
                property_name(stem, prop): _transform(sub, stem, keep_object, by_location)
                for prop, sub in value.items()
                if keep_object or prop != "object"
            }
        elif key == "required":
            out[key] = [property_name(stem, p) for p in value if keep_object or p != "object"]
        elif key == "$ref":
            out[key] = by_location[_target(value, stem)] + ".json"
        elif key in _SCHEMA_VALUED:
            out[key] = _transform(value, stem, keep_object, by_location)
        elif key in _SCHEMA_LISTS:
            out[key] = [_transform(v, stem, keep_object, by_location) for v in value]
        elif key in _VERBATIM:
            out[key] = value
        else:
            raise ValueError(f"schemas.sdk cannot convert keyword {key!r} (in {stem}.json)")
    return out


@cache
def document(name: str) -> dict[str, Any]:
    """The generated draft 2020-12 document for SDK type ``name``."""
    location = locations().get(name)
    if location is None:
        raise UnknownSchemaError(name, names())
    if location == _TIMESTAMP_LOCATION:
        body: dict[str, Any] = dict(_SDK_TIMESTAMP)
    else:
        by_location = {loc: n for n, loc in locations().items()}
        stem = location.partition("/")[0]
        body = _transform(_wire_node(location), stem, location in KEEPS_OBJECT, by_location)
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": sdk_uri(name),
        "$comment": f"Generated by schemas.sdk from wire location {location!r}; do not edit.",
    }
    return {**head, **body}


@cache
def registry() -> referencing.Registry[Any]:
    """A registry of every SDK document, separate from the wire one."""
    resources = [(sdk_uri(n), DRAFT202012.create_resource(document(n))) for n in names()]
    return referencing.Registry().with_resources(resources).crawl()


@cache
def validator(name: str) -> Validator:
    """A compiled, cached validator for SDK type ``name``."""
    return jsonschema.Draft202012Validator(
        {"$ref": sdk_uri(name)},
        registry=registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _violation(error: ValidationError) -> SchemaViolation:
    while error.context:
        error = best_match(error.context, key=relevance)
    return SchemaViolation(
        path=json_path(error),
        value=error.instance,
        keyword=str(error.validator),
        reason=error.message,
        schema_path="/".join(str(p) for p in error.absolute_schema_path),
    )


def violations(name: str, instance: Any) -> list[SchemaViolation]:
    errors = list(validator(name).iter_errors(instance))
    if not errors:
        return []
    first = best_match(errors, key=relevance)
    assert first is not None
    return [_violation(first), *(_violation(e) for e in errors if e is not first)]


def is_valid(name: str, instance: Any) -> bool:
    return bool(validator(name).is_valid(instance))


def validate(name: str, instance: Any) -> None:
    """Raise :class:`SchemaValidationError` unless ``instance`` is a valid SDK ``name``."""
    found = violations(name, instance)
    if found:
        raise SchemaValidationError(name, found)


def write(out_dir: Path) -> list[Path]:
    """Write every SDK document to ``out_dir/<Name>.json``; the ``$ref``s resolve there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names():
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(document(name), indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
