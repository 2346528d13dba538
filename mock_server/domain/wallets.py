"""A user's web3 wallets: add, prove, remove, and the sign-up that starts from one.

A wallet is an identifier like an email address: once verified it is indexed
(``identifier:web3_wallet:<address>``) so ``sign_ins {identifier: 0x...}`` finds its
user, and it is unique across users. Only verified wallets are indexed and offered as
first factors; an unverified one proves nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mock_server.config import Config
from mock_server.domain import users, web3
from mock_server.domain.models import SignUp, User, Web3Wallet
from mock_server.domain.verification import is_verified
from mock_server.errors import ErrorItem, FapiError, error_item, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx, point, resolve, unpoint
from mock_server.wire.request import Params

INDEX = "identifier"
FORMAT_HINT = "starts with 0x and contains 40 hexadecimal characters"


def _key(address: str) -> str:
    return f"web3_wallet:{web3.normalize(address)}"


def owner_of(tx: Tx, address: str) -> str | None:
    return resolve(tx, INDEX, _key(address))


def index(tx: Tx, wallet: Web3Wallet, user_id: str) -> None:
    point(tx, INDEX, _key(wallet.web3_wallet), user_id)


def unindex(tx: Tx, wallet: Web3Wallet) -> None:
    unpoint(tx, INDEX, _key(wallet.web3_wallet))


def first_factors(config: Config, user: User) -> list[dict[str, Any]]:
    """One factor per (verified wallet, enabled strategy that can sign for it)."""
    out: list[dict[str, Any]] = []
    for wallet in user.web3_wallets:
        if not is_verified(wallet):
            continue
        for strategy in web3.enabled_strategies(config, wallet.web3_wallet):
            out.append(
                {
                    "strategy": strategy,
                    "web3_wallet_id": wallet.id,
                    "primary": wallet.id == user.primary_web3_wallet_id,
                }
            )
    return out


def check_address(rt: Runtime, tx: Tx, address: str, param: str) -> ErrorItem | None:
    """The problem with a wallet address a client sent, if any (Clerk's 422s)."""
    if not rt.config.web3.enabled:
        return error_item("form_param_unknown", param=param)
    if web3.kind_of(address.strip()) is None:
        return error_item("form_param_format_invalid", param=param, hint=FORMAT_HINT)
    if owner_of(tx, address) is not None:
        return error_item("form_identifier_exists", param=param)
    return None


def _raise(problem: ErrorItem | None) -> None:
    if problem is not None:
        raise FapiError(422, [problem])


# -- /v1/me/web3_wallets -------------------------------------------------------------


def add(rt: Runtime, tx: Tx, user: User, address: str | None) -> Web3Wallet:
    if not address:
        raise FapiError.of("form_param_missing", param="web3_wallet")
    _raise(check_address(rt, tx, address, "web3_wallet"))
    if any(web3.normalize(w.web3_wallet) == web3.normalize(address) for w in user.web3_wallets):
        raise FapiError.of("form_identifier_exists", param="web3_wallet")
    now = rt.now()
    wallet = Web3Wallet(
        id=rt.new_id("idn"), web3_wallet=address.strip(), created_at=now, updated_at=now
    )
    user.web3_wallets.append(wallet)
    user.updated_at = now
    return wallet


def add_verified(rt: Runtime, tx: Tx, user: User, address: str) -> Web3Wallet:
    """A wallet an administrator vouches for (seeding): verified, indexed, primary if first."""
    wallet = add(rt, tx, user, address)
    wallet.verification = users.admin_verified()
    index(tx, wallet, user.id)
    if user.primary_web3_wallet_id is None:
        user.primary_web3_wallet_id = wallet.id
    return wallet


def owned(user: User, wallet_id: str) -> Web3Wallet:
    wallet = user.wallet(wallet_id)
    if wallet is None:
        raise not_found("web3 wallet", wallet_id)
    return wallet


def prepare(rt: Runtime, wallet: Web3Wallet, strategy: str | None) -> Web3Wallet:
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    if strategy not in web3.enabled_strategies(rt.config, wallet.web3_wallet):
        raise FapiError.of("form_param_value_invalid", param="strategy", value=strategy)
    if is_verified(wallet):
        raise FapiError.of("verification_already_verified")
    wallet.verification = web3.issue(rt, strategy, wallet.web3_wallet)
    wallet.updated_at = rt.now()
    return wallet


def attempt(rt: Runtime, tx: Tx, user: User, wallet: Web3Wallet, params: Params) -> Web3Wallet:
    current = wallet.verification
    strategy = params.get("strategy") or (current.strategy if current else None)
    web3.attempt(rt, current, strategy or "", params.get("signature"))
    owner = owner_of(tx, wallet.web3_wallet)
    if owner is not None and owner != user.id:
        raise FapiError.of("form_identifier_exists", param="web3_wallet")
    index(tx, wallet, user.id)
    if user.primary_web3_wallet_id is None:
        user.primary_web3_wallet_id = wallet.id
    wallet.updated_at = user.updated_at = rt.now()
    return wallet


def remove(rt: Runtime, tx: Tx, user: User, wallet: Web3Wallet) -> None:
    if is_verified(wallet) and owner_of(tx, wallet.web3_wallet) == user.id:
        unindex(tx, wallet)
    user.web3_wallets = [w for w in user.web3_wallets if w.id != wallet.id]
    if user.primary_web3_wallet_id == wallet.id:
        rest = [w for w in user.web3_wallets if is_verified(w)]
        user.primary_web3_wallet_id = rest[0].id if rest else None
    user.updated_at = rt.now()


# -- sign-up ---------------------------------------------------------------------------


def apply_sign_up(rt: Runtime, tx: Tx, su: SignUp, address: str | None) -> ErrorItem | None:
    """Set the sign-up's ``web3_wallet`` (a changed address needs a new signature)."""
    if address is None:
        return None
    problem = check_address(rt, tx, address, "web3_wallet")
    if problem is not None:
        return problem
    address = address.strip()
    if su.web3_wallet is None or web3.normalize(su.web3_wallet) != web3.normalize(address):
        su.web3_wallet_verification = None
    su.web3_wallet = address
    return None


def prepare_sign_up(rt: Runtime, su: SignUp, strategy: str) -> None:
    if su.web3_wallet is None or strategy not in web3.enabled_strategies(rt.config, su.web3_wallet):
        raise FapiError.of("verification_strategy_invalid", param="strategy")
    su.web3_wallet_verification = web3.issue(rt, strategy, su.web3_wallet)


def attempt_sign_up(rt: Runtime, su: SignUp, strategy: str, signature: str | None) -> None:
    web3.attempt(rt, su.web3_wallet_verification, strategy, signature)


def attach_sign_up_wallet(rt: Runtime, tx: Tx, su: SignUp, user: User) -> None:
    """The completed sign-up's verified wallet becomes the new user's primary wallet."""
    v = su.web3_wallet_verification
    if su.web3_wallet is None or v is None or v.status != "verified":
        return
    if owner_of(tx, su.web3_wallet) is not None:
        raise FapiError.of("form_identifier_exists", param="web3_wallet")
    now = rt.now()
    wallet = Web3Wallet(
        id=rt.new_id("idn"),
        web3_wallet=su.web3_wallet,
        verification=replace(v),
        created_at=now,
        updated_at=now,
    )
    user.web3_wallets.append(wallet)
    user.primary_web3_wallet_id = wallet.id
    index(tx, wallet, user.id)
