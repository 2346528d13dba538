"""Account lockout: 10 failed credentials lock the user for an hour (user_locked)."""

from __future__ import annotations

from tests.mock_server.conftest import PASSWORD, Mock, config_for, error, ok

EMAIL = "locked@example.com"


def test_ten_wrong_passwords_lock_the_account(mock: Mock) -> None:
    mock.seed_user(email_addresses=EMAIL)
    browser = mock.browser()
    for _ in range(10):
        error(
            browser.sign_in(identifier=EMAIL, password="wrong-password"),
            422,
            "form_password_incorrect",
        )
    locked = error(browser.sign_in(identifier=EMAIL, password=PASSWORD), 403, "user_locked")
    assert locked["meta"]["lockout_expires_in_seconds"] > 3500
    error(mock.browser().sign_in(identifier=EMAIL), 403, "user_locked")
    user = mock.admin("GET", "/users").json()["data"][0]
    assert user["locked"] is True
    mock.advance(3600)
    assert (
        ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))["response"]["status"] == "complete"
    )


def test_wrong_codes_count_towards_the_lockout(make_mock) -> None:
    mock = make_mock(config_for(lockout={"max_attempts": 3}))
    mock.seed_user(email_addresses=EMAIL)
    browser = mock.browser()
    si = ok(browser.sign_in(identifier=EMAIL, strategy="email_code"))["response"]
    code = mock.latest_code(EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        error(
            browser.attempt(si["id"], strategy="email_code", code=wrong), 422, "form_code_incorrect"
        )
    error(browser.attempt(si["id"], strategy="email_code", code=code), 403, "user_locked")


def test_a_success_resets_the_count(make_mock) -> None:
    mock = make_mock(config_for(lockout={"max_attempts": 3}))
    mock.seed_user(email_addresses=EMAIL)
    browser = mock.browser()
    for _ in range(2):
        error(
            browser.sign_in(identifier=EMAIL, password="wrong-password"),
            422,
            "form_password_incorrect",
        )
    ok(mock.browser().sign_in(identifier=EMAIL, password=PASSWORD))
    for _ in range(2):
        error(
            browser.sign_in(identifier=EMAIL, password="wrong-password"),
            422,
            "form_password_incorrect",
        )
    ok(mock.browser().sign_in(identifier=EMAIL, password=PASSWORD))


def test_lockout_can_be_disabled(make_mock) -> None:
    mock = make_mock(config_for(lockout={"enabled": False}))
    mock.seed_user(email_addresses=EMAIL)
    browser = mock.browser()
    for _ in range(12):
        error(
            browser.sign_in(identifier=EMAIL, password="wrong-password"),
            422,
            "form_password_incorrect",
        )
    ok(browser.sign_in(identifier=EMAIL, password=PASSWORD))
