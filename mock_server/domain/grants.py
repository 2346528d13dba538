"""Expiry of the SSO flows' single-use credentials (``Grant`` rows).

States, RelayStates, codes, access tokens and remembered assertion ids all carry an
``expire_at``; past it they are worth nothing, so every new flow first drops the
expired ones. The table then holds at most the flows of the last few minutes.
"""

from __future__ import annotations

from mock_server.domain.models import Grant
from mock_server.runtime import Runtime
from mock_server.store.base import Tx


def sweep(rt: Runtime, tx: Tx) -> int:
    now = rt.now()
    expired = [g.id for g in tx.scan(Grant) if g.expire_at <= now]
    for grant_id in expired:
        tx.delete(Grant, grant_id)
    return len(expired)
