"""``/v1/client``: the browser's (or app's) client object."""

from __future__ import annotations

from mock_server.domain import sessions
from mock_server.domain.models import Client
from mock_server.routing import FAPI, Reply
from mock_server.store.base import unpoint
from mock_server.wire import serialize
from mock_server.wire.context import CLIENT_TOKEN, DEV_BROWSER, Ctx
from mock_server.wire.envelope import client_reply


@FAPI.route("GET", "/v1/client", response="envelopes/client")
def get_client(ctx: Ctx) -> Reply:
    """Get the current client (null for a browser that has none yet)."""
    return client_reply(ctx)


@FAPI.route("PUT", "/v1/client", response="envelopes/client")
def put_client(ctx: Ctx) -> Reply:
    """Create a new client, replacing the current one."""
    return _new_client(ctx)


@FAPI.route("POST", "/v1/client", response="envelopes/client")
def post_client(ctx: Ctx) -> Reply:
    """Create a client if the caller has none."""
    ctx.require_client()
    return client_reply(ctx)


def _new_client(ctx: Ctx) -> Reply:
    old = ctx.client()
    if old is not None:
        sessions.end_all(ctx.rt, ctx.tx, old)
        _detach(ctx)
    ctx.require_client()
    return client_reply(ctx)


def _detach(ctx: Ctx) -> None:
    """Forget the caller's credential so the next client is a fresh one."""
    token = ctx.identity.token
    if token is None:
        return
    if ctx.identity.kind == "dev_browser":
        from mock_server.store.base import point

        point(ctx.tx, DEV_BROWSER, token, "")
    else:
        unpoint(ctx.tx, CLIENT_TOKEN, token)
    ctx.forget_client()


@FAPI.route("DELETE", "/v1/client", response="envelopes/delete_session")
def delete_client(ctx: Ctx) -> Reply:
    """Sign out of every session and destroy the client."""
    client = ctx.client()
    if client is not None:
        sessions.end_all(ctx.rt, ctx.tx, client)
        body = serialize.client(ctx.rt, ctx.tx, client)
        ctx.tx.delete(Client, client.id)
        _detach(ctx)
    else:
        body = None
    return Reply({"response": body, "client": None})


@FAPI.route("DELETE", "/v1/client/sessions", response="envelopes/delete_session")
def remove_client_sessions(ctx: Ctx) -> Reply:
    """Sign out of every session; the client (and its cookie) stays."""
    client = ctx.client()
    if client is not None:
        sessions.end_all(ctx.rt, ctx.tx, client)
    return Reply({"response": serialize.client(ctx.rt, ctx.tx, client), "client": None})
