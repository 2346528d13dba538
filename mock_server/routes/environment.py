"""``/v1/environment``: what the instance offers, derived from its config."""

from __future__ import annotations

from typing import Any

from mock_server.config import Config
from mock_server.routing import FAPI, Reply
from mock_server.wire.context import Ctx
from mock_server.wire.environment import environment

# The config is frozen, so its environment never changes: build it once per config
# (building it was two thirds of the cost of GET /v1/environment). Keyed by identity and
# holding the config itself, so a new app with another config never sees a stale one.
_built: dict[int, tuple[Config, dict[str, Any]]] = {}


def _environment(config: Config) -> dict[str, Any]:
    hit = _built.get(id(config))
    if hit is None or hit[0] is not config:
        if len(_built) > 64:
            _built.clear()
        hit = _built[id(config)] = (config, environment(config))
    return hit[1]


@FAPI.route("GET", "/v1/environment", response="environment")
def get_environment(ctx: Ctx) -> Reply:
    """The instance's settings."""
    return Reply(_environment(ctx.rt.config))


@FAPI.route("PATCH", "/v1/environment", response="environment")
def touch_environment(ctx: Ctx) -> Reply:
    """clerk-js "touches" the environment of a development instance on load."""
    return Reply(_environment(ctx.rt.config))
