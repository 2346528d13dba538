"""``mountUserProfile`` on the default instance, where new email addresses get a link.

With ``email_link`` among the instance's email verifications, Clerk's UserProfile sends a
link instead of a code and polls the address until the link is opened. The person opens
the link from the outbox in a second tab, as they would from their mail.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.ui.conftest import UiPage

PASSWORD = "correct horse battery staple"


def test_add_a_second_email_and_verify_it_by_link(ui: UiPage) -> None:
    user_id = ui.signed_in_with_password("lin@example.com", PASSWORD)
    ui.goto("/user")
    page = ui.page
    page.get_by_role("button", name="Add email address").click()
    page.get_by_label("Email address").fill("lin.work@example.com")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Click on the verification link in the email sent to").wait_for()
    ui.shoot("link-sent")

    message = ui.site.admin.get("/__admin/outbox/latest", params={"to": "lin.work@example.com"})
    assert message.status_code == 200, message.text
    link = str(message.json()["link"])
    mail_tab: Any = page.context.new_page()
    mail_tab.goto(link)
    # The link lands back on the profile's verify route, which says it worked.
    mail_tab.wait_for_url(re.compile(r"/user/verify.*__clerk_status=verified"))
    mail_tab.get_by_text("Successfully verified email").wait_for()
    mail_tab.screenshot(path=str(ui.shots / "link-opened.png"), animations="disabled")
    print(f"screenshot: {ui.shots / 'link-opened.png'}")
    mail_tab.close()

    # The first tab notices (it polls the address) and closes the form.
    page.get_by_role("button", name="Add email address").wait_for()
    row = page.locator(".cl-profileSectionItem__emailAddresses", has_text="lin.work@example.com")
    row.wait_for()
    assert "Unverified" not in row.inner_text()
    ui.shoot("verified")
    got = ui.site.admin.get(f"/__admin/users/{user_id}")
    emails = {e["email_address"]: e["verification"] for e in got.json()["email_addresses"]}
    assert emails["lin.work@example.com"]["status"] == "verified"
    assert emails["lin.work@example.com"]["strategy"] == "email_link"
