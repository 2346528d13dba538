"""``mountUserButton``: Clerk's avatar menu on the app's home page, clicked as a person would.

"Manage account" opens the UserProfile modal over the page; "Sign out" ends the session
on the mock and the app lands on its ``afterSignOutUrl`` (``/sign-in``) signed out.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.ui.conftest import UiPage

PASSWORD = "correct horse battery staple"


def _sessions_of(ui: UiPage, user_id: str) -> list[dict[str, Any]]:
    got = ui.site.admin.get("/__admin/sessions")
    assert got.status_code == 200, got.text
    return [s for s in got.json()["data"] if (s.get("user") or {}).get("id") == user_id]


def test_menu_manage_account_then_sign_out(ui: UiPage) -> None:
    user_id = ui.signed_in_with_password("uma@example.com", PASSWORD)
    page = ui.page
    ui.shoot("home")
    page.get_by_role("button", name="Open user menu").click()
    popover = page.locator(".cl-userButtonPopoverCard")
    popover.wait_for()
    assert "uma@example.com" in popover.inner_text()
    ui.shoot("menu")

    # "Manage account": the profile opens as a modal, over the same page.
    popover.get_by_role("button", name="Manage account").click()
    modal = page.locator(".cl-modalContent")
    modal.locator(".cl-userProfile-root").wait_for()
    modal.get_by_text("uma@example.com").wait_for()
    assert page.url.endswith("/home")
    ui.shoot("manage-account")
    page.keyboard.press("Escape")
    modal.wait_for(state="detached")

    # "Sign out": the mock ends the session, the app lands on /sign-in signed out.
    page.get_by_role("button", name="Open user menu").click()
    page.locator(".cl-userButtonPopoverCard").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in"))
    ui.wait_ready()
    page.get_by_label("Email address").wait_for()
    assert page.get_attribute("#status", "data-user") == ""
    assert page.evaluate("() => window.Clerk.user") is None
    ui.shoot("signed-out")
    statuses = [s["status"] for s in _sessions_of(ui, user_id)]
    assert statuses, "the mock has no session for the user"
    assert "active" not in statuses, statuses
