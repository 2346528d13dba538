"""``/v1/environment`` follows the instance config: what is off disappears, what is
required is marked so, for every switch the prebuilt components read.

The components decide their fields from ``user_settings.attributes`` (``enabled``,
``required``, ``used_for_first_factor``, ``verifications``), their buttons from
``user_settings.social`` and ``web3_wallet.first_factors``, and their first screen from
``display_config.preferred_sign_in_strategy``.
"""

from __future__ import annotations

from typing import Any

import pytest

import schemas
from mock_server.config import ConfigError, OAuthProviderSettings, load_config
from mock_server.wire.environment import environment


def _env(**overrides: Any) -> dict[str, Any]:
    env = environment(load_config(**overrides))
    schemas.validate("environment", env)
    return env


def _attrs(**overrides: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = _env(**overrides)["user_settings"]["attributes"]
    return attrs


@pytest.mark.parametrize(
    "name", ["email_address", "phone_number", "username", "first_name", "last_name", "password"]
)
@pytest.mark.parametrize(
    ("toggle", "enabled", "required"),
    [("off", False, False), ("on", True, False), ("required", True, True)],
)
def test_each_attribute_toggle_is_published(
    name: str, toggle: str, enabled: bool, required: bool
) -> None:
    env = _env(attributes={name: toggle})
    attribute = env["user_settings"]["attributes"][name]
    assert (attribute["enabled"], attribute["required"]) == (enabled, required)
    assert env["auth_config"][name] == toggle


@pytest.mark.parametrize("name", ["email_address", "phone_number", "username"])
def test_identifiers_are_used_for_the_first_factor_while_enabled(name: str) -> None:
    # The sign-in component builds its identifier field from these flags; the mock's
    # sign-in accepts each enabled identifier (supported_identifiers).
    assert _attrs(attributes={name: "on"})[name]["used_for_first_factor"] is True
    off = _attrs(attributes={name: "off"})[name]
    assert off["used_for_first_factor"] is False
    assert off["first_factors"] == []
    assert off["verifications"] == []


def test_username_is_an_identifier_without_a_strategy_of_its_own() -> None:
    username = _attrs(attributes={"username": "required"})["username"]
    assert username["used_for_first_factor"] is True
    assert username["first_factors"] == []


def test_names_and_password_are_never_identifiers() -> None:
    attrs = _attrs(attributes={"first_name": "required", "last_name": "on"})
    for name in ("first_name", "last_name", "password"):
        assert attrs[name]["used_for_first_factor"] is False


@pytest.mark.parametrize(
    "verifications", [("email_code",), ("email_link",), ("email_code", "email_link")]
)
def test_email_verifications_follow_the_config(verifications: tuple[str, ...]) -> None:
    # SignUp verifies by link whenever email_link is listed, by code otherwise.
    email = _attrs(strategies={"email_verification": list(verifications)})["email_address"]
    assert email["verifications"] == list(verifications)
    assert email["verify_at_sign_up"] is True


def test_first_factor_strategies_follow_the_config() -> None:
    attrs = _attrs(strategies={"first_factors": ["password", "email_link"]})
    assert attrs["email_address"]["first_factors"] == ["email_link"]
    assert attrs["phone_number"]["first_factors"] == []
    # A phone number stays an identifier (password sign-in with it still works).
    assert attrs["phone_number"]["used_for_first_factor"] is True


def test_second_factors_follow_the_config() -> None:
    attrs = _attrs(strategies={"second_factors": ["backup_code"]})
    assert attrs["authenticator_app"]["enabled"] is False
    assert attrs["phone_number"]["used_for_second_factor"] is False
    assert attrs["backup_code"]["second_factors"] == ["backup_code"]
    both = _attrs(strategies={"second_factors": ["totp", "phone_code"]})
    assert both["authenticator_app"]["second_factors"] == ["totp"]
    assert both["phone_number"]["second_factors"] == ["phone_code"]


def test_the_preferred_sign_in_strategy_is_the_password_only_while_there_is_one() -> None:
    assert _env()["display_config"]["preferred_sign_in_strategy"] == "password"
    off = _env(attributes={"password": "off"})
    assert off["display_config"]["preferred_sign_in_strategy"] == "otp"
    assert off["user_settings"]["attributes"]["password"]["enabled"] is False
    no_strategy = _env(strategies={"first_factors": ["email_code"]})
    assert no_strategy["display_config"]["preferred_sign_in_strategy"] == "otp"


def test_social_lists_exactly_the_configured_providers() -> None:
    social = _env()["user_settings"]["social"]
    assert sorted(social) == ["oauth_apple", "oauth_github", "oauth_google", "oauth_microsoft"]
    assert all(p["enabled"] and p["authenticatable"] for p in social.values())
    only_github = _env(oauth={"providers": {"github": OAuthProviderSettings(name="GitHub")}})
    assert list(only_github["user_settings"]["social"]) == ["oauth_github"]
    assert _env(oauth={"providers": {}})["user_settings"]["social"] == {}


def test_web3_and_passkeys_follow_their_sections() -> None:
    attrs = _attrs(web3={"enabled": False}, passkeys={"enabled": False})
    assert attrs["web3_wallet"]["enabled"] is False
    assert attrs["web3_wallet"]["first_factors"] == []
    assert attrs["passkey"]["enabled"] is False
    one = _attrs(web3={"strategies": ["web3_metamask_signature"]})["web3_wallet"]
    assert one["first_factors"] == ["web3_metamask_signature"]


def test_enterprise_sso_is_enabled_only_by_an_active_connection() -> None:
    assert _env()["user_settings"]["enterprise_sso"]["enabled"] is True
    inactive = {
        "connections": [{"id": "samlc_x", "name": "X", "domains": ["x.com"], "active": False}]
    }
    env = _env(enterprise_sso=inactive)
    assert env["user_settings"]["enterprise_sso"]["enabled"] is False
    assert env["user_settings"]["saml"]["enabled"] is False


def test_password_rules_are_published() -> None:
    rules = {"min_length": 10, "require_numbers": True, "require_special_char": True}
    published = _env(passwords=rules)["user_settings"]["password_settings"]
    assert published["min_length"] == 10
    assert published["require_numbers"] is True
    assert published["require_special_char"] is True
    assert published["require_uppercase"] is False


def test_sign_up_mode_and_legal_consent_are_published() -> None:
    # (Clerk's waitlist mode is not offered: the mock does not serve POST /v1/waitlist.)
    with pytest.raises(ConfigError, match="mode"):
        load_config(sign_up={"mode": "waitlist"})
    default = _env()
    assert default["user_settings"]["sign_up"]["mode"] == "public"
    assert default["user_settings"]["sign_up"]["legal_consent_enabled"] is False
    assert default["display_config"]["terms_url"] is None
    env = _env(
        sign_up={
            "mode": "restricted",
            "legal_consent": True,
            "terms_url": "https://example.com/terms",
            "privacy_policy_url": "https://example.com/privacy",
        }
    )
    assert env["user_settings"]["sign_up"]["mode"] == "restricted"
    assert env["user_settings"]["sign_up"]["legal_consent_enabled"] is True
    assert env["display_config"]["terms_url"] == "https://example.com/terms"
    assert env["display_config"]["privacy_policy_url"] == "https://example.com/privacy"
