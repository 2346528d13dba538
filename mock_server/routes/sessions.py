"""``/v1/client/sessions/{id}``: read, touch, end and remove one of the client's sessions."""

from __future__ import annotations

from mock_server.domain import sessions
from mock_server.domain.models import Client, Session
from mock_server.errors import FapiError, not_found, param_invalid
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

SESSION = "/v1/client/sessions/{session_id}"


def _own(ctx: Ctx) -> tuple[Client, Session]:
    client = ctx.client()
    sid = ctx.path_param("session_id")
    if client is None:
        raise not_found("session", sid)
    return client, sessions.owned(ctx.rt, ctx.tx, client, sid)


@FAPI.route("GET", SESSION, response="envelopes/session")
def get_session(ctx: Ctx) -> Reply:
    """Get one of the client's sessions."""
    _, session = _own(ctx)
    return wrapped(ctx, serialize.session(ctx.rt, ctx.tx, session), shared=True)


#: Why clerk-js touched the session (Clerk's spec: an enum). An empty ``intent`` is outside
#: it too, as the mock's own document says (``form_param_nil``, which names the field,
#: rather than an invalid value with none to show); with no intent, the field is left out.
TOUCH_INTENTS = frozenset({"focus", "select_session", "select_org"})


@FAPI.route("POST", SESSION + "/touch", response="envelopes/touch_session")
def touch_session(ctx: Ctx) -> Reply:
    """Mark the session active now (and make it the client's last active one)."""
    intent = ctx.params.values.get("intent")
    if intent == "":
        raise FapiError.of("form_param_nil", param="intent")
    if intent is not None and intent not in TOUCH_INTENTS:
        raise param_invalid("intent", intent)
    client, session = _own(ctx)
    org = ctx.params.values.get("active_organization_id")
    sessions.touch(ctx.rt, client, session, org)
    return wrapped(ctx, serialize.session(ctx.rt, ctx.tx, session), shared=True)


@FAPI.route("POST", SESSION + "/end", response="envelopes/session")
def end_session(ctx: Ctx) -> Reply:
    """End the session (sign out of it)."""
    client, session = _own(ctx)
    sessions.end(ctx.rt, client, session)
    return wrapped(ctx, serialize.session(ctx.rt, ctx.tx, session), shared=True)


@FAPI.route("POST", SESSION + "/remove", response="envelopes/session")
def remove_session(ctx: Ctx) -> Reply:
    """Remove the session from the client."""
    client, session = _own(ctx)
    sessions.remove(ctx.rt, client, session)
    return wrapped(ctx, serialize.session(ctx.rt, ctx.tx, session), shared=True)
