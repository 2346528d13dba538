"""JSON answers: orjson, ~10x faster than ``json`` on FAPI-sized bodies."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from mock_server.wire.incoming import Answer

_JSON_TYPE = (b"content-type", b"application/json")


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def json_answer(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    """What :class:`JSONResponse` would send, without building one: the headers given
    (names in lower case), then a content length and type unless given, by Starlette's
    rules (``Response.init_headers``; ``tests/unit/test_incoming.py`` holds them equal)."""
    body = orjson.dumps(content)
    if not headers:
        if status < 200 or status in (204, 304):
            return Answer(status, [_JSON_TYPE], body)
        return Answer(status, [(b"content-length", b"%d" % len(body)), _JSON_TYPE], body)
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    names = {name for name, _ in raw}
    if b"content-length" not in names and not (status < 200 or status in (204, 304)):
        raw.append((b"content-length", b"%d" % len(body)))
    if b"content-type" not in names:
        raw.append(_JSON_TYPE)
    return Answer(status, raw, body)
