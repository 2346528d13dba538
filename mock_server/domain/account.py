"""The signed-in user changing their own account: identifications, password, deletion.

These are the ``/v1/me`` actions Clerk lists as sensitive (docs
``guides/secure/reverification.mdx``: password, email/phone add and remove, MFA, revoke
session, delete account); the routes put them behind ``reverification.require_recent``.
Adding an email or phone starts unverified; the code sent by ``prepare_verification``
(10-minute, attempt-counted, single-use: ``domain/verification.py``) verifies it, or, for
an email with ``email_link`` enabled, the link it sends (opened at ``/v1/verify``).
"""

from __future__ import annotations

from mock_server.domain import identifiers as ids
from mock_server.domain import mfa, passwords, sending, sessions, users, verification
from mock_server.domain.models import Client, EmailAddress, PhoneNumber, Session, User
from mock_server.errors import FapiError, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies.base import FactorFlow
from mock_server.strategies.email_link import EmailLinkStrategy
from mock_server.wire.request import Params

Ident = EmailAddress | PhoneNumber
LINK_OWNER = "email_address"
_LINKS = EmailLinkStrategy()


def add_email(rt: Runtime, tx: Tx, user: User, value: str | None) -> EmailAddress:
    if not value:
        raise FapiError.of("form_param_missing", param="email_address")
    if not ids.is_email(value):
        raise FapiError.of("form_param_format_invalid", param="email_address")
    if users.identifier_taken(tx, "email_address", value):
        raise FapiError.of("form_identifier_exists", param="email_address")
    now = rt.now()
    email = EmailAddress(
        id=rt.new_id("idn"),
        email_address=ids.normalize_email(value),
        created_at=now,
        updated_at=now,
    )
    user.email_addresses.append(email)
    user.updated_at = now
    users.index_user(tx, user)
    return email


def add_phone(rt: Runtime, tx: Tx, user: User, value: str | None) -> PhoneNumber:
    if not value:
        raise FapiError.of("form_param_missing", param="phone_number")
    if not ids.is_phone(value):
        raise FapiError.of("form_param_format_invalid", param="phone_number")
    if users.identifier_taken(tx, "phone_number", value):
        raise FapiError.of("form_identifier_exists", param="phone_number")
    now = rt.now()
    phone = PhoneNumber(
        id=rt.new_id("idn"),
        phone_number=ids.normalize_phone(value),
        created_at=now,
        updated_at=now,
    )
    user.phone_numbers.append(phone)
    user.updated_at = now
    users.index_user(tx, user)
    return phone


def find(user: User, kind: str, id_: str) -> Ident:
    found: Ident | None = user.email(id_) if kind == "email_address" else user.phone(id_)
    if found is None:
        raise not_found(kind.replace("_", " "), id_)
    return found


def prepare(
    rt: Runtime,
    tx: Tx,
    client: Client,
    user: User,
    ident: Ident,
    params: Params,
    base_url: str,
) -> None:
    """Send a code (email_code / phone_code), or a link (email_link) to a new email.

    Clerk's spec (``prepareEmailAddressVerification``) lists ``email_link`` with its
    ``redirect_url``; Clerk's UserProfile asks for it whenever the instance's
    ``email_address.verifications`` include it. The link's owner row
    (``email_address:<user>:<email>``) lets ``/v1/verify`` find the address again.
    """
    is_email = isinstance(ident, EmailAddress)
    expected = "email_code" if is_email else "phone_code"
    strategy = params.get("strategy") or expected
    if isinstance(ident, EmailAddress) and strategy == "email_link":
        if strategy not in rt.config.strategies.email_verification:
            raise FapiError.of("verification_strategy_invalid", param="strategy")
        owner = f"{LINK_OWNER}:{user.id}:{ident.id}"
        flow = FactorFlow(rt, tx, client, user, "verification", owner, base_url)
        factor = {"strategy": strategy, "email_address_id": ident.id}
        previous = ident.verification
        ident.verification = _LINKS.prepare(
            flow, factor, params, previous if previous and previous.status == "unverified" else None
        )
        ident.updated_at = rt.now()
        return
    if strategy != expected:
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    address = ident.email_address if isinstance(ident, EmailAddress) else ident.phone_number
    is_test = ids.is_test_email(address) if is_email else ids.is_test_phone(address)
    previous = ident.verification
    ident.verification = sending.send_code(
        rt,
        tx,
        strategy=strategy,
        channel="email" if is_email else "sms",
        address=address,
        is_test=is_test,
        previous=previous if previous and previous.status == "unverified" else None,
        target_id=ident.id,
        purpose="verification",
        client_id=client.id,
    )
    ident.updated_at = rt.now()


def linked_email(tx: Tx, owner_id: str) -> tuple[User, EmailAddress] | None:
    """The user and address an email link's owner row (``<user>:<email>``) names."""
    user_id, _, email_id = owner_id.partition(":")
    user = tx.get(User, user_id)
    email = user.email(email_id) if user else None
    if user is None or email is None:
        return None
    return user, email


