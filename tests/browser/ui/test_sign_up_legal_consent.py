"""``mountSignUp`` on a public instance that asks for legal consent.

The start form carries the consent checkbox next to the email and password fields; the
component sends ``legal_accepted`` with the sign-up, so after the email code nothing is
missing and the user keeps the time of acceptance.
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
        sign_up={"legal_consent": True, "terms_url": "https://example.com/terms"},
    )


def test_the_consent_checkbox_on_the_start_form_goes_with_the_sign_up(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Email address").fill("liv@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    # Only a terms URL is configured: the label links the terms alone.
    expect(page.get_by_role("link", name="Terms of Service")).to_have_attribute(
        "href", "https://example.com/terms"
    )
    expect(page.get_by_role("link", name="Privacy Policy")).to_have_count(0)
    ui.tick(page.get_by_role("checkbox"))
    ui.shoot("start-with-consent")
    with page.expect_request(re.compile(r"/v1/client/sign_ups\?")) as created:
        click_then_code(ui, lambda: press_continue(ui))
    assert "legal_accepted=true" in (created.value.post_data or "")
    page.wait_for_url(re.compile(r"/sign-up/verify-email-address"))
    type_code(ui, "liv@example.com")
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert emails(found) == ["liv@example.com"]
    assert isinstance(found["legal_accepted_at"], int)
    ui.shoot("signed-in")
