"""Second factors and reverification through Clerk's own SDK in the browser.

TOTP codes are computed with pyotp from the secret the SDK received, as an authenticator
app would; the mock verifies them as a careful server does (RFC 6238, one use each).
"""

from __future__ import annotations

from typing import Any

import pyotp

from tests.browser.conftest import Browserside, run_in_page

PASSWORD = "correct horse battery staple"


def _sign_in(page: Any, email: str) -> dict[str, Any]:
    result: dict[str, Any] = run_in_page(
        page,
        """async ([email, password]) => {
            const signIn = await window.Clerk.client.signIn.create({ identifier: email, password });
            if (signIn.status === 'complete') await window.Clerk.setActive({ session: signIn.createdSessionId });
            return { status: signIn.status,
                     second: (signIn.supportedSecondFactors || []).map(f => f.strategy) };
        }""",
        [email, PASSWORD],
    )
    return result


def test_enrol_totp_then_sign_in_with_it(clerk_page: Any, site: Browserside) -> None:
    site.admin.post(
        "/__admin/users", json={"email_addresses": ["tia@example.com"], "password": PASSWORD}
    )
    assert _sign_in(clerk_page, "tia@example.com")["status"] == "complete"
    secret = run_in_page(
        clerk_page,
        "async () => { const totp = await window.Clerk.user.createTOTP(); return totp.secret; }",
    )
    enrolled = run_in_page(
        clerk_page,
        """async (code) => { await window.Clerk.user.verifyTOTP({ code });
            return window.Clerk.user.totpEnabled; }""",
        pyotp.TOTP(secret).at(site.admin.get("/__admin/clock").json()["now"] / 1000),
    )
    assert enrolled is True
    # A callback instead of the after-sign-out redirect keeps the page (and this test) alive.
    run_in_page(clerk_page, "async () => { await window.Clerk.signOut(() => {}); }")

    # The enrolment used this 30-second step's code; a careful server refuses it twice.
    now_s = site.admin.post("/__admin/clock", json={"advance_seconds": 30}).json()["now"] / 1000
    first = _sign_in(clerk_page, "tia@example.com")
    assert first["status"] == "needs_second_factor"
    assert "totp" in first["second"]
    done = run_in_page(
        clerk_page,
        """async (code) => {
            const signIn = await window.Clerk.client.signIn.attemptSecondFactor({ strategy: 'totp', code });
            await window.Clerk.setActive({ session: signIn.createdSessionId });
            return { status: signIn.status, totp: window.Clerk.user.totpEnabled,
                     session: window.Clerk.session.status };
        }""",
        pyotp.TOTP(secret).at(now_s),
    )
    assert done == {"status": "complete", "totp": True, "session": "active"}


def test_reverification_with_a_password(clerk_page: Any, site: Browserside) -> None:
    site.admin.post(
        "/__admin/users", json={"email_addresses": ["rae@example.com"], "password": PASSWORD}
    )
    assert _sign_in(clerk_page, "rae@example.com")["status"] == "complete"
    started = run_in_page(
        clerk_page,
        """async () => {
            const v = await window.Clerk.session.startVerification({ level: 'first_factor' });
            return { status: v.status, level: v.level,
                     factors: v.supportedFirstFactors.map(f => f.strategy) };
        }""",
    )
    assert started["status"] == "needs_first_factor"
    assert "password" in started["factors"]
    done = run_in_page(
        clerk_page,
        """async (password) => {
            const v = await window.Clerk.session.attemptFirstFactorVerification({ strategy: 'password', password });
            return { status: v.status };
        }""",
        PASSWORD,
    )
    assert done == {"status": "complete"}
