"""Passkeys: WebAuthn registration and authentication, verified by the ``webauthn`` library.

Both ceremonies follow Clerk's wire protocol (fapi-protocol.md §7.4): the server hands
out options as JSON text in a verification's ``nonce``, the client answers with the
credential as JSON text in ``public_key_credential``. What a careful relying party
checks, this one checks (through ``webauthn``): the challenge it issued (single use,
expiring), the page origin, the RP id hash, user presence (and verification when
configured), the signature against the registered public key, and a signature counter
that must go up.

Credentials are indexed (``passkey_credential:<credential id>`` -> user id) so a
discoverable sign-in, which starts without an identifier, finds its account.

``webauthn`` is imported where a ceremony runs, not at module import: it costs ~0.35 s,
which every server start and test process would otherwise pay.
"""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mock_server.config import Config
from mock_server.domain import users, verification
from mock_server.domain.models import Passkey, User, Verification
from mock_server.errors import FapiError, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx, point, resolve, unpoint

if TYPE_CHECKING:
    from webauthn.helpers.structs import (
        PublicKeyCredentialDescriptor,
        UserVerificationRequirement,
    )

INDEX = "passkey_credential"
TRANSPORTS = frozenset({"usb", "nfc", "ble", "internal", "cable", "hybrid", "smart-card"})
PARAM = "public_key_credential"
_LOCALHOST = re.compile(r"^https?://localhost(:\d{1,5})?$")


# -- configuration -----------------------------------------------------------------------


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def expected_origins(config: Config, presented: str | None) -> list[str]:
    """The origins a ceremony may come from (see ``PasskeySettings``)."""
    settings = config.passkeys
    allowed = list(settings.origins) or [_origin_of(config.instance.home_url)]
    if (
        settings.any_localhost_port
        and settings.rp_id == "localhost"
        and presented is not None
        and _LOCALHOST.match(presented)
    ):
        allowed.append(presented)
    return allowed


def bytes_to_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def base64url_to_bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _uv(config: Config) -> UserVerificationRequirement:
    from webauthn.helpers.structs import UserVerificationRequirement

    return UserVerificationRequirement(config.passkeys.user_verification)


def is_verified(passkey: Passkey) -> bool:
    return passkey.credential_id is not None and passkey.public_key is not None


def verified(user: User) -> list[Passkey]:
    return [k for k in user.passkeys if is_verified(k)]


def first_factors(config: Config, user: User) -> list[dict[str, Any]]:
    return [{"strategy": "passkey"}] if config.passkeys.enabled and verified(user) else []


def check_enabled(config: Config) -> None:
    if not config.passkeys.enabled:
        raise FapiError.of("verification_strategy_invalid", param="strategy")


# -- the credential the client sent ------------------------------------------------------


def _credential(raw: str | None) -> dict[str, Any]:
    if raw is None:
        raise FapiError.of("form_param_missing", param=PARAM)
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise _invalid("not JSON") from exc
    if not isinstance(value, dict) or not isinstance(value.get("response"), dict):
        raise _invalid("no response object")
    return value


def _invalid(reason: str) -> FapiError:
    return FapiError.of("passkey_invalid_public_key_credential", param=PARAM, reason=reason)


def _client_data(credential: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(base64url_to_bytes(str(credential["response"]["clientDataJSON"])))
    except (KeyError, ValueError) as exc:
        raise _invalid("clientDataJSON is missing or malformed") from exc
    if not isinstance(data, dict):
        raise _invalid("clientDataJSON is not an object")
    return data


def _check_challenge(client_data: dict[str, Any], v: Verification) -> None:
    """A ceremony answering another challenge (or none) is Clerk's "invalid nonce"."""
    if v.secret is None or client_data.get("challenge") != v.secret:
        raise FapiError.of("passkey_invalid_verification")


def _challenge(rt: Runtime, nonce: str) -> Verification:
    now = rt.now()
    return Verification(
        strategy="passkey",
        status="unverified",
        attempts=0,
        expire_at=now + rt.config.passkeys.challenge_ttl_seconds * 1000,
        sent_at=now,
        nonce=nonce,
    )


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(passkey.credential_id or ""),
        transports=[AuthenticatorTransport(t) for t in passkey.transports if t in TRANSPORTS],
    )


# -- registration (/v1/me/passkeys) -------------------------------------------------------


