"""A compiled-in-Rust validator for hot paths (the mock checking every response it sends).

``jsonschema_rs`` validates the same documents, through its own registry built from
:func:`schemas.registry.documents`, several times faster than the pure-Python validator.
It only answers *whether* an instance is valid (and a terse error); for a readable
failure, call :func:`schemas.validate`, which the test suite keeps in exact agreement
with this one (``tests/schemas/test_fast.py``).

Formats: Python's ``jsonschema`` checks only the formats whose optional dependencies are
installed, with its own rules; ``jsonschema_rs`` would check all of them with other rules.
So every format our documents use is checked here by the very function ``jsonschema``
uses, and the two validators cannot disagree on one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import jsonschema
import jsonschema_rs

from schemas.registry import documents, schema_for


def _formats_used(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats_used(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats_used(value)


def _python_format(name: str) -> Callable[[str], bool]:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER

    def conforms(value: str) -> bool:
        return bool(checker.conforms(value, name))

    return conforms


@cache
def _registry() -> Any:
    return jsonschema_rs.Registry([(doc["$id"], doc) for doc in documents().values()])


@cache
def _formats() -> dict[str, Callable[[str], bool]]:
    used = {f for doc in documents().values() for f in _formats_used(doc)}
    return {name: _python_format(name) for name in sorted(used)}


@cache
def fast_validator(name: str) -> Any:
    """A cached ``jsonschema_rs`` validator for ``name``; ``.is_valid(x)``, ``.validate(x)``.

    Raises :class:`schemas.UnknownSchemaError` for an unknown name, like ``validator``.
    """
    return jsonschema_rs.validator_for(
        schema_for(name),
        registry=_registry(),
        validate_formats=True,
        formats=_formats(),
    )


def fast_is_valid(name: str, instance: Any) -> bool:
    return bool(fast_validator(name).is_valid(instance))
