"""The sign-up state machine: ``missing_requirements`` until every required field is
given and every given identification verified, then ``complete`` (a user and an
active session are created in the same unit of work).
"""

from __future__ import annotations

from typing import Any

from mock_server.domain import (
    flows,
    passwords,
    sending,
    sessions,
    sign_up_rules,
    sso,
    sso_accounts,
    tickets,
    users,
    wallets,
    web3,
)
from mock_server.domain import identifiers as ids
from mock_server.domain.models import Client, SignUp, Verification
from mock_server.errors import ErrorItem, FapiError, error_item, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies.base import FactorFlow
from mock_server.strategies.codes import CodeStrategy
from mock_server.strategies.email_link import EmailLinkStrategy
from mock_server.wire.request import Params

_CODES = CodeStrategy()
_LINKS = EmailLinkStrategy()
_EDITABLE = ("email_address", "phone_number", "username", "first_name", "last_name")
# Strategies a sign-up can be created with here (createSignUps lists more: the OAuth,
# SAML and web3 families arrive with their strategy modules).
SIGN_UP_STRATEGIES = frozenset({"email_code", "email_link", "phone_code", "ticket"})


def create(rt: Runtime, tx: Tx, client: Client, params: Params, base_url: str) -> SignUp:
    if rt.config.instance.single_session_mode and client.last_active_session_id:
        raise FapiError.of("session_exists")
    _check_mode(rt, params)
    now = rt.now()
    su = SignUp(
        id=rt.new_id("sua"),
        client_id=client.id,
        created_at=now,
        abandon_at=now + rt.config.sessions.sign_in_ttl_seconds * 1000,
    )
    client.sign_up_id = su.id
    client.updated_at = now
    tx.put(su)
    if sso.create_sign_up(rt, tx, client, su, params, base_url):
        return su
    strategy = params.get("strategy")
    if strategy is not None and strategy not in SIGN_UP_STRATEGIES:
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    if strategy == "ticket" or params.has("ticket"):
        ticket = tickets.redeem(rt, tx, params.get("ticket"), kind="sign_up")
        if ticket.email_address:
            su.email_address = ids.normalize_email(ticket.email_address)
            su.email_address_verification = Verification(
                status="verified", strategy="ticket", attempts=0, expire_at=ticket.expire_at
            )
    _apply(rt, tx, su, params)
    return _settle(rt, tx, client, su)


def _check_mode(rt: Runtime, params: Params) -> None:
    """A restricted instance lets only invitations start a sign-up.

    Every sign-up starts here, OAuth, SAML, wallet and transfer alike, so this one check
    covers them all; the invitation itself is redeemed (and checked) below.
    """
    if rt.config.sign_up.mode == "public":
        return
    if params.get("strategy") == "ticket" or params.has("ticket"):
        return
    raise FapiError.of("sign_up_mode_restricted")


def update(
    rt: Runtime, tx: Tx, client: Client, su: SignUp, params: Params, base_url: str = ""
) -> SignUp:
    _apply(rt, tx, su, params)
    # clerk-js continues a sign-up with an SSO provider by updating it with the strategy.
    if base_url and sso.prepare_sign_up(rt, tx, client, su, params, base_url):
        return su
    return _settle(rt, tx, client, su)


def owned(rt: Runtime, tx: Tx, client: Client | None, sign_up_id: str) -> SignUp:
    """The client's own, live sign-up; anything else does not exist (404)."""
    return flows.owned(rt, tx, client, SignUp, sign_up_id, "sign up")


def mutable(rt: Runtime, tx: Tx, client: Client | None, sign_up_id: str) -> tuple[SignUp, Client]:
    su = owned(rt, tx, client, sign_up_id)
    assert client is not None
    if client.sign_up_id != su.id:
        raise FapiError.of("resource_forbidden")
    if su.status == "complete":
        raise FapiError.of(
            "client_state_invalid", action="update", resolution="The sign up is already complete."
        )
    return su, client


def _apply(rt: Runtime, tx: Tx, su: SignUp, params: Params) -> None:
    """Validate and set every given field; all problems are reported at once."""
    errors: list[ErrorItem] = []
    attrs = rt.config.attributes
    combined = params.get("email_address_or_phone_number")
    values: dict[str, Any] = {name: params.get(name) for name in _EDITABLE}
    if combined and not values["email_address"] and not values["phone_number"]:
        key = "email_address" if "@" in combined else "phone_number"
        values[key] = combined
    for name in _EDITABLE:
        value = values[name]
        if value is None:
            continue
        if getattr(attrs, name) == "off":
            errors.append(error_item("form_param_unknown", param=name))
            continue
        problem = identifier_problem(rt, tx, name, value)
        if problem is not None:
            errors.append(problem)
            continue
        _set(su, name, value)
    password = params.get("password")
    if password is not None:
        if attrs.password == "off":
            errors.append(error_item("form_param_unknown", param="password"))
        else:
            policy = passwords.policy_errors(password, rt.config.passwords)
            if policy:
                errors.extend(policy)
            else:
                su.password_hash = passwords.hash_password(password, rt.config.passwords.kdf_log_n)
    wallet_problem = wallets.apply_sign_up(rt, tx, su, params.get("web3_wallet"))
    if wallet_problem is not None:
        errors.append(wallet_problem)
    metadata = params.json_object("unsafe_metadata")
    if metadata is not None:
        su.unsafe_metadata = metadata
    if params.flag("legal_accepted"):
        su.legal_accepted_at = rt.now()
    if errors:
        raise FapiError(422, errors)


