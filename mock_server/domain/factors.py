"""Which factors a user really has, as Clerk lists them on a sign-in.

A sign-in offers exactly the strategies that the instance enables *and* the account
can complete: no email code without a verified email, no password factor without a
password, no reset without a password to reset. Everything else is
``strategy_for_user_invalid``.

An email on the domain of an active enterprise connection is the exception: Clerk makes
every such user sign in through the connection's IdP ("SSO bypass" docs), so a sign-in
by that email offers enterprise SSO alone. Clerk's sign-in component relies on it: it
goes straight to the IdP only when every offered factor is ``enterprise_sso``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from mock_server.config import Config, per_config
from mock_server.domain import passkeys, wallets
from mock_server.domain.identifiers import mask_email, mask_phone
from mock_server.domain.models import EmailAddress, PhoneNumber, User
from mock_server.domain.verification import is_verified


def _safe(value: str, shown: str | None, mask: Any) -> str:
    """The identifier the user typed is shown whole; the others are masked."""
    return value if shown is not None and value == shown else str(mask(value))


# An identification's part of each factor that lists it: its id, as shown, and whether
# it is the user's primary one.
_Part = tuple[str, str, bool]


def first_factors(
    config: Config, user: User, identifier: str | None = None, *, only: str | None = None
) -> list[dict[str, Any]]:
    """Every answer about a sign-in lists these, and an attempt works them out once more to
    choose from: the instance's side comes from :func:`_offered`, and each identification's
    part is worked out once for all the strategies that list it.

    ``only``: just that strategy's factors, as the full list has them (what ``choose``
    needs). The same rules run on the instance's side narrowed to the one strategy, so an
    attempt skips the identifications no other part of it asks about.
    """
    offered = _offered(config) if only is None else _narrowed(config, only)
    owners = offered.owners
    if owners and identifier is not None and "@" in identifier:
        owner = owners.get(identifier.rsplit("@", 1)[1].lower())
        if owner is not None:
            return [dict(owner)] if only is None or only == "enterprise_sso" else []
    has_password = bool(user.password_hash)
    out: list[dict[str, Any]] = []
    if has_password and offered.password:
        out.append({"strategy": "password"})
    connections = offered.connections
    emails: list[_Part] = []
    domains: set[str] = set()
    if offered.email or (has_password and offered.reset_email) or connections:
        primary_email = user.primary_email_address_id
        for e in user.email_addresses:
            if is_verified(e):
                shown = _safe(e.email_address, identifier, mask_email)
                emails.append((e.id, shown, e.id == primary_email))
                domains.add(e.email_address.rsplit("@", 1)[-1])
    phones: list[_Part] = []
    if offered.phone or (has_password and offered.reset_phone):
        primary_phone = user.primary_phone_number_id
        for p in user.phone_numbers:
            if is_verified(p):
                shown = _safe(p.phone_number, identifier, mask_phone)
                phones.append((p.id, shown, p.id == primary_phone))
    # Clerk's order: email code, email link, phone code, then the reset strategies.
    if emails:
        _list(out, offered.email, "email_address_id", emails)
    if phones:
        _list(out, offered.phone, "phone_number_id", phones)
    if has_password:
        if emails:
            _list(out, offered.reset_email, "email_address_id", emails)
        if phones:
            _list(out, offered.reset_phone, "phone_number_id", phones)
    if user.external_accounts:
        out.extend(_oauth_factors(config, user))
    if connections:
        out.extend(_owning(connections, domains))
    if user.web3_wallets:
        out.extend(wallets.first_factors(config, user))
    if user.passkeys:
        out.extend(passkeys.first_factors(config, user))
    if only is not None and (user.external_accounts or user.web3_wallets or user.passkeys):
        # Listed by rules kept elsewhere (OAuth, wallets, passkeys), so narrowed here.
        return [factor for factor in out if factor["strategy"] == only]
    return out


def _list(
    out: list[dict[str, Any]], strategies: tuple[str, ...], key: str, parts: list[_Part]
) -> None:
    for strategy in strategies:
        for id_, shown, primary in parts:
            out.append(
                {"strategy": strategy, key: id_, "safe_identifier": shown, "primary": primary}
            )


def _oauth_factors(config: Config, user: User) -> list[dict[str, Any]]:
    linked = [a for a in user.external_accounts if is_verified(a)]
    return [
        {"strategy": provider}
        for provider in dict.fromkeys(a.provider for a in linked)
        if provider.removeprefix("oauth_") in config.oauth.providers
    ]


def enterprise_factors(config: Config, domains: set[str]) -> list[dict[str, Any]]:
    """``enterprise_sso`` (with its connection) for the first connection that owns one of
    ``domains``; also what a sign-in by an unknown SSO email is offered.

    The deprecated ``saml`` strategy is still accepted on requests but no longer listed:
    Clerk superseded it with ``enterprise_sso``, and a list with both keeps Clerk's
    components from recognising an SSO-only sign-in.
    """
    return _owning(_offered(config).connections, domains)


_Connections = tuple[tuple[frozenset[str], dict[str, Any]], ...]


def _owning(connections: _Connections, domains: set[str]) -> list[dict[str, Any]]:
    for conn_domains, factor in connections:
        if not domains.isdisjoint(conn_domains):
            return [dict(factor)]
    return []


class _Offered(NamedTuple):
    """The instance's side of the first factors: the strategies it enables, by the kind of
    identification each lists, in Clerk's order, and its active enterprise connections:
    each domain's (the first connection to list it), which owns an email on it outright,
    and those listed."""

    password: bool
    email: tuple[str, ...]
    phone: tuple[str, ...]
    reset_email: tuple[str, ...]
    reset_phone: tuple[str, ...]
    owners: Mapping[str, dict[str, Any]]
    connections: _Connections


@per_config
def _offered(config: Config) -> _Offered:
    enabled = config.strategies.first_factors

    def listed(*strategies: str) -> tuple[str, ...]:
        return tuple(strategy for strategy in strategies if strategy in enabled)

    connections = tuple(
        (
            frozenset(conn.domains),
            {
                "strategy": "enterprise_sso",
                "enterprise_connection_id": conn.id,
                "enterprise_connection_name": conn.name,
            },
        )
        for conn in config.enterprise_sso.connections
        if conn.active
    )
    return _Offered(
        password="password" in enabled,
        email=listed("email_code", "email_link"),
        phone=listed("phone_code"),
        reset_email=listed("reset_password_email_code"),
        reset_phone=listed("reset_password_phone_code"),
        owners=MappingProxyType(_owners(connections)),
        connections=connections,
    )


def _owners(connections: _Connections) -> dict[str, dict[str, Any]]:
    owners: dict[str, dict[str, Any]] = {}
    for domains, factor in connections:
        for domain in domains:
            owners.setdefault(domain, factor)
    return owners


@per_config
def _narrowings(config: Config) -> dict[str, _Offered]:
    """:func:`_offered` narrowed to each strategy it lists by itself, and to none (``""``:
    any other strategy, which only rules kept elsewhere may list)."""
    full = _offered(config)

    def keep(strategies: tuple[str, ...], strategy: str) -> tuple[str, ...]:
        return (strategy,) if strategy in strategies else ()

    names = ["", "password", "enterprise_sso", *full.email, *full.phone]
    names += [*full.reset_email, *full.reset_phone]
    return {
        strategy: full._replace(
            password=full.password and strategy == "password",
            email=keep(full.email, strategy),
            phone=keep(full.phone, strategy),
            reset_email=keep(full.reset_email, strategy),
            reset_phone=keep(full.reset_phone, strategy),
            connections=full.connections if strategy == "enterprise_sso" else (),
        )
        for strategy in names
    }


def _narrowed(config: Config, strategy: str) -> _Offered:
    narrowings = _narrowings(config)
    return narrowings.get(strategy) or narrowings[""]


def second_factors(config: Config, user: User) -> list[dict[str, Any]]:
    enabled = config.strategies.second_factors
    out: list[dict[str, Any]] = []
    if user.totp_verified and "totp" in enabled:
        out.append({"strategy": "totp"})
    if "phone_code" in enabled:
        for phone in user.phone_numbers:
            if phone.reserved_for_second_factor and is_verified(phone):
                factor = _phone_factor("phone_code", phone, user, None)
                factor["default"] = phone.default_second_factor
                out.append(factor)
    if "email_code" in enabled:
        # Clerk's spec lets email_code prove a sign-in's second factor when enabled.
        for email in user.email_addresses:
            if is_verified(email):
                out.append(_email_factor("email_code", email, user, None))
    if user.backup_codes and "backup_code" in enabled:
        out.append({"strategy": "backup_code"})
    return out


def _email_factor(
    strategy: str, email: EmailAddress, user: User, shown: str | None
) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "email_address_id": email.id,
        "safe_identifier": _safe(email.email_address, shown, mask_email),
        "primary": email.id == user.primary_email_address_id,
    }


def _phone_factor(
    strategy: str, phone: PhoneNumber, user: User, shown: str | None
) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "phone_number_id": phone.id,
        "safe_identifier": _safe(phone.phone_number, shown, mask_phone),
        "primary": phone.id == user.primary_phone_number_id,
    }


def find_factor(
    factors: list[dict[str, Any]],
    strategy: str,
    *,
    email_address_id: str | None = None,
    phone_number_id: str | None = None,
) -> dict[str, Any] | None:
    """The user's factor for a strategy, optionally pinned to one identification."""
    for factor in factors:
        if factor["strategy"] != strategy:
            continue
        if email_address_id and factor.get("email_address_id") != email_address_id:
            continue
        if phone_number_id and factor.get("phone_number_id") != phone_number_id:
            continue
        return factor
    return None
