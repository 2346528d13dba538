"""Client and transports: a dev-browser token or a native token is one client; no mixing."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import sign_up
from suites.target import Browser, Target


def test_a_fresh_browser_has_no_client_yet(browser: Browser) -> None:
    body = expect(browser.get("/v1/client"), 200, "envelopes/client")
    assert body["response"] is None or body["response"]["sessions"] == []


def test_creating_a_sign_in_creates_the_client(browser: Browser, user: Identity) -> None:
    expect(browser.post("/v1/client/sign_ins", {"identifier": user.email_address}), 200)
    ex = browser.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    that(
        client is not None and client["sign_in"] is not None, ex, "the sign-in lives on the client"
    )


def test_the_dev_browser_token_selects_the_client(target: Target, user: Identity) -> None:
    a, b = target.browser(), target.browser()
    expect(a.post("/v1/client/sign_ins", {"identifier": user.email_address}), 200)
    ex = b.get("/v1/client")
    other = expect(ex, 200, "envelopes/client")["response"]
    that(other is None or other["sign_in"] is None, ex, "another token must be another client")


def test_sign_up_session_appears_on_the_client(
    target: Target, browser: Browser, who: Identity
) -> None:
    su = sign_up(target, browser, who)
    ex = browser.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    ids = [s["id"] for s in client["sessions"]]
    that(su["created_session_id"] in ids, ex, "the new session must be on the client")
    that(client["last_active_session_id"] == su["created_session_id"], ex, "and be the active one")


def test_delete_client_signs_out(target: Target, browser: Browser, who: Identity) -> None:
    sign_up(target, browser, who)
    expect(browser.delete("/v1/client"), 200, "envelopes/delete_session")
    ex = browser.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    active = [s for s in (client or {}).get("sessions", []) if s["status"] == "active"]
    that(not active, ex, "no active session may survive DELETE /v1/client")


def _native_api(target: Target) -> None:
    native = target.capabilities.environment.get("auth_config", {}).get("native_settings") or {}
    if not native.get("api_enabled"):
        pytest.skip("the target's auth_config.native_settings.api_enabled is not true")


def test_native_client_is_identified_by_authorization(target: Target, user: Identity) -> None:
    """Native apps send ``_is_native=1`` and get their client token in ``Authorization``."""
    _native_api(target)
    app = target.native_client()
    made = app.post("/v1/client/sign_ins", {"identifier": user.email_address})
    expect(made, 200, "envelopes/sign_in", state="needs_first_factor")
    that(bool(app.authorization), made, "the response must carry the client in Authorization")
    ex = app.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    that(client is not None and client["sign_in"] is not None, ex, "same client next time")


def test_native_client_accepts_a_bearer_prefix(target: Target, user: Identity) -> None:
    """Electron sends ``Authorization: Bearer <token>``; Expo sends it bare."""
    _native_api(target)
    app = target.native_client()
    expect(app.post("/v1/client/sign_ins", {"identifier": user.email_address}), 200)
    app.authorization = f"Bearer {app.authorization}"
    ex = app.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    that(client is not None and client["sign_in"] is not None, ex, "Bearer <token> is the same")
