"""Build the ASGI app: ``build_app(config, store, ...)``.

Layers, outside in: CORS (credentials, the Origin echoed) -> ``_method`` override ->
routing (the FAPI table at the root *and* under the proxy path, plus ``/__admin``) ->
one endpoint wrapper per operation that parses, identifies the client, runs the
handler as one unit of work, renders, and (optionally) validates the body against the
operation's schema before it leaves. Ahead of them all, :class:`MockApp` lets
``fast_path.FapiFastPath`` serve FAPI requests by itself, answering as they would.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server import routes as _routes  # noqa: F401 - registers the operations
from mock_server.clock import Clock
from mock_server.config import Config
from mock_server.errors import ErrorItem, FapiError
from mock_server.fast_path import FapiFastPath, overridden
from mock_server.faults import JOURNAL_KEY as FAULT_KEY
from mock_server.faults import FaultInjector, FaultMiddleware
from mock_server.randomness import Randomness
from mock_server.route_index import IndexedRoutes
from mock_server.routing import FAPI, Operation, Reply
from mock_server.runtime import Runtime
from mock_server.store import MemoryStore, Store
from mock_server.store.base import Tx
from mock_server.wire.context import Ctx, RequestInfo
from mock_server.wire.cookies import client_uat, client_uat_header
from mock_server.wire.identify import CLIENT_COOKIE, identify
from mock_server.wire.incoming import QUERY_METHODS, Answer, Incoming
from mock_server.wire.json import JSONResponse, error_response, json_answer
from mock_server.wire.params import check_known
from mock_server.wire.ratelimit import RateLimiter
from mock_server.wire.request import read_params

log = logging.getLogger("fapi_harness.mock")

EXPOSED_HEADERS = ["Authorization", "Clerk-Db-Jwt", "Retry-After", "X-Country"]


class JournalEntry(NamedTuple):
    """One request as the admin journal lists it: a tuple, made on every request."""

    at: int
    method: str
    path: str
    status: int
    fault: str | None = None


_entry = tuple.__new__


@dataclass
class MockState:
    """Everything the running app holds; the admin API and tests reach it here."""

    runtime: Runtime
    store: Store
    limiter: RateLimiter
    validate_responses: bool = False
    journal: deque[JournalEntry] = field(default_factory=lambda: deque(maxlen=1000))
    validation_failures: list[str] = field(default_factory=list)
    faults: FaultInjector = field(default_factory=FaultInjector)

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state with an export; new ids then come from past what it holds."""
        import orjson

        self.store.load(data)
        self.runtime.rng.fork(orjson.dumps(data, option=orjson.OPT_SORT_KEYS))

    def record(self, scope: Scope, status: int) -> None:
        """One journal entry: the method and path as sent, the status answered (0: none).

        Stamped by the clock as this worker last saw it: on a shared clock, looking again
        would cost a request that read no state (``GET /v1/environment``) its only round
        trip to Redis."""
        state = scope.get("state")
        fault = None if state is None else state.get(FAULT_KEY)
        now = self.runtime.clock.last_ms()
        # ``tuple.__new__`` in C, not the class's ``__new__`` (a Python function).
        self.journal.append(
            _entry(JournalEntry, (now, scope["method"], scope["path"], status, fault))
        )

    def reset(self) -> None:
        self.faults.reset()
        self.store.reset()
        self.limiter.reset()
        self.journal.clear()
        self.runtime.clock.reset()
        self.runtime.rng.reseed()


