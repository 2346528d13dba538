"""The Python API: names, cached validators, one clear error."""

from __future__ import annotations

import pytest

import schemas


def test_names_lists_document_stems_and_defs_on_request() -> None:
    assert "errors" in schemas.names()
    assert "errors/error" not in schemas.names()
    assert "errors/error" in schemas.names(defs=True)


def test_validator_is_compiled_once_and_reused() -> None:
    assert schemas.validator("errors") is schemas.validator("errors")


def test_error_names_path_value_keyword_and_reason() -> None:
    with pytest.raises(schemas.SchemaValidationError) as caught:
        schemas.validate("errors", {"errors": [{"code": 7, "message": "m", "long_message": "l"}]})
    err = caught.value
    assert (err.path, err.keyword, err.value) == ("$.errors[0].code", "type", 7)
    assert "$.errors[0].code" in str(err)
    assert "not of type" in err.reason


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(schemas.UnknownSchemaError, match="did you mean errors"):
        schemas.validator("erors")


def test_a_def_can_be_validated_on_its_own() -> None:
    schemas.validate("errors/error", {"code": "x", "message": "m", "long_message": "l"})
    assert not schemas.is_valid("errors/error", {"code": "x"})
