"""``mountUserProfile``: Clerk's prebuilt account page, driven by typing and clicking.

Each flow ends by asking the mock (its admin API, or a FAPI sign-in of its own) whether
what the component showed really happened: a verified address, a TOTP secret and backup
codes the mock accepts, a removed factor, a new password that signs in.

The instance verifies new email addresses by code only (``email_verification``), so the
component asks for the code from the outbox; with ``email_link`` enabled it sends a link
instead (the default instance; see ``test_user_profile_email_link.py``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pyotp
import pytest

from mock_server.config import Config
from tests.browser.ui.conftest import UiPage, instance

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 42"
TOTP_ROW_TITLE = "[data-localization-key='userProfile.start.mfaSection.totp.headerTitle']"


@pytest.fixture(scope="module")
def instance_config() -> Config:
    """The test instance, with new email addresses verified by a code rather than a link."""
    return instance(
        strategies={"email_verification": ["email_code"]},
    )


def _admin_user(ui: UiPage, user_id: str) -> dict[str, Any]:
    got = ui.site.admin.get(f"/__admin/users/{user_id}")
    assert got.status_code == 200, got.text
    return dict(got.json())


def _mock_now(ui: UiPage) -> float:
    """The mock's clock in seconds: TOTP codes are computed for the time the mock checks."""
    return float(ui.site.admin.get("/__admin/clock").json()["now"]) / 1000


def _fapi_sign_in(
    ui: UiPage, identifier: str, password: str
) -> tuple[httpx.Client, dict[str, Any]]:
    """A sign-in of its own, on a fresh client: what a second device would see."""
    fapi = httpx.Client(base_url=ui.site.mock.origin + "/__clerk")
    made = fapi.post("/v1/client/sign_ins", data={"identifier": identifier, "password": password})
    return fapi, {"status": made.status_code, **made.json()}


