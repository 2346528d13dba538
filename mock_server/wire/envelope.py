"""The ``{response, client}`` envelope that almost every FAPI answer wears.

clerk-js replaces its client singleton with the piggybacked ``client`` after every
write, so the client here is read at the end of the unit of work, after the change.
"""

from __future__ import annotations

from typing import Any

from mock_server.routing import Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx


def wrapped(ctx: Ctx, response: Any, status: int = 200, *, shared: bool = False) -> Reply:
    """``shared``: the response is the wire form of a sign-in, sign-up, session or user
    (``serialize.sign_in`` and its kin, nothing added), built after the unit's last
    change. Where the client holds the same one, its copy is then the same object."""
    built = {response["id"]: response} if shared else {}
    client = serialize.client(ctx.rt, ctx.tx, ctx.client(), built)
    return Reply({"response": response, "client": client}, status=status)


def client_reply(ctx: Ctx) -> Reply:
    """The caller's client as both the response and the piggybacked client.

    Both are the client as the unit leaves it, so one serialization serves both: building
    it twice was a quarter of a signed-in ``GET /v1/client`` (``docs/performance.md``).
    """
    client = serialize.client(ctx.rt, ctx.tx, ctx.client())
    return Reply({"response": client, "client": client})
