"""``mountSignUp`` on the default instance, which verifies email addresses by link too.

With ``email_link`` among the email verifications the component sends a link instead of
a code: the person opens it from their inbox (the mock's outbox) in a second tab. On the
same browser (the verification's ``verified_at_client`` is this client) that tab
finishes the sign-up, and the first tab, which polls the sign-up, tells the person the
email is verified, as the component does against Clerk.
"""

from __future__ import annotations

import re

from tests.browser.ui.conftest import UiPage
from tests.browser.ui.sign_up_steps import click_then_code, emails, press_continue, user

PASSWORD = "correct horse battery staple"


def test_email_and_password_with_the_email_link_opened_in_another_tab(ui: UiPage) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_label("Email address").fill("lin@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    click_then_code(ui, lambda: press_continue(ui))
    page.wait_for_url(re.compile(r"/sign-up/verify-email-address"))
    page.get_by_text("Use the verification link sent to your email address").wait_for()
    ui.shoot("check-your-email")
    message = ui.site.admin.get("/__admin/outbox/latest", params={"to": "lin@example.com"})
    assert message.status_code == 200, message.text
    link = message.json()["link"]
    assert link, message.json()
    inbox_tab = page.context.new_page()
    try:
        # The link goes through the mock's /v1/verify to the app's verify route, where
        # the component completes the sign-up and goes home, signed in.
        inbox_tab.goto(link)
        inbox_tab.wait_for_url(re.compile(r"/home"))
        inbox_tab.wait_for_selector("#status[data-state=ready]", state="attached")
        user_id = inbox_tab.get_attribute("#status", "data-user")
        inbox_tab.screenshot(path=str(ui.shots / "link-tab-signed-in.png"))
    finally:
        inbox_tab.close()
    assert user_id, ui.recent()
    found = user(ui, user_id)
    assert emails(found) == ["lin@example.com"]
    assert found["email_addresses"][0]["verification"]["strategy"] == "email_link"
    assert found["password_enabled"] is True
    # The first tab's poll saw the verification, made on this same client.
    page.get_by_text("Successfully verified email").wait_for()
    ui.shoot("first-tab-verified")
