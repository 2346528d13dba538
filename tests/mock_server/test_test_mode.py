"""Clerk's test mode: +clerk_test emails and 555-01NN numbers take 424242 and get no mail."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import TEST_CODE, Browser, Mock, config_for, error, ok

TEST_EMAIL = "jane+clerk_test@example.com"
TEST_PHONE = "+12015550142"


@pytest.mark.parametrize(
    ("identifier", "strategy"), [(TEST_EMAIL, "email_code"), (TEST_PHONE, "phone_code")]
)
def test_test_identities_sign_in_with_424242_and_nothing_is_sent(
    mock: Mock, browser: Browser, identifier: str, strategy: str
) -> None:
    mock.seed_user(email_addresses=TEST_EMAIL, phone_numbers=TEST_PHONE)
    si = ok(browser.sign_in(identifier=identifier, strategy=strategy))["response"]
    assert mock.outbox() == []
    done = ok(browser.attempt(si["id"], strategy=strategy, code=TEST_CODE))["response"]
    assert done["status"] == "complete"


def test_test_email_sign_up_with_424242(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address=TEST_EMAIL, password="long enough pw"))["response"]
    base = f"/v1/client/sign_ups/{su['id']}"
    ok(browser.post(f"{base}/prepare_verification", {"strategy": "email_code"}))
    assert mock.outbox() == []
    done = ok(
        browser.post(f"{base}/attempt_verification", {"strategy": "email_code", "code": TEST_CODE})
    )
    assert done["response"]["status"] == "complete"


@pytest.mark.parametrize("phone", ["+12015550099", "+12015550200", "+442015550142"])
def test_numbers_outside_the_fictional_range_are_real(
    mock: Mock, browser: Browser, phone: str
) -> None:
    mock.seed_user(phone_numbers=phone)
    si = ok(browser.sign_in(identifier=phone, strategy="phone_code"))["response"]
    code = mock.latest_code(phone)
    if code != TEST_CODE:
        error(
            browser.attempt(si["id"], strategy="phone_code", code=TEST_CODE),
            422,
            "form_code_incorrect",
        )


def test_a_real_address_does_not_take_424242(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="real@example.com")
    si = ok(browser.sign_in(identifier="real@example.com", strategy="email_code"))["response"]
    code = mock.latest_code("real@example.com")
    assert len(code) == 6
    assert code.isdigit()
    if code != TEST_CODE:
        error(
            browser.attempt(si["id"], strategy="email_code", code=TEST_CODE),
            422,
            "form_code_incorrect",
        )


def test_email_links_to_test_addresses_are_sent(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=TEST_EMAIL)
    ok(browser.sign_in(identifier=TEST_EMAIL, strategy="email_link"))
    assert mock.latest(TEST_EMAIL)["link"]


def test_with_test_mode_off_test_addresses_get_real_codes(make_mock, browser: Browser) -> None:
    mock = make_mock(config_for(test_mode={"enabled": False}))
    b = mock.browser()
    mock.seed_user(email_addresses=TEST_EMAIL)
    ok(b.sign_in(identifier=TEST_EMAIL, strategy="email_code"))
    assert mock.latest_code(TEST_EMAIL)
