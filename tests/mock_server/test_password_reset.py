"""Password reset by email or SMS code: needs_new_password, then reset_password, complete."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "forgetful@example.com"
PHONE = "+15005550006"
NEW_PASSWORD = "a brand new passphrase"


@pytest.mark.parametrize(
    ("strategy", "address"),
    [("reset_password_email_code", EMAIL), ("reset_password_phone_code", PHONE)],
)
def test_reset_by_code_then_new_password_completes(
    mock: Mock, browser: Browser, strategy: str, address: str
) -> None:
    mock.seed_user(email_addresses=EMAIL, phone_numbers=PHONE)
    si = ok(browser.sign_in(identifier=address))["response"]
    assert strategy in {f["strategy"] for f in si["supported_first_factors"]}
    ok(browser.prepare(si["id"], strategy=strategy))
    message = mock.latest(address)
    assert message["purpose"] == "reset_password"
    after = ok(browser.attempt(si["id"], strategy=strategy, code=message["code"]))["response"]
    assert after["status"] == "needs_new_password"
    assert after["first_factor_verification"]["status"] == "verified"

    error(
        browser.post(f"/v1/client/sign_ins/{si['id']}/reset_password", {"password": "short"}),
        422,
        "form_password_length_too_short",
    )
    done = ok(
        browser.post(f"/v1/client/sign_ins/{si['id']}/reset_password", {"password": NEW_PASSWORD})
    )
    assert done["response"]["status"] == "complete"
    assert done["client"]["last_active_session_id"] == done["response"]["created_session_id"]

    fresh = mock.browser()
    error(fresh.sign_in(identifier=EMAIL, password=PASSWORD), 422, "form_password_incorrect")
    assert (
        ok(fresh.sign_in(identifier=EMAIL, password=NEW_PASSWORD))["response"]["status"]
        == "complete"
    )


def test_sign_out_of_other_sessions(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    laptop = mock.browser()
    laptop_session = ok(laptop.sign_in(identifier=EMAIL, password=PASSWORD))["response"][
        "created_session_id"
    ]
    kept = mock.browser()
    ok(kept.sign_in(identifier=EMAIL, password=PASSWORD))

    si = ok(browser.sign_in(identifier=EMAIL, strategy="reset_password_email_code"))["response"]
    ok(
        browser.attempt(
            si["id"], strategy="reset_password_email_code", code=mock.latest_code(EMAIL)
        )
    )
    ok(
        browser.post(
            f"/v1/client/sign_ins/{si['id']}/reset_password",
            {"password": NEW_PASSWORD, "sign_out_of_other_sessions": "true"},
        )
    )
    assert laptop.client()["sessions"] == []
    assert laptop.client()["last_active_session_id"] is None
    assert kept.client()["sessions"] == []
    revoked = ok(laptop.get(f"/v1/client/sessions/{laptop_session}"))["response"]
    assert revoked["status"] == "revoked"
    assert browser.client()["sessions"][0]["status"] == "active"


def test_without_the_flag_other_sessions_stay(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    laptop = mock.browser()
    ok(laptop.sign_in(identifier=EMAIL, password=PASSWORD))
    si = ok(browser.sign_in(identifier=EMAIL, strategy="reset_password_email_code"))["response"]
    ok(
        browser.attempt(
            si["id"], strategy="reset_password_email_code", code=mock.latest_code(EMAIL)
        )
    )
    ok(browser.post(f"/v1/client/sign_ins/{si['id']}/reset_password", {"password": NEW_PASSWORD}))
    assert len(laptop.client()["sessions"]) == 1


def test_reset_password_before_the_code_is_client_state_invalid(
    mock: Mock, browser: Browser
) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    error(
        browser.post(f"/v1/client/sign_ins/{si['id']}/reset_password", {"password": NEW_PASSWORD}),
        400,
        "client_state_invalid",
    )


def test_a_user_without_password_has_no_reset_factor(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL, password=None)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    assert "reset_password_email_code" not in {f["strategy"] for f in si["supported_first_factors"]}
    error(
        browser.prepare(si["id"], strategy="reset_password_email_code"),
        400,
        "strategy_for_user_invalid",
    )


def test_reset_password_needs_the_password_param(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL, strategy="reset_password_email_code"))["response"]
    code = mock.latest_code(EMAIL)
    ok(browser.attempt(si["id"], strategy="reset_password_email_code", code=code))
    path = f"/v1/client/sign_ins/{si['id']}/reset_password"
    found = error(browser.post(path, {}), 422, "form_param_missing")
    assert found["meta"]["param_name"] == "password"


def test_the_new_password_can_come_with_the_code(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL, strategy="reset_password_email_code"))["response"]
    code = mock.latest_code(EMAIL)
    strategy = "reset_password_email_code"
    # a password the policy refuses changes nothing: the code stays usable
    error(
        browser.attempt(si["id"], strategy=strategy, code=code, password="short"),
        422,
        "form_password_length_too_short",
    )
    done = ok(browser.attempt(si["id"], strategy=strategy, code=code, password=NEW_PASSWORD))
    assert done["response"]["status"] == "complete"
    assert (
        ok(mock.browser().sign_in(identifier=EMAIL, password=NEW_PASSWORD))["response"]["status"]
        == "complete"
    )
