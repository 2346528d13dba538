"""``mountSignUp`` on a restricted instance that also asks for legal consent.

Without an invitation the component shows its "restricted access" card and no form (and
the mock would refuse a sign-up with ``sign_up_mode_restricted``). An invitation link
opens the sign-up: the component lands on the missing-fields screen, which asks for the
password and the consent checkbox (linking the configured terms and privacy policy).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mock_server.config import Config
from tests.browser.ui.conftest import UiPage, instance
from tests.browser.ui.sign_up_steps import emails, press_continue, user

PASSWORD = "correct horse battery staple"
TERMS = "https://example.com/terms"
PRIVACY = "https://example.com/privacy"


@pytest.fixture(scope="module")
def instance_config() -> Config:
    return instance(
        sign_up={
            "mode": "restricted",
            "legal_consent": True,
            "terms_url": TERMS,
            "privacy_policy_url": PRIVACY,
        },
    )


def test_without_an_invitation_the_form_is_not_offered(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_text("Access restricted").wait_for()
    ui.shoot("restricted")
    expect(page.get_by_label("Email address")).to_have_count(0)
    expect(page.get_by_role("button", name="Continue with Google")).to_have_count(0)


def test_an_invitation_signs_up_after_the_password_and_the_legal_consent(ui: UiPage) -> None:
    made = ui.site.admin.post("/__admin/tickets", json={"email_address": "eve@example.com"})
    assert made.status_code == 201, made.text
    ui.goto(f"/sign-up?__clerk_ticket={made.json()['ticket']}")
    page = ui.page
    page.wait_for_url(re.compile(r"/sign-up/continue"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    consent = page.get_by_role("checkbox")
    expect(page.get_by_role("link", name="Terms of Service")).to_have_attribute("href", TERMS)
    expect(page.get_by_role("link", name="Privacy Policy")).to_have_attribute("href", PRIVACY)
    ui.tick(consent)
    ui.shoot("continue-password-and-consent")
    press_continue(ui)
    user_id = ui.signed_in_user()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert emails(found) == ["eve@example.com"]
    assert found["password_enabled"] is True
    assert isinstance(found["legal_accepted_at"], int)
    ui.shoot("signed-in")
