"""``/v1/client/sign_ins``: create a sign-in and walk it through its factors."""

from __future__ import annotations

from mock_server.domain import sign_in
from mock_server.domain.models import SignIn
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

SIGN_IN = "/v1/client/sign_ins/{sign_in_id}"


def _reply(ctx: Ctx, si: SignIn) -> Reply:
    return wrapped(ctx, serialize.sign_in(ctx.rt, ctx.tx, si), shared=True)


@FAPI.route(
    "POST", "/v1/client/sign_ins", response="envelopes/sign_in", rate_limit="create_sign_in"
)
def create_sign_in(ctx: Ctx) -> Reply:
    """Create (or replace) the client's sign-in."""
    client = ctx.require_client()
    si = sign_in.create(ctx.rt, ctx.tx, client, ctx.params, ctx.request.base_url)
    return _reply(ctx, si)


@FAPI.route("GET", SIGN_IN, response="envelopes/sign_in")
def get_sign_in(ctx: Ctx) -> Reply:
    """Get the client's sign-in (not an abandoned one, not another client's)."""
    si = sign_in.owned(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_in_id"))
    return _reply(ctx, si)


@FAPI.route(
    "POST", SIGN_IN + "/prepare_first_factor", response="envelopes/sign_in", statuses=(200, 429)
)
def prepare_sign_in_first_factor(ctx: Ctx) -> Reply:
    """Start verifying a first factor (send a code or a link)."""
    si, client = sign_in.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_in_id"))
    sign_in.prepare_first_factor(ctx.rt, ctx.tx, client, si, ctx.params, ctx.request.base_url)
    return _reply(ctx, si)


@FAPI.route(
    "POST",
    SIGN_IN + "/attempt_first_factor",
    response="envelopes/sign_in",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_sign_in_first_factor(ctx: Ctx) -> Reply:
    """Prove the first factor (a password or a code)."""
    si, client = sign_in.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_in_id"))
    sign_in.attempt_first_factor(ctx.rt, ctx.tx, client, si, ctx.params, ctx.request.base_url)
    return _reply(ctx, si)


@FAPI.route("POST", SIGN_IN + "/reset_password", response="envelopes/sign_in")
def reset_sign_in_password(ctx: Ctx) -> Reply:
    """Set a new password after a reset code was verified."""
    si, client = sign_in.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_in_id"))
    sign_in.reset_password(ctx.rt, ctx.tx, client, si, ctx.params)
    return _reply(ctx, si)
