"""The sign-in state machine.

    (none) --create{}--------------------------> needs_identifier
    (none) --create{identifier}----------------> needs_first_factor
    (none) --create{identifier, password}------> complete | needs_second_factor
    (none) --create{strategy=ticket, ticket}---> complete | needs_second_factor
    (none) --create{strategy=passkey}----------> needs_first_factor (discoverable: the
           assertion's credential names the user; attempt -> complete | needs_second_factor)
    needs_first_factor --prepare/attempt-------> complete | needs_second_factor
    needs_first_factor --attempt reset code----> needs_new_password --reset--> complete | ...
    needs_second_factor --attempt 2nd factor---> complete

Only the client's newest sign-in may be changed (older ones answer 403
``resource_forbidden``), an abandoned one is gone (404), and another client's sign-in
does not exist (404).
"""

from __future__ import annotations

from mock_server.domain import (
    flows,
    identifiers,
    passkeys,
    passwords,
    sessions,
    sso,
    tickets,
    users,
)
from mock_server.domain.factors import first_factors
from mock_server.domain.models import Client, Session, SignIn, User, Verification
from mock_server.errors import FapiError, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies.base import FactorFlow
from mock_server.strategies.registry import FIRST_FACTOR, choose
from mock_server.wire.request import Params

SECOND_FACTOR_STATUSES = frozenset({"needs_second_factor", "needs_client_trust"})


def _flow(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, user: User | None, base_url: str
) -> FactorFlow:
    return FactorFlow(rt, tx, client, user, "sign_in", f"sign_in:{si.id}", base_url)


def _refuse_when_signed_in(rt: Runtime, tx: Tx, client: Client) -> None:
    if rt.config.instance.single_session_mode and client.last_active_session_id:
        raise FapiError.of("session_exists")


def _refuse_when_user_signed_in(rt: Runtime, tx: Tx, client: Client, user: User) -> None:
    """Adding an account that this client is already signed in to is refused, as on Clerk."""
    for sid in client.session_ids:
        other = tx.get(Session, sid)
        if other is None or other.user_id != user.id:
            continue
        if sessions.refresh_status(rt, other).status in sessions.ACTIVE:
            raise FapiError.of(
                "identifier_already_signed_in", param="identifier", meta={"session_id": sid}
            )


def create(rt: Runtime, tx: Tx, client: Client, params: Params, base_url: str) -> SignIn:
    _refuse_when_signed_in(rt, tx, client)
    now = rt.now()
    si = SignIn(
        id=rt.new_id("sia"),
        client_id=client.id,
        created_at=now,
        abandon_at=now + rt.config.sessions.sign_in_ttl_seconds * 1000,
    )
    client.sign_in_id = si.id
    client.updated_at = now
    tx.put(si)
    if sso.create_sign_in(rt, tx, client, si, params, base_url):
        return si
    strategy = params.get("strategy")
    if strategy == "ticket":
        return _with_ticket(rt, tx, client, si, params)
    if strategy is not None and strategy not in FIRST_FACTOR:
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    identifier = params.get("identifier")
    if identifier is None and strategy == "passkey":
        # Discoverable passkey: any credential of this RP; it names its own account.
        si.status = "needs_first_factor"
        si.first_factor_verification = passkeys.request_challenge(rt, [])
        return si
    if identifier is None:
        if strategy is not None or params.has("password"):
            raise FapiError.of("form_param_missing", param="identifier")
        return si
    # Only read here; an attempt made with it (a password) reads it again to change it.
    user = users.find_by_identifier(tx, identifier, view=True)
    if user is None:
        raise FapiError.of("form_identifier_not_found", param="identifier")
    users.check_not_locked(rt, user)
    _refuse_when_user_signed_in(rt, tx, client, user)
    si.identifier = identifiers.normalize(identifiers.classify(identifier), identifier)
    si.user_id = user.id
    si.status = "needs_first_factor"
    if params.has("password") and strategy in (None, "password"):
        attempt = Params(values={"strategy": "password", "password": params.get("password") or ""})
        return attempt_first_factor(rt, tx, client, si, attempt, base_url)
    if strategy is not None and strategy != "password":
        return prepare_first_factor(rt, tx, client, si, params, base_url)
    return si


def _with_ticket(rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params) -> SignIn:
    ticket = tickets.redeem(rt, tx, params.get("ticket"), kind="sign_in")
    user = tx.get(User, ticket.user_id or "")
    if user is None:
        raise FapiError.of("ticket_invalid_code")
    _refuse_when_user_signed_in(rt, tx, client, user)
    si.user_id = user.id
    si.identifier = None
    si.first_factor_verification = Verification(
        status="verified", strategy="ticket", attempts=0, expire_at=ticket.expire_at
    )
    return _after_first_factor(rt, tx, client, si, user, "ticket")


def owned(rt: Runtime, tx: Tx, client: Client | None, sign_in_id: str) -> SignIn:
    """The client's own, live sign-in; anything else does not exist (404)."""
    return flows.owned(rt, tx, client, SignIn, sign_in_id, "sign in")


def mutable(rt: Runtime, tx: Tx, client: Client | None, sign_in_id: str) -> tuple[SignIn, Client]:
    si = owned(rt, tx, client, sign_in_id)
    assert client is not None
    if client.sign_in_id != si.id:
        raise FapiError.of("resource_forbidden")
    return si, client


def _user(tx: Tx, si: SignIn, *, view: bool = False) -> User:
    """The sign-in's user; ``view``: read only (``Tx.view``)."""
    user = (tx.view if view else tx.get)(User, si.user_id or "")
    if user is None:
        # The account went away mid-flow (deleted by an administrator).
        raise FapiError.of("sign_in_identification_or_user_deleted")
    return user


