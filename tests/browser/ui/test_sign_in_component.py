"""``mountSignIn``: Clerk's prebuilt sign-in form, driven by typing and clicking."""

from __future__ import annotations

from tests.browser.ui.conftest import UiPage

PASSWORD = "correct horse battery staple"


def _seed(ui: UiPage, email: str, **extra: object) -> str:
    made = ui.site.admin.post("/__admin/users", json={"email_addresses": [email], **extra})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_email_and_password_after_a_wrong_password(ui: UiPage) -> None:
    user_id = _seed(ui, "pat@example.com", password=PASSWORD)
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_label("Email address").fill("pat@example.com")
    ui.shoot("identifier")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Continue", exact=True).click()
    # The component words the error from its code: form_password_incorrect, the mock's.
    error = page.get_by_test_id("form-feedback-error")
    error.wait_for()
    assert "Password is incorrect" in error.inner_text()
    ui.shoot("wrong-password")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")
