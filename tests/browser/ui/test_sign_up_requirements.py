"""``mountSignUp`` on an instance that requires everything: names, a username, an email
address, a phone number and a password.

The start form asks for every required field, then the component verifies the email
address and the phone number with the codes the mock sends. A sign-up that arrives with
only some fields (an invitation that carries just the email address, or an OAuth account
that has no username and no phone) lands on the component's "missing requirements"
screen (``/sign-up/continue``), which asks for exactly what the mock still misses.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mock_server.config import Config, load_config
from tests.browser.ui.conftest import UiPage

PASSWORD = "correct horse battery staple"
PHONE = "+14155552671"


@pytest.fixture(scope="module")
def instance_config() -> Config:
    return load_config(
        profile="test",
        passwords={"kdf_log_n": 4},
        attributes={
            "email_address": "required",
            "phone_number": "required",
            "username": "required",
            "first_name": "required",
            "last_name": "required",
            "password": "required",
        },
        strategies={"email_verification": ["email_code"]},
    )


def _user(ui: UiPage, user_id: str) -> dict[str, Any]:
    found = ui.site.admin.get(f"/__admin/users/{user_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def _click_then_code(ui: UiPage, action: Any) -> None:
    """Do ``action`` and wait until the next verify screen has asked for its code."""
    with ui.page.expect_response(re.compile(r"/prepare_verification")) as prepared:
        action()
    assert prepared.value.ok, prepared.value.text()


def _continue(ui: UiPage) -> None:
    ui.page.get_by_role("button", name="Continue", exact=True).click()


def _type_code(ui: UiPage, to: str) -> None:
    otp = ui.page.get_by_label("Enter verification code")
    otp.wait_for()
    otp.press_sequentially(ui.code_for(to))


def test_every_required_field_on_the_start_form_then_both_codes(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Username").fill("ada_l")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("4155552671")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    ui.shoot("start-all-required")
    _click_then_code(ui, lambda: _continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-email-address"))
    ui.shoot("verify-email")
    # The email code verifies the address; the phone number is still unverified, so the
    # component moves on to the phone screen, which asks the mock for an SMS code.
    _click_then_code(ui, lambda: _type_code(ui, "ada@example.com"))
    page.wait_for_url(re.compile(r"/sign-up/verify-phone-number"))
    ui.shoot("verify-phone")
    _type_code(ui, PHONE)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    user = _user(ui, user_id)
    assert (user["first_name"], user["last_name"], user["username"]) == (
        "Ada",
        "Lovelace",
        "ada_l",
    )
    assert [e["email_address"] for e in user["email_addresses"]] == ["ada@example.com"]
    assert [p["phone_number"] for p in user["phone_numbers"]] == [PHONE]
    ui.shoot("signed-in")


def test_an_invitation_with_only_the_email_continues_on_the_missing_fields_screen(
    ui: UiPage,
) -> None:
    made = ui.site.admin.post("/__admin/tickets", json={"email_address": "grace@example.com"})
    assert made.status_code == 201, made.text
    ui.goto(f"/sign-up?__clerk_ticket={made.json()['ticket']}")
    page = ui.page
    # The ticket verifies the email address; everything else is missing.
    page.wait_for_url(re.compile(r"/sign-up/continue"))
    page.get_by_label("Username").wait_for()
    ui.shoot("continue")
    expect(page.get_by_label("Email address")).to_have_count(0)
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Username").fill("grace_h")
    page.get_by_label("Phone number").fill("4155552671")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    _click_then_code(ui, lambda: _continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/continue/verify-phone-number"))
    ui.shoot("verify-phone")
    _type_code(ui, PHONE)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    user = _user(ui, user_id)
    assert user["username"] == "grace_h"
    assert [e["email_address"] for e in user["email_addresses"]] == ["grace@example.com"]
    assert [p["phone_number"] for p in user["phone_numbers"]] == [PHONE]
    ui.shoot("signed-in")


def test_an_oauth_account_without_a_last_name_username_or_phone_continues_on_that_screen(
    ui: UiPage,
) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_role("button", name="Continue with Google").click()
    # The mock's own Google: a person types the account's email on its page.
    page.get_by_label("Email").fill("alan@example.com")
    ui.shoot("mock-google")
    page.get_by_role("button", name="Continue", exact=True).click()
    # The mock's Google knows the email (verified) and a first name made from it, but no
    # last name; the username and the phone number are missing too, and an SSO sign-up
    # needs no password. The screen asks for exactly those three.
    page.wait_for_url(re.compile(r"/sign-up/continue"))
    page.get_by_label("Username").wait_for()
    ui.shoot("continue")
    for given in ("Password", "Email address", "First name"):
        expect(page.get_by_label(given, exact=True)).to_have_count(0)
    page.get_by_label("Last name").fill("Turing")
    page.get_by_label("Username").fill("alan_t")
    page.get_by_label("Phone number").fill("4155552671")
    _click_then_code(ui, lambda: _continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/continue/verify-phone-number"))
    _type_code(ui, PHONE)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    user = _user(ui, user_id)
    assert (user["first_name"], user["last_name"], user["username"]) == ("Alan", "Turing", "alan_t")
    assert [e["email_address"] for e in user["email_addresses"]] == ["alan@example.com"]
    assert [a["provider"] for a in user["external_accounts"]] == ["oauth_google"]
    ui.shoot("signed-in")
