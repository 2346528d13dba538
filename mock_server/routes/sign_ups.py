"""``/v1/client/sign_ups``: create a sign-up, complete its fields, verify identifications."""

from __future__ import annotations

from mock_server.domain import sign_up
from mock_server.domain.models import SignUp
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

SIGN_UP = "/v1/client/sign_ups/{sign_up_id}"


def _reply(ctx: Ctx, su: SignUp) -> Reply:
    return wrapped(ctx, serialize.sign_up(ctx.rt, su), shared=True)


@FAPI.route(
    "POST", "/v1/client/sign_ups", response="envelopes/sign_up", rate_limit="create_sign_up"
)
def create_sign_up(ctx: Ctx) -> Reply:
    """Create (or replace) the client's sign-up."""
    client = ctx.require_client()
    return _reply(ctx, sign_up.create(ctx.rt, ctx.tx, client, ctx.params, ctx.request.base_url))


@FAPI.route("GET", SIGN_UP, response="envelopes/sign_up")
def get_sign_up(ctx: Ctx) -> Reply:
    """Get the client's sign-up."""
    return _reply(ctx, sign_up.owned(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_up_id")))


@FAPI.route("PATCH", SIGN_UP, response="envelopes/sign_up")
def update_sign_up(ctx: Ctx) -> Reply:
    """Add or change fields of the sign-up."""
    su, client = sign_up.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_up_id"))
    return _reply(ctx, sign_up.update(ctx.rt, ctx.tx, client, su, ctx.params, ctx.request.base_url))


@FAPI.route(
    "POST", SIGN_UP + "/prepare_verification", response="envelopes/sign_up", statuses=(200, 429)
)
def prepare_sign_up_verification(ctx: Ctx) -> Reply:
    """Send a code or link to verify the sign-up's email address or phone number."""
    su, client = sign_up.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_up_id"))
    sign_up.prepare_verification(ctx.rt, ctx.tx, client, su, ctx.params, ctx.request.base_url)
    return _reply(ctx, su)


@FAPI.route(
    "POST",
    SIGN_UP + "/attempt_verification",
    response="envelopes/sign_up",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_sign_up_verification(ctx: Ctx) -> Reply:
    """Verify the sign-up's email address or phone number with its code."""
    su, client = sign_up.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_up_id"))
    sign_up.attempt_verification(ctx.rt, ctx.tx, client, su, ctx.params, ctx.request.base_url)
    return _reply(ctx, su)