def _require_status(si: SignIn, *allowed: str, action: str) -> None:
    if si.status not in allowed:
        raise FapiError.of(
            "client_state_invalid",
            action=action,
            resolution=f"The sign in is {si.status}.",
        )


def prepare_first_factor(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params, base_url: str
) -> SignIn:
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    if sso.prepare_sign_in(rt, tx, client, si, params, base_url):
        return si
    _require_status(si, "needs_first_factor", action="prepare_first_factor")
    # Preparing sends a code or a challenge: it changes the sign-in, never the user.
    user = _user(tx, si, view=True)
    implementation, factor = choose(
        strategy,
        first_factors(rt.config, user, si.identifier, only=strategy),
        email_address_id=params.get("email_address_id"),
        phone_number_id=params.get("phone_number_id"),
        to_prepare=True,
    )
    si.first_factor_verification = implementation.prepare(
        _flow(rt, tx, client, si, user, base_url), factor, params, si.first_factor_verification
    )
    return si


def attempt_first_factor(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params, base_url: str
) -> SignIn:
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    _require_status(si, "needs_first_factor", action="attempt_first_factor")
    if strategy == "passkey" and si.user_id is None:
        raw = params.get("public_key_credential")
        found = passkeys.authenticate(rt, tx, si.first_factor_verification, raw, None)
        si.user_id = found.id
        return _after_first_factor(rt, tx, client, si, found, strategy)
    user = _user(tx, si)
    offered = first_factors(rt.config, user, si.identifier, only=strategy)
    implementation, _ = choose(strategy, offered)
    verified = implementation.attempt(
        _flow(rt, tx, client, si, user, base_url), si.first_factor_verification, params
    )
    si.first_factor_verification = verified
    if strategy.startswith("reset_password_"):
        si.status = "needs_new_password"
        # clerk-js may send the new password with the code: one request, straight on.
        if params.has("password"):
            return reset_password(rt, tx, client, si, params)
        return si
    return _after_first_factor(rt, tx, client, si, user, strategy)


def _after_first_factor(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, user: User, strategy: str
) -> SignIn:
    if user.has_second_factor:
        si.status = "needs_second_factor"
        return si
    return _complete(rt, tx, client, si, user, strategy)


def _complete(
    rt: Runtime,
    tx: Tx,
    client: Client,
    si: SignIn,
    user: User,
    strategy: str,
    *,
    second_factor: bool = False,
) -> SignIn:
    session = sessions.create(rt, tx, client, user, strategy=strategy, second_factor=second_factor)
    si.status = "complete"
    si.created_session_id = session.id
    return si


def reset_password(rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params) -> SignIn:
    _require_status(si, "needs_new_password", action="reset_password")
    password = params.get("password")
    if password is None:
        raise FapiError.of("form_param_missing", param="password")
    passwords.check_policy(password, rt.config.passwords)
    user = _user(tx, si)
    user.password_hash = passwords.hash_password(password, rt.config.passwords.kdf_log_n)
    user.password_updated_at = rt.now()
    user.updated_at = rt.now()
    if params.flag("sign_out_of_other_sessions"):
        sessions.end_other_sessions_of_user(rt, tx, user.id, keep=None)
    strategy = si.first_factor_verification.strategy if si.first_factor_verification else "password"
    return _after_first_factor(rt, tx, client, si, user, strategy)


def complete_by_link(rt: Runtime, tx: Tx, si: SignIn) -> SignIn:
    """The email link of this sign-in was opened: finish it for its own client."""
    client = tx.get(Client, si.client_id)
    user = _user(tx, si)
    if client is None:
        raise not_found("client", si.client_id)
    if si.first_factor_verification is not None:
        si.first_factor_verification.verified_at_client = client.id
    return _after_first_factor(rt, tx, client, si, user, "email_link")


def _second_flow(rt: Runtime, tx: Tx, client: Client, si: SignIn, base_url: str) -> FactorFlow:
    return _flow(rt, tx, client, si, _user(tx, si), base_url)


def prepare_second_factor(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params, base_url: str
) -> SignIn:
    """Send the code of a code-based second factor (phone_code, email_code)."""
    from mock_server.domain import second_factor
    from mock_server.domain.factors import second_factors

    _require_status(si, "needs_second_factor", action="prepare_second_factor")
    flow = _second_flow(rt, tx, client, si, base_url)
    assert flow.user is not None
    supported = second_factors(rt.config, flow.user)
    si.second_factor_verification = second_factor.prepare(
        flow, supported, params, si.second_factor_verification
    )
    return si


def attempt_second_factor(
    rt: Runtime, tx: Tx, client: Client, si: SignIn, params: Params, base_url: str
) -> SignIn:
    """Prove the second factor (totp, backup_code, or a prepared code) and finish."""
    from mock_server.domain import second_factor
    from mock_server.domain.factors import second_factors

    _require_status(si, "needs_second_factor", action="attempt_second_factor")
    flow = _second_flow(rt, tx, client, si, base_url)
    user = flow.user
    assert user is not None
    strategy = params.get("strategy") or ""
    current = si.second_factor_verification
    if strategy in second_factor.DIRECT:
        current = second_factor.fresh_direct(strategy, current)
        si.second_factor_verification = current
    second_factor.attempt(flow, second_factors(rt.config, user), current, params)
    first = si.first_factor_verification.strategy if si.first_factor_verification else strategy
    return _complete(rt, tx, client, si, user, first, second_factor=True)
