"""Every hand-picked example behaves as its file says."""

from __future__ import annotations

import pytest

import schemas
from fixtures.examples import Example, invalid_examples, valid_examples


@pytest.mark.parametrize("example", valid_examples(), ids=lambda e: e.id)
def test_valid_example_passes(example: Example) -> None:
    schemas.validate(example.schema, example.instance)


@pytest.mark.parametrize("example", invalid_examples(), ids=lambda e: e.id)
def test_invalid_example_fails_for_its_stated_reason(example: Example) -> None:
    assert example.expect_path, f"{example.id} must state expect.path"
    assert example.expect_keyword, f"{example.id} must state expect.keyword"
    with pytest.raises(schemas.SchemaValidationError) as caught:
        schemas.validate(example.schema, example.instance)
    reasons = [(v.path, v.keyword) for v in caught.value.violations]
    assert (caught.value.path, caught.value.keyword) == (
        example.expect_path,
        example.expect_keyword,
    ), (
        f"{example.id}: expected the first violation at {example.expect_path} "
        f"({example.expect_keyword}); all: {reasons}"
    )


def test_every_document_has_a_valid_example() -> None:
    covered = {e.schema.split("/")[0] for e in valid_examples()}
    missing = sorted(set(schemas.names()) - covered - {"common"})
    assert not missing, f"documents without a valid example: {missing}"
