"""What an operation reads of its HTTP request, and what it answers, as plain data.

Starlette's ``Request`` and ``Response`` build a header mapping, a body stream and header
lists that a FAPI operation mostly never reads. An operation is given the ASGI scope and
the body bytes instead (:class:`Incoming`), and gives back the status, raw headers and
body (:class:`Answer`). The FAPI fast path (``fast_path.py``) reads the body and sends
the answer itself; the full stack's endpoint does both through Starlette, so both run
the same operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from starlette.requests import ClientDisconnect, cookie_parser
from starlette.responses import Response
from starlette.types import Receive, Scope

# Methods whose parameters are the query; any body they carry is not read.
QUERY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


class Incoming:
    __slots__ = ("_headers", "body", "path_params", "scope")

    def __init__(
        self, scope: Scope, body: bytes = b"", path_params: Mapping[str, Any] = _NO_PARAMS
    ) -> None:
        self.scope = scope
        self.body = body
        self.path_params = path_params
        self._headers: dict[bytes, bytes] | None = None

    @property
    def method(self) -> str:
        method: str = self.scope["method"]
        return method

    def header(self, name: bytes) -> str | None:
        """The first value of a header (``name`` in lower case), as Starlette's
        ``Headers.get`` gives it. A request asks for three or four; the raw headers are
        put in a dict (in C, the first of a repeated name kept) at the first."""
        headers = self._headers
        if headers is None:
            headers = self._headers = dict(reversed(list(self.scope["headers"])))
        value = headers.get(name)
        return None if value is None else value.decode("latin-1")

    def cookies(self) -> dict[str, str]:
        """As Starlette's ``Request.cookies``: every ``Cookie`` header, later ones winning."""
        cookies: dict[str, str] = {}
        for key, value in self.scope["headers"]:
            if key == b"cookie":
                cookies.update(cookie_parser(value.decode("latin-1")))
        return cookies

    @property
    def client_ip(self) -> str:
        client = self.scope.get("client")
        return str(client[0]) if client else "unknown"


async def read_body(receive: Receive) -> bytes:
    """The whole body, as Starlette's ``Request.body`` reads it (a client gone before it
    is read raises the same ``ClientDisconnect``), without its async generator."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class Answer(NamedTuple):
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> Answer:
        return cls(response.status_code, response.raw_headers, bytes(response.body))

    def response(self) -> Response:
        """The same answer as a Starlette response (for the full stack)."""
        response = Response(status_code=self.status)
        response.body = self.body
        response.raw_headers = self.headers
        return response
