"""``/v1/environment``: what the instance offers, derived from its config."""

from __future__ import annotations

from mock_server.routing import FAPI, Reply
from mock_server.wire.context import Ctx
from mock_server.wire.environment import environment


@FAPI.route("GET", "/v1/environment", response="environment")
def get_environment(ctx: Ctx) -> Reply:
    """The instance's settings."""
    return Reply(environment(ctx.rt.config))


@FAPI.route("PATCH", "/v1/environment", response="environment")
def touch_environment(ctx: Ctx) -> Reply:
    """clerk-js "touches" the environment of a development instance on load."""
    return Reply(environment(ctx.rt.config))
