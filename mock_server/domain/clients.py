"""Bring a client up to date with the clock before a request reads it.

Sessions, sign-ins and sign-ups expire by time, not by a request. A client read after
that must not still offer them: its expired sessions leave ``sessions`` (and
``last_active_session_id``), and an abandoned sign-in or sign-up is no longer its
current one, so ``GET /v1/client`` agrees with ``GET .../sign_ins/{id}`` answering 404.
"""

from __future__ import annotations

from mock_server.domain import flows, sessions
from mock_server.domain.models import Client, SignIn, SignUp
from mock_server.runtime import Runtime
from mock_server.store.base import Tx


def _abandoned(rt: Runtime, tx: Tx, kind: type[SignIn] | type[SignUp], id_: str) -> bool:
    # Looked at on every request about the client; read for a change only when due.
    flow = tx.view(kind, id_)
    if flow is not None and flows.lapsing(rt, flow):
        flow = tx.get(kind, id_)
    return flow is not None and flows.abandoned(rt, flow)


def refresh(rt: Runtime, tx: Tx, client: Client) -> Client:
    """``client`` as the clock leaves it; it may have been only viewed (a read), so it is
    read again (``Tx.get``) before it is changed."""
    sessions.refresh_client(rt, tx, client)
    if client.sign_in_id and _abandoned(rt, tx, SignIn, client.sign_in_id):
        (tx.get(Client, client.id) or client).sign_in_id = None
    if client.sign_up_id and _abandoned(rt, tx, SignUp, client.sign_up_id):
        (tx.get(Client, client.id) or client).sign_up_id = None
    return client
