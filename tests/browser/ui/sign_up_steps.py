"""Steps the sign-up component tests share: waiting for a code to be sent, typing it,
and reading back the user the sign-up created.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser.ui.conftest import UiPage

PREPARED = re.compile(r"/prepare_verification")


def click_then_code(ui: UiPage, action: Callable[[], None]) -> None:
    """Do ``action`` and wait until the next verify screen has had a code (or link) sent.

    A verify screen prepares its verification when it mounts; the code is in the outbox
    once that request has been answered. (The app keeps a page it is leaving still, see
    ``routerPush`` in app.html, so each screen prepares once.)
    """
    with ui.page.expect_response(lambda r: bool(PREPARED.search(r.url))) as answered:
        action()
    assert answered.value.ok, answered.value.text()


def press_continue(ui: UiPage) -> None:
    ui.page.get_by_role("button", name="Continue", exact=True).click()


def type_code(ui: UiPage, to: str) -> None:
    """Type the code from the outbox into the one-time-code input, digit by digit."""
    otp = ui.page.get_by_label("Enter verification code")
    otp.wait_for()
    otp.press_sequentially(ui.code_for(to))


def user(ui: UiPage, user_id: str) -> dict[str, Any]:
    """The user as the mock's admin API reports it."""
    found = ui.site.admin.get(f"/__admin/users/{user_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def emails(found: dict[str, Any]) -> list[str]:
    return [str(e["email_address"]) for e in found["email_addresses"]]


def phones(found: dict[str, Any]) -> list[str]:
    return [str(p["phone_number"]) for p in found["phone_numbers"]]
