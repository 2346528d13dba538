"""``mountSignIn``: Clerk's prebuilt sign-in form, driven by typing and clicking.

Each test seeds a user through ``/__admin``, goes through the component's screens the
way a person would (codes come from the mock's outbox or from pyotp, as from an inbox
or an authenticator app), and checks what clerk-js reports once the app has redirected
to ``/home``: the signed-in user is the seeded one.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pyotp

from tests.browser.ui.conftest import UiPage

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new battery staple"
TOTP_SECRET = pyotp.random_base32()
BACKUP_CODES = ["k3mq8fz1", "p0wd7hx4"]


def _seed(ui: UiPage, email: str | None = None, **extra: object) -> str:
    body: dict[str, object] = {"email_addresses": [email] if email else [], **extra}
    made = ui.site.admin.post("/__admin/users", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _continue(ui: UiPage) -> None:
    ui.page.get_by_role("button", name="Continue", exact=True).click()


def _identify(ui: UiPage, email: str) -> None:
    ui.goto("/sign-in")
    ui.page.get_by_label("Email address").fill(email)
    _continue(ui)


def _type_code(ui: UiPage, code: str) -> None:
    """The one-time-code field: a single input behind six boxes; typing fills them."""
    field = ui.page.get_by_label("Enter verification code")
    field.click()
    field.press_sequentially(code)


def _sending_a_code(ui: UiPage) -> Any:
    """Wait (around the click that asks for it) until the mock has sent the code: the
    component shows its code screen while ``prepare_first_factor`` is still in flight."""
    return ui.page.expect_response(re.compile(r"/v1/client/sign_ins/[^/]+/prepare_first_factor"))


def _password(ui: UiPage, password: str = PASSWORD) -> None:
    ui.page.get_by_label("Password", exact=True).fill(password)
    _continue(ui)


def _password_sign_in(ui: UiPage, email: str, password: str) -> str:
    """A sign-in from a fresh client (no cookies): its status, or its error code."""
    with httpx.Client(base_url=ui.site.mock.origin) as other:
        made = other.post("/v1/client/sign_ins", data={"identifier": email, "password": password})
    body = made.json()
    if made.status_code != 200:
        return str(body["errors"][0]["code"])
    return str(body["response"]["status"])


def _totp_now(ui: UiPage) -> str:
    """The code an authenticator app shows at the mock's clock (which tests may move)."""
    now_ms = ui.site.admin.get("/__admin/clock").json()["now"]
    return pyotp.TOTP(TOTP_SECRET).at(now_ms / 1000)


def test_email_and_password_after_a_wrong_password(ui: UiPage) -> None:
    user_id = _seed(ui, "pat@example.com", password=PASSWORD)
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_label("Email address").fill("pat@example.com")
    ui.shoot("identifier")
    _continue(ui)
    _password(ui, "not the password")
    # The component words the error from its code: form_password_incorrect, the mock's.
    error = page.get_by_test_id("form-feedback-error")
    error.wait_for()
    assert "Password is incorrect" in error.inner_text()
    ui.shoot("wrong-password")
    _password(ui)
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")


def test_email_code_through_another_method(ui: UiPage) -> None:
    user_id = _seed(ui, "eve@example.com", password=PASSWORD)
    _identify(ui, "eve@example.com")
    page = ui.page
    page.get_by_label("Password", exact=True).wait_for()
    page.get_by_role("link", name="Use another method").click()
    ui.shoot("other-methods")
    with _sending_a_code(ui):
        page.get_by_role("button", name="Email code to eve@example.com").click()
    page.get_by_text("Check your email").wait_for()
    ui.shoot("code-entry")
    _type_code(ui, ui.code_for("eve@example.com"))
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")


def test_phone_code(ui: UiPage) -> None:
    # Not in 555-0100..0199: those are Clerk's test numbers, which get no SMS at all.
    user_id = _seed(ui, phone_numbers=["+14155552671"])
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_role("link", name="Use phone").click()
    page.get_by_label("Phone number").fill("4155552671")
    ui.shoot("phone-identifier")
    with _sending_a_code(ui):
        _continue(ui)
    page.get_by_text("Check your phone").wait_for()
    ui.shoot("code-entry")
    _type_code(ui, ui.code_for("+14155552671"))
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")


def test_totp_second_factor(ui: UiPage) -> None:
    user_id = _seed(ui, "tom@example.com", password=PASSWORD, totp_secret=TOTP_SECRET)
    _identify(ui, "tom@example.com")
    _password(ui)
    ui.page.get_by_text("Two-step verification").wait_for()
    ui.shoot("totp-entry")
    _type_code(ui, _totp_now(ui))
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")


def test_backup_code_second_factor(ui: UiPage) -> None:
    user_id = _seed(
        ui,
        "bea@example.com",
        password=PASSWORD,
        totp_secret=TOTP_SECRET,
        backup_codes=BACKUP_CODES,
    )
    _identify(ui, "bea@example.com")
    _password(ui)
    page = ui.page
    page.get_by_text("Two-step verification").wait_for()
    page.get_by_role("link", name="Use another method").click()
    ui.shoot("other-second-factors")
    page.get_by_role("button", name=re.compile("backup code", re.I)).click()
    page.get_by_label("Backup code").fill(BACKUP_CODES[1])
    ui.shoot("backup-code")
    _continue(ui)
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")


def test_forgot_password_through_a_reset_code(ui: UiPage) -> None:
    user_id = _seed(ui, "fay@example.com", password=PASSWORD)
    _identify(ui, "fay@example.com")
    page = ui.page
    page.get_by_role("link", name="Forgot password?").click()
    ui.shoot("forgot-password")
    with _sending_a_code(ui):
        page.get_by_role("button", name="Reset your password").click()
    page.get_by_text("Reset password").first.wait_for()
    ui.shoot("reset-code")
    _type_code(ui, ui.code_for("fay@example.com"))
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    ui.shoot("new-password")
    page.get_by_role("button", name="Reset password").click()
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")
    # The new password is the one that works now, from another client; the old one fails.
    assert _password_sign_in(ui, "fay@example.com", NEW_PASSWORD) == "complete"
    assert _password_sign_in(ui, "fay@example.com", PASSWORD) == "form_password_incorrect"
