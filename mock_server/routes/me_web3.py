"""``/v1/me/web3_wallets``: add a wallet, prove it with a signature, remove it.

Adding and removing are sensitive actions (Clerk's reverification guide): they need a
recently verified session, else 403 ``session_reverification_required``.
"""

from __future__ import annotations

from mock_server.domain import wallets
from mock_server.domain.models import Web3Wallet
from mock_server.routes.me import active_session
from mock_server.routes.me_security import guarded
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

WALLETS = "/v1/me/web3_wallets"
WALLET = WALLETS + "/{web3_wallet_id}"


def _reply(ctx: Ctx, wallet: Web3Wallet) -> Reply:
    return wrapped(ctx, serialize.web3_wallet(wallet))


@FAPI.route("POST", WALLETS, response="envelopes/web3_wallet")
def post_web3_wallets(ctx: Ctx) -> Reply:
    """Add an (unverified) wallet address to the current user."""
    _, user = guarded(ctx)
    return _reply(ctx, wallets.add(ctx.rt, ctx.tx, user, ctx.params.get("web3_wallet")))


@FAPI.route("GET", WALLET, response="envelopes/web3_wallet")
def read_web3_wallet(ctx: Ctx) -> Reply:
    """One of the current user's wallets."""
    _, user = active_session(ctx)
    return _reply(ctx, wallets.owned(user, ctx.path_param("web3_wallet_id")))


@FAPI.route("POST", WALLET + "/prepare_verification", response="envelopes/web3_wallet")
def prepare_web3_wallet_verification(ctx: Ctx) -> Reply:
    """Hand out a fresh message for the wallet to sign."""
    _, user = active_session(ctx)
    wallet = wallets.owned(user, ctx.path_param("web3_wallet_id"))
    return _reply(ctx, wallets.prepare(ctx.rt, wallet, ctx.params.get("strategy")))


@FAPI.route(
    "POST",
    WALLET + "/attempt_verification",
    response="envelopes/web3_wallet",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_web3_wallet_verification(ctx: Ctx) -> Reply:
    """Check the wallet's signature over the message it was given."""
    _, user = active_session(ctx)
    wallet = wallets.owned(user, ctx.path_param("web3_wallet_id"))
    return _reply(ctx, wallets.attempt(ctx.rt, ctx.tx, user, wallet, ctx.params))


@FAPI.route("DELETE", WALLET, response="envelopes/deleted_object")
def delete_web3_wallet(ctx: Ctx) -> Reply:
    """Remove a wallet (and its sign-in factor) from the current user."""
    _, user = guarded(ctx)
    wallet = wallets.owned(user, ctx.path_param("web3_wallet_id"))
    wallets.remove(ctx.rt, ctx.tx, user, wallet)
    return wrapped(ctx, serialize.deleted_object("web3_wallet", wallet.id))