def identifier_problem(rt: Runtime, tx: Tx, name: str, value: str) -> ErrorItem | None:
    """What is wrong with ``value`` for an email, phone or username field: its format, the
    instance's username rules, or another account holding it; None when nothing is."""
    if name == "email_address":
        if not ids.is_email(value):
            return error_item("form_param_format_invalid", param=name)
        if users.identifier_taken(tx, "email_address", value):
            return error_item("form_identifier_exists", param=name)
    elif name == "phone_number":
        if not ids.is_phone(value):
            return error_item("form_param_format_invalid", param=name)
        if users.identifier_taken(tx, "phone_number", value):
            return error_item("form_identifier_exists", param=name)
    elif name == "username":
        rules = rt.config.usernames
        if not rules.min_length <= len(value) <= rules.max_length:
            return error_item(
                "form_username_invalid_length",
                param=name,
                min=rules.min_length,
                max=rules.max_length,
            )
        if not ids.is_username(value) or value.isdigit():
            return error_item("form_username_invalid_character", param=name)
        if users.identifier_taken(tx, "username", value):
            return error_item("form_identifier_exists", param=name)
    return None


def _set(su: SignUp, name: str, value: str) -> None:
    if name == "email_address":
        value = ids.normalize_email(value)
        if value != su.email_address:
            su.email_address_verification = None
    elif name == "phone_number":
        value = ids.normalize_phone(value)
        if value != su.phone_number:
            su.phone_number_verification = None
    setattr(su, name, value)


def _flow(rt: Runtime, tx: Tx, client: Client, su: SignUp, base_url: str) -> FactorFlow:
    return FactorFlow(rt, tx, client, None, "sign_up", f"sign_up:{su.id}", base_url)


def prepare_verification(
    rt: Runtime, tx: Tx, client: Client, su: SignUp, params: Params, base_url: str
) -> SignUp:
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    if sso.prepare_sign_up(rt, tx, client, su, params, base_url):
        return su
    flow = _flow(rt, tx, client, su, base_url)
    if strategy in ("email_code", "email_link"):
        if su.email_address is None or strategy not in rt.config.strategies.email_verification:
            raise FapiError.of("verification_strategy_invalid", param="strategy")
        factor = {"strategy": strategy, "email_address": su.email_address}
        previous = su.email_address_verification
        if strategy == "email_link":
            su.email_address_verification = _LINKS.prepare(flow, factor, params, previous)
        else:
            su.email_address_verification = _send_code(
                flow, strategy, su.email_address, ids.is_test_email(su.email_address), previous
            )
    elif strategy == "phone_code":
        if su.phone_number is None:
            raise FapiError.of("verification_strategy_invalid", param="strategy")
        su.phone_number_verification = _send_code(
            flow,
            strategy,
            su.phone_number,
            ids.is_test_phone(su.phone_number),
            su.phone_number_verification,
        )
    elif strategy in web3.STRATEGIES:
        wallets.prepare_sign_up(rt, su, strategy)
    else:
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    return su


def _send_code(
    flow: FactorFlow, strategy: str, address: str, is_test: bool, previous: Verification | None
) -> Verification:
    return sending.send_code(
        flow.rt,
        flow.tx,
        strategy=strategy,
        channel="email" if strategy == "email_code" else "sms",
        address=address,
        is_test=is_test,
        previous=previous,
        target_id=None,
        purpose="sign_up",
        client_id=flow.client.id,
    )


def attempt_verification(
    rt: Runtime, tx: Tx, client: Client, su: SignUp, params: Params, base_url: str
) -> SignUp:
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    if strategy in web3.STRATEGIES:
        wallets.attempt_sign_up(rt, su, strategy, params.get("signature"))
        return _settle(rt, tx, client, su)
    if strategy == "email_code":
        current = su.email_address_verification
    elif strategy == "phone_code":
        current = su.phone_number_verification
    else:
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    _CODES.attempt(_flow(rt, tx, client, su, base_url), current, params)
    return _settle(rt, tx, client, su)


def verify_link(rt: Runtime, tx: Tx, su: SignUp) -> SignUp:
    client = tx.get(Client, su.client_id)
    if client is None:
        raise not_found("client", su.client_id)
    if su.email_address_verification is not None:
        su.email_address_verification.verified_at_client = client.id
    return _settle(rt, tx, client, su)


def _settle(rt: Runtime, tx: Tx, client: Client, su: SignUp) -> SignUp:
    """Complete the sign-up when nothing is missing: create the user and a session."""
    if su.external_identity is not None:
        return sso_accounts.settle_sign_up(rt, tx, client, su)
    if su.status != "missing_requirements" or not sign_up_rules.is_complete(rt.config, su):
        return su
    emails = [(su.email_address, su.email_address_verification)] if su.email_address else []
    phones = [(su.phone_number, su.phone_number_verification)] if su.phone_number else []
    user = users.create_user(
        rt,
        tx,
        emails=[(e, v) for e, v in emails if v is not None],
        phones=[(p, v) for p, v in phones if v is not None],
        username=su.username,
        password_hash=su.password_hash,
        first_name=su.first_name,
        last_name=su.last_name,
        unsafe_metadata=dict(su.unsafe_metadata),
        legal_accepted_at=su.legal_accepted_at,
    )
    wallets.attach_sign_up_wallet(rt, tx, su, user)
    strategy = (
        su.web3_wallet_verification.strategy
        if su.web3_wallet_verification and not su.email_address_verification
        else su.email_address_verification.strategy
        if su.email_address_verification
        else su.phone_number_verification.strategy
        if su.phone_number_verification
        else "password"
    )
    session = sessions.create(rt, tx, client, user, strategy=strategy)
    su.status = "complete"
    su.created_user_id = user.id
    su.created_session_id = session.id
    return su
