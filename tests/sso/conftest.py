"""Fixtures of the SSO tests: a validating app, a browser on it, seeded users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sso_harness import BASE, Browser
from starlette.testclient import TestClient

from mock_server.app import build_app
from mock_server.config import load_config


@pytest.fixture
def app() -> Any:
    return build_app(load_config(profile="test"), validate_responses=True)


@pytest.fixture
def browser(app: Any) -> Iterator[Browser]:
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        yield Browser(client)


@pytest.fixture
def seed(browser: Browser) -> Any:
    def make(email: str, **extra: Any) -> dict[str, Any]:
        body = {"email_addresses": [email], "password": "correct horse battery", **extra}
        response = browser.http.post("/__admin/users", json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]

    return make
