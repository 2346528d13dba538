"""The Frontend API's own way in: a FAPI request skips the generic ASGI layers.

Every request used to pass eight layers before its handler ran (the journal, CORS,
fault injection, ``_method`` override, Starlette's exception middleware, the router, the
route and its exception wrapper), each awaiting the next and each wrapping ``send``;
together they cost about a fifth of a sign-in request (py-spy, ``docs/performance.md``).

:class:`FapiFastPath` is the app's way in (``app.MockApp``), ahead of Starlette and all
its middleware, and serves, itself, the requests those layers would only pass through: a
FAPI operation's path and method, with no fault rule armed. It does the little the layers
would have done, through their own code wherever there is any: the ``_method`` override
and the journal record are the functions the layers call too, the route is the router's
own (``find`` on its index), errors are answered by what the app's exception handlers
call (an unexpected one as Starlette's ``ServerErrorMiddleware`` would: by the app's
handler, then raised on to the server), and the CORS headers come from the CORS layer's
settings (its ``send`` merges them whenever an answer already has one of its headers).
Anything else (preflights, ``HEAD``, an unknown path or method, the admin API, the IdP,
and every request while a fault rule is armed) goes down the full stack unchanged.

It runs the operation itself, not the route's endpoint: an operation takes the scope and
the body and gives back status, headers and body (``wire/incoming.py``), so no Starlette
``Request`` or ``Response`` is built on this path; that took 7-9% of the instructions off
a flow request. ``tests/mock_server/test_fast_path.py`` sends the same requests both ways
and compares the answers byte for byte.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.errors import FapiError
from mock_server.route_index import IndexedRoutes
from mock_server.wire.incoming import QUERY_METHODS, Answer, Incoming, read_body

Operate = Callable[[Incoming], Awaitable[Answer]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]

# Methods the FAPI table serves. HEAD (answered as GET, body dropped by the server) and
# OPTIONS (CORS preflights) are rare and take the full stack.
_SERVED = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


# The response headers CORSMiddleware sets (or replaces, or merges into).
_CORS_SET = frozenset(
    {
        b"vary",
        b"access-control-allow-origin",
        b"access-control-allow-credentials",
        b"access-control-expose-headers",
    }
)
_VARY_ORIGIN = (b"vary", b"Origin")


def overridden(scope: Scope) -> Scope:
    """clerk-js sends PATCH/PUT/DELETE as POST with ``?_method=``: the scope to route."""
    if scope["method"] == "POST" and b"_method" in scope.get("query_string", b""):
        from urllib.parse import parse_qs

        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        override = (query.get("_method") or [""])[0].upper()
        if override in {"PATCH", "PUT", "DELETE", "GET"}:
            return dict(scope, method=override)
    return scope


class FapiFastPath:
    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: IndexedRoutes | None,
        operations: Mapping[str, Mapping[str, Operate]],
        proxy_path: str,
        cors: CORSMiddleware,
        armed: Callable[[], bool],
        begin: Callable[[], None],
        record: Callable[[Scope, int], None],
        on_fapi_error: Callable[[FapiError], Answer],
        on_http_error: ErrorHandler,
        on_unexpected: ErrorHandler,
    ) -> None:
        self.app = app
        # None: the fast path is off and every request takes the full stack.
        self.routes = routes
        self.operations = operations
        self.proxy_path = proxy_path
        self.cors = cors
        # CORSMiddleware's headers for every answer to a request with an Origin, in its
        # order; None when it allows every origin (it then replaces a header it set).
        self._simple = (
            None
            if cors.allow_all_origins
            else [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in cors.simple_headers.items()
            ]
        )
        self.armed = armed
        self.begin = begin
        self.record = record
        self.on_fapi_error = on_fapi_error
        self.on_http_error = on_http_error
        self.on_unexpected = on_unexpected

    def _find(self, scope: Scope) -> tuple[Operate, Scope, dict[str, Any]] | None:
        """The operation, the scope as the router would pass it on, and the path's
        parameters."""
        assert self.routes is not None
        root_path: str = scope.get("root_path", "")
        route_path = get_route_path(scope)
        if self.proxy_path and route_path.startswith(self.proxy_path + "/"):
            # As Starlette's Mount: the prefix moves into root_path, the path stays whole.
            route_path = route_path[len(self.proxy_path) :]
            scope = {
                **scope,
                "app_root_path": scope.get("app_root_path", root_path),
                "root_path": root_path + self.proxy_path,
            }
        method = scope["method"]
        found = self.routes.find(route_path, method)
        if found is None:
            return None
        route, params = found
        return self.operations[route.path][method], scope, params

    def _with_cors(
        self, raw: list[tuple[bytes, bytes]], request: Incoming
    ) -> list[tuple[bytes, bytes]] | None:
        """The headers ``CORSMiddleware.send`` would send, worked out without it when the
        answer has none of the headers that layer sets (its merging rules then reduce to
        appending); None when it has one, and the layer itself must merge them."""
        if self._simple is None or not _CORS_SET.isdisjoint(dict(raw)):
            return None
        origin = request.header(b"origin")
        if origin is None:
            return [*raw, _VARY_ORIGIN]
        # The layer echoes an origin on its allow-list.
        echo = self.cors.is_allowed_origin(origin=origin)
        allow = [(b"access-control-allow-origin", origin.encode("latin-1"))] if echo else []
        return [*raw, *self._simple, *allow, _VARY_ORIGIN]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.routes is None
            or scope["type"] != "http"
            or scope["method"] not in _SERVED
            or self.armed()
        ):
            await self.app(scope, receive, send)
            return
        routed = overridden(scope)
        found = self._find(routed)
        if found is None:
            await self.app(scope, receive, send)
            return
        operate, routed, params = found
        status = 0
        started = False
        self.begin()
        try:
            method = routed["method"]
            body = b"" if method in QUERY_METHODS else await read_body(receive)
            request = Incoming(routed, body, params)
            try:
                answer = await operate(request)
            except FapiError as exc:
                answer = self.on_fapi_error(exc)
            except HTTPException as exc:
                child = {**routed, "path_params": params}
                page = await self.on_http_error(Request(child, receive, send), exc)
                answer = Answer.of(page)
            status = answer.status
            start = {"type": "http.response.start", "status": status}
            headers = self._with_cors(answer.headers, request)
            started = True
            if headers is None:
                message = {**start, "headers": answer.headers}
                await self.cors.send(message, send=send, request_headers=Headers(scope=routed))
            else:
                await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": answer.body})
        except Exception as exc:
            # As ``ServerErrorMiddleware``: the app's handler answers, unless an answer
            # has begun, and the error goes on up to the server, which logs it. The
            # journal, inside that layer on the full stack, records no status (0).
            if not started:
                page = await self.on_unexpected(Request(scope), exc)
                await page(scope, receive, send)
            raise
        finally:
            # As the journal layer records it: the method as sent, before any override.
            self.record(scope, status)