class MethodOverride:
    """clerk-js sends PATCH/PUT/DELETE as POST with ``?_method=``; route by the real one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(overridden(scope) if scope["type"] == "http" else scope, receive, send)


def _origin_regex(config: Config) -> str:
    import re

    origins = config.cors.allowed_origins
    if "*" in origins:
        return r".*"
    return "|".join(re.escape(o) for o in origins)


def _render(state: MockState, op: Operation | None, reply: Reply) -> Answer:
    if reply.media_type is not None:
        page = Response(
            reply.body, status_code=reply.status, headers=reply.headers, media_type=reply.media_type
        )
        return Answer.of(page)
    if reply.body is None:
        return Answer.of(Response(status_code=reply.status, headers=reply.headers))
    if state.validate_responses:
        _self_validate(state, op, reply)
    return json_answer(reply.body, reply.status, reply.headers)


class ResponseSchemaError(AssertionError):
    """A body the mock was about to send that its schemas do not describe (a mock bug)."""


def _schema_failure(state: MockState, message: str) -> ResponseSchemaError:
    state.validation_failures.append(message)
    log.error(message)
    return ResponseSchemaError(message)


def _self_validate(state: MockState, op: Operation | None, reply: Reply) -> None:
    """Check a JSON body against its schema; a missing schema is a failure, never a pass."""
    import schemas

    where = f"{op.method} {op.path}" if op else "error"
    name = "errors" if reply.status >= 400 else (op.response if op else None)
    if name is None:
        raise _schema_failure(
            state, f"{where} -> {reply.status} sends JSON but declares no response schema"
        )
    try:
        # jsonschema-rs answers "valid?" in microseconds (it agrees with jsonschema on
        # every example: tests/schemas/test_fast.py); the slower validator only runs to
        # explain a failure.
        if schemas.fast_is_valid(name, reply.body):
            return
        found = schemas.violations(name, reply.body)
    except schemas.UnknownSchemaError as exc:
        raise _schema_failure(
            state, f"{where} -> {reply.status} names schema {name!r}, which does not exist"
        ) from exc
    if found:
        raise _schema_failure(state, f"{where} -> {reply.status} does not match {name}: {found[0]}")


Operate = Callable[[Incoming], Awaitable[Answer]]


def _operation(op: Operation, state: MockState) -> Operate:
    """The operation as the app runs it: parse, identify the client, run the handler as
    one unit of work, render. Raises ``FapiError`` for the app's handlers to answer."""

    async def operate(request: Incoming) -> Answer:
        rt = state.runtime
        if op.rate_limit:
            state.limiter.check(op.rate_limit, request.client_ip)
        params = await read_params(request)
        check_known(op.operation_id, params)
        identity = identify(request)
        info = RequestInfo(request)

        # Browsers identified by cookie learn their sign-in state from __client_uat on
        # every answer about their client (GET /v1/client of a new browser included).
        tracks_uat = identity.kind == "cookie" and op.path.startswith("/v1/client")

        def unit(tx: Tx) -> tuple[Reply, str | None, int | None]:
            ctx = Ctx(rt=rt, tx=tx, params=params, identity=identity, request=info)
            reply = op.handler(ctx)
            return reply, ctx.issued_token, client_uat(tx, ctx.client()) if tracks_uat else None

        reply, issued, uat = state.store.transact(unit)
        answer = _render(state, op, reply)
        if issued is not None:
            _hand_back(answer, identity.kind, issued, rt)
        if uat is not None:
            answer.headers.append(client_uat_header(rt, uat))
        return answer

    operate.__name__ = op.operation_id
    return operate


def _hand_back(answer: Answer, kind: str, token: str, rt: Runtime) -> None:
    """Give a newly created client's credential back the way the caller identified, as
    Starlette's ``MutableHeaders`` and ``set_cookie`` would write it."""
    if kind == "native":
        MutableHeaders(raw=answer.headers)["Authorization"] = token
        return
    scratch = Response()
    scratch.set_cookie(
        CLIENT_COOKIE,
        token,
        max_age=rt.config.sessions.client_cookie_days * 86_400,
        httponly=True,
        samesite="lax",
        path="/",
    )
    answer.headers.append(scratch.raw_headers[-1])


async def _jwks(request: Request) -> Response:
    state: MockState = request.app.state.mock
    return JSONResponse(state.runtime.signing_key.jwks())


async def _openapi(request: Request) -> Response:
    from mock_server.openapi import document

    return JSONResponse(document())


Operations = dict[str, dict[str, Operate]]


def _fapi_operations(state: MockState) -> Operations:
    """The operations by route path and method: what the routes dispatch to, and what
    the fast path runs directly."""
    by_path: Operations = {}
    for op in FAPI.operations:
        by_path.setdefault(op.path, {})[op.method] = _operation(op, state)
    return by_path


