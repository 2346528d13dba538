"""The envelopes document's root states what every definition shares.

A caller that only knows it got "some envelope" validates against the root; if a
definition drifted away from ``{response, client}`` that call would pass wrong bodies.
"""

from __future__ import annotations

import pytest

import schemas
from fixtures.examples import Example, valid_examples

ENVELOPE_EXAMPLES = [e for e in valid_examples() if e.schema.startswith("envelopes/")]


def test_every_envelope_definition_has_a_valid_example() -> None:
    defined = {n for n in schemas.names(defs=True) if n.startswith("envelopes/")}
    covered = {e.schema for e in ENVELOPE_EXAMPLES}
    assert not defined - covered, f"envelopes without a valid example: {sorted(defined - covered)}"


@pytest.mark.parametrize("example", ENVELOPE_EXAMPLES, ids=lambda e: e.id)
def test_each_envelope_also_passes_the_root(example: Example) -> None:
    schemas.validate("envelopes", example.instance)


def test_root_rejects_a_body_without_client() -> None:
    assert not schemas.is_valid("envelopes", {"response": None})
