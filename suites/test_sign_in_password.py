"""Sign-in with a password: the identifier and password in one request, or in two."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect, that
from suites.steps import signed_in, start_sign_in
from suites.target import Browser, Target

pytestmark = pytest.mark.strategy("password")


def test_password_in_one_request_completes(
    target: Target, browser: Browser, user: Identity
) -> None:
    si = signed_in(target, browser, user)
    ex = browser.get("/v1/client")
    client = expect(ex, 200, "envelopes/client")["response"]
    that(si["created_session_id"] in [s["id"] for s in client["sessions"]], ex, "session on client")


def test_password_as_first_factor_completes(browser: Browser, user: Identity) -> None:
    si = start_sign_in(browser, user.email_address)
    that(si["first_factor_verification"] is None, browser.target.history[-1], "nothing tried yet")
    attempt = browser.post(
        f"/v1/client/sign_ins/{si['id']}/attempt_first_factor",
        {"strategy": "password", "password": user.password},
    )
    body = expect(attempt, 200, "envelopes/sign_in", state="complete")
    assert body["response"]["first_factor_verification"]["status"] == "verified"


def test_wrong_password_is_refused_and_sign_in_unchanged(browser: Browser, user: Identity) -> None:
    si = start_sign_in(browser, user.email_address)
    path = f"/v1/client/sign_ins/{si['id']}"
    wrong = browser.post(
        path + "/attempt_first_factor", {"strategy": "password", "password": user.password + "x"}
    )
    expect(wrong, 422, code="form_password_incorrect", param="password")
    expect(browser.get(path), 200, "envelopes/sign_in", state="needs_first_factor")


def test_unknown_identifier_is_not_found(browser: Browser, who: Identity) -> None:
    ex = browser.post("/v1/client/sign_ins", {"identifier": who.email_address})
    expect(ex, 422, code="form_identifier_not_found")
