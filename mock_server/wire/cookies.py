"""The cookies FAPI sets on a browser that identifies by cookie: ``__client`` and ``__client_uat``.

``__client`` is the client's credential (HttpOnly: only FAPI reads it). ``__client_uat``
is readable by the page and by the app's backend on its own domain: Clerk's SDKs compare
it with the session token to decide whether the browser is signed in, so it holds the
epoch seconds of the client's last sign-in while a session is active, and ``0`` when the
client is signed out (or has no client at all).
"""

from __future__ import annotations

from functools import lru_cache

from starlette.responses import Response

from mock_server.domain import sessions
from mock_server.domain.models import Client, Session
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

CLIENT_UAT_COOKIE = "__client_uat"


def client_uat(tx: Tx, client: Client | None) -> int:
    """Epoch seconds of the newest active session's sign-in; 0 when signed out."""
    if client is None or client.last_active_session_id is None:
        return 0
    started = [
        s.created_at
        for sid in client.session_ids
        if (s := tx.view(Session, sid)) is not None and s.status in sessions.ACTIVE
    ]
    return max(started) // 1000 if started else 0


def client_uat_header(rt: Runtime, value: int) -> tuple[bytes, bytes]:
    """The ``Set-Cookie`` header of ``__client_uat``."""
    max_age = rt.config.sessions.client_cookie_days * 86_400
    return (b"set-cookie", _client_uat_header(value, max_age))


@lru_cache(maxsize=1024)
def _client_uat_header(value: int, max_age: int) -> bytes:
    """The header Starlette writes, made once per value: ``http.cookies`` is slow, and
    every answer to a cookie browser about its client carries this cookie."""
    scratch = Response()
    scratch.set_cookie(
        CLIENT_UAT_COOKIE, str(value), max_age=max_age, httponly=False, samesite="lax", path="/"
    )
    return scratch.raw_headers[-1][1]
