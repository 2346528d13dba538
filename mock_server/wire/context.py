"""The request as a handler sees it: parameters, the state, and the calling client.

Resolving the client lazily matters: most reads must not create a client (``GET
/v1/client`` on a fresh browser answers ``null``), while the first write creates one and
hands its credential back the way the caller identified itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from starlette.datastructures import Headers
from starlette.requests import Request

from mock_server.domain import clients
from mock_server.domain.models import Client, Pointer
from mock_server.errors import FapiError
from mock_server.runtime import Runtime
from mock_server.store.base import Tx, point, pointer_key, resolve
from mock_server.wire.identify import Identity
from mock_server.wire.incoming import Incoming
from mock_server.wire.request import Params, query_of

CLIENT_TOKEN = "client_token"
DEV_BROWSER = "dev_browser"


T = TypeVar("T")


class _lazy(Generic[T]):
    """``functools.cached_property`` without its lock: Python 3.11's takes a lock on every
    first access, and a :class:`RequestInfo` is new on every request."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        value = self.compute(instance)
        # Stored on the instance, which later lookups find before this descriptor.
        instance.__dict__[self.name] = value
        return value


class RequestInfo:
    """The HTTP request as handlers read it, each part worked out on first use.

    Most handlers read none of it, and building the URL, header and query dicts up front
    cost as much as a whole ``GET /v1/environment`` handler.
    """

    def __init__(self, request: Incoming) -> None:
        self._request = request
        self.method: str = request.method
        self.path_params: dict[str, str] = dict(request.path_params)

    @_lazy
    def path(self) -> str:
        return Request(self._request.scope).url.path

    @_lazy
    def query(self) -> dict[str, str]:
        return dict(query_of(self._request.scope).last)

    @_lazy
    def headers(self) -> dict[str, str]:
        return dict(Headers(scope=self._request.scope))

    @_lazy
    def origin(self) -> str | None:
        return self._request.header(b"origin")

    @_lazy
    def remote(self) -> str:
        return self._request.client_ip

    @_lazy
    def base_url(self) -> str:
        """The FAPI root as the caller sees it: under the proxy path when mounted there."""
        scope = self._request.scope
        root_path: str = scope.get("root_path", "")
        server = scope.get("server")
        return _base_url(
            scope.get("scheme", "http"),
            self._request.header(b"host"),
            (server[0], server[1]) if server else None,
            root_path,
            scope.get("app_root_path", root_path),
        )


@lru_cache(maxsize=256)
def _base_url(
    scheme: str,
    host: str | None,
    server: tuple[str, int | None] | None,
    root_path: str,
    app_root_path: str,
) -> str:
    """Starlette's ``base_url`` depends on these scope entries alone, and a server sees
    few distinct ones, so it is worked out (by Starlette itself) once per combination."""
    scope: dict[str, Any] = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "root_path": root_path,
        "app_root_path": app_root_path,
        "path": "/",
        "headers": [(b"host", host.encode("latin-1"))] if host is not None else [],
    }
    base_url = str(Request(scope).base_url).rstrip("/")
    return base_url + root_path if root_path and not base_url.endswith(root_path) else base_url


@dataclass
class Ctx:
    rt: Runtime
    tx: Tx
    params: Params
    identity: Identity
    request: RequestInfo
    issued_token: str | None = None
    _client: Client | None = None
    _resolved: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)

    # -- the calling client -------------------------------------------------------
    def client(self) -> Client | None:
        if not self._resolved:
            self._client = self._lookup()
            self._resolved = True
        return self._client

    def _lookup(self) -> Client | None:
        client = self._find()
        # Sessions expire by the clock, not by a request: bring the client up to date
        # before anything reads or serializes it.
        return clients.refresh(self.rt, self.tx, client) if client else None

    def _find(self) -> Client | None:
        token = self.identity.token
        if token is None:
            return None
        kind = DEV_BROWSER if self.identity.kind == "dev_browser" else CLIENT_TOKEN
        # The token row, the client and what the client leads to, in one go where reads
        # cost a round trip each (a Redis store).
        self.tx.prefetch(Pointer, pointer_key(kind, token))
        target = resolve(self.tx, kind, token)
        if target is None and kind == DEV_BROWSER:
            raise FapiError.of("dev_browser_unauthenticated")
        if not target:
            return None
        # A read only looks at its client (``Tx.view``); the refresh reads it again to
        # change it when the clock calls for that.
        if self.request.method in ("GET", "HEAD"):
            return self.tx.view(Client, target)
        return self.tx.get(Client, target)

    def require_client(self) -> Client:
        """The calling client, created (and its credential issued) if it has none."""
        existing = self.client()
        if existing is not None:
            return existing
        now = self.rt.now()
        client = Client(
            id=self.rt.new_id("client"),
            created_at=now,
            updated_at=now,
            cookie_expires_at=now + self.rt.config.sessions.client_cookie_days * 86_400_000,
        )
        self.tx.put(client)
        if self.identity.kind == "dev_browser" and self.identity.token:
            point(self.tx, DEV_BROWSER, self.identity.token, client.id)
        else:
            token = self.rt.rng.token()
            point(self.tx, CLIENT_TOKEN, token, client.id)
            self.issued_token = token
        self._client = client
        self._resolved = True
        return client

    def forget_client(self) -> None:
        self._client = None
        self._resolved = True

    # -- parameters -----------------------------------------------------------------
    def path_param(self, name: str) -> str:
        return self.request.path_params[name]

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if value is None:
            raise FapiError.of("form_param_missing", param=name)
        return value

    def json(self) -> dict[str, Any]:
        return dict(self.params.values)
