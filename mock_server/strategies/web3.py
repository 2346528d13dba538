"""``web3_*_signature``: sign-in by signing a fresh message with the wallet's key.

The factor names a verified wallet (``web3_wallet_id``); prepare hands out a message
bound to that address, attempt checks the signature (see ``domain/web3.py``).
"""

from __future__ import annotations

from typing import Any

from mock_server.domain import verification, web3
from mock_server.domain.models import Verification
from mock_server.errors import FapiError
from mock_server.strategies.base import FactorFlow
from mock_server.wire.request import Params


class Web3SignatureStrategy:
    names = web3.STRATEGIES
    needs_prepare = True

    def prepare(
        self,
        flow: FactorFlow,
        factor: dict[str, Any],
        params: Params,
        previous: Verification | None,
    ) -> Verification:
        user = flow.user
        strategy = factor["strategy"]
        wallet_id = params.get("web3_wallet_id") or factor.get("web3_wallet_id")
        wallet = user.wallet(wallet_id) if user is not None and wallet_id else None
        if (
            wallet is None
            or not verification.is_verified(wallet)
            or strategy not in web3.enabled_strategies(flow.rt.config, wallet.web3_wallet)
        ):
            raise FapiError.of("strategy_for_user_invalid", param="strategy")
        return web3.issue(flow.rt, strategy, wallet.web3_wallet)

    def attempt(
        self, flow: FactorFlow, current: Verification | None, params: Params
    ) -> Verification:
        web3.attempt(flow.rt, current, params.get("strategy") or "", params.get("signature"))
        assert current is not None  # web3.attempt raised otherwise
        return current
