"""What an SSO provider's word does to accounts: find, link, create, transfer.

An *identity* is what an OAuth provider or a SAML IdP vouched for, after its signature
was checked: ``{kind, strategy, provider, provider_user_id, email, first_name,
last_name, ...}``. The same identity always finds the same user (an index row per
provider account); failing that, a user whose *verified* email it is (Clerk links by
verified email); failing that, nobody, and the flow becomes ``transferable`` so
``POST /v1/client/sign_ups {transfer: true}`` can create the account.
"""

from __future__ import annotations

from typing import Any

from mock_server.domain import identifiers, sessions, sign_up_rules, users
from mock_server.domain.models import (
    Client,
    ExternalAccount,
    SamlAccount,
    Session,
    SignIn,
    SignUp,
    User,
    Verification,
)
from mock_server.domain.verification import is_verified
from mock_server.errors import FapiError, error_item
from mock_server.runtime import Runtime
from mock_server.store.base import Tx, point, resolve

INDEX = "sso_identity"

Identity = dict[str, Any]


def _key(identity: Identity) -> str:
    return f"{identity['kind']}:{identity['provider']}:{identity['provider_user_id']}"


def email_verification(identity: Identity) -> Verification:
    """How an email that came from a provider counts as verified."""
    if identity["kind"] == "saml":
        return Verification(status="verified", strategy="saml", attempts=0)
    return Verification(status="verified", strategy=f"from_{identity['provider']}")


def find_user(tx: Tx, identity: Identity) -> User | None:
    user_id = resolve(tx, INDEX, _key(identity))
    if user_id:
        return tx.get(User, user_id)
    email = identity.get("email")
    user = users.find_by_identifier(tx, email) if email else None
    if user is None:
        return None
    wanted = identifiers.normalize_email(str(email))
    for e in user.email_addresses:
        if e.email_address == wanted and is_verified(e):
            return user
    return None


def link(rt: Runtime, tx: Tx, user: User, identity: Identity, strategy: str) -> None:
    """Attach the provider account to ``user`` (once) and index it."""
    now = rt.now()
    verified = Verification(status="verified", strategy=strategy, attempts=0)
    if identity["kind"] == "saml":
        account = next(
            (
                a
                for a in user.saml_accounts
                if a.connection_id == identity["provider"]
                and a.provider_user_id == identity["provider_user_id"]
            ),
            None,
        )
        if account is None:
            account = SamlAccount(
                id=rt.new_id("samlacc"),
                connection_id=identity["provider"],
                provider_user_id=identity["provider_user_id"],
                email_address=identity["email"],
                first_name=identity.get("first_name"),
                last_name=identity.get("last_name"),
                verification=verified,
                created_at=now,
                updated_at=now,
            )
            user.saml_accounts.append(account)
        account.last_authenticated_at = now
        account.updated_at = now
    elif not any(
        a.provider == identity["provider"] and a.provider_user_id == identity["provider_user_id"]
        for a in user.external_accounts
    ):
        user.external_accounts.append(
            ExternalAccount(
                id=rt.new_id("eac"),
                provider=identity["provider"],
                provider_user_id=identity["provider_user_id"],
                email_address=identity["email"],
                first_name=identity.get("first_name"),
                last_name=identity.get("last_name"),
                approved_scopes=identity.get("scope", ""),
                verification=Verification(
                    status="verified",
                    strategy=strategy,
                    attempts=0,
                    expire_at=now + rt.config.oauth.verification_ttl_seconds * 1000,
                ),
                created_at=now,
                updated_at=now,
            )
        )
    user.updated_at = now
    tx.put(user)
    point(tx, INDEX, _key(identity), user.id)


def conclude_sign_in(rt: Runtime, tx: Tx, si: SignIn, identity: Identity) -> None:
    """The provider vouched for ``identity``: finish the sign-in, or make it transferable."""
    from mock_server.domain import sign_in

    v = si.first_factor_verification
    assert v is not None
    user = find_user(tx, identity)
    if user is None:
        v.status = "transferable"
        si.external_identity = identity
        return
    client = tx.get(Client, si.client_id)
    if client is None:
        raise FapiError.of("client_not_found")
    users.check_not_locked(rt, user)
    signed_in = _active_session_of(rt, tx, client, user.id)
    if signed_in is not None:
        # clerk-js switches to this session (error.meta.session_id) instead.
        v.status = "failed"
        v.error = error_item(
            "identifier_already_signed_in", meta={"session_id": signed_in}
        ).to_wire()
        return
    link(rt, tx, user, identity, v.strategy)
    v.status = "verified"
    si.user_id = user.id
    si.identifier = si.identifier or identity.get("email")
    si.external_identity = None
    sign_in._after_first_factor(rt, tx, client, si, user, v.strategy)


def conclude_sign_up(rt: Runtime, tx: Tx, su: SignUp, identity: Identity) -> bool:
    """A sign-up's provider flow came back: create the account, or, when the identity
    already has one, make the external account ``transferable`` to a sign-in."""
    v = su.external_account_verification
    assert v is not None
    client = tx.get(Client, su.client_id)
    if client is None:
        raise FapiError.of("client_not_found")
    if find_user(tx, identity) is not None:
        v.status = "transferable"
        v.error = error_item("external_account_exists").to_wire()
        su.external_identity = identity
        return False
    adopt_identity(su, identity, v.strategy)
    settle_sign_up(rt, tx, client, su)
    return su.status == "complete"


