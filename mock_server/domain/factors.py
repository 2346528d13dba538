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

from typing import Any

from mock_server.config import Config
from mock_server.domain import passkeys, wallets
from mock_server.domain.identifiers import mask_email, mask_phone
from mock_server.domain.models import EmailAddress, PhoneNumber, User
from mock_server.domain.verification import is_verified


def _safe(value: str, shown: str | None, mask: Any) -> str:
    """The identifier the user typed is shown whole; the others are masked."""
    return value if shown is not None and value == shown else str(mask(value))


# The email strategies, in the order Clerk lists them.
_EMAIL = ("email_code", "email_link")


def first_factors(
    config: Config, user: User, identifier: str | None = None
) -> list[dict[str, Any]]:
    connections = _active_connections(config)
    if connections and identifier is not None and "@" in identifier:
        enforced = _owning(connections, {identifier.rsplit("@", 1)[1].lower()})
        if enforced:
            return enforced
    # Every sign-in answer lists these, most requests twice: one pass over each list,
    # no helper generators, the connections looked up once (this function was an eighth
    # of a sign-in request).
    enabled = config.strategies.first_factors
    has_password = bool(user.password_hash)
    out: list[dict[str, Any]] = []
    if has_password and "password" in enabled:
        out.append({"strategy": "password"})
    emails = [e for e in user.email_addresses if is_verified(e)]
    phones = [p for p in user.phone_numbers if is_verified(p)]
    # Clerk's order: email code, email link, phone code, then the reset strategies.
    for strategy in _EMAIL:
        if strategy in enabled:
            for e in emails:
                out.append(_email_factor(strategy, e, user, identifier))
    if "phone_code" in enabled:
        for p in phones:
            out.append(_phone_factor("phone_code", p, user, identifier))
    if has_password:
        if "reset_password_email_code" in enabled:
            for e in emails:
                out.append(_email_factor("reset_password_email_code", e, user, identifier))
        if "reset_password_phone_code" in enabled:
            for p in phones:
                out.append(_phone_factor("reset_password_phone_code", p, user, identifier))
    if user.external_accounts:
        out.extend(_oauth_factors(config, user))
    if connections:
        out.extend(_owning(connections, {e.email_address.rsplit("@", 1)[-1] for e in emails}))
    if user.web3_wallets:
        out.extend(wallets.first_factors(config, user))
    if user.passkeys:
        out.extend(passkeys.first_factors(config, user))
    return out


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
    return _owning(_active_connections(config), domains)


_Connections = tuple[tuple[frozenset[str], dict[str, Any]], ...]


def _owning(connections: _Connections, domains: set[str]) -> list[dict[str, Any]]:
    for conn_domains, factor in connections:
        if not domains.isdisjoint(conn_domains):
            return [dict(factor)]
    return []


# The config is frozen: its active connections are listed once per config (keyed by
# identity and holding the config, so another app's config never sees a stale list).
_connections: dict[int, tuple[Config, _Connections]] = {}


def _active_connections(config: Config) -> _Connections:
    hit = _connections.get(id(config))
    if hit is None or hit[0] is not config:
        if len(_connections) > 64:
            _connections.clear()
        listed = tuple(
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
        hit = _connections[id(config)] = (config, listed)
    return hit[1]


def second_factors(config: Config, user: User) -> list[dict[str, Any]]:
    enabled = config.second_factor_enabled
    out: list[dict[str, Any]] = []
    if user.totp_verified and enabled("totp"):
        out.append({"strategy": "totp"})
    if enabled("phone_code"):
        for phone in user.phone_numbers:
            if phone.reserved_for_second_factor and is_verified(phone):
                factor = _phone_factor("phone_code", phone, user, None)
                factor["default"] = phone.default_second_factor
                out.append(factor)
    if enabled("email_code"):
        # Clerk's spec lets email_code prove a sign-in's second factor when enabled.
        for email in user.email_addresses:
            if is_verified(email):
                out.append(_email_factor("email_code", email, user, None))
    if user.backup_codes and enabled("backup_code"):
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
