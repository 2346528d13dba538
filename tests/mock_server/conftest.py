"""Drive the mock over HTTP, in-process, and check every answer it gives.

Each test gets a fresh app built with ``validate_responses=True`` and the test profile
(rate limits off, a cheap scrypt cost). A :class:`Browser` is one FAPI client (a cookie
jar, a dev-browser token or a native token) speaking to that app through
``httpx.ASGITransport``; several browsers share one app and one event loop, so
isolation and concurrency are tested the way they happen on the wire.

Every response passes three checks before a test sees it:

- no 5xx (a schema mismatch inside the app is a 500 naming the violation, and so is a
  schema name that does not exist: missing schemas fail tests, they are never skipped);
- the app's own record of validation failures stays empty;
- where Clerk's spec is on this machine, the body validates against the spec's schema
  for that operation and status (``schemas.official_spec``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mock_server.app import MockState, build_app
from mock_server.config import Config, load_config

BASE_URL = "http://mock.test"
PASSWORD = "correct horse battery"
TEST_CODE = "424242"
VALIDATE = True


def config_for(**overrides: Any) -> Config:
    """The test profile: rate limits off, a cheap KDF; sections merged from ``overrides``."""
    sections: dict[str, Any] = {"passwords": {"kdf_log_n": 4}}
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(sections.get(key), dict):
            sections[key] = {**sections[key], **value}
        else:
            sections[key] = value
    return load_config(profile=sections.pop("profile", "test"), **sections)


# -- Clerk's official spec (optional) ---------------------------------------------------


def _official_spec() -> Any | None:
    try:
        from schemas import official_spec
    except ImportError:  # the bridge lives on another branch until it is merged
        return None
    try:
        return official_spec.load()
    except official_spec.SpecNotFound:
        return None


SPEC = _official_spec()


def _official_errors(
    request: httpx.Request, response: httpx.Response, proxy: str
) -> list[str] | None:
    """Why the body is not what the spec documents; ``None`` when there is nothing to check."""
    if SPEC is None or "json" not in response.headers.get("content-type", ""):
        return None
    path = request.url.path
    if proxy and path.startswith(proxy + "/"):
        path = path[len(proxy) :]
    if not path.startswith("/v1/"):
        return None
    method = (request.url.params.get("_method") or request.method).lower()
    template = SPEC.match_path(path, method)
    if template is None:  # not a documented operation (an unknown route's 404)
        return None
    body = json.loads(response.content)
    errors: list[str] = SPEC.response_errors(method, path, response.status_code, body)
    return [f"{method.upper()} {path} -> {response.status_code}: {e}" for e in errors]


# -- the harness ----------------------------------------------------------------------


@dataclass
class Mock:
    """One app, its event loop, and the admin helpers a test needs."""

    app: Starlette
    loop: asyncio.AbstractEventLoop
    spec_failures: list[str] = field(default_factory=list)
    spec_checked: int = 0
    _clients: list[httpx.AsyncClient] = field(default_factory=list)

    @property
    def state(self) -> MockState:
        return self.app.state.mock  # type: ignore[no-any-return]

    def _check(self, response: httpx.Response) -> None:
        response.read()
        if response.status_code >= 500:
            raise AssertionError(
                f"{response.request.method} {response.request.url} -> "
                f"{response.status_code}: {response.text}"
            )
        proxy = self.state.runtime.config.server.proxy_path.rstrip("/")
        found = _official_errors(response.request, response, proxy)
        if found is not None:
            self.spec_checked += 1
            self.spec_failures.extend(found)

    def http(self, **kwargs: Any) -> httpx.AsyncClient:
        async def hook(response: httpx.Response) -> None:
            await response.aread()
            self._check(response)

        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, raise_app_exceptions=False),
            base_url=BASE_URL,
            event_hooks={"response": [hook]},
            **kwargs,
        )
        self._clients.append(client)
        return client

    def run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    @contextmanager
    def running(self) -> Iterator[Mock]:
        """Run the app's lifespan as uvicorn does (``--state FILE``: load, then save)."""
        lifespan = self.app.router.lifespan_context(self.app)
        self.run(lifespan.__aenter__())
        try:
            yield self
        finally:
            self.run(lifespan.__aexit__(None, None, None))

    def browser(self, **kwargs: Any) -> Browser:
        return Browser(self, self.http(**kwargs))

    # -- admin helpers ------------------------------------------------------------------
    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        client = self._admin_client
        return self.run(client.request(method, "/__admin" + path, **kwargs))  # type: ignore[no-any-return]

    @property
    def _admin_client(self) -> httpx.AsyncClient:
        if not hasattr(self, "_admin"):
            self._admin = self.http()
        return self._admin

    def seed_user(self, **fields: Any) -> dict[str, Any]:
        """Create a user directly (identifications verified); ``password`` defaults to PASSWORD."""
        fields.setdefault("password", PASSWORD)
        for key in ("email_addresses", "phone_numbers"):
            if isinstance(fields.get(key), str):
                fields[key] = [fields[key]]
        response = self.admin("POST", "/users", json=fields)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        response = self.admin("GET", "/outbox", params={"to": to} if to else {})
        assert response.status_code == 200, response.text
        return response.json()["data"]  # type: ignore[no-any-return]

    def latest(self, to: str) -> dict[str, Any]:
        response = self.admin("GET", "/outbox/latest", params={"to": to})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def latest_code(self, to: str) -> str:
        code = self.latest(to)["code"]
        assert code, f"the latest message to {to} carries no code"
        return str(code)

    def advance(self, seconds: float) -> None:
        response = self.admin("POST", "/clock", json={"advance_seconds": seconds})
        assert response.status_code == 200, response.text

    def ticket(self, **fields: Any) -> str:
        response = self.admin("POST", "/tickets", json=fields)
        assert response.status_code == 201, response.text
        return str(response.json()["ticket"])

    def close(self) -> None:
        for client in self._clients:
            self.run(client.aclose())


