"""The user's own second factors: an authenticator app (TOTP) and one-time backup codes.

TOTP is RFC 6238 as every authenticator app computes it (30-second steps, 6 digits,
HMAC-SHA1), via ``pyotp``. A careful server accepts the step before and after the
current one (clock drift between phone and server) and, because a code stays valid for
its whole step, remembers the newest step it accepted (``User.totp_last_used_step``)
and refuses that step and every older one: a code seen once, on the wire or over a
shoulder, cannot be replayed.

Backup codes are stored only as SHA-256 digests (salted with the user id): the plain
codes are shown once, when they are generated, and each one is removed from the list
when it is used.
"""

from __future__ import annotations

import hashlib
import hmac
import string

import pyotp

from mock_server.domain import users
from mock_server.domain.models import Session, User
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
TOTP_WINDOW = 1  # steps accepted either side of the current one
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_BACKUP_ALPHABET = string.ascii_lowercase + string.digits
BACKUP_CODE_LENGTH = 8
SETUP_MFA_TASK = "setup-mfa"


# -- TOTP ----------------------------------------------------------------------------


def new_secret(rt: Runtime) -> str:
    """A 160-bit base32 secret (32 characters), from the mock's one seeded source."""
    return rt.rng._choice(_BASE32, 32)


def provisioning_uri(rt: Runtime, user: User, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans as a QR code."""
    from mock_server.wire.serialize import primary_identifier

    issuer = rt.config.mfa.totp_issuer or rt.config.instance.application_name
    name = primary_identifier(user) or user.id
    return str(pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=issuer))


def current_step(rt: Runtime) -> int:
    return rt.now() // (TOTP_STEP_SECONDS * 1000)


def code_at_step(secret: str, step: int) -> str:
    return str(pyotp.TOTP(secret).at(step * TOTP_STEP_SECONDS))


def match_totp(rt: Runtime, user: User, code: str | None) -> bool:
    """Accept ``code`` once: within ±1 step, newer than the last accepted step."""
    if not code or user.totp_secret is None:
        return False
    code = code.strip()
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return False
    now = current_step(rt)
    last = user.totp_last_used_step
    matched: int | None = None
    for step in range(now - TOTP_WINDOW, now + TOTP_WINDOW + 1):
        expected = code_at_step(user.totp_secret, step)
        # Compare every candidate (constant time, no early exit on a match).
        if hmac.compare_digest(expected.encode(), code.encode()) and matched is None:
            matched = step
    if matched is None or (last is not None and matched <= last):
        return False
    user.totp_last_used_step = matched
    return True


def start_enrollment(rt: Runtime, user: User) -> None:
    """``POST /v1/me/totp``: a fresh secret, not yet verified (a retry replaces it)."""
    if user.totp_verified:
        raise FapiError.of("totp_already_enabled")
    now = rt.now()
    user.totp_secret = new_secret(rt)
    user.totp_id = rt.new_id("totp")
    user.totp_created_at = now
    user.totp_last_used_step = None
    user.updated_at = now


def finish_enrollment(rt: Runtime, tx: Tx, user: User, code: str | None) -> list[str] | None:
    """Verify the first code from the app; returns fresh backup codes when they are new.

    Clerk hands out backup codes together with the verified TOTP (clerk-js's
    ``TOTPResource.backupCodes``), when the instance has backup codes on and the user has
    none yet.
    """
    if user.totp_secret is None or user.totp_verified:
        raise FapiError.of("verification_missing")
    if not code:
        raise FapiError.of("form_param_missing", param="code")
    users.check_not_locked(rt, user)
    if not match_totp(rt, user, code):
        users.record_failure(rt, user)
        raise CommittedFapiError.wrap(FapiError.of("invalid_totp_secret_code", param="code"))
    users.record_success(user)
    user.totp_verified = True
    user.updated_at = rt.now()
    codes = None
    if rt.config.second_factor_enabled("backup_code") and not user.backup_codes:
        codes = replace_backup_codes(rt, user)
    mfa_enabled(rt, tx, user)
    return codes


def disable_totp(rt: Runtime, tx: Tx, user: User) -> str:
    """``DELETE /v1/me/totp``; backup codes go too when no second factor is left."""
    from mock_server.errors import not_found

    if user.totp_secret is None:
        raise not_found("totp", "totp")
    totp_id = user.totp_id or "totp"
    user.totp_secret = None
    user.totp_verified = False
    user.totp_id = None
    user.totp_created_at = None
    user.totp_last_used_step = None
    if not any(p.reserved_for_second_factor for p in user.phone_numbers):
        user.backup_codes = []
    user.updated_at = rt.now()
    if not user.has_second_factor:
        user.mfa_disabled_at = rt.now()
    return totp_id


# -- backup codes ----------------------------------------------------------------------


def digest(user_id: str, code: str) -> str:
    """SHA-256 of the code salted with the user id: equal codes of two users differ."""
    return hashlib.sha256(f"{user_id}:{code.strip().lower()}".encode()).hexdigest()


def replace_backup_codes(rt: Runtime, user: User) -> list[str]:
    """A new set of codes (the old ones stop working); returns the plain codes once."""
    codes = [
        rt.rng._choice(_BACKUP_ALPHABET, BACKUP_CODE_LENGTH)
        for _ in range(rt.config.mfa.backup_code_count)
    ]
    user.backup_codes = [digest(user.id, c) for c in codes]
    user.updated_at = rt.now()
    return codes


def consume_backup_code(user: User, code: str | None) -> bool:
    """True, and the code is gone, when ``code`` is one of the user's unused codes."""
    if not code:
        return False
    wanted = digest(user.id, code)
    found: str | None = None
    for stored in user.backup_codes:
        if hmac.compare_digest(stored, wanted) and found is None:
            found = stored
    if found is None:
        return False
    user.backup_codes.remove(found)
    return True


def create_backup_codes(rt: Runtime, user: User) -> list[str]:
    """``POST /v1/me/backup_codes``: only with another second factor enabled (Clerk)."""
    if not rt.config.second_factor_enabled("backup_code") or not (
        user.totp_verified or any(p.reserved_for_second_factor for p in user.phone_numbers)
    ):
        raise FapiError.of("backup_codes_not_available")
    return replace_backup_codes(rt, user)


# -- "MFA required" ----------------------------------------------------------------------


def mfa_enabled(rt: Runtime, tx: Tx, user: User) -> None:
    """The user now has a second factor: resolve the ``setup-mfa`` task of their sessions.

    With MFA required, Clerk lets a user without a second factor sign in but leaves the
    session ``pending`` with the ``setup-mfa`` session task (docs: the
    ``<TaskSetupMFA />`` component "renders a UI for resolving the setup-mfa session
    task"); enrolling a second factor resolves it and the session becomes active.
    """
    if not user.has_second_factor:
        return
    if user.mfa_enabled_at is None or (
        user.mfa_disabled_at is not None and user.mfa_disabled_at >= user.mfa_enabled_at
    ):
        user.mfa_enabled_at = rt.now()
    for s in tx.scan(Session):
        if s.user_id == user.id and SETUP_MFA_TASK in s.tasks:
            s.tasks = [t for t in s.tasks if t != SETUP_MFA_TASK]
            if not s.tasks and s.status == "pending":
                s.status = "active"
            s.updated_at = rt.now()
            tx.put(s)


def apply_mfa_requirement(rt: Runtime, user: User, session: Session) -> None:
    """A session created for a user without a second factor when MFA is required."""
    if rt.config.strategies.mfa_required and not user.has_second_factor:
        session.status = "pending"
        if SETUP_MFA_TASK not in session.tasks:
            session.tasks.append(SETUP_MFA_TASK)


def seed(
    rt: Runtime,
    user: User,
    *,
    totp_secret: str | None,
    backup_codes: list[str],
    second_factor_phones: list[str],
) -> None:
    """Admin seeding: a user who enrolled their second factors before the test began."""
    from mock_server.domain.identifiers import normalize_phone

    now = rt.now()
    if totp_secret is not None:
        secret = totp_secret.strip().replace(" ", "").upper()
        if not secret or any(c not in _BASE32 + "=" for c in secret):
            raise FapiError.of("form_param_format_invalid", param="totp_secret")
        user.totp_secret = secret
        user.totp_verified = True
        user.totp_id = rt.new_id("totp")
        user.totp_created_at = now
    user.backup_codes = [digest(user.id, c) for c in backup_codes]
    wanted = {normalize_phone(p) for p in second_factor_phones}
    first = True
    for phone in user.phone_numbers:
        if phone.phone_number in wanted:
            phone.reserved_for_second_factor = True
            phone.default_second_factor = first
            first = False
    if user.has_second_factor:
        user.mfa_enabled_at = now
