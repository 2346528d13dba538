"""``mountSignUp`` on a phone-only instance: no email address, no password.

The form asks for the phone number alone; the SMS code (from the mock's outbox, or
Clerk's test-mode code for a fictional 555-01xx number) completes the sign-up.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mock_server.config import Config
from tests.browser.ui.conftest import UiPage, instance
from tests.browser.ui.sign_up_steps import click_then_code, phones, press_continue, type_code, user


@pytest.fixture(scope="module")
def instance_config() -> Config:
    return instance(
        attributes={
            "email_address": "off",
            "phone_number": "required",
            "username": "off",
            "password": "off",
        },
    )


def test_a_phone_number_and_its_sms_code(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Phone number").fill("4155552671")
    for absent in ("Email address", "Password", "Username"):
        expect(page.get_by_label(absent, exact=True)).to_have_count(0)
    ui.shoot("start-phone-only")
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-phone-number"))
    ui.shoot("verify-phone")
    type_code(ui, "+14155552671")
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert phones(found) == ["+14155552671"]
    assert found["email_addresses"] == []
    assert found["password_enabled"] is False
    ui.shoot("signed-in")


def test_a_test_mode_phone_number_takes_the_test_code(ui: UiPage, instance_config: Config) -> None:
    # Clerk's test mode: +1 (XXX) 555-0100..0199 receive no SMS; 424242 verifies them.
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Phone number").fill("2015550123")
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-phone-number"))
    sent = ui.site.admin.get("/__admin/outbox", params={"to": "+12015550123"}).json()
    assert sent["total_count"] == 0, sent
    otp = page.get_by_label("Enter verification code")
    otp.press_sequentially(instance_config.test_mode.code)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    assert phones(user(ui, user_id)) == ["+12015550123"]
