"""Forgotten password: a reset code leads to needs_new_password, then a new password."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect
from suites.steps import factor, start_sign_in
from suites.target import Browser, Target

pytestmark = pytest.mark.strategy("reset_password_email_code")


def test_reset_password_flow(target: Target, browser: Browser, user: Identity) -> None:
    si = start_sign_in(browser, user.email_address)
    f = factor(si, "reset_password_email_code")
    path = f"/v1/client/sign_ins/{si['id']}"
    prepared = browser.post(
        path + "/prepare_first_factor",
        {"strategy": "reset_password_email_code", "email_address_id": f["email_address_id"]},
    )
    expect(prepared, 200, "envelopes/sign_in", state="needs_first_factor")
    code = target.latest_code(user.email_address)
    attempt = browser.post(
        path + "/attempt_first_factor", {"strategy": "reset_password_email_code", "code": code}
    )
    expect(attempt, 200, "envelopes/sign_in", state="needs_new_password")
    new = user.password[::-1] + "Z9"
    done = browser.post(path + "/reset_password", {"password": new})
    expect(done, 200, "envelopes/sign_in", state="complete")
    other = target.browser()
    old = other.post(
        "/v1/client/sign_ins",
        {"identifier": user.email_address, "password": user.password, "strategy": "password"},
    )
    expect(old, 422, code="form_password_incorrect")
    fresh = other.post(
        "/v1/client/sign_ins",
        {"identifier": user.email_address, "password": new, "strategy": "password"},
    )
    expect(fresh, 200, "envelopes/sign_in", state="complete")


def test_reset_password_needs_a_verified_code(browser: Browser, user: Identity) -> None:
    si = start_sign_in(browser, user.email_address)
    ex = browser.post(
        f"/v1/client/sign_ins/{si['id']}/reset_password", {"password": "Whatever-123"}
    )
    assert ex.status >= 400, ex.describe()
    expect(ex, ex.status)