def attempt(rt: Runtime, ident: Ident, params: Params) -> None:
    v = ident.verification
    if v is None:
        raise FapiError.of("verification_missing")
    try:
        verification.attempt_code(rt, v, params.get("code"))
    finally:
        ident.updated_at = rt.now()


def remove(rt: Runtime, tx: Tx, user: User, ident: Ident) -> None:
    users.unindex_user(tx, user)
    if isinstance(ident, EmailAddress):
        user.email_addresses = [e for e in user.email_addresses if e.id != ident.id]
        if user.primary_email_address_id == ident.id:
            user.primary_email_address_id = next(
                (e.id for e in user.email_addresses if verification.is_verified(e)), None
            )
    else:
        user.phone_numbers = [p for p in user.phone_numbers if p.id != ident.id]
        if user.primary_phone_number_id == ident.id:
            user.primary_phone_number_id = next(
                (p.id for p in user.phone_numbers if verification.is_verified(p)), None
            )
        if not user.has_second_factor:
            user.backup_codes = []
    users.index_user(tx, user)
    user.updated_at = rt.now()


def update_phone(rt: Runtime, tx: Tx, user: User, phone: PhoneNumber, params: Params) -> None:
    """Reserve (or release) a verified phone as a second factor, or make it the default."""
    reserve = params.get("reserved_for_second_factor")
    default = params.get("default_second_factor")
    if reserve is not None:
        wanted = params.flag("reserved_for_second_factor")
        if wanted and not verification.is_verified(phone):
            raise FapiError.of("verification_missing")
        phone.reserved_for_second_factor = wanted
        if not wanted:
            phone.default_second_factor = False
    if default is not None and params.flag("default_second_factor"):
        if not phone.reserved_for_second_factor:
            raise FapiError.of(
                "form_param_value_invalid", param="default_second_factor", value=default
            )
        for other in user.phone_numbers:
            other.default_second_factor = other.id == phone.id
    phone.updated_at = rt.now()
    user.updated_at = rt.now()
    if user.has_second_factor:
        mfa.mfa_enabled(rt, tx, user)
    elif reserve is not None:
        user.backup_codes = []
        user.mfa_disabled_at = rt.now()


def change_password(rt: Runtime, tx: Tx, user: User, session: Session, params: Params) -> None:
    """``POST /v1/me/change_password``: ``current_password`` is checked when it is sent.

    It is optional (``nullable`` in Clerk's spec) because the endpoint is guarded by
    reverification (``guarded`` in routes/me_security.py) and the environment says so
    (``auth_config.reverification: true``): with that flag, Clerk's own PasswordForm
    (``@clerk/ui`` 1.36.0) shows no current-password field and sends only
    ``new_password``, relying on its UserVerification modal instead. A wrong current
    password, when one is sent, is still refused.
    """
    new = params.get("new_password")
    if new is None:
        raise FapiError.of("form_param_missing", param="new_password")
    current = params.get("current_password")
    if (
        current is not None
        and user.password_hash is not None
        and not passwords.verify_password(current, user.password_hash)
    ):
        raise FapiError.of("form_password_validation_failed", param="current_password")
    passwords.check_policy(new, rt.config.passwords)
    user.password_hash = passwords.hash_password(new, rt.config.passwords.kdf_log_n)
    user.password_updated_at = rt.now()
    user.updated_at = rt.now()
    if params.flag("sign_out_of_other_sessions"):
        sessions.end_other_sessions_of_user(rt, tx, user.id, keep=session.id)


def delete_user(rt: Runtime, tx: Tx, user: User) -> None:
    """``DELETE /v1/me``: the user is gone and every one of their sessions is removed."""
    users.unindex_user(tx, user)
    for s in list(tx.scan(Session)):
        if s.user_id != user.id or s.status not in sessions.ACTIVE:
            continue
        s.status = "removed"
        s.updated_at = rt.now()
        tx.put(s)
        owner = tx.get(Client, s.client_id)
        if owner is not None and owner.last_active_session_id == s.id:
            owner.last_active_session_id = None
            owner.updated_at = rt.now()
    tx.delete(User, user.id)


def user_sessions(rt: Runtime, tx: Tx, user: User, *, active_only: bool) -> list[Session]:
    found = []
    for s in tx.scan(Session):
        if s.user_id != user.id:
            continue
        before = s.status
        sessions.refresh_status(rt, s)
        if s.status != before:
            tx.put(s)
        if active_only and s.status not in sessions.ACTIVE:
            continue
        found.append(s)
    return sorted(found, key=lambda s: (s.created_at, s.id))


def revoke(rt: Runtime, tx: Tx, user: User, session_id: str) -> Session:
    """Revoke one of the user's sessions (on any of their clients)."""
    s = tx.get(Session, session_id)
    if s is None or s.user_id != user.id:
        raise not_found("session", session_id)
    sessions.refresh_status(rt, s)
    if s.status not in sessions.ACTIVE:
        raise FapiError.of("invalid_action_for_session", action="revoke", session_id=s.id)
    s.status = "revoked"
    s.updated_at = rt.now()
    owner = tx.get(Client, s.client_id)
    if owner is not None and owner.last_active_session_id == s.id:
        owner.last_active_session_id = None
        owner.updated_at = rt.now()
    return s
