"""``/v1/me``: the signed-in user of the request's active session."""

from __future__ import annotations

from mock_server.domain import profile, sessions
from mock_server.domain.models import Session, User
from mock_server.errors import FapiError
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped


def active_session(ctx: Ctx) -> tuple[Session, User]:
    """The session named by ``_clerk_session_id`` (or the client's last active one).

    clerk-js adds ``_clerk_session_id`` to every ``/me`` call; it must be one of the
    calling client's active sessions.
    """
    client = ctx.client()
    if client is None:
        raise FapiError.of("signed_out")
    wanted = ctx.request.query.get("_clerk_session_id") or client.last_active_session_id
    if not wanted:
        raise FapiError.of("signed_out")
    try:
        session = sessions.owned(ctx.rt, ctx.tx, client, wanted)
    except FapiError as exc:
        raise FapiError.of("authentication_invalid") from exc
    if session.status not in sessions.ACTIVE:
        raise FapiError.of("signed_out")
    user = ctx.tx.get(User, session.user_id)
    if user is None:
        raise FapiError.of("authentication_invalid")
    return session, user


@FAPI.route("GET", "/v1/me", response="envelopes/user")
def get_me(ctx: Ctx) -> Reply:
    """The current user."""
    _, user = active_session(ctx)
    return wrapped(ctx, serialize.user(ctx.rt, user), shared=True)


@FAPI.route("PATCH", "/v1/me", response="envelopes/user")
def update_me(ctx: Ctx) -> Reply:
    """Update the current user's names, username, primary identifications or metadata."""
    _, user = active_session(ctx)
    profile.update(ctx.rt, ctx.tx, user, ctx.params)
    return wrapped(ctx, serialize.user(ctx.rt, user), shared=True)
