"""The components show what the instance config turns on, and nothing it turns off.

``/v1/environment`` is derived from the config (``mock_server/wire/environment.py``); the
prebuilt SignUp and SignIn forms build their fields and buttons from it. Each case runs
the mock with one config and reads both forms as a person would see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from mock_server.config import Config
from tests.browser.ui.conftest import UiPage, instance

FIELDS = ("Email address", "Phone number", "Username", "First name", "Last name", "Password")
PROVIDERS = ("Google", "GitHub", "Apple", "Microsoft")


@dataclass(frozen=True)
class Case:
    """A config and what the forms must (and must not) show with it."""

    name: str
    overrides: dict[str, Any]
    sign_up_fields: tuple[str, ...]
    providers: tuple[str, ...]
    sign_in_label: str
    phone_toggle: bool
    wallets: bool = True
    passkey: bool = True

    def config(self) -> Config:
        return instance(**self.overrides)


CASES = [
    Case(
        name="defaults",
        overrides={},
        # Progressive sign-up asks only for what is required: email and password.
        sign_up_fields=("Email address", "Password"),
        providers=PROVIDERS,
        sign_in_label="Email address or username",
        phone_toggle=True,
    ),
    Case(
        name="password-off-names-username-phone-required-github-only",
        overrides={
            "attributes": {
                "password": "off",
                "username": "required",
                "phone_number": "required",
                "first_name": "required",
                "last_name": "required",
            },
            "oauth": {"providers": {"github": {"name": "GitHub"}}},
            "web3": {"enabled": False},
        },
        sign_up_fields=("Email address", "Phone number", "Username", "First name", "Last name"),
        providers=("GitHub",),
        sign_in_label="Email address or username",
        phone_toggle=True,
        wallets=False,
    ),
    Case(
        name="phone-and-username-off-no-social",
        overrides={
            "attributes": {"phone_number": "off", "username": "off"},
            "oauth": {"providers": {}},
            "web3": {"enabled": False},
            "passkeys": {"enabled": False},
        },
        sign_up_fields=("Email address", "Password"),
        providers=(),
        sign_in_label="Email address",
        phone_toggle=False,
        wallets=False,
        passkey=False,
    ),
]


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    found: Case = request.param
    return found


@pytest.fixture(scope="module")
def instance_config(case: Case) -> Config:
    return case.config()


def _field(ui: UiPage, label: str) -> Any:
    return ui.page.locator(".cl-formField").filter(has=ui.page.get_by_text(label, exact=True))


def _assert_providers(ui: UiPage, case: Case) -> None:
    for provider in PROVIDERS:
        button = ui.page.get_by_role("button", name=f"Continue with {provider}")
        expect(button).to_have_count(1 if provider in case.providers else 0)
    # One wallet stands for the web3 section (its strategies are the buttons).
    metamask = ui.page.get_by_role("button", name="Continue with MetaMask")
    expect(metamask).to_have_count(1 if case.wallets else 0)


def test_the_sign_up_form_asks_for_what_the_config_requires(ui: UiPage, case: Case) -> None:
    ui.goto("/sign-up")
    page = ui.page
    page.get_by_role("button", name="Continue", exact=True).wait_for()
    ui.shoot(f"sign-up-{case.name}")
    for label in FIELDS:
        expect(_field(ui, label)).to_have_count(1 if label in case.sign_up_fields else 0)
    _assert_providers(ui, case)


def test_the_sign_in_form_offers_what_the_config_enables(ui: UiPage, case: Case) -> None:
    ui.goto("/sign-in")
    page = ui.page
    page.get_by_role("button", name="Continue", exact=True).wait_for()
    ui.shoot(f"sign-in-{case.name}")
    expect(page.get_by_label(case.sign_in_label, exact=True)).to_have_count(1)
    expect(page.get_by_role("link", name="Use phone")).to_have_count(1 if case.phone_toggle else 0)
    passkey = page.get_by_role("link", name="Use passkey instead")
    expect(passkey).to_have_count(1 if case.passkey else 0)
    _assert_providers(ui, case)
