"""Sessions: a signed-in client reads, touches, ends and removes its sessions."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import signed_in
from suites.target import Browser, Target

pytestmark = pytest.mark.strategy("password")


def _session(target: Target, browser: Browser, user: Identity) -> str:
    return str(signed_in(target, browser, user)["created_session_id"])


def test_session_is_active_after_sign_in(target: Target, browser: Browser, user: Identity) -> None:
    sid = _session(target, browser, user)
    body = expect(browser.get(f"/v1/client/sessions/{sid}"), 200, "envelopes/session")
    assert body["response"]["status"] == "active"


def test_touch_keeps_the_session_active(target: Target, browser: Browser, user: Identity) -> None:
    sid = _session(target, browser, user)
    body = expect(browser.post(f"/v1/client/sessions/{sid}/touch"), 200, "envelopes/touch_session")
    assert body["response"]["status"] == "active"


#: Ending actions and the session status each leads to.
ENDINGS = [("end", "ended"), ("remove", "removed")]


@pytest.mark.parametrize(("action", "status"), ENDINGS, ids=[a for a, _ in ENDINGS])
def test_ending_a_session(
    target: Target, browser: Browser, user: Identity, action: str, status: str
) -> None:
    sid = _session(target, browser, user)
    ex = browser.post(f"/v1/client/sessions/{sid}/{action}")
    body = expect(ex, 200, "envelopes/session")
    that(body["response"]["status"] == status, ex, f"{action} must leave the session {status}")
    client = expect(browser.get("/v1/client"), 200, "envelopes/client")["response"]
    active = [s["id"] for s in client["sessions"] if s["status"] == "active"]
    that(sid not in active, browser.target.history[-1], "an ended session is not active")


def test_sign_out_of_all_sessions(target: Target, browser: Browser, user: Identity) -> None:
    _session(target, browser, user)
    expect(browser.delete("/v1/client/sessions"), 200, "envelopes/delete_session")
    ex = browser.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    active = [s for s in (client or {}).get("sessions", []) if s["status"] == "active"]
    that(not active, ex, "no active session after signing out of all")


@pytest.mark.needs_admin
def test_a_session_expires(target: Target, browser: Browser, user: Identity) -> None:
    sid = _session(target, browser, user)
    target.advance_clock(8 * 24 * 3600)  # past the mock's 7-day lifetime
    ex = browser.get(f"/v1/client/sessions/{sid}")
    if ex.status == 200:
        that(ex.body["response"]["status"] != "active", ex, "an expired session is not active")
    else:
        expect(ex, ex.status)
