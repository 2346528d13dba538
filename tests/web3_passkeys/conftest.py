"""A fresh, self-validating mock per test and a synchronous browser to drive it.

Every app is built with ``validate_responses=True``: a body that does not match its
schema is a 500 naming the violation, and :class:`Browser` fails the test on any 5xx.
Where Clerk's official spec and its bridge (``schemas.official_spec``) are present, every
FAPI answer is also checked against the spec's schema for its operation and status.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mock_server.app import MockState, build_app
from mock_server.config import load_config


def _official_spec() -> Any | None:
    try:
        from schemas import official_spec  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # the bridge lives on another branch until it is merged
        return None
    try:
        return official_spec.load()
    except official_spec.SpecNotFound:
        return None


SPEC = _official_spec()
BASE_URL = "http://mock.test"
ORIGIN = "http://localhost:3000"
PASSWORD = "correct horse battery"


def make_app(**sections: Any) -> Starlette:
    """The test profile; email optional and password optional so a wallet alone signs up."""
    merged: dict[str, Any] = {
        "passwords": {"kdf_log_n": 4},
        "attributes": {"email_address": "on", "password": "on"},
    }
    merged.update(sections)
    return build_app(load_config(profile="test", **merged), validate_responses=True)


def _spec_errors(response: Any) -> list[str]:
    """Where Clerk's spec documents this operation, what its schema says about the body."""
    path = response.request.url.path
    if (
        SPEC is None
        or not path.startswith("/v1/")
        or "json" not in response.headers.get("content-type", "")
    ):
        return []
    method = (response.request.url.params.get("_method") or response.request.method).lower()
    if SPEC.match_path(path, method) is None:
        return []
    errors: list[str] = SPEC.response_errors(method, path, response.status_code, response.json())
    return errors


_LOOP = asyncio.new_event_loop()


class SyncClient:
    """``httpx.AsyncClient`` over ``ASGITransport`` (the app in-process), driven
    synchronously; it keeps its own cookie jar like a browser."""

    def __init__(self, app: Starlette, headers: dict[str, str] | None = None) -> None:
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url=BASE_URL,
            headers=headers,
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return _LOOP.run_until_complete(self._client.request(method, path, **kwargs))

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


class Browser:
    """One FAPI client (its own cookie jar) speaking form bodies like clerk-js."""

    def __init__(self, app: Starlette) -> None:
        self.http = SyncClient(app, headers={"Origin": ORIGIN})

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.status_code < 500, response.text
        assert not _spec_errors(response), _spec_errors(response)
        return response

    def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def error(self, status: int, method: str, path: str, **kwargs: Any) -> str:
        """Expect a Clerk error; return its code."""
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, response.text
        code: str = response.json()["errors"][0]["code"]
        return code

    def sign_in_with_password(self, identifier: str) -> dict[str, Any]:
        body = self.ok(
            "POST", "/v1/client/sign_ins", data={"identifier": identifier, "password": PASSWORD}
        )
        assert body["response"]["status"] == "complete", body
        return body


class Mock:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.admin = SyncClient(app)

    @property
    def state(self) -> MockState:
        state: MockState = self.app.state.mock
        return state

    def browser(self) -> Browser:
        return Browser(self.app)

    def advance(self, seconds: float) -> None:
        response = self.admin.post("/__admin/clock", json={"advance_seconds": seconds})
        assert response.status_code == 200, response.text

    def seed_user(self, email: str) -> dict[str, Any]:
        response = self.admin.post(
            "/__admin/users", json={"email_addresses": [email], "password": PASSWORD}
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def mock() -> Iterator[Mock]:
    m = Mock(make_app())
    yield m
    assert m.state.validation_failures == []