def _fapi_routes(operations: Operations) -> IndexedRoutes:
    """One route per path, dispatching on the method, so a 405 lists every allowed one."""
    routes: list[BaseRoute] = []
    for path, by_method in operations.items():

        async def dispatch(request: Request, by_method: dict[str, Operate] = by_method) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            body = b"" if method in QUERY_METHODS else await request.body()
            answer = await by_method[method](Incoming(request.scope, body, request.path_params))
            return answer.response()

        routes.append(Route(path, dispatch, methods=list(by_method)))
    return IndexedRoutes(routes)


def _error_answer(state: MockState, exc: FapiError) -> Answer:
    reply = Reply(exc.to_wire(), status=exc.status, headers=exc.headers)
    return _render(state, None, reply)


async def _fapi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FapiError)
    return _error_answer(request.app.state.mock, exc).response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = FapiError.of("method_not_allowed", method=request.method, path=request.url.path)
    elif exc.status_code == 404:
        error = FapiError(
            404,
            [
                ErrorItem(
                    code="resource_not_found",
                    message="not found",
                    long_message=f"No route matches {request.method} {request.url.path}",
                )
            ],
        )
    else:
        error = FapiError.of("request_body_invalid", detail=str(exc.detail))
        error.status = exc.status_code
    state: MockState = request.app.state.mock
    reply = Reply(error.to_wire(), status=error.status, headers=dict(exc.headers or {}))
    return _render(state, None, reply).response()


async def _unexpected(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ResponseSchemaError):
        detail = str(exc)
    else:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        detail = f"{type(exc).__name__}: {exc}"
    error = FapiError.of("internal_clerk_error", detail=detail)
    return error_response(500, error.to_wire())


