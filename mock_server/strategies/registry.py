"""Strategy name -> implementation, for the first factor of sign-ins and the rest."""

from __future__ import annotations

from mock_server.strategies.base import Strategy
from mock_server.strategies.codes import CodeStrategy
from mock_server.strategies.email_link import EmailLinkStrategy
from mock_server.strategies.passkey import PasskeyStrategy
from mock_server.strategies.password import PasswordStrategy
from mock_server.strategies.web3 import Web3SignatureStrategy

_ALL: tuple[Strategy, ...] = (PasswordStrategy(), CodeStrategy(), EmailLinkStrategy())

FIRST_FACTOR: dict[str, Strategy] = {name: s for s in _ALL for name in s.names}


def register(strategy: Strategy) -> None:
    for name in strategy.names:
        FIRST_FACTOR[name] = strategy


register(Web3SignatureStrategy())
register(PasskeyStrategy())
