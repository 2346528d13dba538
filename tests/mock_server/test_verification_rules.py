"""Code rules: expiry (admin clock), attempt lock, resend cooldown, single use."""

from __future__ import annotations

from tests.mock_server.conftest import Browser, Mock, config_for, error, ok

EMAIL = "rules@example.com"
PHONE = "+15005550006"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _code_sign_in(mock: Mock, browser: Browser) -> tuple[str, str]:
    mock.seed_user(email_addresses=EMAIL, password=None)
    si = ok(browser.sign_in(identifier=EMAIL, strategy="email_code"))["response"]
    return si["id"], mock.latest_code(EMAIL)


def test_a_code_expires_after_ten_minutes(mock: Mock, browser: Browser) -> None:
    sign_in_id, code = _code_sign_in(mock, browser)
    mock.advance(599)
    mock.advance(1)
    error(
        browser.attempt(sign_in_id, strategy="email_code", code=code), 400, "verification_expired"
    )
    si = ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))["response"]
    assert si["first_factor_verification"]["status"] == "expired"
    assert si["status"] == "needs_first_factor"
    ok(browser.prepare(sign_in_id, strategy="email_code"))
    fresh = mock.latest_code(EMAIL)
    assert (
        ok(browser.attempt(sign_in_id, strategy="email_code", code=fresh))["response"]["status"]
        == "complete"
    )


def test_a_code_just_before_expiry_still_works(mock: Mock, browser: Browser) -> None:
    sign_in_id, code = _code_sign_in(mock, browser)
    mock.advance(599)
    assert (
        ok(browser.attempt(sign_in_id, strategy="email_code", code=code))["response"]["status"]
        == "complete"
    )


def test_the_verification_locks_after_max_attempts(mock: Mock, browser: Browser) -> None:
    sign_in_id, code = _code_sign_in(mock, browser)
    for attempt in range(1, 5):
        error(
            browser.attempt(sign_in_id, strategy="email_code", code=_wrong(code)),
            422,
            "form_code_incorrect",
        )
        v = ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))["response"][
            "first_factor_verification"
        ]
        assert v["attempts"] == attempt
    error(
        browser.attempt(sign_in_id, strategy="email_code", code=_wrong(code)),
        400,
        "verification_failed",
    )
    v = ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))["response"][
        "first_factor_verification"
    ]
    assert (v["status"], v["attempts"]) == ("failed", 5)
    # the right code does not revive it
    error(browser.attempt(sign_in_id, strategy="email_code", code=code), 400, "verification_failed")
    assert (
        ok(browser.get(f"/v1/client/sign_ins/{sign_in_id}"))["response"]["status"]
        == "needs_first_factor"
    )


def test_max_attempts_is_configurable(make_mock) -> None:
    mock = make_mock(config_for(verification={"max_attempts": 2}))
    browser = mock.browser()
    sign_in_id, code = _code_sign_in(mock, browser)
    error(
        browser.attempt(sign_in_id, strategy="email_code", code=_wrong(code)),
        422,
        "form_code_incorrect",
    )
    error(
        browser.attempt(sign_in_id, strategy="email_code", code=_wrong(code)),
        400,
        "verification_failed",
    )


def test_a_resend_inside_the_cooldown_is_refused(mock: Mock, browser: Browser) -> None:
    sign_in_id, _ = _code_sign_in(mock, browser)
    mock.advance(10)
    refused = browser.prepare(sign_in_id, strategy="email_code")
    error(refused, 429, "verification_code_too_many_requests")
    assert refused.headers["retry-after"] == "20"
    assert len(mock.outbox(EMAIL)) == 1
    mock.advance(20)
    ok(browser.prepare(sign_in_id, strategy="email_code"))
    assert len(mock.outbox(EMAIL)) == 2


def test_a_resent_code_replaces_the_old_one(mock: Mock, browser: Browser) -> None:
    sign_in_id, first = _code_sign_in(mock, browser)
    mock.advance(30)
    ok(browser.prepare(sign_in_id, strategy="email_code"))
    second = mock.latest_code(EMAIL)
    if first != second:
        error(
            browser.attempt(sign_in_id, strategy="email_code", code=first),
            422,
            "form_code_incorrect",
        )
    assert (
        ok(browser.attempt(sign_in_id, strategy="email_code", code=second))["response"]["status"]
        == "complete"
    )


def test_a_used_code_is_refused(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address=EMAIL, phone_number=PHONE, password="long enough pw"))[
        "response"
    ]
    base = f"/v1/client/sign_ups/{su['id']}"
    ok(browser.post(f"{base}/prepare_verification", {"strategy": "email_code"}))
    code = mock.latest_code(EMAIL)
    ok(browser.post(f"{base}/attempt_verification", {"strategy": "email_code", "code": code}))
    error(
        browser.post(f"{base}/attempt_verification", {"strategy": "email_code", "code": code}),
        400,
        "verification_already_verified",
    )


def test_codes_are_six_digits(mock: Mock, browser: Browser) -> None:
    _, code = _code_sign_in(mock, browser)
    assert len(code) == 6
    assert code.isdigit()
