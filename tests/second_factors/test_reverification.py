"""Session reverification: the three levels from start to complete, wrong codes, expiry,
attempt limits, the fall back to first_factor, and the guarded /v1/me actions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.second_factors.conftest import PASSWORD, TOTP_SECRET, Browser, Mock

PHONE = "+14155550377"  # not a Clerk test number: the code goes to the outbox


def _signed_in(mock: Mock, **seed: Any) -> tuple[Browser, str]:
    email = seed.pop("email", "rv@example.com")
    mock.user(email_addresses=[email], **seed)
    b = mock.browser()
    si = b.sign_in(email)
    if si["status"] == "needs_second_factor":
        path = f"/v1/client/sign_ins/{si['id']}"
        factor = si["supported_second_factors"][0]
        if factor["strategy"] == "totp":
            b.ok("POST", path + "/attempt_second_factor", {"strategy": "totp", "code": mock.totp()})
            mock.advance(30)  # leave the used TOTP step behind
        else:
            b.ok("POST", path + "/prepare_second_factor", {"strategy": "phone_code"})
            code = mock.latest_code(PHONE)
            b.ok("POST", path + "/attempt_second_factor", {"strategy": "phone_code", "code": code})
            mock.advance(30)  # past the resend cooldown
    return b, b.session_id()


def _verify(b: Browser, sid: str, step: str = "", **data: str) -> Any:
    path = f"/v1/client/sessions/{sid}/verify" + (f"/{step}" if step else "")
    return b.post(path, data)


def _ok(b: Browser, sid: str, step: str = "", **data: str) -> dict[str, Any]:
    r = _verify(b, sid, step, **data)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert body["response"]["object"] == "session_reverification"
    return body["response"]


def _fva(b: Browser, sid: str) -> list[int]:
    session = b.ok("GET", f"/v1/client/sessions/{sid}")["response"]
    return session["factor_verification_age"]  # type: ignore[no-any-return]


def test_first_factor_level_with_password(mock: Mock) -> None:
    b, sid = _signed_in(mock)
    mock.advance(20 * 60)
    assert _fva(b, sid) == [20, -1]
    rv = _ok(b, sid, level="first_factor")
    assert rv["status"] == "needs_first_factor"
    assert rv["level"] == "first_factor"
    assert {f["strategy"] for f in rv["supported_first_factors"]} == {"password", "email_code"}
    wrong = _verify(b, sid, "attempt_first_factor", strategy="password", password="nope nope")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "form_password_incorrect"
    done = _ok(b, sid, "attempt_first_factor", strategy="password", password=PASSWORD)
    assert done["status"] == "complete"
    assert done["first_factor_verification"]["status"] == "verified"
    assert done["session"]["factor_verification_age"] == [0, -1]


def test_second_factor_level_with_totp(mock: Mock) -> None:
    b, sid = _signed_in(mock, totp_secret=TOTP_SECRET)
    mock.advance(15 * 60)
    assert _fva(b, sid) == [15, 15]
    rv = _ok(b, sid, level="second_factor")
    assert rv["status"] == "needs_second_factor"
    assert [f["strategy"] for f in rv["supported_second_factors"]] == ["totp"]
    # A first factor is not what this level asks for.
    early = _verify(b, sid, "attempt_first_factor", strategy="password", password=PASSWORD)
    assert early.status_code == 400
    assert early.json()["errors"][0]["code"] == "invalid_action_for_session_reverification"
    wrong = _verify(b, sid, "attempt_second_factor", strategy="totp", code="000000")
    assert wrong.status_code == 422
    done = _ok(b, sid, "attempt_second_factor", strategy="totp", code=mock.totp())
    assert done["status"] == "complete"
    assert done["second_factor_verification"]["attempts"] == 1
    assert done["session"]["factor_verification_age"] == [15, 0]


def test_multi_factor_level_with_email_code_then_phone_code(mock: Mock) -> None:
    b, sid = _signed_in(
        mock,
        email="mf@example.com",
        totp_secret=TOTP_SECRET,
        second_factor_phone_numbers=[PHONE],
    )
    mock.advance(30 * 60)
    rv = _ok(b, sid, level="multi_factor")
    assert rv["status"] == "needs_first_factor"
    email = next(f for f in rv["supported_first_factors"] if f["strategy"] == "email_code")
    phone = next(f for f in rv["supported_second_factors"] if f["strategy"] == "phone_code")
    # Second factor before the first is out of order.
    early = _verify(b, sid, "prepare_second_factor", strategy="phone_code")
    assert early.json()["errors"][0]["code"] == "invalid_action_for_session_reverification"
    prepared = _ok(
        b,
        sid,
        "prepare_first_factor",
        strategy="email_code",
        email_address_id=email["email_address_id"],
    )
    assert prepared["first_factor_verification"]["status"] == "unverified"
    code = mock.latest_code("mf@example.com")
    bad = "000000" if code != "000000" else "111111"
    assert (
        _verify(b, sid, "attempt_first_factor", strategy="email_code", code=bad).status_code == 422
    )
    after_first = _ok(b, sid, "attempt_first_factor", strategy="email_code", code=code)
    assert after_first["status"] == "needs_second_factor"
    assert after_first["session"]["factor_verification_age"] == [0, 30]
    _ok(
        b,
        sid,
        "prepare_second_factor",
        strategy="phone_code",
        phone_number_id=phone["phone_number_id"],
    )
    sms = mock.latest_code(PHONE)
    done = _ok(b, sid, "attempt_second_factor", strategy="phone_code", code=sms)
    assert done["status"] == "complete"
    assert done["session"]["factor_verification_age"] == [0, 0]


def test_levels_fall_back_to_first_factor_without_a_second_factor(mock: Mock) -> None:
    b, sid = _signed_in(mock)
    for level in ("second_factor", "multi_factor"):
        rv = _ok(b, sid, level=level)
        assert rv["level"] == "first_factor"
        assert rv["status"] == "needs_first_factor"
        assert rv["supported_second_factors"] == []


def test_an_expired_reverification_code_is_refused(mock: Mock) -> None:
    b, sid = _signed_in(mock, email="ex@example.com")
    rv = _ok(b, sid, level="first_factor")
    email_id = rv["supported_first_factors"][1]["email_address_id"]
    _ok(b, sid, "prepare_first_factor", strategy="email_code", email_address_id=email_id)
    code = mock.latest_code("ex@example.com")
    mock.advance(mock.state.runtime.config.verification.code_ttl_seconds)
    late = _verify(b, sid, "attempt_first_factor", strategy="email_code", code=code)
    assert late.status_code == 400
    assert late.json()["errors"][0]["code"] == "verification_expired"
    again = _ok(b, sid, "prepare_first_factor", strategy="email_code", email_address_id=email_id)
    assert again["first_factor_verification"]["status"] == "unverified"
    fresh = mock.latest_code("ex@example.com")
    assert _ok(b, sid, "attempt_first_factor", strategy="email_code", code=fresh)["status"] == (
        "complete"
    )


@pytest.mark.parametrize("factor", ["first", "second"])
def test_reverification_codes_lock_after_the_attempt_limit(mock: Mock, factor: str) -> None:
    b, sid = _signed_in(mock, email="lk@example.com", second_factor_phone_numbers=[PHONE])
    limit = mock.state.runtime.config.verification.max_attempts
    if factor == "first":
        rv = _ok(b, sid, level="first_factor")
        ident = {"email_address_id": rv["supported_first_factors"][1]["email_address_id"]}
        prepare, attempt, strategy, to = (
            "prepare_first_factor",
            "attempt_first_factor",
            "email_code",
            "lk@example.com",
        )
    else:
        rv = _ok(b, sid, level="second_factor")
        ident = {"phone_number_id": rv["supported_second_factors"][0]["phone_number_id"]}
        prepare, attempt, strategy, to = (
            "prepare_second_factor",
            "attempt_second_factor",
            "phone_code",
            PHONE,
        )
    _ok(b, sid, prepare, strategy=strategy, **ident)
    code = mock.latest_code(to)
    bad = "000000" if code != "000000" else "111111"
    answers = [_verify(b, sid, attempt, strategy=strategy, code=bad) for _ in range(limit)]
    assert [a.status_code for a in answers] == [422] * (limit - 1) + [400]
    assert answers[-1].json()["errors"][0]["code"] == "verification_failed"
    late = _verify(b, sid, attempt, strategy=strategy, code=code)
    assert late.json()["errors"][0]["code"] == "verification_failed"


def test_steps_without_a_started_reverification_are_refused(mock: Mock) -> None:
    b, sid = _signed_in(mock)
    r = _verify(b, sid, "attempt_first_factor", strategy="password", password=PASSWORD)
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "session_reverification_missing"
    bad_level = _verify(b, sid, level="everything")
    assert bad_level.status_code == 422


def test_another_clients_session_cannot_be_reverified(mock: Mock) -> None:
    _, sid = _signed_in(mock)
    stranger = mock.browser()
    stranger.ok("GET", "/v1/environment")
    stranger.ok("POST", "/v1/client/sign_ins", {})
    r = _verify(stranger, sid, level="first_factor")
    assert r.status_code == 404


# -- guarded /v1/me actions -----------------------------------------------------------------


def test_guarded_action_refused_before_and_allowed_after(mock: Mock) -> None:
    b, sid = _signed_in(mock, email="gd@example.com", totp_secret=TOTP_SECRET)
    # Fresh from sign-in: allowed at once.
    assert b.post("/v1/me/email_addresses", {"email_address": "one@example.com"}).status_code == 200
    mock.advance(11 * 60)
    refused = b.post(
        "/v1/me/change_password", {"current_password": PASSWORD, "new_password": "another one 42"}
    )
    assert refused.status_code == 403
    error = refused.json()["errors"][0]
    assert error["code"] == "session_reverification_required"
    assert error["meta"]["reverification"] == {"level": "multi_factor", "after_minutes": 10}
    # The strongest available: multi_factor, so the password alone is not enough.
    _ok(b, sid, level="multi_factor")
    _ok(b, sid, "attempt_first_factor", strategy="password", password=PASSWORD)
    still = b.post(
        "/v1/me/change_password", {"current_password": PASSWORD, "new_password": "another one 42"}
    )
    assert still.status_code == 403
    _ok(b, sid, "attempt_second_factor", strategy="totp", code=mock.totp())
    allowed = b.post(
        "/v1/me/change_password", {"current_password": PASSWORD, "new_password": "another one 42"}
    )
    assert allowed.status_code == 200, allowed.text
    # The new password works on a new client.
    fresh = mock.browser()
    assert fresh.sign_in("gd@example.com", "another one 42")["status"] == "needs_second_factor"


def test_change_password_needs_no_current_password_once_reverified(mock: Mock) -> None:
    """Reverification guards the change, so Clerk's PasswordForm sends only the new one."""
    b, _ = _signed_in(mock, email="np@example.com", password=PASSWORD)
    wrong = b.post(
        "/v1/me/change_password", {"current_password": "not it", "new_password": "fresh one 42"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "form_password_validation_failed"
    missing = b.post("/v1/me/change_password", {})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["meta"]["param_name"] == "new_password"
    changed = b.post("/v1/me/change_password", {"new_password": "fresh one 42"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["response"]["password_enabled"] is True
    assert mock.browser().sign_in("np@example.com", "fresh one 42")["status"] == "complete"
    # Without a fresh verification, leaving out the current password gets no further.
    mock.advance(11 * 60)
    refused = b.post("/v1/me/change_password", {"new_password": "and another 42"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "session_reverification_required"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("POST", "/v1/me/email_addresses", {"email_address": "new@example.com"}),
        ("POST", "/v1/me/phone_numbers", {"phone_number": "+14155550999"}),
        ("POST", "/v1/me/totp", {}),
        ("DELETE", "/v1/me", {}),
    ],
)
def test_sensitive_actions_are_guarded(
    mock: Mock, method: str, path: str, data: dict[str, str]
) -> None:
    b, _ = _signed_in(mock)
    mock.advance(10 * 60)
    r = b.call(method, path, data=data) if method == "POST" else b.delete(path)
    assert r.status_code == 403
    assert r.json()["errors"][0]["code"] == "session_reverification_required"
