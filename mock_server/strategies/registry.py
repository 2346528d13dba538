"""Strategy name -> implementation, for the first factor of sign-ins and the rest."""

from __future__ import annotations

from typing import Any

from mock_server.domain.factors import find_factor
from mock_server.errors import FapiError
from mock_server.strategies.base import Strategy
from mock_server.strategies.codes import CodeStrategy
from mock_server.strategies.email_link import EmailLinkStrategy
from mock_server.strategies.passkey import PasskeyStrategy
from mock_server.strategies.password import PasswordStrategy
from mock_server.strategies.web3 import Web3SignatureStrategy

_ALL: tuple[Strategy, ...] = (PasswordStrategy(), CodeStrategy(), EmailLinkStrategy())

FIRST_FACTOR: dict[str, Strategy] = {name: s for s in _ALL for name in s.names}


def choose(
    strategy: str,
    offered: list[dict[str, Any]],
    *,
    email_address_id: str | None = None,
    phone_number_id: str | None = None,
    to_prepare: bool = False,
) -> tuple[Strategy, dict[str, Any]]:
    """The implementation of ``strategy`` and the user's factor for it, or Clerk's error.

    Sign-ins and reverifications both accept only a factor the user is offered
    (``strategy_for_user_invalid``); preparing needs a strategy that has a prepare step
    (``verification_strategy_invalid``: a password is attempted directly).
    """
    implementation = FIRST_FACTOR.get(strategy)
    factor = find_factor(
        offered, strategy, email_address_id=email_address_id, phone_number_id=phone_number_id
    )
    if implementation is None or factor is None:
        raise FapiError.of("strategy_for_user_invalid", param="strategy")
    if to_prepare and not implementation.needs_prepare:
        raise FapiError.of("verification_strategy_invalid", param="strategy")
    return implementation, factor


def register(strategy: Strategy) -> None:
    for name in strategy.names:
        FIRST_FACTOR[name] = strategy


register(Web3SignatureStrategy())
register(PasskeyStrategy())
