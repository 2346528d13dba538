"""The protocol every factor strategy implements: prepare, then attempt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from mock_server.domain.models import Client, User, Verification
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.wire.request import Params


@dataclass
class FactorFlow:
    """Where a factor is being verified: who, for which flow, and how to link back.

    ``owner`` names the object that holds the verification (``sign_in:<id>``,
    ``sign_up:<id>``...), so an email link can find its way back to it.
    """

    rt: Runtime
    tx: Tx
    client: Client
    user: User | None
    purpose: str
    owner: str
    base_url: str


class Strategy(Protocol):
    names: frozenset[str]
    needs_prepare: bool

    def prepare(
        self,
        flow: FactorFlow,
        factor: dict[str, Any],
        params: Params,
        previous: Verification | None,
    ) -> Verification:
        """Start a verification of ``factor`` (send a code, issue a challenge)."""
        ...

    def attempt(
        self, flow: FactorFlow, verification: Verification | None, params: Params
    ) -> Verification:
        """Check the proof in ``params``; return the verified verification or raise."""
        ...
