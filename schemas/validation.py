"""Compiled validators and the one ``validate`` entry point.

``jsonschema.validate()`` recompiles on every call (milliseconds); a validator built
once per name and cached costs a fraction of that, so everything goes through
:func:`validator`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match, relevance
from jsonschema.protocols import Validator

from schemas.errors import SchemaValidationError, SchemaViolation
from schemas.registry import registry, schema_for

_FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


@cache
def validator(name: str) -> Validator:
    """A compiled draft 2020-12 validator for ``name``, reused across calls."""
    return jsonschema.Draft202012Validator(
        schema_for(name), registry=registry(), format_checker=_FORMAT_CHECKER
    )


def json_path(error: ValidationError) -> str:
    """``$.a[0].b`` for an error's location in the instance."""
    out = "$"
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _leaf(error: ValidationError) -> ValidationError:
    """Descend into ``if/then`` and ``$ref`` wrappers to the error that names the field.

    Discriminated unions are written as ``allOf`` of ``if``/``then`` pairs, so the
    interesting error is the deepest one in the branch that was meant.
    """
    while error.context:
        error = best_match(error.context, key=relevance)
    return error


def _violation(error: ValidationError) -> SchemaViolation:
    leaf = _leaf(error)
    return SchemaViolation(
        path=json_path(leaf),
        value=leaf.instance,
        keyword=str(leaf.validator),
        reason=leaf.message,
        schema_path="/".join(str(p) for p in leaf.absolute_schema_path),
    )


def violations(name: str, instance: Any) -> list[SchemaViolation]:
    """Every violation, the most relevant first; empty when the instance is valid."""
    errors = list(validator(name).iter_errors(instance))
    if not errors:
        return []
    first = best_match(errors, key=relevance)
    assert first is not None
    rest = [e for e in errors if e is not first]
    return [_violation(first), *(_violation(e) for e in rest)]


def is_valid(name: str, instance: Any) -> bool:
    return bool(validator(name).is_valid(instance))


def validate(name: str, instance: Any) -> None:
    """Raise :class:`SchemaValidationError` (path, value, reason) unless ``instance`` is valid."""
    found = violations(name, instance)
    if found:
        raise SchemaValidationError(name, found)