class _Journal:
    """Record every request (method, path, status, error code) for the admin journal."""

    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        # A shared clock (Redis store) may have been moved by another worker.
        self.state.runtime.clock.refresh()

        async def capture(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            self.state.record(scope, status)


async def _unused_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The app of the CORS layer the fast path borrows ``send`` from: never called."""
    raise AssertionError("the fast path only uses CORSMiddleware.send")


class StateFileError(RuntimeError):
    """``--state FILE`` exists but does not hold a state the mock can load."""


def _persistence(state: MockState, path: str) -> Any:
    """Load ``--state FILE`` at start-up and write it back at shutdown."""
    from contextlib import asynccontextmanager
    from pathlib import Path

    import orjson

    file = Path(path)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        if file.exists() and file.stat().st_size:
            # A state file that cannot be loaded stops the start-up: serving an empty
            # state would overwrite the user's file with nothing at shutdown.
            try:
                data = orjson.loads(file.read_bytes())
                if not isinstance(data, dict):
                    raise ValueError("the state must be a JSON object of tables")
                state.load(data)
            except (OSError, ValueError) as exc:
                raise StateFileError(f"cannot load state from {file}: {exc}") from exc
            log.info("loaded state from %s", file)
        yield
        tmp = file.with_suffix(file.suffix + ".tmp")
        tmp.write_bytes(orjson.dumps(state.store.export(), option=orjson.OPT_INDENT_2))
        tmp.replace(file)
        log.info("saved state to %s", file)

    return lifespan


def _client_finder(state: MockState) -> Any:
    """scope -> the calling client's id, for faults scoped to one client."""
    from mock_server.store.base import resolve
    from mock_server.wire.context import CLIENT_TOKEN, DEV_BROWSER

    def client_of(scope: Scope) -> str | None:
        try:
            identity = identify(Incoming(scope))
        except FapiError:
            return None
        if identity.token is None:
            return None
        kind = DEV_BROWSER if identity.kind == "dev_browser" else CLIENT_TOKEN
        token = identity.token
        return state.store.transact(lambda tx: resolve(tx, kind, token)) or None

    return client_of


def build_app(
    config: Config | None = None,
    store: Store | None = None,
    *,
    clock: Clock | None = None,
    seed: int | None = None,
    validate_responses: bool = False,
    state_file: str | None = None,
    fast_path: bool = True,
) -> Starlette:
    """The mock as one ASGI app. ``fast_path=False`` sends every request down the full
    middleware stack (``mock_server/fast_path.py``), which answers the same, only slower:
    the tests compare the two.
    """
    config = config or Config()
    store = store or MemoryStore()
    clock = store.bind(clock or Clock())
    runtime = Runtime(config=config, clock=clock, rng=Randomness(seed))
    state = MockState(
        runtime=runtime,
        store=store,
        limiter=RateLimiter(config, clock, store.hits()),
        validate_responses=validate_responses,
        faults=FaultInjector(seed=seed, configured=config.faults),
    )
    from mock_server.admin.routes import admin_routes
    from mock_server.idp.routes import idp_routes

    operations = _fapi_operations(state)
    fapi = _fapi_routes(operations)
    proxy = config.server.proxy_path.rstrip("/")
    others: list[BaseRoute] = [
        Route("/openapi.json", _openapi, methods=["GET"]),
        Route("/.well-known/jwks.json", _jwks, methods=["GET"]),
        Mount("/__admin", routes=admin_routes()),
        Mount("/__idp", routes=idp_routes()),
        *([Mount(proxy, routes=[fapi])] if proxy else []),
    ]
    # Every FAPI path starts with /v1/, which none of the others can match (unless the
    # proxy path is put under /v1), so asking FAPI first changes no answer and spares
    # the busiest requests four or five regex matches.
    fapi_first = not proxy.startswith("/v1")
    routes = [fapi, *others] if fapi_first else [*others, fapi]
    cors: dict[str, Any] = {
        "allow_origin_regex": _origin_regex(config),
        "allow_credentials": True,
        "allow_methods": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        "allow_headers": ["*"],
        "expose_headers": EXPOSED_HEADERS,
        "max_age": 600,
    }
    app = MockApp(
        routes=routes,
        lifespan=_persistence(state, state_file) if state_file else None,
        middleware=[
            Middleware(_Journal, state=state),
            Middleware(CORSMiddleware, **cors),
            Middleware(FaultMiddleware, injector=state.faults, client_of=_client_finder(state)),
            Middleware(MethodOverride),
        ],
        exception_handlers={
            FapiError: _fapi_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
    )
    app.fast_path = FapiFastPath(
        app.stack,
        # The fast path answers as the full stack would only when FAPI is asked first.
        routes=fapi if fast_path and fapi_first else None,
        operations=operations,
        proxy_path=proxy,
        cors=CORSMiddleware(_unused_app, **cors),
        armed=lambda: bool(state.faults.rules),
        begin=state.runtime.clock.refresh,
        record=state.record,
        on_fapi_error=lambda exc: _error_answer(state, exc),
        on_http_error=_http_error,
        on_unexpected=_unexpected,
    )
    app.state.mock = state
    return app


class MockApp(Starlette):
    """Starlette, entered through FAPI's own way in (``fast_path.py``), which serves the
    requests it can and hands the rest to :meth:`stack`: Starlette's middleware, routes
    and error handlers. Ahead of Starlette's outermost layer (``ServerErrorMiddleware``,
    which wraps ``send`` for every request) rather than inside it: a layer and a wrapped
    call less on every FAPI request."""

    fast_path: FapiFastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        if self.fast_path is None:
            await self.stack(scope, receive, send)
        else:
            await self.fast_path(scope, receive, send)

    async def stack(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Starlette's own way in: every layer, then the router."""
        await super().__call__(scope, receive, send)


def app_from_env() -> Starlette:
    """The app as ``uvicorn --workers N`` builds it in each worker process.

    Reads ``FAPI_HARNESS_CONFIG`` (TOML path), ``FAPI_HARNESS_STORE`` (store URL),
    ``FAPI_HARNESS_SEED`` and ``FAPI_HARNESS_VALIDATE`` (``1``), as ``fapi-harness serve``
    sets them; several workers only make sense with a shared store (redis://).
    """
    import os

    from mock_server.config import load_config
    from mock_server.store.factory import open_store

    seed = os.environ.get("FAPI_HARNESS_SEED")
    return build_app(
        load_config(os.environ.get("FAPI_HARNESS_CONFIG") or None),
        open_store(os.environ.get("FAPI_HARNESS_STORE")),
        seed=int(seed) if seed else None,
        validate_responses=os.environ.get("FAPI_HARNESS_VALIDATE") == "1",
    )
