"""schemas.fast_validator (jsonschema_rs) and schemas.validator (jsonschema) always agree."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemas
from fixtures.examples import Example, invalid_examples, valid_examples

Path = tuple[str | int, ...]
ALL_EXAMPLES = valid_examples() + invalid_examples()
#: One value of each JSON type, to swap in for a value of another type.
OTHER_TYPES: list[Any] = [None, True, 0, 1.5, "x", [], {}]


def agree(name: str, instance: Any) -> bool:
    slow = schemas.validator(name).is_valid(instance)
    fast = schemas.fast_validator(name).is_valid(instance)
    assert slow == fast, f"{name}: jsonschema says {slow}, jsonschema_rs says {fast}"
    return bool(slow)


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=lambda e: f"{e.kind}/{e.id}")
def test_both_validators_agree_on_every_example(example: Example) -> None:
    assert agree(example.schema, example.instance) is (example.kind == "valid")
    assert schemas.fast_is_valid(example.schema, example.instance) is (example.kind == "valid")


def test_fast_validator_is_cached_and_rejects_unknown_names() -> None:
    assert schemas.fast_validator("errors") is schemas.fast_validator("errors")
    with pytest.raises(schemas.UnknownSchemaError):
        schemas.fast_validator("no_such_schema")


def _walk(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _walk(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _walk(sub, (*path, index))


def _parent(root: Any, path: Path) -> Any:
    for part in path[:-1]:
        root = root[part]
    return root


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid example with one key dropped, one value retyped, or one key added."""
    example = draw(st.sampled_from(valid_examples()))
    instance = copy.deepcopy(example.instance)
    places = list(_walk(instance))
    objects = [(p, v) for p, v in places if isinstance(v, dict)]
    keyed = [(p, v) for p, v in objects if v]
    how = draw(st.sampled_from(["drop", "retype", "add"]))
    if how == "drop" and keyed:
        path, obj = draw(st.sampled_from(keyed))
        del obj[draw(st.sampled_from(sorted(obj)))]
    elif how == "retype" and len(places) > 1:
        path, value = draw(st.sampled_from(places[1:]))
        others = [v for v in OTHER_TYPES if type(v) is not type(value)]
        _parent(instance, path)[path[-1]] = draw(st.sampled_from(others))
    elif objects:
        path, obj = draw(st.sampled_from(objects))
        key = draw(st.one_of(st.sampled_from(["object", "id", "status", "extra"]), st.text()))
        obj[key] = draw(st.sampled_from(OTHER_TYPES))
    return example.schema, instance


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_both_validators_agree_on_mutated_examples(case: tuple[str, Any]) -> None:
    name, instance = case
    agree(name, instance)
