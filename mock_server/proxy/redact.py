"""Secrets out of recordings: cookies, tokens, passwords, codes, signatures.

A recording is meant to be committed next to the tests that replay it, so anything that
authenticates (or could be replayed against the real Clerk) is replaced by a marker
before it is written.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "clerk-db-jwt", "x-clerk-auth-token"}
)
SECRET_PARAMS = frozenset(
    {
        "__clerk_db_jwt",
        "__dev_session",
        "__clerk_testing_token",
        "password",
        "new_password",
        "current_password",
        "code",
        "token",
        "ticket",
        "signature",
        "public_key_credential",
        "rotating_token_nonce",
        "jwt",
        "secret",
        "backup_codes",
        "uri",
    }
)
_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def headers(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in items]


def url(value: str) -> str:
    parts = urlsplit(value)
    query = [(k, REDACTED if k in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def form(body: str) -> str:
    pairs = parse_qsl(body, keep_blank_values=True)
    return urlencode([(k, REDACTED if k in SECRET_PARAMS else v) for k, v in pairs])


def json_value(value: Any) -> Any:
    """Replace secret keys at any depth, and anything shaped like a JWT."""
    if isinstance(value, dict):
        return {
            k: REDACTED if k in SECRET_PARAMS and v is not None else json_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, str):
        return _JWT.sub(REDACTED, value)
    return value
