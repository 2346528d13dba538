"""``/v1/environment``: what the instance offers, derived from its config."""

from __future__ import annotations

from mock_server.config import per_config
from mock_server.routing import FAPI, Reply
from mock_server.wire.context import Ctx
from mock_server.wire.environment import environment

# The config is frozen, so its environment never changes: built once per config (building
# it was two thirds of the cost of GET /v1/environment).
_environment = per_config(environment)


@FAPI.route("GET", "/v1/environment", response="environment")
def get_environment(ctx: Ctx) -> Reply:
    """The instance's settings."""
    return Reply(_environment(ctx.rt.config))


@FAPI.route("PATCH", "/v1/environment", response="environment")
def touch_environment(ctx: Ctx) -> Reply:
    """clerk-js "touches" the environment of a development instance on load."""
    return Reply(_environment(ctx.rt.config))
