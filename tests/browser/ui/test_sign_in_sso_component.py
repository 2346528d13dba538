"""``mountSignIn`` with single sign-on: OAuth and SAML through the mock's own IdPs.

Both round trips leave the app for the mock's IdP (``/__idp``) and come back through the
mock's FAPI (``/v1/oauth_callback``, ``/v1/saml/acs/...``). A sign-in that the IdP
completes goes straight on to the ``action_complete_redirect_url`` the component gave
(``/home``); one that needs more (a new account: the transfer to a sign-up) comes back to
the component's ``/sign-in/sso-callback`` route first.
The default instance config has the providers (Google, GitHub, Apple, Microsoft) and an
enterprise connection for ``example-sso.com``.
"""

from __future__ import annotations

import re

from tests.browser.ui.conftest import UiPage

PASSWORD = "correct horse battery staple"


def _seed(ui: UiPage, email: str, **extra: object) -> str:
    made = ui.site.admin.post("/__admin/users", json={"email_addresses": [email], **extra})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _visited(ui: UiPage, pattern: str) -> bool:
    """Whether the tab requested a URL matching ``pattern`` (navigations included)."""
    return any(re.search(pattern, line) for line in ui.log if line.startswith("request: GET"))


def test_oauth_through_the_mock_idp(ui: UiPage) -> None:
    user_id = _seed(ui, "oli@example.com", password=PASSWORD)
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_label("Email address").wait_for()
    ui.shoot("providers")
    page.get_by_role("button", name="Continue with Google").click()
    page.wait_for_url(re.compile(r"/__idp/oauth/google/authorize"))
    ui.shoot("idp-account-choice")
    page.get_by_role("button", name="oli@example.com").click()
    assert ui.signed_in_user() == user_id, ui.recent()
    ui.shoot("signed-in")
    assert _visited(ui, r"/v1/oauth_callback\?"), ui.recent(60)


def test_saml_through_the_mock_idp(ui: UiPage) -> None:
    # A password too: the domain's connection is still the only way in, so the component
    # skips the password screen and goes to the IdP.
    user_id = _seed(ui, "sam@example-sso.com", password=PASSWORD)
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_label("Email address").fill("sam@example-sso.com")
    ui.shoot("identifier")
    page.get_by_role("button", name="Continue", exact=True).click()
    # The IdP knows the email from the AuthnRequest and posts straight back (no page).
    assert ui.signed_in_user() == user_id, ui.recent(60)
    ui.shoot("signed-in")
    assert _visited(ui, r"/__idp/saml/samlc_mock_example/sso\?"), ui.recent(60)


def test_oauth_for_a_new_account_comes_back_through_sso_callback(ui: UiPage) -> None:
    """No user has the email: the component's sso-callback turns the sign-in into a sign-up."""
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_role("button", name="Continue with GitHub").click()
    page.wait_for_url(re.compile(r"/__idp/oauth/github/authorize"))
    page.get_by_label("Email").fill("newcomer@example.com")
    ui.shoot("idp-new-email")
    page.get_by_role("button", name="Continue", exact=True).click()
    user_id = ui.signed_in_user()
    ui.shoot("signed-in")
    assert _visited(ui, r"/sign-in/sso-callback"), ui.recent(60)
    made = ui.site.admin.get("/__admin/users").json()
    users = made["data"] if isinstance(made, dict) else made
    [user] = [u for u in users if u["id"] == user_id]
    assert [e["email_address"] for e in user["email_addresses"]] == ["newcomer@example.com"]
    assert [a["provider"] for a in user["external_accounts"]] == ["oauth_github"]
