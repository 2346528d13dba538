"""Unknown form fields are form_param_unknown; the fields clerk-js really sends are accepted."""

from __future__ import annotations

import pytest

from tests.mock_server.conftest import PASSWORD, Browser, Mock, error, ok

EMAIL = "params@example.com"


def test_a_misspelled_field_is_form_param_unknown(mock: Mock, browser: Browser) -> None:
    found = error(browser.sign_in(identifer=EMAIL), 422, "form_param_unknown")
    assert found["meta"]["param_name"] == "identifer"
    assert found["long_message"] == "identifer is not a valid parameter for this request."


def test_every_unknown_field_is_reported(browser: Browser) -> None:
    answer = browser.sign_up(email_address=EMAIL, colour="blue", shoe_size="44")
    assert answer.status_code == 422
    names = [e["meta"]["param_name"] for e in answer.json()["errors"]]
    assert names == ["colour", "shoe_size"]
    assert {e["code"] for e in answer.json()["errors"]} == {"form_param_unknown"}


def test_nothing_changes_when_a_field_is_unknown(browser: Browser) -> None:
    error(browser.sign_up(email_address=EMAIL, colour="blue"), 422, "form_param_unknown")
    assert browser.client() is None


@pytest.mark.parametrize(
    "extra",
    [
        {"locale": "en-US"},
        {"timezone": "Europe/Paris"},
        {"sign_up_if_missing": "false"},
        {"captcha_token": "", "captcha_widget_type": "", "captcha_error": ""},
        {"redirect_url": "http://localhost:3000"},
    ],
)
def test_fields_clerk_js_sends_are_accepted_on_sign_in(
    mock: Mock, browser: Browser, extra: dict
) -> None:
    mock.seed_user(email_addresses=EMAIL)
    body = ok(browser.sign_in(identifier=EMAIL, password=PASSWORD, **extra))
    assert body["response"]["status"] == "complete"


def test_fields_clerk_js_sends_are_accepted_on_sign_up(browser: Browser) -> None:
    body = ok(
        browser.sign_up(
            email_address=EMAIL,
            password=PASSWORD,
            locale="fr-FR",
            timezone="Europe/Paris",
            legal_accepted="true",
            unsafe_metadata='{"plan": "pro"}',
        )
    )
    assert body["response"]["unsafe_metadata"] == {"plan": "pro"}
    assert body["response"]["legal_accepted_at"] is not None


def test_prepare_accepts_channel_and_default(mock: Mock, browser: Browser) -> None:
    mock.seed_user(phone_numbers="+15005550006")
    si = ok(browser.sign_in(identifier="+15005550006"))["response"]
    ok(browser.prepare(si["id"], strategy="phone_code", channel="sms", default="true"))
    error(browser.prepare(si["id"], strategy="phone_code", colour="red"), 422, "form_param_unknown")


def test_bookkeeping_query_params_are_never_form_fields(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses=EMAIL)
    answer = browser.post(
        "/v1/client/sign_ins",
        {"identifier": EMAIL, "_clerk_js_version": "6.40.0", "__clerk_api_version": "2026-05-12"},
    )
    assert ok(answer)["response"]["status"] == "needs_first_factor"
