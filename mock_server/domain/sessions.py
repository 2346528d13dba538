"""Sessions: created by a completed sign-in or sign-up, then touched, ended, removed.

A created session is active, listed on its client and becomes the client's
``last_active_session_id``, which is what clerk-js reads to consider the user signed in.
"""

from __future__ import annotations

from mock_server.domain import mfa
from mock_server.domain.models import Client, Session, User
from mock_server.errors import FapiError, not_found
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

ACTIVE = frozenset({"active", "pending"})


def create(
    rt: Runtime,
    tx: Tx,
    client: Client,
    user: User,
    *,
    strategy: str,
    second_factor: bool = False,
) -> Session:
    now = rt.now()
    cfg = rt.config.sessions
    if rt.config.instance.single_session_mode:
        for sid in client.session_ids:
            other = tx.get(Session, sid)
            if other and other.status in ACTIVE:
                other.status = "removed"
                other.updated_at = now
    session = Session(
        id=rt.new_id("sess"),
        client_id=client.id,
        user_id=user.id,
        status="active",
        created_at=now,
        updated_at=now,
        last_active_at=now,
        expire_at=now + cfg.lifetime_seconds * 1000,
        abandon_at=_abandon_at(rt, now),
        first_factor_verified_at=now,
        second_factor_verified_at=now if second_factor else None,
    )
    mfa.apply_mfa_requirement(rt, user, session)
    tx.put(session)
    client.session_ids.append(session.id)
    client.last_active_session_id = session.id
    client.last_authentication_strategy = strategy
    client.updated_at = now
    user.last_sign_in_at = now
    user.last_active_at = now
    user.updated_at = now
    return session


def _abandon_at(rt: Runtime, last_active: int) -> int:
    """Clerk's inactivity timeout (when configured) or else the end of the lifetime."""
    cfg = rt.config.sessions
    timeout = cfg.inactivity_timeout_seconds
    lifetime = last_active + cfg.lifetime_seconds * 1000
    return lifetime if timeout is None else min(lifetime, last_active + timeout * 1000)


def refresh_status(rt: Runtime, session: Session) -> Session:
    """An active session past its expiry is expired, past its inactivity timeout abandoned
    (read-time, clock-driven)."""
    if session.status in ACTIVE and rt.now() >= session.expire_at:
        session.status = "expired"
        session.updated_at = rt.now()
    elif session.status in ACTIVE and rt.now() >= session.abandon_at:
        session.status = "abandoned"
        session.updated_at = rt.now()
    return session


def lapsing(rt: Runtime, session: Session) -> bool:
    """Whether ``refresh_status`` would change the session now."""
    return session.status in ACTIVE and rt.now() >= min(session.expire_at, session.abandon_at)


def refresh_client(rt: Runtime, tx: Tx, client: Client) -> Client:
    """Expire the client's sessions that outlived their lifetime; if the last active one
    is gone, the client is signed out (``last_active_session_id`` null, ``__client_uat`` 0).
    """
    for sid in client.session_ids:
        # Looked at on every request about the client; read for a change only when due.
        session = tx.view(Session, sid)
        if session is not None and lapsing(rt, session):
            refresh_status(rt, tx.get(Session, sid) or session)
    last = client.last_active_session_id
    if last is not None:
        current = tx.view(Session, last)
        if current is None or current.status not in ACTIVE:
            # Read again to change: a read only viewed it.
            (tx.get(Client, client.id) or client).last_active_session_id = None
    return client


def owned(rt: Runtime, tx: Tx, client: Client | None, session_id: str) -> Session:
    """The client's own session, or 404: another client's session does not exist."""
    if client is None or session_id not in client.session_ids:
        raise not_found("session", session_id)
    session = tx.get(Session, session_id)
    if session is None:
        raise not_found("session", session_id)
    return refresh_status(rt, session)


def _close(rt: Runtime, client: Client, session: Session, status: str, action: str) -> Session:
    if session.status not in ACTIVE:
        raise FapiError.of("invalid_action_for_session", action=action, session_id=session.id)
    session.status = status  # type: ignore[assignment]
    session.updated_at = rt.now()
    if client.last_active_session_id == session.id:
        client.last_active_session_id = None
    client.updated_at = rt.now()
    return session


def end(rt: Runtime, client: Client, session: Session) -> Session:
    return _close(rt, client, session, "ended", "end")


def remove(rt: Runtime, client: Client, session: Session) -> Session:
    return _close(rt, client, session, "removed", "remove")


def touch(rt: Runtime, client: Client, session: Session, organization_id: str | None) -> Session:
    if session.status not in ACTIVE:
        raise FapiError.of("invalid_action_for_session", action="touch", session_id=session.id)
    now = rt.now()
    session.last_active_at = now
    session.abandon_at = min(session.expire_at, _abandon_at(rt, now))
    session.updated_at = now
    if organization_id is not None:
        session.last_active_organization_id = organization_id or None
    client.last_active_session_id = session.id
    client.updated_at = now
    return session


def end_all(rt: Runtime, tx: Tx, client: Client) -> None:
    for sid in client.session_ids:
        s = tx.get(Session, sid)
        if s is not None and s.status in ACTIVE:
            s.status = "ended"
            s.updated_at = rt.now()
    client.last_active_session_id = None
    client.updated_at = rt.now()


def end_other_sessions_of_user(rt: Runtime, tx: Tx, user_id: str, keep: str | None) -> None:
    for s in tx.scan(Session):
        if s.user_id == user_id and s.id != keep and s.status in ACTIVE:
            s.status = "revoked"
            s.updated_at = rt.now()
            tx.put(s)
            owner = tx.get(Client, s.client_id)
            if owner and owner.last_active_session_id == s.id:
                owner.last_active_session_id = None
