"""JSON Schemas (draft 2020-12) for Clerk's Frontend API, in the wire form.

The single source of truth of fapi-harness: the mock's responses, the suites' checks and
the OpenAPI document all derive from the documents in ``schemas/wire/``.

>>> import schemas
>>> schemas.validate("errors", {"errors": []})
"""

from schemas.errors import SchemaValidationError, SchemaViolation, UnknownSchemaError
from schemas.fast import fast_is_valid, fast_validator
from schemas.flatten import flatten
from schemas.official_spec import OfficialSpec, SpecNotFound
from schemas.official_spec import load as load_official_spec
from schemas.registry import BASE_URI, documents, names, registry, schema_for, uri
from schemas.validation import is_valid, validate, validator, violations

__all__ = [
    "BASE_URI",
    "OfficialSpec",
    "SchemaValidationError",
    "SchemaViolation",
    "SpecNotFound",
    "UnknownSchemaError",
    "documents",
    "fast_is_valid",
    "fast_validator",
    "flatten",
    "is_valid",
    "load_official_spec",
    "names",
    "registry",
    "schema_for",
    "uri",
    "validate",
    "validator",
    "violations",
]