class Browser:
    """One FAPI client: a cookie jar (and optionally query params or headers) of its own."""

    def __init__(self, mock: Mock, http: httpx.AsyncClient) -> None:
        self.mock = mock
        self.http = http

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.mock.run(self.http.request(method, path, **kwargs))  # type: ignore[no-any-return]

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, data=data or {}, **kwargs)

    def patch(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, data=data or {}, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    # -- flows ----------------------------------------------------------------------------
    def sign_in(self, **fields: Any) -> httpx.Response:
        return self.post("/v1/client/sign_ins", fields)

    def prepare(self, sign_in_id: str, **fields: Any) -> httpx.Response:
        return self.post(f"/v1/client/sign_ins/{sign_in_id}/prepare_first_factor", fields)

    def attempt(self, sign_in_id: str, **fields: Any) -> httpx.Response:
        return self.post(f"/v1/client/sign_ins/{sign_in_id}/attempt_first_factor", fields)

    def sign_up(self, **fields: Any) -> httpx.Response:
        return self.post("/v1/client/sign_ups", fields)

    def client(self) -> dict[str, Any] | None:
        response = self.get("/v1/client")
        assert response.status_code == 200, response.text
        return response.json()["response"]  # type: ignore[no-any-return]


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The JSON body of a response that must have ``status``."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()  # type: ignore[no-any-return]


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The first error of a Clerk error envelope that must have ``status`` and ``code``."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body = response.json()
    assert body["errors"][0]["code"] == code, body
    return body["errors"][0]  # type: ignore[no-any-return]


@pytest.fixture
def make_mock() -> Iterator[Callable[..., Mock]]:
    """Build mocks with their own config/seed/state file; each is checked when the test ends."""
    built: list[Mock] = []
    loop = asyncio.new_event_loop()

    def make(
        config: Config | None = None,
        *,
        seed: int | None = None,
        state_file: str | None = None,
    ) -> Mock:
        app = build_app(
            config or config_for(),
            seed=seed,
            validate_responses=VALIDATE,
            state_file=state_file,
        )
        mock = Mock(app=app, loop=loop)
        built.append(mock)
        return mock

    yield make
    for mock in built:
        mock.close()
    loop.close()
    for mock in built:
        assert not mock.state.validation_failures, mock.state.validation_failures
        assert not mock.spec_failures, "\n".join(mock.spec_failures)


@pytest.fixture
def mock(make_mock: Callable[..., Mock]) -> Mock:
    return make_mock()


@pytest.fixture
def browser(mock: Mock) -> Browser:
    return mock.browser()