def transfer_to_sign_in(rt: Runtime, tx: Tx, client: Client, si: SignIn) -> None:
    """``sign_ins {transfer: true}``: sign in the account a sign-up's provider found."""
    from mock_server.domain import sign_in

    su = tx.get(SignUp, client.sign_up_id) if client.sign_up_id else None
    v = su.external_account_verification if su else None
    if su is None or v is None or v.status != "transferable" or not su.external_identity:
        raise FapiError.of("account_transfer_invalid")
    identity = su.external_identity
    user = find_user(tx, identity)
    if user is None:
        raise FapiError.of("account_transfer_invalid")
    users.check_not_locked(rt, user)
    link(rt, tx, user, identity, v.strategy)
    si.first_factor_verification = Verification(
        status="verified", strategy=v.strategy, attempts=0, expire_at=v.expire_at
    )
    si.user_id = user.id
    si.identifier = identity.get("email")
    si.status = "needs_first_factor"
    su.external_identity = None
    sign_in._after_first_factor(rt, tx, client, si, user, v.strategy)


def _active_session_of(rt: Runtime, tx: Tx, client: Client, user_id: str) -> str | None:
    for session_id in client.session_ids:
        session = tx.get(Session, session_id)
        if (
            session is not None
            and session.user_id == user_id
            and sessions.refresh_status(rt, session).status in sessions.ACTIVE
        ):
            return session.id
    return None


def transfer_to_sign_up(rt: Runtime, tx: Tx, client: Client, su: SignUp) -> None:
    """``sign_ups {transfer: true}``: start the sign-up from the transferable sign-in."""
    si = tx.get(SignIn, client.sign_in_id) if client.sign_in_id else None
    v = si.first_factor_verification if si else None
    if si is None or v is None or v.status != "transferable" or not si.external_identity:
        raise FapiError.of("account_transfer_invalid")
    identity = si.external_identity
    adopt_identity(su, identity, v.strategy)
    si.external_identity = None


def adopt_identity(su: SignUp, identity: Identity, strategy: str) -> None:
    su.email_address = identifiers.normalize_email(identity["email"])
    su.email_address_verification = email_verification(identity)
    su.first_name = su.first_name or identity.get("first_name") or None
    su.last_name = su.last_name or identity.get("last_name") or None
    su.external_account_verification = Verification(
        status="verified", strategy=strategy, attempts=0
    )
    su.external_identity = identity


def settle_sign_up(rt: Runtime, tx: Tx, client: Client, su: SignUp) -> SignUp:
    """Complete an SSO sign-up once nothing else is missing (a password is not needed:
    the provider is the credential)."""
    if su.status != "missing_requirements" or su.external_identity is None:
        return su
    fields = sign_up_rules.fields(rt.config, su)
    if [f for f in fields.missing if f != "password"] or fields.unverified:
        return su
    identity = su.external_identity
    if users.identifier_taken(tx, "email_address", identity["email"]):
        raise FapiError.of(
            "identification_claimed"
            if identity["kind"] == "saml"
            else "oauth_identification_claimed"
        )
    user = users.create_user(
        rt,
        tx,
        emails=[(identity["email"], email_verification(identity))],
        phones=[(su.phone_number, su.phone_number_verification)]
        if su.phone_number and su.phone_number_verification
        else [],
        username=su.username,
        password_hash=su.password_hash,
        first_name=su.first_name,
        last_name=su.last_name,
        unsafe_metadata=dict(su.unsafe_metadata),
        legal_accepted_at=su.legal_accepted_at,
    )
    strategy = (
        su.external_account_verification.strategy
        if su.external_account_verification
        else identity["strategy"]
    )
    link(rt, tx, user, identity, strategy)
    session = sessions.create(rt, tx, client, user, strategy=strategy)
    su.status = "complete"
    su.created_user_id = user.id
    su.created_session_id = session.id
    return su


def start_connect(rt: Runtime, tx: Tx, user: User, verification: Verification) -> ExternalAccount:
    """``POST /v1/me/external_accounts``: a pending account, verified by the callback."""
    now = rt.now()
    provider = verification.strategy.replace("oauth_token_", "oauth_")
    account = ExternalAccount(
        id=rt.new_id("eac"),
        provider=provider,
        provider_user_id="",
        email_address="",
        verification=verification,
        created_at=now,
        updated_at=now,
    )
    user.external_accounts.append(account)
    user.updated_at = now
    tx.put(user)
    return account


def conclude_connect(
    rt: Runtime, tx: Tx, user: User, account: ExternalAccount, identity: Identity
) -> bool:
    """The provider vouched for ``identity``: it becomes ``account`` of ``user`` (True),
    unless another user has it already (False, the verification failed)."""
    v = account.verification
    assert v is not None
    owner = resolve(tx, INDEX, _key(identity))
    if owner is not None and owner != user.id:
        v.status = "failed"
        v.error = error_item("external_account_exists").to_wire()
        tx.put(user)
        return False
    if owner == user.id:
        user.external_accounts = [
            a
            for a in user.external_accounts
            if a.id == account.id
            or not (
                a.provider == identity["provider"]
                and a.provider_user_id == identity["provider_user_id"]
            )
        ]
    account.provider_user_id = identity["provider_user_id"]
    account.email_address = identity["email"]
    account.first_name = identity.get("first_name")
    account.last_name = identity.get("last_name")
    account.approved_scopes = identity.get("scope", "")
    account.updated_at = rt.now()
    v.status = "verified"
    user.updated_at = rt.now()
    tx.put(user)
    point(tx, INDEX, _key(identity), user.id)
    return True