def _backup_codes_on_screen(text: str) -> list[str]:
    """The codes listed between the list's subtitle and its buttons, one per line."""
    after = text.split("lose access to your authentication device.", 1)[1]
    block = after.split("Finish", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def _open_security(ui: UiPage) -> None:
    ui.goto("/user")
    ui.page.get_by_role("button", name="Security").click()
    ui.page.wait_for_url("**/user/security")


def test_add_a_second_email_and_verify_it_with_the_code(ui: UiPage) -> None:
    user_id = ui.signed_in_with_password("pat@example.com", PASSWORD)
    ui.goto("/user")
    page = ui.page
    ui.shoot("profile")
    page.get_by_role("button", name="Add email address").click()
    page.get_by_label("Email address").fill("pat.work@example.com")
    ui.shoot("add-email")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Enter the verification code sent to pat.work@example.com").wait_for()
    ui.shoot("enter-code")
    page.keyboard.type(ui.code_for("pat.work@example.com"))
    # The form closes once the address verifies; the list shows it without "Unverified".
    page.get_by_role("button", name="Add email address").wait_for()
    row = page.locator(".cl-profileSectionItem__emailAddresses", has_text="pat.work@example.com")
    row.wait_for()
    assert "Unverified" not in row.inner_text()
    ui.shoot("verified")

    emails = {
        e["email_address"]: e["verification"]["status"]
        for e in _admin_user(ui, user_id)["email_addresses"]
    }
    assert emails == {"pat@example.com": "verified", "pat.work@example.com": "verified"}
    in_sdk = page.evaluate(
        "() => window.Clerk.user.emailAddresses.map(e => [e.emailAddress, e.verification.status])"
    )
    assert sorted(in_sdk) == [["pat.work@example.com", "verified"], ["pat@example.com", "verified"]]


def test_enable_totp_see_backup_codes_then_remove_it(ui: UiPage) -> None:
    user_id = ui.signed_in_with_password("tia@example.com", PASSWORD)
    _open_security(ui)
    page = ui.page
    page.get_by_role("button", name="Add two-step verification").click()
    ui.shoot("add-two-step")
    page.get_by_role("menuitem", name="Authenticator application").click()
    page.get_by_role("button", name="Can\u2019t scan QR code?").click()
    # The secret and the otpauth URI, as the component shows them to copy.
    secret_box, uri_box = page.locator(".cl-formFieldInput__copy, input[readonly]").all()[:2]
    secret = secret_box.input_value()
    uri = uri_box.input_value()
    assert uri.startswith("otpauth://totp/")
    assert f"secret={secret}" in uri
    ui.shoot("secret")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.keyboard.type(pyotp.TOTP(secret).at(_mock_now(ui)))
    page.get_by_text("Two-step verification is now enabled").wait_for()
    shown = _backup_codes_on_screen(page.locator(".cl-profilePage").inner_text())
    ui.shoot("backup-codes")
    assert len(shown) == 10, page.locator(".cl-profilePage").inner_text()
    page.get_by_role("button", name="Finish").click()
    totp_row = page.locator(".cl-profileSectionItem__mfa", has=page.locator(TOTP_ROW_TITLE))
    totp_row.wait_for()
    ui.shoot("two-step-enabled")

    user = _admin_user(ui, user_id)
    assert user["totp_enabled"] is True
    assert user["backup_code_enabled"] is True
    # The codes on screen are the mock's: a second device signs in with one of them.
    fapi, si = _fapi_sign_in(ui, "tia@example.com", PASSWORD)
    assert si["response"]["status"] == "needs_second_factor", si
    done = fapi.post(
        f"/v1/client/sign_ins/{si['response']['id']}/attempt_second_factor",
        data={"strategy": "backup_code", "code": shown[3]},
    )
    assert done.status_code == 200, done.text
    assert done.json()["response"]["status"] == "complete"
    fapi.close()

    # Remove the authenticator app: the row goes, the mock turns TOTP off.
    totp_row.get_by_role("button", name="Open menu").click()
    page.get_by_role("menuitem", name="Remove").click()
    ui.shoot("remove-totp")
    page.get_by_role("button", name="Remove", exact=True).click()
    totp_row.wait_for(state="detached")
    ui.shoot("totp-removed")
    assert _admin_user(ui, user_id)["totp_enabled"] is False
    assert page.evaluate("() => window.Clerk.user.totpEnabled") is False


def test_change_the_password_after_reverifying(ui: UiPage) -> None:
    user_id = ui.signed_in_with_password("rae@example.com", PASSWORD)
    page = ui.page
    # Past the reverification window: the mock refuses the change until the user proves
    # themselves again, and the component asks them to (its UserVerification modal).
    window = ui.site.admin.post("/__admin/clock", json={"advance_seconds": 11 * 60})
    assert window.status_code == 200, window.text
    _open_security(ui)
    page.get_by_role("button", name="Update password").click()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    ui.shoot("new-password")
    with page.expect_response("**/v1/me/change_password**") as refused:
        page.get_by_role("button", name="Save").click()
    assert refused.value.status == 403
    assert refused.value.json()["errors"][0]["code"] == "session_reverification_required"
    modal = page.locator(".cl-userVerification-root")
    modal.get_by_text("Enter your current password to continue").wait_for()
    ui.shoot("verification-required")
    modal.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_response("**/v1/me/change_password**") as retried:
        modal.get_by_role("button", name="Continue", exact=True).click()
    assert retried.value.status == 200, retried.value.text()
    # The modal closes and so does the form (the component shows no success page).
    modal.wait_for(state="detached")
    page.get_by_label("New password").wait_for(state="detached")
    page.get_by_role("button", name="Update password").wait_for()
    ui.shoot("password-updated")

    assert _admin_user(ui, user_id)["password_enabled"] is True
    fapi, old = _fapi_sign_in(ui, "rae@example.com", PASSWORD)
    fapi.close()
    assert old["status"] == 422, old
    assert old["errors"][0]["code"] == "form_password_incorrect"
    fapi, new = _fapi_sign_in(ui, "rae@example.com", NEW_PASSWORD)
    fapi.close()
    assert new["response"]["status"] == "complete", new
