"""What sign-ins and sign-ups share: belonging to one client, and being abandoned by time.

One rule for both, read at every access: a flow that is not complete is abandoned once
the clock passes its ``abandon_at``; an abandoned flow, or another client's, does not
exist (404).
"""

from __future__ import annotations

from typing import TypeVar

from mock_server.domain.models import Client, SignIn, SignUp
from mock_server.errors import not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

Flow = TypeVar("Flow", SignIn, SignUp)


def abandoned(rt: Runtime, flow: SignIn | SignUp) -> bool:
    """Whether the flow is abandoned, marking it so when its time has passed."""
    if flow.status == "complete":
        return False
    if lapsing(rt, flow):
        flow.status = "abandoned"
    return flow.status == "abandoned"


def lapsing(rt: Runtime, flow: SignIn | SignUp) -> bool:
    """Whether ``abandoned`` would mark the flow now: a reader that only looks at it
    (``Tx.view``) reads it for a change first."""
    return flow.status not in ("complete", "abandoned") and rt.now() >= flow.abandon_at


def owned(
    rt: Runtime, tx: Tx, client: Client | None, kind: type[Flow], id_: str, label: str
) -> Flow:
    """The client's own, live flow of ``kind``; anything else is a 404 naming ``label``."""
    flow = tx.get(kind, id_)
    if flow is None or client is None or flow.client_id != client.id or abandoned(rt, flow):
        raise not_found(label, id_)
    return flow
