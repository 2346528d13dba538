"""The Frontend API's own way in: a FAPI request skips the generic ASGI layers.

Every request used to pass eight layers before its handler ran (the journal, CORS,
fault injection, ``_method`` override, Starlette's exception middleware, the router, the
route and its exception wrapper), each awaiting the next and each wrapping ``send``;
together they cost about a fifth of a sign-in request (py-spy, ``docs/performance.md``).

:class:`FapiFastPath` sits first inside Starlette's ``ServerErrorMiddleware`` and serves,
itself, the requests those layers would only pass through: a FAPI operation's path and
method, with no fault rule armed. It does the little the layers would have done, through
their own code wherever there is any: the ``_method`` override and the journal record
are the functions the layers call too, the route is the router's own (``find`` on its
index), errors go to the app's exception handlers, and the CORS headers come from the
CORS layer's settings (its ``send`` merges them whenever an answer already has one of
its headers). Anything else (preflights, ``HEAD``, an unknown path or method, the admin
API, the IdP, and every request while a fault rule is armed) goes down the full stack
unchanged. ``tests/mock_server/test_fast_path.py`` sends the same requests both ways and
compares the answers byte for byte.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette._utils import get_route_path
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.errors import FapiError
from mock_server.route_index import IndexedRoutes

Endpoint = Callable[[Request], Awaitable[Response]]
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
        proxy_path: str,
        cors: CORSMiddleware,
        armed: Callable[[], bool],
        begin: Callable[[], None],
        record: Callable[[Scope, int], None],
        on_fapi_error: ErrorHandler,
        on_http_error: ErrorHandler,
    ) -> None:
        self.app = app
        # None: the fast path is off and every request takes the full stack.
        self.routes = routes
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

    def _find(self, scope: Scope) -> tuple[Endpoint, dict[str, Any]] | None:
        """The operation's endpoint and the scope entries the router would have set."""
        assert self.routes is not None
        root_path: str = scope.get("root_path", "")
        route_path = get_route_path(scope)
        child: dict[str, Any] = {}
        if self.proxy_path and route_path.startswith(self.proxy_path + "/"):
            # As Starlette's Mount: the prefix moves into root_path, the path stays whole.
            route_path = route_path[len(self.proxy_path) :]
            child = {
                "app_root_path": scope.get("app_root_path", root_path),
                "root_path": root_path + self.proxy_path,
            }
        found = self.routes.find(route_path, scope["method"])
        if found is None:
            return None
        route, params = found
        endpoint: Endpoint = route.endpoint
        return endpoint, {**child, "endpoint": endpoint, "path_params": params}

    def _with_cors(
        self, raw: list[tuple[bytes, bytes]], request: Request
    ) -> list[tuple[bytes, bytes]] | None:
        """The headers ``CORSMiddleware.send`` would send, worked out without it when the
        answer has none of the headers that layer sets (its merging rules then reduce to
        appending); None when it has one, and the layer itself must merge them."""
        if self._simple is None or any(name in _CORS_SET for name, _ in raw):
            return None
        origin = request.headers.get("origin")
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
        endpoint, child = found
        request = Request({**routed, **child}, receive, send)
        status = 0
        self.begin()
        try:
            try:
                response = await endpoint(request)
            except FapiError as exc:
                response = await self.on_fapi_error(request, exc)
            except HTTPException as exc:
                response = await self.on_http_error(request, exc)
            status = response.status_code
            start = {"type": "http.response.start", "status": status}
            headers = self._with_cors(response.raw_headers, request)
            if headers is None:
                message = {**start, "headers": response.raw_headers}
                await self.cors.send(message, send=send, request_headers=request.headers)
            else:
                await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": response.body})
        finally:
            # As the journal layer records it: the method as sent, before any override.
            self.record(scope, status)
