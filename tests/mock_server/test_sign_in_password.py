"""Sign-in by password with each identifier kind (email, phone, username)."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "jane@example.com"
PHONE = "+15005550006"


@pytest.fixture
def user(mock: Mock) -> dict:
    return mock.seed_user(email_addresses=EMAIL, phone_numbers=PHONE, username="jane_doe")


@pytest.mark.parametrize("identifier", [EMAIL, "Jane@Example.COM", PHONE, "jane_doe", "JANE_DOE"])
def test_password_sign_in_completes_in_one_request(
    browser: Browser, user: dict, identifier: str
) -> None:
    body = ok(
        browser.sign_in(identifier=identifier, password=PASSWORD, locale="en", timezone="UTC")
    )
    si = body["response"]
    assert si["status"] == "complete"
    assert si["first_factor_verification"]["status"] == "verified"
    assert si["first_factor_verification"]["strategy"] == "password"
    sid = si["created_session_id"]
    assert body["client"]["last_active_session_id"] == sid
    assert body["client"]["last_authentication_strategy"] == "password"
    assert body["client"]["sessions"][0]["user"]["id"] == user["id"]


def test_identifier_first_then_password(browser: Browser, user: dict) -> None:
    si = ok(browser.sign_in(identifier="jane_doe"))["response"]
    assert si["status"] == "needs_first_factor"
    assert si["identifier"] == "jane_doe"
    done = ok(browser.attempt(si["id"], strategy="password", password=PASSWORD))["response"]
    assert done["status"] == "complete"


def test_a_wrong_password_is_form_password_incorrect(browser: Browser, user: dict) -> None:
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    found = error(
        browser.attempt(si["id"], strategy="password", password="nope-nope"),
        422,
        "form_password_incorrect",
    )
    assert found["meta"]["param_name"] == "password"
    assert (
        ok(browser.get(f"/v1/client/sign_ins/{si['id']}"))["response"]["status"]
        == "needs_first_factor"
    )


def test_an_unknown_identifier_is_form_identifier_not_found(browser: Browser, user: dict) -> None:
    found = error(
        browser.sign_in(identifier="nobody@example.com"), 422, "form_identifier_not_found"
    )
    assert found["meta"]["param_name"] == "identifier"


def test_a_missing_password_param_is_form_param_missing(browser: Browser, user: dict) -> None:
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    error(browser.attempt(si["id"], strategy="password"), 422, "form_param_missing")
    error(browser.attempt(si["id"], password=PASSWORD), 422, "form_param_missing")


def test_an_empty_sign_in_needs_an_identifier(browser: Browser) -> None:
    si = ok(browser.sign_in())["response"]
    assert si["status"] == "needs_identifier"
    assert si["supported_first_factors"] is None or si["supported_first_factors"] == []


def test_an_unknown_strategy_value_is_refused(browser: Browser, user: dict) -> None:
    error(
        browser.sign_in(identifier=EMAIL, strategy="carrier_pigeon"),
        422,
        "form_param_value_invalid",
    )


def test_a_password_cannot_be_prepared(browser: Browser, user: dict) -> None:
    si = ok(browser.sign_in(identifier=EMAIL))["response"]
    error(browser.prepare(si["id"], strategy="password"), 400, "verification_strategy_invalid")


def test_a_strategy_without_identifier_is_form_param_missing(browser: Browser, user: dict) -> None:
    found = error(browser.sign_in(strategy="email_code"), 422, "form_param_missing")
    assert found["meta"]["param_name"] == "identifier"
    error(browser.sign_in(password=PASSWORD), 422, "form_param_missing")