def start_registration(rt: Runtime, user: User, label: str) -> Passkey:
    """A pending passkey whose verification carries the creation options."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AttestationConveyancePreference,
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
    )

    check_enabled(rt.config)
    settings = rt.config.passkeys
    challenge = rt.rng.bytes(32)
    options = generate_registration_options(
        rp_id=settings.rp_id,
        rp_name=settings.rp_name or rt.config.instance.application_name,
        user_name=label or user.id,
        user_id=user.id.encode(),
        user_display_name=label or user.id,
        challenge=challenge,
        timeout=settings.challenge_ttl_seconds * 1000,
        attestation=AttestationConveyancePreference(settings.attestation),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=_uv(rt.config),
        ),
        exclude_credentials=[_descriptor(k) for k in verified(user)],
    )
    challenge_v = _challenge(rt, options_to_json(options))
    challenge_v.secret = bytes_to_base64url(challenge)
    now = rt.now()
    # Registrations abandoned before the attestation arrived are dropped, not hoarded.
    user.passkeys = [
        k
        for k in user.passkeys
        if is_verified(k) or (k.verification and not verification.is_expired(rt, k.verification))
    ]
    passkey = Passkey(
        id=rt.new_id("pk"), name="Passkey", verification=challenge_v, created_at=now, updated_at=now
    )
    user.passkeys.append(passkey)
    user.updated_at = now
    return passkey


def owned(user: User, passkey_id: str) -> Passkey:
    passkey = user.passkey(passkey_id)
    if passkey is None:
        raise not_found("passkey", passkey_id)
    return passkey


def finish_registration(
    rt: Runtime, tx: Tx, user: User, passkey: Passkey, raw: str | None
) -> Passkey:
    """Verify the attestation for the pending passkey's challenge; store the key."""
    from webauthn import verify_registration_response
    from webauthn.helpers.exceptions import WebAuthnException

    v = passkey.verification
    if v is None or is_verified(passkey):
        raise FapiError.of("verification_already_verified")
    verification.check_usable(rt, v)
    credential = _credential(raw)
    client_data = _client_data(credential)
    _check_challenge(client_data, v)
    try:
        result = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(v.secret or ""),
            expected_rp_id=rt.config.passkeys.rp_id,
            expected_origin=expected_origins(rt.config, client_data.get("origin")),
            require_user_verification=rt.config.passkeys.user_verification == "required",
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise _invalid(str(exc) or type(exc).__name__) from exc
    credential_id = bytes_to_base64url(result.credential_id)
    if resolve(tx, INDEX, credential_id) is not None:
        raise _invalid("this credential is already registered")
    transports = credential["response"].get("transports") or []
    passkey.credential_id = credential_id
    passkey.public_key = bytes_to_base64url(result.credential_public_key)
    passkey.sign_count = result.sign_count
    passkey.transports = [str(t) for t in transports if isinstance(t, str)]
    v.status = "verified"
    v.secret = None
    v.nonce = None
    passkey.updated_at = user.updated_at = rt.now()
    point(tx, INDEX, credential_id, user.id)
    return passkey


def rename(rt: Runtime, passkey: Passkey, name: str | None) -> Passkey:
    if name is not None:
        if not name.strip() or len(name) > 100:
            raise FapiError.of("form_param_format_invalid", param="name")
        passkey.name = name.strip()
        passkey.updated_at = rt.now()
    return passkey


def remove(rt: Runtime, tx: Tx, user: User, passkey: Passkey) -> None:
    if passkey.credential_id is not None and resolve(tx, INDEX, passkey.credential_id) == user.id:
        unpoint(tx, INDEX, passkey.credential_id)
    user.passkeys = [k for k in user.passkeys if k.id != passkey.id]
    user.updated_at = rt.now()


# -- authentication (sign-in, reverification) -------------------------------------------


def request_challenge(rt: Runtime, allow: list[Passkey]) -> Verification:
    """A verification whose ``nonce`` is the request options (empty allow list: any
    discoverable credential of this RP)."""
    from webauthn import generate_authentication_options, options_to_json

    check_enabled(rt.config)
    challenge = rt.rng.bytes(32)
    options = generate_authentication_options(
        rp_id=rt.config.passkeys.rp_id,
        challenge=challenge,
        timeout=rt.config.passkeys.challenge_ttl_seconds * 1000,
        allow_credentials=[_descriptor(k) for k in allow],
        user_verification=_uv(rt.config),
    )
    v = _challenge(rt, options_to_json(options))
    v.secret = bytes_to_base64url(challenge)
    return v


def authenticate(
    rt: Runtime, tx: Tx, v: Verification | None, raw: str | None, user: User | None
) -> User:
    """Verify an assertion for ``v``'s challenge; returns the credential's user.

    With ``user`` given (an identified sign-in) the credential must be one of theirs.
    A failure changes nothing but an expiry: the challenge stays usable until it
    expires or a valid assertion consumes it.
    """
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import WebAuthnException

    if v is None or v.strategy != "passkey" or (v.status == "unverified" and v.secret is None):
        raise FapiError.of("verification_missing")
    verification.check_usable(rt, v)
    credential = _credential(raw)
    client_data = _client_data(credential)
    credential_id = str(credential.get("id") or credential.get("rawId") or "")
    owner_id = resolve(tx, INDEX, credential_id) if credential_id else None
    if owner_id is None or (user is not None and owner_id != user.id):
        raise FapiError.of("passkey_not_registered")
    owner = user if user is not None else tx.get(User, owner_id)
    passkey = (
        next((k for k in owner.passkeys if k.credential_id == credential_id), None)
        if owner
        else None
    )
    if owner is None or passkey is None or passkey.public_key is None:
        raise FapiError.of("passkey_not_registered")
    users.check_not_locked(rt, owner)
    _check_challenge(client_data, v)
    try:
        result = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(v.secret or ""),
            expected_rp_id=rt.config.passkeys.rp_id,
            expected_origin=expected_origins(rt.config, client_data.get("origin")),
            credential_public_key=base64url_to_bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=rt.config.passkeys.user_verification == "required",
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise FapiError.of(
            "passkey_authentication_failure", reason=str(exc) or type(exc).__name__
        ) from exc
    passkey.sign_count = result.new_sign_count
    passkey.last_used_at = passkey.updated_at = rt.now()
    v.status = "verified"
    v.secret = None
    return owner
