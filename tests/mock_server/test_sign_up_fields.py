"""Sign-up field rules: formats, usernames, combined identifier, attribute toggles."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Browser, Mock, config_for, error, ok


@pytest.mark.parametrize(
    ("fields", "code", "param"),
    [
        ({"email_address": "not-an-email"}, "form_param_format_invalid", "email_address"),
        ({"phone_number": "12"}, "form_param_format_invalid", "phone_number"),
        ({"username": "ab"}, "form_username_invalid_length", "username"),
        ({"username": "has space"}, "form_username_invalid_character", "username"),
        ({"username": "123456"}, "form_username_invalid_character", "username"),
        ({"password": "x" * 80}, "form_password_size_in_bytes_exceeded", "password"),
    ],
)
def test_invalid_fields_are_refused_with_clerks_codes(
    browser: Browser, fields: dict, code: str, param: str
) -> None:
    found = error(browser.sign_up(**fields), 422, code)
    assert found["meta"]["param_name"] == param


def test_all_problems_are_reported_at_once(browser: Browser) -> None:
    answer = browser.sign_up(email_address="bad", username="x", password="short")
    assert answer.status_code == 422
    codes = {e["code"] for e in answer.json()["errors"]}
    assert codes >= {
        "form_param_format_invalid",
        "form_username_invalid_length",
        "form_password_length_too_short",
    }


def test_username_sign_up_then_username_sign_in(mock: Mock, browser: Browser) -> None:
    su = ok(browser.sign_up(email_address="u@example.com", username="Ada_L", password=PASSWORD))
    assert su["response"]["username"] == "Ada_L"
    base = f"/v1/client/sign_ups/{su['response']['id']}"
    ok(browser.post(f"{base}/prepare_verification", {"strategy": "email_code"}))
    code = mock.latest_code("u@example.com")
    ok(browser.post(f"{base}/attempt_verification", {"strategy": "email_code", "code": code}))
    error(mock.browser().sign_up(username="ada_l"), 422, "form_identifier_exists")
    done = ok(mock.browser().sign_in(identifier="ada_l", password=PASSWORD))
    assert done["response"]["status"] == "complete"


@pytest.mark.parametrize(
    ("value", "field"), [("both@example.com", "email_address"), ("+15005550006", "phone_number")]
)
def test_email_address_or_phone_number(browser: Browser, value: str, field: str) -> None:
    su = ok(browser.sign_up(email_address_or_phone_number=value))["response"]
    assert su[field] == value


def test_an_off_attribute_is_form_param_unknown(make_mock) -> None:
    mock = make_mock(config_for(attributes={"username": "off"}))
    error(mock.browser().sign_up(username="someone"), 422, "form_param_unknown")


def test_required_fields_follow_the_config(make_mock) -> None:
    config = config_for(attributes={"phone_number": "required", "email_address": "off"})
    mock = make_mock(config)
    su = ok(mock.browser().sign_up())["response"]
    assert "phone_number" in su["required_fields"]
    assert "email_address" not in su["required_fields"] + su["optional_fields"]
    assert su["missing_fields"] == ["phone_number", "password"]


def test_test_phone_sign_up_with_424242(mock: Mock, browser: Browser) -> None:
    su = ok(
        browser.sign_up(
            email_address="p+clerk_test@example.com", phone_number="+12015550100", password=PASSWORD
        )
    )
    base = f"/v1/client/sign_ups/{su['response']['id']}"
    for strategy in ("phone_code", "email_code"):
        ok(browser.post(f"{base}/prepare_verification", {"strategy": strategy}))
        ok(browser.post(f"{base}/attempt_verification", {"strategy": strategy, "code": "424242"}))
    assert ok(browser.get(base))["response"]["status"] == "complete"
    assert mock.outbox() == []


def test_verification_strategy_errors(browser: Browser) -> None:
    su = ok(browser.sign_up(email_address="v@example.com"))["response"]
    base = f"/v1/client/sign_ups/{su['id']}"
    error(
        browser.post(f"{base}/prepare_verification", {"strategy": "phone_code"}),
        400,
        "verification_strategy_invalid",
    )
    error(
        browser.post(f"{base}/prepare_verification", {"strategy": "carrier_pigeon"}),
        422,
        "form_param_value_invalid",
    )
    error(browser.post(f"{base}/prepare_verification", {}), 422, "form_param_missing")
    error(
        browser.post(f"{base}/attempt_verification", {"strategy": "email_code", "code": "1"}),
        400,
        "verification_missing",
    )
