"""A sign-in offers exactly the factors its user has; any other is strategy_for_user_invalid."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import Browser, Mock, config_for, error, ok

EMAIL = "factors@example.com"
PHONE = "+15005550006"


def _strategies(si: dict) -> list[str]:
    return [f["strategy"] for f in si["supported_first_factors"]]


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (
            {"email_addresses": EMAIL, "phone_numbers": PHONE},
            [
                "password",
                "email_code",
                "email_link",
                "phone_code",
                "reset_password_email_code",
                "reset_password_phone_code",
            ],
        ),
        ({"email_addresses": EMAIL, "password": None}, ["email_code", "email_link"]),
        ({"phone_numbers": PHONE, "password": None}, ["phone_code"]),
        ({"username": "only_name"}, ["password"]),
        ({"phone_numbers": PHONE}, ["password", "phone_code", "reset_password_phone_code"]),
    ],
)
def test_factors_follow_the_account(
    mock: Mock, browser: Browser, seed: dict, expected: list[str]
) -> None:
    mock.seed_user(**seed)
    identifier = seed.get("email_addresses") or seed.get("phone_numbers") or seed["username"]
    si = ok(browser.sign_in(identifier=identifier))["response"]
    assert _strategies(si) == expected
    for strategy in {
        "password",
        "email_code",
        "email_link",
        "phone_code",
        "reset_password_email_code",
        "reset_password_phone_code",
    } - set(expected):
        if strategy == "password":
            found = error(
                browser.attempt(si["id"], strategy=strategy, password="whatever123"),
                400,
                "strategy_for_user_invalid",
            )
        else:
            found = error(
                browser.prepare(si["id"], strategy=strategy), 400, "strategy_for_user_invalid"
            )
        assert found["code"] == "strategy_for_user_invalid"


def test_the_typed_identifier_is_shown_and_others_masked(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=[EMAIL, "second@example.com"], phone_numbers=PHONE)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    shown = {
        f["safe_identifier"] for f in si["supported_first_factors"] if f["strategy"] == "email_code"
    }
    assert EMAIL in shown
    assert "second@example.com" not in shown
    phone = next(f for f in si["supported_first_factors"] if f["strategy"] == "phone_code")
    assert phone["safe_identifier"] != PHONE
    primary = [
        f for f in si["supported_first_factors"] if f["strategy"] == "email_code" and f["primary"]
    ]
    assert len(primary) == 1


def test_disabled_strategies_are_not_offered(make_mock) -> None:
    mock = make_mock(config_for(strategies={"first_factors": ["password", "email_code"]}))
    browser = mock.browser()
    mock.seed_user(email_addresses=EMAIL, phone_numbers=PHONE)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    assert _strategies(si) == ["password", "email_code"]
    error(browser.prepare(si["id"], strategy="phone_code"), 400, "strategy_for_user_invalid")


def test_a_factor_pinned_to_another_email_is_refused(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    error(
        browser.prepare(si["id"], strategy="email_code", email_address_id="idn_not_mine"),
        400,
        "strategy_for_user_invalid",
    )
