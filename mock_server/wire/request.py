"""Turn an HTTP request into plain parameters, the way FAPI reads them.

clerk-js sends ``application/x-www-form-urlencoded`` bodies (objects as JSON text,
booleans as "true"/"false", arrays as repeated keys), overrides the method with
``_method`` and adds bookkeeping query parameters on every call. Parsing accepts all of
that, plus JSON bodies for hand-written clients, and turns anything else into a
Clerk-shaped 4xx rather than a framework error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message, Scope

from mock_server.errors import FapiError
from mock_server.wire.incoming import QUERY_METHODS, Incoming

# Sent by clerk-js on every request; never parameters of an operation.
BOOKKEEPING_PARAMS = frozenset(
    {
        "_method",
        "__clerk_api_version",
        "_clerk_js_version",
        "_clerk_session_id",
        "__clerk_db_jwt",
        "__dev_session",
        "_is_native",
        "rotating_token_nonce",
        "__domain",
        "_clerk_retry_attempt",
        "__clerk_testing_token",
        "debug",
        "expired_token",
    }
)


@dataclass
class Params:
    """Form (or JSON) body merged over nothing: one value per key, lists kept aside."""

    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        """The value, None for one that is missing or empty."""
        return self.values.get(name) or None

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def flag(self, name: str) -> bool:
        return (self.values.get(name) or "").lower() in {"true", "1", "yes", "on"}

    def json_object(self, name: str) -> dict[str, Any] | None:
        """A parameter that clerk-js sends as JSON text (``unsafe_metadata``)."""
        raw = self.get(name)
        if raw is None:
            return None
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise FapiError.of("form_param_format_invalid", param=name) from exc
        if not isinstance(value, dict):
            raise FapiError.of("form_param_format_invalid", param=name)
        return value


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


@dataclass(frozen=True)
class Query:
    """A query string's parameters: every pair in order, and the last value of each name
    (which is what Starlette's ``QueryParams`` gives: both parse it with ``parse_qsl``)."""

    items: tuple[tuple[str, str], ...]
    last: Mapping[str, str]


def parse_query(query_string: bytes) -> Query:
    items = tuple(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    return Query(items, MappingProxyType(dict(items)))


# Query strings up to this size are remembered: clerk-js's run to a few hundred bytes,
# and the cache's memory stays bounded (4,096 entries) whatever a fuzzer sends.
_CACHED_QUERY_BYTES = 2048
_parse_cached = lru_cache(maxsize=4096)(parse_query)


def query_of(scope: Scope) -> Query:
    """The request's query, parsed once per distinct string. A client repeats its own on
    every request (clerk-js: the API and SDK versions and its dev-browser token; native
    apps: ``_is_native=1``), and identifying the caller and reading its parameters both ask.
    """
    raw: bytes = scope.get("query_string", b"")
    return _parse_cached(raw) if len(raw) <= _CACHED_QUERY_BYTES else parse_query(raw)


async def read_params(request: Incoming) -> Params:
    """The operation's parameters: the body for writes, the query for reads."""
    params = Params()
    if request.method in QUERY_METHODS:
        source: Sequence[tuple[str, str]] = query_of(request.scope).items
    else:
        source = await _body_items(request)
    for key, value in source:
        if key in BOOKKEEPING_PARAMS:
            continue
        params.lists.setdefault(key, []).append(value)
        params.values[key] = value
    return params


# Forms this small cannot reach Starlette's limits (1,000 fields, 1 MB a field), so
# ``parse_qsl`` answers exactly what Starlette's form parser would (both split on ``&``
# and unquote the latin-1 text as UTF-8: tests/unit/test_form_parsing.py), at a sixth
# of its cost. Anything larger or unusual still goes through Starlette.
_FAST_FORM_BYTES = 64 * 1024
_FORM = "application/x-www-form-urlencoded"


# A well-formed escape, as ``unquote`` reads one: ``%`` and two hex digits, either case.
_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")


def _byte(escape: re.Match[bytes]) -> bytes:
    return bytes.fromhex(escape[1].decode("ascii"))


def _unquote(text: str) -> str:
    """``unquote(text)``, sooner for ASCII text (a form's usual): ``unquote`` splits the
    text on ``%`` and looks each piece up in Python; here one regex does it in C. Other
    text (raw non-ASCII bytes in the body) goes to ``unquote`` itself."""
    if not text.isascii():
        return unquote(text)
    return _ESCAPE.sub(_byte, text.encode("ascii")).decode("utf-8", "replace")


def split_form(text: str) -> list[tuple[str, str]]:
    """``parse_qsl(text, keep_blank_values=True)``: the same pairs, sooner.

    ``parse_qsl`` coerces its arguments and unquotes every name and value through two
    calls, most of which find nothing to do; on the sign-in flows' bodies this takes
    1.6-5.3 us against its 4.2-7.9. ``unquote`` is skipped where there is no ``%`` (which
    is what it checks first itself). ``tests/unit/test_form_parsing.py`` holds the two
    equal.
    """
    out: list[tuple[str, str]] = []
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        name = name.replace("+", " ")
        value = value.replace("+", " ")
        out.append(
            (_unquote(name) if "%" in name else name, _unquote(value) if "%" in value else value)
        )
    return out


async def _body_items(request: Incoming) -> list[tuple[str, str]]:
    raw_type = (request.header(b"content-type") or "").split(";")[0].strip()
    content_type = raw_type.lower()
    body = request.body
    if not body.strip():
        return []
    if raw_type == _FORM and len(body) <= _FAST_FORM_BYTES and body.count(b"&") < 999:
        return split_form(body.decode("latin-1"))
    if content_type in {"application/x-www-form-urlencoded", "multipart/form-data", ""}:
        try:
            form = await Request(request.scope, _replay(body)).form()
        except Exception as exc:  # python-multipart raises several unrelated types
            raise FapiError.of("request_body_invalid", detail=str(exc)) from exc
        return [(k, v if isinstance(v, str) else _upload_name(v)) for k, v in form.multi_items()]
    if content_type == "application/json":
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise FapiError.of(
                "request_body_invalid", detail="The body is not valid JSON."
            ) from exc
        if not isinstance(data, dict):
            raise FapiError.of("request_body_invalid", detail="The body must be a JSON object.")
        return [(str(k), _scalar(v)) for k, v in data.items()]
    raise FapiError.of(
        "unsupported_content_type",
        actual=content_type,
        expected="application/x-www-form-urlencoded",
    )


def _replay(body: bytes) -> Any:
    """A ``receive`` that hands Starlette's form parser the body already read."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _upload_name(upload: UploadFile | Any) -> str:
    return getattr(upload, "filename", None) or ""
