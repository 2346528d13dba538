"""``/v1/environment`` derived from the instance config.

clerk-js and Clerk's prebuilt components decide what to show from this object (which
identifiers, which factors, password rules), so it is computed from the same config
the mock enforces: turning a strategy off in the TOML file removes it here and in the
flows at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mock_server.config import Config

_OFF = {"enabled": False}


def _attribute(
    enabled: bool,
    required: bool,
    *,
    first_factors: Sequence[str] = (),
    second_factors: Sequence[str] = (),
    verifications: Sequence[str] = (),
    identifier: bool = False,
) -> dict[str, Any]:
    """One ``user_settings.attributes`` entry.

    ``identifier`` marks the attributes a sign-in may name the user by (the mock's
    ``supported_identifiers``): Clerk reports those as used for the first factor even
    when no strategy of their own is listed (a username signs in with the password).
    The sign-in component builds its identifier field ("Email address or username")
    from exactly these flags.
    """
    first = list(first_factors)
    second = list(second_factors)
    return {
        "enabled": enabled,
        "required": required,
        "used_for_first_factor": enabled and (identifier or bool(first)),
        "first_factors": first if enabled else [],
        "used_for_second_factor": enabled and bool(second),
        "second_factors": second if enabled else [],
        "verifications": list(verifications) if enabled else [],
        "verify_at_sign_up": enabled and bool(verifications),
        "immutable": False,
    }


def _toggle(config: Config, name: str) -> tuple[bool, bool]:
    value = getattr(config.attributes, name)
    return value != "off", value == "required"


def _attributes(config: Config) -> dict[str, Any]:
    ff = set(config.strategies.first_factors)
    sf = set(config.strategies.second_factors)
    email_on, email_req = _toggle(config, "email_address")
    phone_on, phone_req = _toggle(config, "phone_number")
    user_on, user_req = _toggle(config, "username")
    pw_on, pw_req = _toggle(config, "password")
    email_first = [s for s in ("email_code", "email_link") if s in ff]
    return {
        "email_address": _attribute(
            email_on,
            email_req,
            first_factors=email_first,
            second_factors=["email_code"] if "email_code" in sf else [],
            verifications=list(config.strategies.email_verification),
            identifier=True,
        ),
        "phone_number": _attribute(
            phone_on,
            phone_req,
            first_factors=["phone_code"] if "phone_code" in ff else [],
            second_factors=["phone_code"] if "phone_code" in sf else [],
            verifications=["phone_code"],
            identifier=True,
        ),
        "username": _attribute(user_on, user_req, identifier=True),
        "web3_wallet": _attribute(
            config.web3.enabled,
            False,
            first_factors=config.web3.strategies,
            verifications=config.web3.strategies,
        ),
        "first_name": _attribute(*_toggle(config, "first_name")),
        "last_name": _attribute(*_toggle(config, "last_name")),
        "password": _attribute(pw_on, pw_req),
        "authenticator_app": _attribute("totp" in sf, False, second_factors=["totp"]),
        "ticket": _attribute("ticket" in ff, False),
        "backup_code": _attribute("backup_code" in sf, False, second_factors=["backup_code"]),
        "passkey": _attribute(
            config.passkeys.enabled,
            False,
            first_factors=["passkey"],
            verifications=["passkey"],
        ),
    }


def _extra_first_factors(config: Config) -> list[str]:
    """Strategies enabled by their own config sections (web3, passkeys)."""
    out: list[str] = list(config.web3.strategies) if config.web3.enabled else []
    if config.passkeys.enabled:
        out.append("passkey")
    return out


def _auth_config(config: Config) -> dict[str, Any]:
    attrs = config.attributes
    identification = [
        name
        for name in ("email_address", "phone_number", "username")
        if getattr(attrs, name) != "off"
    ]
    return {
        "object": "auth_config",
        "id": "aac_fapi_harness_mock",
        "first_name": attrs.first_name,
        "last_name": attrs.last_name,
        "email_address": attrs.email_address,
        "phone_number": attrs.phone_number,
        "username": attrs.username,
        "password": attrs.password,
        "identification_requirements": [identification],
        "identification_strategies": identification,
        "first_factors": [*config.strategies.first_factors, *_extra_first_factors(config)],
        "second_factors": list(config.strategies.second_factors),
        "email_address_verification_strategies": list(config.strategies.email_verification),
        "single_session_mode": config.instance.single_session_mode,
        "enhanced_email_deliverability": False,
        "test_mode": config.test_mode.enabled,
        "cookieless_dev": False,
        "url_based_session_syncing": True,
        "claimed_at": None,
        "reverification": True,
        "native_settings": {
            "object": "native_settings",
            "api_enabled": True,
            "trusted_device_sign_in_enabled": False,
            "trusted_device_enrollment_prompt_after_sign_in_enabled": False,
            "trusted_device_enrollment_prompt_after_sign_up_enabled": False,
        },
    }


def _preferred_sign_in_strategy(config: Config) -> str:
    """``password`` while the instance has passwords, else one-time codes (``otp``).

    Clerk's dashboard chooses it; the mock derives it, so the SignIn component, which
    picks the first factor it offers by this preference, never prefers a strategy the
    instance lacks.
    """
    if config.attributes.password != "off" and config.first_factor_enabled("password"):
        return "password"
    return "otp"


def _display_config(config: Config) -> dict[str, Any]:
    home = config.instance.home_url.rstrip("/")
    return {
        "object": "display_config",
        "id": "display_config_fapi_harness_mock",
        "instance_environment_type": config.instance.environment_type,
        "application_name": config.instance.application_name,
        "theme": {},
        "preferred_sign_in_strategy": _preferred_sign_in_strategy(config),
        "logo_image_url": None,
        "favicon_image_url": None,
        "home_url": home,
        "sign_in_url": f"{home}/sign-in",
        "sign_up_url": f"{home}/sign-up",
        "user_profile_url": f"{home}/user",
        "waitlist_url": f"{home}/waitlist",
        "oauth_consent_url": f"{home}/oauth-consent",
        "after_sign_in_url": home,
        "after_sign_up_url": home,
        "after_sign_out_one_url": home,
        "after_sign_out_all_url": home,
        "after_switch_session_url": home,
        "after_join_waitlist_url": home,
        "organization_profile_url": f"{home}/organization",
        "create_organization_url": f"{home}/create-organization",
        "after_leave_organization_url": home,
        "after_create_organization_url": home,
        "logo_link_url": home,
        "support_email": None,
        "branded": False,
        "experimental_force_oauth_first": False,
        "clerk_js_version": None,
        "show_devmode_warning": False,
        "google_one_tap_client_id": None,
        "help_url": None,
        # The legal-consent checkbox links these (display_config.terms_url, ...).
        "privacy_policy_url": config.sign_up.privacy_policy_url,
        "terms_url": config.sign_up.terms_url,
        "logo_url": None,
        "favicon_url": None,
        "logo_image": None,
        "favicon_image": None,
        # No captcha: clerk-js would otherwise load Turnstile from the internet.
        "captcha_public_key": None,
        "captcha_widget_type": None,
        "captcha_public_key_invisible": None,
        "captcha_provider": None,
        "captcha_oauth_bypass": [],
    }


def _enterprise_sso(config: Config) -> bool:
    return any(c.active for c in config.enterprise_sso.connections)


def _user_settings(config: Config) -> dict[str, Any]:
    pw = config.passwords
    lockout = config.lockout
    return {
        "attributes": _attributes(config),
        "social": _social(config),
        # An inactive connection cannot be used (strategies/saml.py): it enables nothing.
        "saml": {"enabled": _enterprise_sso(config)},
        "enterprise_sso": {"enabled": _enterprise_sso(config)},
        "sign_in": {"second_factor": {"required": config.strategies.mfa_required}},
        "sign_up": {
            "captcha_enabled": False,
            "captcha_widget_type": "smart",
            "custom_action_required": False,
            "progressive": True,
            "mode": config.sign_up.mode,
            "legal_consent_enabled": config.sign_up.legal_consent,
        },
        "restrictions": {
            "allowlist": dict(_OFF),
            "blocklist": dict(_OFF),
            "allowlist_blocklist_disabled_on_sign_in": dict(_OFF),
            "block_email_subaddresses": dict(_OFF),
            "block_disposable_email_domains": dict(_OFF),
        },
        "password_settings": {
            "disable_hibp": True,
            "disable_password_reverification": False,
            "min_length": pw.min_length,
            "max_length": pw.max_length,
            "require_special_char": pw.require_special_char,
            "require_numbers": pw.require_numbers,
            "require_uppercase": pw.require_uppercase,
            "require_lowercase": pw.require_lowercase,
            "show_zxcvbn": False,
            "min_zxcvbn_strength": 0,
            "enforce_hibp_on_sign_in": False,
            "allowed_special_characters": pw.allowed_special_characters,
        },
        "username_settings": {
            "min_length": config.usernames.min_length,
            "max_length": config.usernames.max_length,
            "allow_extended_special_characters": False,
            "allow_numeric_usernames": False,
        },
        "actions": {
            "delete_self": True,
            "create_organization": False,
            "create_organizations_limit": None,
        },
        "attack_protection": {
            "user_lockout": {
                "enabled": lockout.enabled,
                "max_attempts": lockout.max_attempts,
                "duration_in_minutes": lockout.duration_minutes,
            },
            "pii": {"enabled": False},
            "email_link": {"require_same_client": False},
            "enumeration_protection": {"enabled": False},
        },
        "passkey_settings": {
            "allow_autofill": config.passkeys.enabled,
            "show_sign_in_button": config.passkeys.enabled,
            "satisfies_second_factor": False,
        },
    }


def environment(config: Config) -> dict[str, Any]:
    return {
        "auth_config": _auth_config(config),
        "display_config": _display_config(config),
        "user_settings": _user_settings(config),
        "organization_settings": {
            "enabled": False,
            "max_allowed_memberships": 0,
            "actions": {"admin_delete": False},
            "domains": {"enabled": False, "enrollment_modes": [], "default_role": "org:member"},
            "creator_role": "org:admin",
        },
        "fraud_settings": {
            "object": "fraud_settings",
            "native": {"device_attestation_mode": "disabled"},
        },
        "commerce_settings": {
            "billing": {
                "user": {"enabled": False, "has_paid_plans": False},
                "organization": {"enabled": False, "has_paid_plans": False},
            }
        },
        "api_keys_settings": {
            "enabled": False,
            "user_api_keys_enabled": False,
            "orgs_api_keys_enabled": False,
        },
        "protect_config": {"loaders": []},
        "client_debug_mode": False,
        "partitioned_cookies": False,
        "maintenance_mode": False,
    }


def _social(config: Config) -> dict[str, Any]:
    """``user_settings.social``: one entry per configured OAuth provider."""
    return {
        f"oauth_{key}": {
            "enabled": True,
            "required": False,
            "authenticatable": True,
            "block_email_subaddresses": False,
            "strategy": f"oauth_{key}",
            "not_selectable": False,
            "deprecated": False,
            "name": provider.name,
            "logo_url": None,
        }
        for key, provider in config.oauth.providers.items()
    }
