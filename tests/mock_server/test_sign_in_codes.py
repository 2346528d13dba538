"""Sign-in by a one-time code sent by email or SMS (read back from the outbox)."""

from __future__ import annotations

from tests.mock_server.conftest import Browser, Mock, error, ok

EMAIL = "coder@example.com"
PHONE = "+15005550006"


def test_email_code_sign_in(mock: Mock, browser: Browser) -> None:
    user = mock.seed_user(email_addresses=EMAIL, password=None)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    factor = next(f for f in si["supported_first_factors"] if f["strategy"] == "email_code")
    assert factor["safe_identifier"] == EMAIL
    prepared = ok(
        browser.prepare(
            si["id"], strategy="email_code", email_address_id=factor["email_address_id"]
        )
    )
    v = prepared["response"]["first_factor_verification"]
    assert (v["status"], v["strategy"], v["attempts"]) == ("unverified", "email_code", 0)
    message = mock.latest(EMAIL)
    assert message["channel"] == "email"
    assert message["purpose"] == "sign_in"
    done = ok(browser.attempt(si["id"], strategy="email_code", code=message["code"]))
    assert done["response"]["status"] == "complete"
    assert done["client"]["sessions"][0]["user"]["id"] == user["id"]
    assert done["client"]["last_authentication_strategy"] == "email_code"


def test_phone_code_sign_in(mock: Mock, browser: Browser) -> None:
    mock.seed_user(phone_numbers=PHONE, password=None)
    si = ok(browser.sign_in(identifier="(500) 555-0006"))["response"]
    assert [f["strategy"] for f in si["supported_first_factors"]] == ["phone_code"]
    ok(browser.prepare(si["id"], strategy="phone_code"))
    sms = mock.latest(PHONE)
    assert sms["channel"] == "sms"
    wrong = "000000" if sms["code"] != "000000" else "111111"
    found = error(
        browser.attempt(si["id"], strategy="phone_code", code=wrong), 422, "form_code_incorrect"
    )
    assert found["meta"]["param_name"] == "code"
    after = ok(browser.get(f"/v1/client/sign_ins/{si['id']}"))["response"]
    assert after["first_factor_verification"]["attempts"] == 1
    done = ok(browser.attempt(si["id"], strategy="phone_code", code=sms["code"]))["response"]
    assert done["status"] == "complete"


def test_create_with_strategy_prepares_at_once(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL, strategy="email_code"))["response"]
    assert si["first_factor_verification"]["strategy"] == "email_code"
    assert mock.latest_code(EMAIL)


def test_attempt_before_prepare_is_verification_missing(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    error(
        browser.attempt(si["id"], strategy="email_code", code="123456"), 400, "verification_missing"
    )


def test_prepare_without_strategy_is_form_param_missing(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    error(browser.prepare(si["id"]), 422, "form_param_missing")
