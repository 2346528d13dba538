"""JSON Schemas (draft 2020-12) for Clerk's Frontend API, in the wire form.

The single source of truth of fapi-harness: the mock's responses, the suites' checks and
the OpenAPI document all derive from the documents in ``schemas/wire/``.

>>> import schemas
>>> schemas.validate("errors", {"errors": []})
"""

from schemas import sdk
from schemas.errors import SchemaValidationError, SchemaViolation, UnknownSchemaError
from schemas.registry import BASE_URI, documents, names, registry, schema_for, uri
from schemas.validation import is_valid, validate, validator, violations

__all__ = [
    "BASE_URI",
    "SchemaValidationError",
    "SchemaViolation",
    "UnknownSchemaError",
    "documents",
    "is_valid",
    "names",
    "registry",
    "schema_for",
    "sdk",
    "uri",
    "validate",
    "validator",
    "violations",
]
