"""An in-process mock (responses self-validated against ``schemas/``) and browsers for it.

Each test gets a fresh app built with ``validate_responses=True``: a body that does not
match its schema becomes a 500, which :class:`Browser` turns into a test failure. A
:class:`Browser` is one FAPI client (its own ``__client`` cookie jar).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pyotp
import pytest
from starlette.applications import Starlette

from fixtures.asgi import SyncASGITransport
from mock_server.app import MockState, build_app
from mock_server.config import load_config

PASSWORD = "correct horse battery"
TEST_CODE = "424242"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
START_MS = 1_800_000_000_000  # a step boundary: 1_800_000_000 s is a multiple of 30


def _client(app: Starlette) -> httpx.Client:
    return httpx.Client(transport=SyncASGITransport(app), base_url="http://mock.test")


def _official_spec() -> Any | None:
    """Clerk's official spec, where the bridge (``schemas.official_spec``) and the spec
    file are both on this machine; otherwise the spec check is skipped."""
    try:
        from schemas import official_spec  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    try:
        return official_spec.load()
    except official_spec.SpecNotFound:
        return None


SPEC = _official_spec()
# Operations whose answers deliberately differ from Clerk's spec (none at present; the
# session lists are bare arrays, as the spec documents them).
SPEC_DEVIATIONS: frozenset[str] = frozenset()


def spec_errors(response: httpx.Response) -> list[str]:
    """Why a JSON answer of a documented ``/v1`` operation is not what the spec says."""
    if SPEC is None or "json" not in response.headers.get("content-type", ""):
        return []
    path = response.request.url.path
    if not path.startswith("/v1/") or path in SPEC_DEVIATIONS:
        return []
    method = response.request.method.lower()
    if SPEC.match_path(path, method) is None:
        return []
    found: list[str] = SPEC.response_errors(method, path, response.status_code, response.json())
    return [f"{method.upper()} {path} -> {response.status_code}: {e}" for e in found]


class Browser:
    """One client of the mock; every answer is checked for 5xx (schema violations)."""

    def __init__(self, app: Starlette) -> None:
        self.http = _client(app)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code < 500, f"{method} {path}: {response.text}"
        mismatches = spec_errors(response)
        assert not mismatches, mismatches
        return response

    def post(self, path: str, data: dict[str, Any] | None = None) -> httpx.Response:
        return self.call("POST", path, data=data or {})

    def get(self, path: str) -> httpx.Response:
        return self.call("GET", path)

    def delete(self, path: str) -> httpx.Response:
        return self.call("DELETE", path)

    def ok(self, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        response = self.call(method, path, data=data or {}) if method != "GET" else self.get(path)
        assert response.status_code == 200, f"{method} {path}: {response.text}"
        return response.json()

    def sign_in(self, identifier: str, password: str = PASSWORD) -> dict[str, Any]:
        """Password sign-in; returns the sign-in object (complete or needs_second_factor)."""
        body = self.ok(
            "POST", "/v1/client/sign_ins", {"identifier": identifier, "password": password}
        )
        return body["response"]  # type: ignore[no-any-return]

    def session_id(self) -> str:
        client = self.ok("GET", "/v1/client")["response"]
        sid = client["last_active_session_id"]
        assert sid, client
        return sid  # type: ignore[no-any-return]


@dataclass
class Mock:
    app: Starlette

    @property
    def state(self) -> MockState:
        return self.app.state.mock  # type: ignore[no-any-return]

    def browser(self) -> Browser:
        return Browser(self.app)

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        with _client(self.app) as http:
            response = http.request(method, "/__admin" + path, json=json)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def advance(self, seconds: float) -> None:
        self.admin("POST", "/clock", {"advance_seconds": seconds})

    def user(self, **seed: Any) -> dict[str, Any]:
        seed.setdefault("password", PASSWORD)
        return self.admin("POST", "/users", seed)  # type: ignore[no-any-return]

    def latest_code(self, to: str) -> str:
        return str(self.admin("GET", f"/outbox/latest?to={quote(to)}")["code"])

    def totp(self, secret: str = TOTP_SECRET, steps: int = 0) -> str:
        """The app's code now (``steps`` later or earlier), by the mock's own clock."""
        now_s = self.state.runtime.clock.now_ms() // 1000
        return str(pyotp.TOTP(secret).at(now_s + 30 * steps))


@pytest.fixture
def make_mock() -> Iterator[Callable[..., Mock]]:
    def make(**sections: Any) -> Mock:
        sections.setdefault("passwords", {"kdf_log_n": 4})
        app = build_app(load_config(profile="test", **sections), validate_responses=True, seed=7)
        mock = Mock(app)
        mock.admin("POST", "/clock", {"set": START_MS, "freeze": True})
        return mock

    return make


@pytest.fixture
def mock(make_mock: Callable[..., Mock]) -> Mock:
    return make_mock()
