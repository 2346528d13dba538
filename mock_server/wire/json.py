"""One JSON response class: orjson, ~10x faster than ``json`` on FAPI-sized bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import Response

_JSON = b"application/json"


class JSONResponse(Response):
    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        if headers or media_type is not None or background is not None:
            super().__init__(content, status_code, headers, media_type, background)
            return
        # Almost every FAPI answer: no extra headers. Starlette's init_headers would give
        # exactly these two (tests/unit/test_json_response.py), at a third of its cost.
        self.status_code = status_code
        self.background = None
        self.body = body = orjson.dumps(content)
        length = [] if status_code < 200 or status_code in (204, 304) else [_length(body)]
        self.raw_headers = [*length, (b"content-type", _JSON)]

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _length(body: bytes) -> tuple[bytes, bytes]:
    return (b"content-length", str(len(body)).encode("latin-1"))


def error_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)
