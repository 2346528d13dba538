"""TOTP: enrolling an authenticator app, signing in with it, replays and the ±1 window."""

from __future__ import annotations

import pyotp

from tests.second_factors.conftest import TOTP_SECRET, Mock


def test_enrolling_totp_then_signing_in_with_it(mock: Mock) -> None:
    mock.user(email_addresses=["ana@example.com"])
    ana = mock.browser()
    assert ana.sign_in("ana@example.com")["status"] == "complete"

    totp = ana.ok("POST", "/v1/me/totp")["response"]
    assert totp["verified"] is False
    assert totp["uri"].startswith("otpauth://totp/")
    assert f"secret={totp['secret']}" in totp["uri"]

    wrong = ana.post("/v1/me/totp/attempt_verification", {"code": "000000"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "invalid_totp_secret_code"

    code = mock.totp(totp["secret"])
    done = ana.ok("POST", "/v1/me/totp/attempt_verification", {"code": code})["response"]
    assert done["verified"] is True
    assert done["secret"] is None
    assert len(done["backup_codes"]) == 10
    user = ana.ok("GET", "/v1/me")["response"]
    assert user["totp_enabled"]
    assert user["two_factor_enabled"]
    assert user["backup_code_enabled"]
    assert ana.post("/v1/me/totp").json()["errors"][0]["code"] == "totp_already_enabled"

    other = mock.browser()
    si = other.sign_in("ana@example.com")
    assert si["status"] == "needs_second_factor"
    assert {f["strategy"] for f in si["supported_second_factors"]} == {"totp", "backup_code"}
    mock.advance(30)  # the enrolment code's step is used up; the next step is fresh
    path = f"/v1/client/sign_ins/{si['id']}/attempt_second_factor"
    body = other.ok("POST", path, {"strategy": "totp", "code": mock.totp(totp["secret"])})
    assert body["response"]["status"] == "complete"
    assert body["response"]["created_session_id"]
    assert body["response"]["second_factor_verification"]["status"] == "verified"
    session = body["client"]["sessions"][0]
    assert session["factor_verification_age"] == [0, 0]


def test_a_code_accepted_once_is_refused_after(mock: Mock) -> None:
    mock.user(email_addresses=["bo@example.com"], totp_secret=TOTP_SECRET)
    first, second = mock.browser(), mock.browser()
    code = mock.totp()
    si = first.sign_in("bo@example.com")
    first.ok(
        "POST",
        f"/v1/client/sign_ins/{si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": code},
    )
    replay_si = second.sign_in("bo@example.com")
    replay = second.post(
        f"/v1/client/sign_ins/{replay_si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": code},
    )
    assert replay.status_code == 422
    assert replay.json()["errors"][0]["code"] == "form_code_incorrect"
    # An older step than the one used is refused too, even inside the window.
    older = second.post(
        f"/v1/client/sign_ins/{replay_si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": mock.totp(steps=-1)},
    )
    assert older.status_code == 422
    # The next step's code works.
    mock.advance(30)
    ok = second.ok(
        "POST",
        f"/v1/client/sign_ins/{replay_si['id']}/attempt_second_factor",
        {"strategy": "totp", "code": mock.totp()},
    )
    assert ok["response"]["status"] == "complete"


def test_window_is_one_step_either_side(mock: Mock) -> None:
    mock.user(email_addresses=["cy@example.com"], totp_secret=TOTP_SECRET)
    outcomes = {}
    for steps in (-2, 2, -1):
        b = mock.browser()
        si = b.sign_in("cy@example.com")
        r = b.post(
            f"/v1/client/sign_ins/{si['id']}/attempt_second_factor",
            {"strategy": "totp", "code": mock.totp(steps=steps)},
        )
        outcomes[steps] = r.status_code
    assert outcomes == {-2: 422, 2: 422, -1: 200}


def test_totp_codes_are_rfc6238(mock: Mock) -> None:
    """The mock's code for a step is what any authenticator app computes (RFC 6238)."""
    from mock_server.domain import mfa

    # RFC 6238 appendix B, SHA-1, T = 59 s -> 94287082 (8 digits); 6 digits keep 287082.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert mfa.code_at_step(secret, 59 // 30) == "287082"
    assert pyotp.TOTP(secret).at(59) == "287082"
