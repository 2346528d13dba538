"""The plain data the store holds.

Entities are slotted dataclasses, not pydantic models. A request reads some hundreds of
their fields and sets a handful. Pydantic's ``BaseModel`` defines ``__getattr__``, which
keeps CPython 3.11 from specializing those reads, and sends every assignment through its
own ``__setattr__``: under cachegrind a read cost ~360 instructions more than a slot's,
an assignment ~2,900 more and a construction ~6,000 more. Dropping that took 18% off a
sign-in flow's requests (``docs/performance.md``, round seven).

Construction no longer validates; mypy checks every call against the typed ``__init__``
instead. Pydantic still validates and serializes entities where they cross an edge
(``domain/codec.py``): the state exports to JSON and imports back (``--state FILE``, the
admin API), the memory store's undo images, a Redis row. They hold facts only; what the
wire shows (masked identifiers, supported factors, nested objects) is derived in
``wire/serialize.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict

# Every model refuses fields it does not have when validated (``domain/codec.py``).
_STRICT_FIELDS = ConfigDict(extra="forbid")
VerificationStatus = Literal["unverified", "verified", "failed", "expired", "transferable"]


class Entity:
    """A row of one table; ``table`` names it in the store.

    Not a dataclass itself: a frozen one (``Pointer``) cannot extend one that is not.
    Each entity declares ``id`` as its first field."""

    __slots__ = ()
    __pydantic_config__ = _STRICT_FIELDS
    table: ClassVar[str]
    id: str


@dataclass(slots=True, kw_only=True)
class Verification:
    """One verification in progress or done: a code, a link, a password check...

    ``secret`` is the code (or link token) to compare against in constant time; it is
    never serialized to the wire. ``attempts`` counts failed tries; at the instance's
    limit the verification turns ``failed`` for good.
    """

    __pydantic_config__ = _STRICT_FIELDS
    status: VerificationStatus = "unverified"
    strategy: str
    attempts: int = 0
    expire_at: int | None = None
    secret: str | None = None
    sent_at: int | None = None
    target_id: str | None = None
    redirect_url: str | None = None
    verified_at_client: str | None = None
    nonce: str | None = None
    message: str | None = None
    external_verification_redirect_url: str | None = None
    error: dict[str, Any] | None = None


@dataclass(slots=True, kw_only=True)
class EmailAddress:
    __pydantic_config__ = _STRICT_FIELDS
    id: str
    email_address: str
    verification: Verification | None = None
    reserved: bool = False
    created_at: int
    updated_at: int


@dataclass(slots=True, kw_only=True)
class PhoneNumber:
    __pydantic_config__ = _STRICT_FIELDS
    id: str
    phone_number: str
    verification: Verification | None = None
    reserved: bool = False
    reserved_for_second_factor: bool = False
    default_second_factor: bool = False
    created_at: int
    updated_at: int


@dataclass(slots=True, kw_only=True)
class ExternalAccount:
    """An OAuth account linked to a user: who the provider says the user is."""

    __pydantic_config__ = _STRICT_FIELDS
    id: str
    provider: str
    provider_user_id: str
    email_address: str
    first_name: str | None = None
    last_name: str | None = None
    approved_scopes: str = ""
    verification: Verification | None = None
    created_at: int
    updated_at: int


@dataclass(slots=True, kw_only=True)
class Web3Wallet:
    """A wallet address the user proved (or is proving) to hold, by signing a message."""

    __pydantic_config__ = _STRICT_FIELDS
    id: str
    web3_wallet: str
    verification: Verification | None = None
    created_at: int
    updated_at: int


@dataclass(slots=True, kw_only=True)
class SamlAccount:
    """A SAML identity (NameID at one connection) linked to a user."""

    __pydantic_config__ = _STRICT_FIELDS
    id: str
    connection_id: str
    provider_user_id: str
    email_address: str
    first_name: str | None = None
    last_name: str | None = None
    verification: Verification | None = None
    last_authenticated_at: int | None = None
    created_at: int
    updated_at: int


@dataclass(slots=True, kw_only=True)
class Passkey:
    """A WebAuthn credential: its id and COSE public key (base64url) and last counter.

    Until the attestation is verified ``credential_id`` is None and the verification
    holds the creation challenge.
    """

    __pydantic_config__ = _STRICT_FIELDS
    id: str
    name: str
    credential_id: str | None = None
    public_key: str | None = None
    sign_count: int = 0
    transports: list[str] = field(default_factory=list)
    verification: Verification | None = None
    last_used_at: int | None = None
    created_at: int
    updated_at: int


@dataclass(slots=True, kw_only=True)
class User(Entity):
    table: ClassVar[str] = "users"
    id: str
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    password_hash: str | None = None
    password_updated_at: int | None = None
    email_addresses: list[EmailAddress] = field(default_factory=list)
    phone_numbers: list[PhoneNumber] = field(default_factory=list)
    primary_email_address_id: str | None = None
    primary_phone_number_id: str | None = None
    totp_secret: str | None = None
    totp_verified: bool = False
    totp_last_used_step: int | None = None
    totp_id: str | None = None
    totp_created_at: int | None = None
    mfa_enabled_at: int | None = None
    mfa_disabled_at: int | None = None
    backup_codes: list[str] = field(default_factory=list)
    web3_wallets: list[Web3Wallet] = field(default_factory=list)
    primary_web3_wallet_id: str | None = None
    passkeys: list[Passkey] = field(default_factory=list)
    public_metadata: dict[str, Any] = field(default_factory=dict)
    unsafe_metadata: dict[str, Any] = field(default_factory=dict)
    failed_attempts: int = 0
    locked_until: int | None = None
    last_sign_in_at: int | None = None
    last_active_at: int | None = None
    # When the user accepted the legal terms at sign-up ([sign_up] legal_consent).
    legal_accepted_at: int | None = None
    created_at: int
    updated_at: int
    external_accounts: list[ExternalAccount] = field(default_factory=list)
    saml_accounts: list[SamlAccount] = field(default_factory=list)

    # Loops, not ``next(generator)``: every answer about a session looks up the user's
    # primary email, and on CPython 3.11 a generator costs a function object and a frame.
    def email(self, id_: str) -> EmailAddress | None:
        for e in self.email_addresses:
            if e.id == id_:
                return e
        return None

    def phone(self, id_: str) -> PhoneNumber | None:
        for p in self.phone_numbers:
            if p.id == id_:
                return p
        return None

    def wallet(self, id_: str) -> Web3Wallet | None:
        for w in self.web3_wallets:
            if w.id == id_:
                return w
        return None

    def passkey(self, id_: str) -> Passkey | None:
        for k in self.passkeys:
            if k.id == id_:
                return k
        return None

    @property
    def has_second_factor(self) -> bool:
        if self.totp_verified or self.backup_codes:
            return True
        # Most users have no phone: no generator made for an empty list.
        return bool(self.phone_numbers) and any(
            p.reserved_for_second_factor for p in self.phone_numbers
        )


SignInStatus = Literal[
    "abandoned",
    "needs_identifier",
    "needs_first_factor",
    "needs_second_factor",
    "needs_client_trust",
    "needs_new_password",
    "needs_protect_check",
    "complete",
]


@dataclass(slots=True, kw_only=True)
class SignIn(Entity):
    table: ClassVar[str] = "sign_ins"
    id: str
    client_id: str
    status: SignInStatus = "needs_identifier"
    identifier: str | None = None
    user_id: str | None = None
    first_factor_verification: Verification | None = None
    second_factor_verification: Verification | None = None
    created_session_id: str | None = None
    created_at: int
    abandon_at: int
    # The identity an OAuth/SAML provider vouched for, kept while it is transferable.
    external_identity: dict[str, Any] | None = None


@dataclass(slots=True, kw_only=True)
class SignUp(Entity):
    table: ClassVar[str] = "sign_ups"
    id: str
    client_id: str
    status: Literal["missing_requirements", "complete", "abandoned"] = "missing_requirements"
    email_address: str | None = None
    phone_number: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    password_hash: str | None = None
    unsafe_metadata: dict[str, Any] = field(default_factory=dict)
    email_address_verification: Verification | None = None
    phone_number_verification: Verification | None = None
    web3_wallet: str | None = None
    web3_wallet_verification: Verification | None = None
    legal_accepted_at: int | None = None
    created_user_id: str | None = None
    created_session_id: str | None = None
    created_at: int
    abandon_at: int
    external_account_verification: Verification | None = None
    external_identity: dict[str, Any] | None = None


SessionStatus = Literal["active", "revoked", "ended", "expired", "removed", "abandoned", "pending"]


@dataclass(slots=True, kw_only=True)
class Grant(Entity):
    """A short-lived, single-use credential of the SSO flows.

    ``kind`` says whose it is: the mock IdP's authorization codes and access tokens,
    the FAPI side's OAuth ``state`` and SAML RelayState, the SAML assertion-id replay
    cache. ``data`` holds what the issuer bound to it.
    """

    table: ClassVar[str] = "grants"
    id: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    expire_at: int
    used: bool = False


@dataclass(slots=True, kw_only=True)
class Session(Entity):
    table: ClassVar[str] = "sessions"
    id: str
    client_id: str
    user_id: str
    status: SessionStatus = "active"
    created_at: int
    updated_at: int
    last_active_at: int
    expire_at: int
    abandon_at: int
    first_factor_verified_at: int | None = None
    second_factor_verified_at: int | None = None
    last_active_organization_id: str | None = None
    reverification: dict[str, Any] | None = None
    last_active_token: str | None = None
    tasks: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Client(Entity):
    table: ClassVar[str] = "clients"
    id: str
    sign_in_id: str | None = None
    sign_up_id: str | None = None
    session_ids: list[str] = field(default_factory=list)
    last_active_session_id: str | None = None
    last_authentication_strategy: str | None = None
    created_at: int
    updated_at: int
    cookie_expires_at: int | None = None


@dataclass(slots=True, kw_only=True)
class OutboxMessage(Entity):
    """An email or SMS the mock "sent": what a developer reads instead of an inbox."""

    table: ClassVar[str] = "outbox"
    id: str
    channel: Literal["email", "sms"]
    to: str
    purpose: str
    subject: str
    body: str
    code: str | None = None
    link: str | None = None
    sent_at: int
    client_id: str | None = None
    # When the code or link stops working (the inbox page greys it out after that).
    expire_at: int | None = None


@dataclass(slots=True, kw_only=True)
class Ticket(Entity):
    """A sign-in token or invitation: ``id`` is the opaque ticket string itself."""

    table: ClassVar[str] = "tickets"
    id: str
    kind: Literal["sign_in", "invitation"]
    user_id: str | None = None
    email_address: str | None = None
    expire_at: int
    used: bool = False


@dataclass(slots=True, kw_only=True, frozen=True)
class Pointer(Entity):
    """An index row: ``id`` is the key (a token, an identifier), ``target`` the id it names.

    Frozen: a pointer is replaced, never changed, so the memory store needs no undo image
    of one (a request resolves two or three)."""

    table: ClassVar[str] = "pointers"
    id: str
    kind: str
    target: str
    expire_at: int | None = None


ENTITY_TYPES: tuple[type[Entity], ...] = (
    User,
    SignIn,
    SignUp,
    Session,
    Client,
    OutboxMessage,
    Ticket,
    Pointer,
    Grant,
)
TABLES: dict[str, type[Entity]] = {t.table: t for t in ENTITY_TYPES}
