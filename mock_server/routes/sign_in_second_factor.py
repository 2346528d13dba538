"""``/v1/client/sign_ins/{id}/prepare_second_factor`` and ``attempt_second_factor``."""

from __future__ import annotations

from mock_server.domain import sign_in
from mock_server.routing import FAPI, Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx
from mock_server.wire.envelope import wrapped

SIGN_IN = "/v1/client/sign_ins/{sign_in_id}"


@FAPI.route(
    "POST", SIGN_IN + "/prepare_second_factor", response="envelopes/sign_in", statuses=(200, 429)
)
def prepare_sign_in_second_factor(ctx: Ctx) -> Reply:
    """Send the code of a code-based second factor (phone_code, email_code)."""
    si, client = sign_in.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_in_id"))
    sign_in.prepare_second_factor(ctx.rt, ctx.tx, client, si, ctx.params, ctx.request.base_url)
    return wrapped(ctx, serialize.sign_in(ctx.rt, ctx.tx, si), shared=True)


@FAPI.route(
    "POST",
    SIGN_IN + "/attempt_second_factor",
    response="envelopes/sign_in",
    rate_limit="attempt",
    statuses=(200, 429),
)
def attempt_sign_in_second_factor(ctx: Ctx) -> Reply:
    """Prove the second factor (totp, backup_code, phone_code, email_code)."""
    si, client = sign_in.mutable(ctx.rt, ctx.tx, ctx.client(), ctx.path_param("sign_in_id"))
    sign_in.attempt_second_factor(ctx.rt, ctx.tx, client, si, ctx.params, ctx.request.base_url)
    return wrapped(ctx, serialize.sign_in(ctx.rt, ctx.tx, si), shared=True)
