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

import pytest
from playwright.sync_api import expect

from mock_server.config import Config
from tests.browser.ui.conftest import UiPage, instance
from tests.browser.ui.sign_up_steps import (
    click_then_code,
    emails,
    phones,
    press_continue,
    type_code,
    user,
)

PASSWORD = "correct horse battery staple"
PHONE = "+14155552671"


@pytest.fixture(scope="module")
def instance_config() -> Config:
    return instance(
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


def _fill_start(ui: UiPage, username: str, email: str) -> None:
    page = ui.page
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill("4155552671")
    page.get_by_label("Password", exact=True).fill(PASSWORD)


def test_every_required_field_on_the_start_form_then_both_codes(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    _fill_start(ui, "ada_l", "ada@example.com")
    ui.shoot("start-all-required")
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-email-address"))
    ui.shoot("verify-email")
    # The email code verifies the address; the phone number is still unverified, so the
    # component moves on to the phone screen, which asks the mock for an SMS code.
    click_then_code(ui, lambda: type_code(ui, "ada@example.com"))
    page.wait_for_url(re.compile(r"/sign-up/verify-phone-number"))
    ui.shoot("verify-phone")
    type_code(ui, PHONE)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert (found["first_name"], found["last_name"], found["username"]) == (
        "Ada",
        "Lovelace",
        "ada_l",
    )
    assert emails(found) == ["ada@example.com"]
    assert phones(found) == [PHONE]
    ui.shoot("signed-in")


def test_a_taken_username_and_a_short_one_are_shown_under_the_username(ui: UiPage) -> None:
    taken = ui.site.admin.post(
        "/__admin/users", json={"email_addresses": ["old@example.com"], "username": "ada_l"}
    )
    assert taken.status_code == 201, taken.text
    ui.goto("/sign-up")
    page = ui.page
    _fill_start(ui, "ada_l", "ada@example.com")
    press_continue(ui)
    # (The field animates between messages: the old one lingers for a moment.)
    error = page.locator("#error-username")
    expect(error.filter(has_text="That username is taken")).to_be_visible()
    ui.shoot("username-taken")
    # The component words form_username_invalid_length from the environment's
    # username_settings (4 to 64 characters here).
    page.get_by_label("Username").fill("ad")
    press_continue(ui)
    expect(error.filter(has_text="between 4 and 64 characters")).to_be_visible()
    ui.shoot("username-too-short")
    assert ui.site.admin.get("/__admin/users").json()["total_count"] == 1


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
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/continue/verify-phone-number"))
    ui.shoot("verify-phone")
    type_code(ui, PHONE)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert found["username"] == "grace_h"
    assert emails(found) == ["grace@example.com"]
    assert phones(found) == [PHONE]
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
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/continue/verify-phone-number"))
    type_code(ui, PHONE)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert (found["first_name"], found["last_name"], found["username"]) == (
        "Alan",
        "Turing",
        "alan_t",
    )
    assert emails(found) == ["alan@example.com"]
    assert [a["provider"] for a in found["external_accounts"]] == ["oauth_google"]
    ui.shoot("signed-in")
