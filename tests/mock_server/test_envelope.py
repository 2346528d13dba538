"""An answer that carries one object twice (the response, and again inside the client)
builds it once: the client's copy is the same object, so the two cannot differ."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from mock_server.wire import serialize
from tests.mock_server.conftest import PASSWORD, Browser, Mock, ok

EMAIL = "envelope@example.com"
KINDS = ("client", "sign_in", "sign_up", "session", "user")


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each wire form was built, by kind."""
    counts: Counter[str] = Counter()
    for kind in KINDS:
        original = getattr(serialize, kind)

        def counting(*args: Any, _kind: str = kind, _fn: Callable[..., Any] = original) -> Any:
            counts[_kind] += 1
            return _fn(*args)

        monkeypatch.setattr(serialize, kind, counting)
    return counts


@pytest.fixture
def session_id(mock: Mock, browser: Browser) -> str:
    mock.seed_user(email_addresses=EMAIL)
    done = ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))
    return str(done["response"]["created_session_id"])


def test_a_signed_in_client_is_built_once_for_both_places(
    browser: Browser, session_id: str, built: Counter[str]
) -> None:
    body = ok(browser.get("/v1/client"))
    assert body["response"] == body["client"]
    assert body["response"]["sessions"][0]["id"] == session_id
    assert (built["client"], built["session"], built["user"]) == (1, 1, 1)


def test_a_touched_session_is_the_clients_copy(
    browser: Browser, session_id: str, built: Counter[str]
) -> None:
    body = ok(browser.post(f"/v1/client/sessions/{session_id}/touch", {"intent": "focus"}))
    assert body["client"]["sessions"] == [body["response"]]
    assert (built["session"], built["user"]) == (1, 1)


def test_the_current_user_is_the_clients_sessions_user(
    browser: Browser, session_id: str, built: Counter[str]
) -> None:
    body = ok(browser.get("/v1/me"))
    assert body["client"]["sessions"][0]["user"] == body["response"]
    assert built["user"] == 1


def test_a_sign_in_step_builds_the_sign_in_once(
    mock: Mock, browser: Browser, built: Counter[str]
) -> None:
    mock.seed_user(email_addresses=EMAIL)
    body = ok(browser.post("/v1/client/sign_ins", {"identifier": EMAIL}))
    assert body["client"]["sign_in"] == body["response"]
    assert built["sign_in"] == 1


def test_a_sign_up_step_builds_the_sign_up_once(browser: Browser, built: Counter[str]) -> None:
    body = ok(browser.post("/v1/client/sign_ups", {"email_address": EMAIL, "password": PASSWORD}))
    assert body["client"]["sign_up"] == body["response"]
    assert built["sign_up"] == 1
