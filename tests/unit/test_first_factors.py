"""``factors.first_factors`` is tuned for the request path; these hold it to the rules,
written out plainly, over generated users and instance settings."""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.config import Config, FirstFactor, load_config
from mock_server.domain.factors import first_factors
from mock_server.domain.identifiers import mask_email, mask_phone
from mock_server.domain.models import EmailAddress, PhoneNumber, User, Verification

STRATEGIES = get_args(FirstFactor)
# The default config's enterprise connection owns example-sso.com.
DOMAINS = ("example.com", "example-sso.com", "mail.test")


def _verification(verified: bool) -> Verification:
    return Verification(strategy="admin", status="verified" if verified else "unverified")


@st.composite
def users(draw: st.DrawFn) -> User:
    emails = [
        EmailAddress(
            id=f"idn_e{i}",
            email_address=f"u{i}@{draw(st.sampled_from(DOMAINS))}",
            verification=_verification(draw(st.booleans())),
            created_at=1,
            updated_at=1,
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    phones = [
        PhoneNumber(
            id=f"idn_p{i}",
            phone_number=f"+1500555000{i}",
            verification=_verification(draw(st.booleans())),
            created_at=1,
            updated_at=1,
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    ids = [e.id for e in emails] + [p.id for p in phones]
    return User(
        id="user_a",
        password_hash=draw(st.sampled_from([None, "scrypt$1$x$y"])),
        email_addresses=emails,
        phone_numbers=phones,
        primary_email_address_id=draw(st.sampled_from([None, *ids])),
        primary_phone_number_id=draw(st.sampled_from([None, *ids])),
        created_at=1,
        updated_at=1,
    )


def _expected(config: Config, user: User, identifier: str | None) -> list[dict[str, Any]]:
    """The rules of ``domain/factors.py``'s docstring, one at a time."""
    enabled = config.strategies.first_factors
    connections = [c for c in config.enterprise_sso.connections if c.active]

    def enterprise(domains: set[str]) -> list[dict[str, Any]]:
        for conn in connections:
            if domains & set(conn.domains):
                return [
                    {
                        "strategy": "enterprise_sso",
                        "enterprise_connection_id": conn.id,
                        "enterprise_connection_name": conn.name,
                    }
                ]
        return []

    if identifier is not None and "@" in identifier:
        owned = enterprise({identifier.rsplit("@", 1)[1].lower()})
        if owned:
            return owned
    verified_emails = [
        e for e in user.email_addresses if e.verification and e.verification.status == "verified"
    ]
    verified_phones = [
        p for p in user.phone_numbers if p.verification and p.verification.status == "verified"
    ]

    def email(strategy: str, e: EmailAddress) -> dict[str, Any]:
        shown = e.email_address if e.email_address == identifier else mask_email(e.email_address)
        return {
            "strategy": strategy,
            "email_address_id": e.id,
            "safe_identifier": shown,
            "primary": e.id == user.primary_email_address_id,
        }

    def phone(strategy: str, p: PhoneNumber) -> dict[str, Any]:
        shown = p.phone_number if p.phone_number == identifier else mask_phone(p.phone_number)
        return {
            "strategy": strategy,
            "phone_number_id": p.id,
            "safe_identifier": shown,
            "primary": p.id == user.primary_phone_number_id,
        }

    password = user.password_hash is not None
    out: list[dict[str, Any]] = []
    if password and "password" in enabled:
        out.append({"strategy": "password"})
    for strategy in ("email_code", "email_link"):
        if strategy in enabled:
            out += [email(strategy, e) for e in verified_emails]
    if "phone_code" in enabled:
        out += [phone("phone_code", p) for p in verified_phones]
    if password and "reset_password_email_code" in enabled:
        out += [email("reset_password_email_code", e) for e in verified_emails]
    if password and "reset_password_phone_code" in enabled:
        out += [phone("reset_password_phone_code", p) for p in verified_phones]
    out += enterprise({e.email_address.rsplit("@", 1)[-1] for e in verified_emails})
    return out


@settings(max_examples=300, deadline=None)
@given(
    user=users(),
    enabled=st.lists(st.sampled_from(STRATEGIES), unique=True),
    typed=st.sampled_from(
        [None, "u0@example.com", "u1@mail.test", "+15005550000", "x@example-sso.com"]
    ),
)
def test_the_factors_are_the_rules_written_out(
    user: User, enabled: list[str], typed: str | None
) -> None:
    config = load_config(strategies={"first_factors": enabled})
    assert first_factors(config, user, typed) == _expected(config, user, typed)


@settings(max_examples=300, deadline=None)
@given(
    user=users(),
    enabled=st.lists(st.sampled_from(STRATEGIES), unique=True),
    typed=st.sampled_from([None, "u0@example.com", "+15005550000", "x@example-sso.com"]),
    strategy=st.sampled_from([*STRATEGIES, "enterprise_sso", "oauth_google", "saml", "nope"]),
)
def test_one_strategys_factors_are_the_full_lists_own(
    user: User, enabled: list[str], typed: str | None, strategy: str
) -> None:
    """What an attempt chooses from (``only=``) is the full list filtered, never more."""
    config = load_config(strategies={"first_factors": enabled})
    full = first_factors(config, user, typed)
    expected = [factor for factor in full if factor["strategy"] == strategy]
    assert first_factors(config, user, typed, only=strategy) == expected
