"""``/v1/client/sessions/{id}/verify...``: session reverification (``domain/reverification``).

Each answer is the ``session_reverification`` object in the ``{response, client}``
envelope (the spec's ``Client.ClientWrappedSessionReverification``).
"""

from __future__ import annotations

from collections.abc import Callable

from mock_server.domain import reverification, sessions
from mock_server.domain.models import Client, Session, User
from mock_server.errors import FapiError, not_found
from mock_server.routing import FAPI, Reply
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped
from mock_server.wire.request import Params

VERIFY = "/v1/client/sessions/{session_id}/verify"
ENVELOPE = "envelopes/session_reverification"

Step = Callable[[Runtime, Tx, Client, Session, User, Params], reverification.Reverification]


def _own(ctx: Ctx) -> tuple[Client, Session, User]:
    """The client's own live session and its user; another client's session is a 404."""
    client = ctx.client()
    sid = ctx.path_param("session_id")
    if client is None:
        raise not_found("session", sid)
    session = sessions.owned(ctx.rt, ctx.tx, client, sid)
    if session.status not in sessions.ACTIVE:
        raise FapiError.of("invalid_action_for_session", action="verify", session_id=sid)
    user = ctx.tx.get(User, session.user_id)
    if user is None:
        raise not_found("user", session.user_id)
    return client, session, user


def _reply(ctx: Ctx, session: Session) -> Reply:
    return wrapped(ctx, serialize.session_reverification(ctx.rt, ctx.tx, session))


def _step(ctx: Ctx, step: Step) -> Reply:
    client, session, user = _own(ctx)
    step(ctx.rt, ctx.tx, client, session, user, ctx.params)
    return _reply(ctx, session)


@FAPI.route("POST", VERIFY, response=ENVELOPE)
def start_session_reverification(ctx: Ctx) -> Reply:
    """Start reverifying the session at ``level`` (first_factor, second_factor, multi_factor)."""
    _, session, user = _own(ctx)
    reverification.start(ctx.rt, session, user, ctx.params.get("level"))
    return _reply(ctx, session)


@FAPI.route("POST", VERIFY + "/prepare_first_factor", response=ENVELOPE, statuses=(200, 429))
def prepare_session_reverification_first_factor(ctx: Ctx) -> Reply:
    """Send a first-factor code (email_code, phone_code)."""
    return _step(ctx, reverification.prepare_first_factor)


@FAPI.route(
    "POST",
    VERIFY + "/attempt_first_factor",
    response=ENVELOPE,
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_session_reverification_first_factor(ctx: Ctx) -> Reply:
    """Prove the first factor (password, or a prepared code)."""
    return _step(ctx, reverification.attempt_first_factor)


@FAPI.route("POST", VERIFY + "/prepare_second_factor", response=ENVELOPE, statuses=(200, 429))
def prepare_session_reverification_second_factor(ctx: Ctx) -> Reply:
    """Send a second-factor code (phone_code)."""
    return _step(ctx, reverification.prepare_second_factor)


@FAPI.route(
    "POST",
    VERIFY + "/attempt_second_factor",
    response=ENVELOPE,
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_session_reverification_second_factor(ctx: Ctx) -> Reply:
    """Prove the second factor (totp, backup_code, or a prepared phone code)."""
    return _step(ctx, reverification.attempt_second_factor)
