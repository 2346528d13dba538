"""``mountSignUp``: Clerk's prebuilt sign-up form, driven by typing and clicking.

The instance is the default one (email and password required, phone and username
optional) except that email addresses are verified by code only: the component shows
its link card whenever ``email_link`` is among the email verifications, as Clerk's
does. The form asks for the email address and the password, then for the code the
mock "sent" (read from its outbox, as a person reads their inbox).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mock_server.config import Config
from tests.browser.ui.conftest import UiPage, instance
from tests.browser.ui.sign_up_steps import click_then_code, emails, press_continue, type_code, user

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def instance_config() -> Config:
    return instance(
        strategies={"email_verification": ["email_code"]},
    )


def test_email_and_password_with_the_email_code(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    ui.shoot("start")
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-email-address"))
    page.get_by_text("sam@example.com").wait_for()
    ui.shoot("verify-email")
    type_code(ui, "sam@example.com")
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    assert emails(user(ui, user_id)) == ["sam@example.com"]
    assert user(ui, user_id)["password_enabled"] is True
    ui.shoot("signed-in")


def test_an_email_address_already_taken_is_shown_under_its_field(ui: UiPage) -> None:
    made = ui.site.admin.post("/__admin/users", json={"email_addresses": ["pat@example.com"]})
    assert made.status_code == 201, made.text
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()
    # form_identifier_exists names its field (meta.param_name): the component puts the
    # message under the email input, not in the card's alert.
    error = page.locator("#error-emailAddress")
    error.wait_for()
    assert "That email address is taken" in error.inner_text(), error.inner_text()
    ui.shoot("email-taken")
    assert re.search(r"/sign-up/?$", page.url), page.url
    page.get_by_label("Email address").fill("pat.two@example.com")
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-email-address"))
    type_code(ui, "pat.two@example.com")
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    assert emails(user(ui, user_id)) == ["pat.two@example.com"]


def test_a_password_the_rules_refuse_is_shown_under_its_field(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Email address").fill("kim@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    with page.expect_response(re.compile(r"/v1/client/sign_ups\?")) as answered:
        page.get_by_role("button", name="Continue", exact=True).click()
    # The mock refuses it with Clerk's code; the component words it from the code and the
    # environment's password_settings.min_length.
    assert answered.value.status == 422
    assert answered.value.json()["errors"][0]["code"] == "form_password_length_too_short"
    error = page.locator("#error-password")
    error.wait_for()
    ui.shoot("password-too-short")
    assert "8 or more characters" in error.inner_text(), error.inner_text()
    assert ui.site.admin.get("/__admin/users").json()["total_count"] == 0


def test_a_wrong_email_code_is_shown_then_the_right_one_signs_up(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Email address").fill("wes@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    click_then_code(ui, lambda: press_continue(ui))
    code = ui.code_for("wes@example.com")
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    otp = page.get_by_label("Enter verification code")
    with page.expect_response(re.compile(r"/attempt_verification")) as attempted:
        otp.press_sequentially(wrong)
    assert attempted.value.status == 422
    assert attempted.value.json()["errors"][0]["code"] == "form_code_incorrect"
    # The component words form_code_incorrect itself ("Incorrect code").
    feedback = page.get_by_test_id("form-feedback-error")
    expect(feedback.filter(has_text="Incorrect code")).to_be_visible()
    ui.shoot("wrong-code")
    # The component clears the input 750 ms after showing the error; keys typed before
    # that land on the wrong code and are lost.
    expect(otp).to_have_value("")
    otp.press_sequentially(code)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    assert emails(user(ui, user_id)) == ["wes@example.com"]
