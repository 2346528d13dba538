"""Domain -> wire JSON: the one place the mock's output shapes are written.

Every function returns the snake_case object that ``schemas/wire/`` describes; tests
validate each body, so a field added here without the schema (or the other way round)
fails at once. Verification secrets never leave this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from mock_server.config import Config, per_config
from mock_server.domain import factors, web3
from mock_server.domain.models import (
    Client,
    EmailAddress,
    ExternalAccount,
    Passkey,
    PhoneNumber,
    SamlAccount,
    Session,
    SignIn,
    SignUp,
    User,
    Verification,
    Web3Wallet,
)
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

_OTP = {"email_code", "phone_code", "reset_password_email_code", "reset_password_phone_code"}
_OBJECT = {
    "email_link": "verification_email_link",
    "password": "verification_password",
    "ticket": "verification_ticket",
    "totp": "verification_totp",
    "backup_code": "verification_backup_code",
    "admin": "verification_admin",
    "passkey": "verification_passkey",
    **{strategy: "verification_web3" for strategy in web3.STRATEGIES},
}
# No wire forms built yet (``client``'s default).
_NONE: Mapping[str, dict[str, Any]] = MappingProxyType({})
# Kinds whose spec stub is closed and has no failed/expired status.
_TWO_STATE = {"password", "totp", "backup_code"}


def verification(v: Verification | None) -> dict[str, Any] | None:
    if v is None:
        return None
    obj = "verification_otp" if v.strategy in _OTP else _OBJECT.get(v.strategy, "verification")
    status = v.status
    if v.strategy in _TWO_STATE and status not in ("unverified", "verified"):
        status = "unverified"
    out: dict[str, Any] = {
        "object": obj,
        "status": status,
        "strategy": v.strategy,
        "attempts": v.attempts,
        "expire_at": v.expire_at,
    }
    if v.strategy == "email_link" and v.verified_at_client:
        out["verified_at_client"] = v.verified_at_client
    if v.strategy in web3.STRATEGIES:
        out["nonce"] = v.nonce
        out["message"] = v.message
    if v.strategy == "passkey" and v.nonce is not None and v.status == "unverified":
        out["nonce"] = v.nonce  # the WebAuthn options, as JSON text
    sso = _sso_object(v.strategy)
    return out if sso is None else _sso_verification(v, out, sso)


def email_address(e: EmailAddress) -> dict[str, Any]:
    return {
        "id": e.id,
        "object": "email_address",
        "email_address": e.email_address,
        "reserved": e.reserved,
        "verification": verification(e.verification),
        "linked_to": [],
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def phone_number(p: PhoneNumber) -> dict[str, Any]:
    return {
        "id": p.id,
        "object": "phone_number",
        "phone_number": p.phone_number,
        "reserved_for_second_factor": p.reserved_for_second_factor,
        "default_second_factor": p.default_second_factor,
        "reserved": p.reserved,
        "verification": verification(p.verification),
        "linked_to": [],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def user(rt: Runtime, u: User) -> dict[str, Any]:
    # The clock is read only for a user with a lockout on record.
    remaining = None if u.locked_until is None else u.locked_until - rt.now()
    locked = remaining is not None and remaining > 0
    return {
        "id": u.id,
        "object": "user",
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "has_image": False,
        "primary_email_address_id": u.primary_email_address_id,
        "primary_phone_number_id": u.primary_phone_number_id,
        "primary_web3_wallet_id": u.primary_web3_wallet_id,
        "password_enabled": u.password_hash is not None,
        "two_factor_enabled": u.has_second_factor,
        "totp_enabled": u.totp_verified,
        "backup_code_enabled": bool(u.backup_codes),
        "email_addresses": [_linked(email_address(e), u) for e in u.email_addresses],
        # ``map`` rather than comprehensions: on CPython 3.11 each comprehension makes a
        # function object and a frame, even over an empty list, and most of these are.
        "phone_numbers": list(map(phone_number, u.phone_numbers)),
        "web3_wallets": list(map(web3_wallet, u.web3_wallets)),
        "passkeys": [passkey(k) for k in u.passkeys if k.credential_id is not None]
        if u.passkeys
        else [],
        "external_accounts": list(map(external_account, u.external_accounts)),
        "saml_accounts": [saml_account(rt, a) for a in u.saml_accounts] if u.saml_accounts else [],
        "enterprise_accounts": [],
        "password_last_updated_at": u.password_updated_at,
        "public_metadata": u.public_metadata,
        "unsafe_metadata": u.unsafe_metadata,
        "external_id": None,
        "last_sign_in_at": u.last_sign_in_at,
        "banned": False,
        "locked": locked,
        "lockout_expires_in_seconds": remaining // 1000 if remaining and locked else None,
        "verification_attempts_remaining": None,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
        "delete_self_enabled": True,
        "create_organization_enabled": False,
        "last_active_at": u.last_active_at,
        "mfa_enabled_at": u.mfa_enabled_at,
        "mfa_disabled_at": u.mfa_disabled_at,
        "legal_accepted_at": u.legal_accepted_at,
    }


def primary_identifier(u: User) -> str:
    email = u.email(u.primary_email_address_id or "")
    if email:
        return email.email_address
    phone = u.phone(u.primary_phone_number_id or "")
    if phone:
        return phone.phone_number
    wallet = u.wallet(u.primary_web3_wallet_id or "")
    if wallet and not u.username:
        return wallet.web3_wallet
    return u.username or ""


def public_user_data(u: User) -> dict[str, Any]:
    return {
        "first_name": u.first_name,
        "last_name": u.last_name,
        "has_image": False,
        "identifier": primary_identifier(u),
        "user_id": u.id,
        "username": u.username,
    }


def _age_minutes(now: int, at: int | None) -> int:
    return -1 if at is None else max(0, (now - at) // 60_000)


def factor_verification_age(rt: Runtime, s: Session) -> list[int]:
    """``[first, second]`` in minutes since verified; -1 for never (the JWT ``fva``)."""
    now = rt.now()
    return [
        _age_minutes(now, s.first_factor_verified_at),
        _age_minutes(now, s.second_factor_verified_at),
    ]


def session(
    rt: Runtime, tx: Tx, s: Session, built: Mapping[str, dict[str, Any]] = _NONE
) -> dict[str, Any]:
    """``built``: wire forms this request already made, by id (see ``client``)."""
    u = tx.view(User, s.user_id)
    out = {
        "id": s.id,
        "object": "session",
        "status": s.status,
        "expire_at": s.expire_at,
        "abandon_at": s.abandon_at,
        "last_active_at": s.last_active_at,
        "last_active_token": (
            {"object": "token", "jwt": s.last_active_token} if s.last_active_token else None
        ),
        "actor": None,
        "tasks": [{"key": t} for t in s.tasks] if s.tasks else [],
        "last_active_organization_id": s.last_active_organization_id,
        "public_user_data": public_user_data(u) if u else None,
        "factor_verification_age": factor_verification_age(rt, s),
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }
    if u:
        out["user"] = built.get(u.id) or user(rt, u)
    return out


@per_config
def _supported_identifiers(config: Config) -> tuple[str, ...]:
    attrs = config.attributes
    out = []
    if attrs.email_address != "off":
        out.append("email_address")
    if attrs.phone_number != "off":
        out.append("phone_number")
    if attrs.username != "off":
        out.append("username")
    if config.web3.enabled:
        out.append("web3_wallet")
    if config.passkeys.enabled:
        out.append("passkey")
    return tuple(out)


def sign_in(rt: Runtime, tx: Tx, si: SignIn) -> dict[str, Any]:
    u = tx.view(User, si.user_id) if si.user_id else None
    first = factors.first_factors(rt.config, u, si.identifier) if u else _sso_only(rt, si)
    second = (
        factors.second_factors(rt.config, u)
        if u and si.status in ("needs_second_factor", "needs_client_trust", "complete")
        else None
    )
    return {
        "object": "sign_in_attempt",
        "id": si.id,
        "status": si.status,
        "supported_identifiers": list(_supported_identifiers(rt.config)),
        "supported_first_factors": first,
        "supported_second_factors": second,
        "first_factor_verification": verification(si.first_factor_verification),
        "second_factor_verification": verification(si.second_factor_verification),
        "identifier": si.identifier,
        "user_data": (
            {"first_name": u.first_name, "last_name": u.last_name, "has_image": False}
            if u
            else None
        ),
        "created_session_id": si.created_session_id,
        "abandon_at": si.abandon_at,
    }


def sign_up_verification(v: Verification | None, supported: list[str]) -> dict[str, Any] | None:
    body = verification(v)
    if body is None:
        return None
    next_action = "" if v and v.status == "verified" else "needs_attempt"
    return {**body, "next_action": next_action, "supported_strategies": supported}


def sign_up(rt: Runtime, su: SignUp) -> dict[str, Any]:
    from mock_server.domain import sign_up_rules

    fields = sign_up_rules.fields(rt.config, su)
    return {
        "object": "sign_up_attempt",
        "id": su.id,
        "status": su.status,
        "required_fields": fields.required,
        "optional_fields": fields.optional,
        "missing_fields": fields.missing,
        "unverified_fields": fields.unverified,
        "verifications": {
            "email_address": sign_up_verification(
                su.email_address_verification, list(rt.config.strategies.email_verification)
            ),
            "phone_number": sign_up_verification(su.phone_number_verification, ["phone_code"]),
            "web3_wallet": sign_up_verification(
                su.web3_wallet_verification,
                web3.enabled_strategies(rt.config, su.web3_wallet) if su.web3_wallet else [],
            ),
            "external_account": verification(su.external_account_verification),
        },
        "username": su.username,
        "email_address": su.email_address,
        "phone_number": su.phone_number,
        "web3_wallet": su.web3_wallet,
        "password_enabled": su.password_hash is not None,
        "has_password": su.password_hash is not None,
        "first_name": su.first_name,
        "last_name": su.last_name,
        "unsafe_metadata": su.unsafe_metadata,
        "public_metadata": {},
        "custom_action": False,
        "external_id": None,
        "created_session_id": su.created_session_id,
        "created_user_id": su.created_user_id,
        "abandon_at": su.abandon_at,
        "legal_accepted_at": su.legal_accepted_at,
    }


LISTED_SESSION_STATUSES = frozenset({"active", "pending"})


def client(
    rt: Runtime, tx: Tx, c: Client | None, built: Mapping[str, dict[str, Any]] = _NONE
) -> dict[str, Any] | None:
    """``built``: the wire forms of a sign-in, sign-up, session or user that this request
    already made, by id, as the unit leaves them. Most answers carry one of them twice
    (the response, and again inside the client); building it is most of their cost."""
    if c is None:
        return None
    sessions = []
    for sid in c.session_ids:
        s = tx.view(Session, sid)
        if s is not None and s.status in LISTED_SESSION_STATUSES:
            sessions.append(built.get(s.id) or session(rt, tx, s, built))
    si = tx.view(SignIn, c.sign_in_id) if c.sign_in_id else None
    su = tx.view(SignUp, c.sign_up_id) if c.sign_up_id else None
    return {
        "object": "client",
        "id": c.id,
        "sessions": sessions,
        "sign_in": (built.get(si.id) or sign_in(rt, tx, si)) if si else None,
        "sign_up": (built.get(su.id) or sign_up(rt, su)) if su else None,
        "last_active_session_id": c.last_active_session_id,
        "last_authentication_strategy": c.last_authentication_strategy,
        "cookie_expires_at": c.cookie_expires_at,
        "captcha_bypass": False,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def web3_wallet(w: Web3Wallet) -> dict[str, Any]:
    return {
        "id": w.id,
        "object": "web3_wallet",
        "web3_wallet": w.web3_wallet,
        "verification": verification(w.verification),
        "created_at": w.created_at,
        "updated_at": w.updated_at,
    }


def passkey(k: Passkey) -> dict[str, Any]:
    return {
        "id": k.id,
        "object": "passkey",
        "name": k.name,
        "last_used_at": k.last_used_at,
        "verification": verification(k.verification),
        "created_at": k.created_at,
        "updated_at": k.updated_at,
    }


# -- second factors and reverification (issue 4) ------------------------------------------


def session_reverification(rt: Runtime, tx: Tx, s: Session) -> dict[str, Any]:
    """The ``session_reverification`` object (the spec's, with the optional ``id``)."""
    from mock_server.domain import reverification

    rv = reverification.load(s)
    u = tx.view(User, s.user_id)
    return {
        "object": "session_reverification",
        "id": rv.id,
        "level": rv.level,
        "status": rv.status,
        "supported_first_factors": reverification.supported_first(rt, u) if u else None,
        "supported_second_factors": reverification.supported_second(rt, u) if u else None,
        "first_factor_verification": verification(rv.first_factor_verification),
        "second_factor_verification": verification(rv.second_factor_verification),
        "session": session(rt, tx, s),
    }


def totp(rt: Runtime, u: User, backup_codes: list[str] | None = None) -> dict[str, Any]:
    """An enrolment: secret and URI only while unverified, backup codes only when new."""
    from mock_server.domain import mfa

    pending = not u.totp_verified and u.totp_secret is not None
    out: dict[str, Any] = {
        "object": "totp",
        "id": u.totp_id or "totp",
        "secret": u.totp_secret if pending else None,
        "uri": None,
        "verified": u.totp_verified,
        "created_at": u.totp_created_at or u.updated_at,
        "updated_at": u.updated_at,
    }
    if pending and u.totp_secret is not None:
        out["uri"] = mfa.provisioning_uri(rt, u, u.totp_secret)
    if backup_codes is not None:
        out["backup_codes"] = backup_codes
    return out


def backup_codes(rt: Runtime, u: User, codes: list[str]) -> dict[str, Any]:
    now = rt.now()
    return {
        "object": "backup_code",
        "id": rt.new_id("bcode"),
        "codes": codes,
        "created_at": now,
        "updated_at": now,
    }


def deleted_object(obj: str, id_: str) -> dict[str, Any]:
    return {"object": obj, "id": id_, "deleted": True}


# -- SSO: OAuth external accounts, SAML accounts, their verifications --------------------


@lru_cache(maxsize=256)
def _sso_object(strategy: str) -> str | None:
    """Cached: every verification on every answer asks, of a few dozen strategies."""
    if strategy == "google_one_tap":
        return "verification_google_one_tap"
    if strategy.startswith("from_oauth_"):
        return "verification_from_oauth"
    if strategy.startswith("oauth_"):
        return "verification_oauth"
    if strategy in ("saml", "enterprise_sso"):
        return "verification_saml"
    return None


def _sso_verification(v: Verification, out: dict[str, Any], obj: str) -> dict[str, Any]:
    """Object names and the redirect/error fields that only SSO verifications carry."""
    out["object"] = obj
    if obj in ("verification_oauth", "verification_saml"):
        # Present only when set: the spec's external-account stub has them non-nullable.
        if v.external_verification_redirect_url is not None:
            out["external_verification_redirect_url"] = v.external_verification_redirect_url
        if v.error is not None:
            out["error"] = v.error
        if out["expire_at"] is None and obj == "verification_oauth":
            out["expire_at"] = 0
    elif obj == "verification_from_oauth":
        out.pop("attempts", None)
        out.pop("expire_at", None)
    return out


def external_account(a: ExternalAccount) -> dict[str, Any]:
    return {
        "object": "external_account",
        "id": a.id,
        "provider": a.provider,
        "identification_id": a.id,
        "provider_user_id": a.provider_user_id,
        "approved_scopes": a.approved_scopes,
        "email_address": a.email_address,
        "first_name": a.first_name or "",
        "last_name": a.last_name or "",
        "image_url": None,
        "username": None,
        "phone_number": None,
        "public_metadata": {},
        "label": None,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "verification": verification(a.verification),
    }


def saml_account(rt: Runtime, a: SamlAccount) -> dict[str, Any]:
    conn = next((c for c in rt.config.enterprise_sso.connections if c.id == a.connection_id), None)
    return {
        "id": a.id,
        "object": "saml_account",
        "provider": "saml_custom",
        "active": conn is not None and conn.active,
        "email_address": a.email_address,
        "first_name": a.first_name,
        "last_name": a.last_name,
        "provider_user_id": a.provider_user_id,
        "enterprise_connection_id": a.connection_id,
        "last_authenticated_at": a.last_authenticated_at,
        "public_metadata": {},
        "verification": verification(a.verification),
        "saml_connection": (
            {
                "id": conn.id,
                "name": conn.name,
                "domains": list(conn.domains),
                "active": conn.active,
                "provider": "saml_custom",
                "sync_user_attributes": True,
                "allow_subdomains": False,
                "allow_idp_initiated": False,
                "disable_additional_identifications": False,
                "allow_organization_account_linking": False,
                "created_at": a.created_at,
                "updated_at": a.updated_at,
            }
            if conn
            else None
        ),
    }


def _sso_only(rt: Runtime, si: SignIn) -> list[dict[str, Any]]:
    """The factors of a sign-in with no user (yet).

    A sign-in by an email no user has, whose domain has an enterprise connection: SSO is
    its one way in (the account is made just in time). Otherwise nothing: an empty list,
    as Clerk sends, never null: clerk-js's redirect callback treats a null list as "not
    SSO-only" and sends a transferable OAuth sign-in to factor-one instead of a sign-up.
    """
    if not si.identifier or "@" not in si.identifier:
        return []
    return factors.enterprise_factors(rt.config, {si.identifier.rsplit("@", 1)[1]})


def _linked(email: dict[str, Any], u: User) -> dict[str, Any]:
    """``linked_to``: the SSO accounts that vouch for this email address."""
    if not (u.external_accounts or u.saml_accounts):
        return email  # ``email_address`` leaves it empty; most users have neither
    address = email["email_address"]
    email["linked_to"] = [
        {"type": a.provider, "id": a.id} for a in u.external_accounts if a.email_address == address
    ] + [{"type": "saml", "id": a.id} for a in u.saml_accounts if a.email_address == address]
    return email
