"""Accounts: lookup by identifier, creation, uniqueness, lockout.

Identifiers are indexed (``identifier:<kind>:<normalized value>`` -> user id) so lookup
is one read and uniqueness one check, in the memory store and in any shared store.
"""

from __future__ import annotations

from mock_server.domain import identifiers as ids
from mock_server.domain.models import EmailAddress, PhoneNumber, User, Verification
from mock_server.errors import FapiError
from mock_server.runtime import Runtime
from mock_server.store.base import Tx, point, resolve, unpoint

INDEX = "identifier"


def _key(kind: ids.IdentifierKind, value: str) -> str:
    return f"{kind}:{ids.normalize(kind, value)}"


def find_by_identifier(tx: Tx, value: str, *, view: bool = False) -> User | None:
    """The user an identifier names; ``view``: a caller that will not change it
    (``Tx.view``)."""
    kind = ids.classify(value)
    user_id = resolve(tx, INDEX, _key(kind, value))
    if user_id is None and kind in ("phone_number", "web3_wallet"):
        # "12345" style usernames are not allowed by default, but a username that
        # merely looks phone-like is still worth a second look.
        user_id = resolve(tx, INDEX, _key("username", value))
    if not user_id:
        return None
    return tx.view(User, user_id) if view else tx.get(User, user_id)


def identifier_taken(tx: Tx, kind: ids.IdentifierKind, value: str) -> bool:
    return resolve(tx, INDEX, _key(kind, value)) is not None


def index_user(tx: Tx, user: User) -> None:
    for e in user.email_addresses:
        point(tx, INDEX, _key("email_address", e.email_address), user.id)
    for p in user.phone_numbers:
        point(tx, INDEX, _key("phone_number", p.phone_number), user.id)
    if user.username:
        point(tx, INDEX, _key("username", user.username), user.id)


def unindex_user(tx: Tx, user: User) -> None:
    for e in user.email_addresses:
        unpoint(tx, INDEX, _key("email_address", e.email_address))
    for p in user.phone_numbers:
        unpoint(tx, INDEX, _key("phone_number", p.phone_number))
    if user.username:
        unpoint(tx, INDEX, _key("username", user.username))
    for w in user.web3_wallets:
        if resolve(tx, INDEX, _key("web3_wallet", w.web3_wallet)) == user.id:
            unpoint(tx, INDEX, _key("web3_wallet", w.web3_wallet))


def admin_verified() -> Verification:
    """How identifications created by an administrator (seeding) are verified."""
    return Verification(status="verified", strategy="admin", attempts=0)


def create_user(
    rt: Runtime,
    tx: Tx,
    *,
    emails: list[tuple[str, Verification]] | None = None,
    phones: list[tuple[str, Verification]] | None = None,
    username: str | None = None,
    password_hash: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    unsafe_metadata: dict[str, object] | None = None,
    public_metadata: dict[str, object] | None = None,
    legal_accepted_at: int | None = None,
) -> User:
    """A new account with the given (verified) identifications; refuses taken ones."""
    now = rt.now()
    emails = emails or []
    phones = phones or []
    for email, _ in emails:
        if identifier_taken(tx, "email_address", email):
            raise FapiError.of("form_identifier_exists", param="email_address")
    for phone, _ in phones:
        if identifier_taken(tx, "phone_number", phone):
            raise FapiError.of("form_identifier_exists", param="phone_number")
    if username and identifier_taken(tx, "username", username):
        raise FapiError.of("form_identifier_exists", param="username")
    user = User(
        id=rt.new_id("user"),
        username=username.strip().lower() if username else None,
        first_name=first_name,
        last_name=last_name,
        password_hash=password_hash,
        password_updated_at=now if password_hash else None,
        email_addresses=[
            EmailAddress(
                id=rt.new_id("idn"),
                email_address=ids.normalize_email(email),
                verification=verification,
                created_at=now,
                updated_at=now,
            )
            for email, verification in emails
        ],
        phone_numbers=[
            PhoneNumber(
                id=rt.new_id("idn"),
                phone_number=ids.normalize_phone(phone),
                verification=verification,
                created_at=now,
                updated_at=now,
            )
            for phone, verification in phones
        ],
        unsafe_metadata=dict(unsafe_metadata or {}),
        public_metadata=dict(public_metadata or {}),
        legal_accepted_at=legal_accepted_at,
        created_at=now,
        updated_at=now,
    )
    user.primary_email_address_id = user.email_addresses[0].id if user.email_addresses else None
    user.primary_phone_number_id = user.phone_numbers[0].id if user.phone_numbers else None
    tx.put(user)
    index_user(tx, user)
    return user


def check_not_locked(rt: Runtime, user: User) -> None:
    if user.locked_until is not None and user.locked_until > rt.now():
        remaining = (user.locked_until - rt.now()) // 1000
        raise FapiError.of(
            "user_locked",
            minutes=max(1, -(-remaining // 60)),
            meta={"lockout_expires_in_seconds": int(remaining)},
        )


def record_failure(rt: Runtime, user: User) -> None:
    """Count a failed credential; lock the account at the instance's limit."""
    lockout = rt.config.lockout
    if not lockout.enabled:
        return
    user.failed_attempts += 1
    if user.failed_attempts >= lockout.max_attempts:
        user.locked_until = rt.now() + lockout.duration_minutes * 60_000
        user.failed_attempts = 0


def record_success(user: User) -> None:
    user.failed_attempts = 0
