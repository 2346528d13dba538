"""The ``{response, client}`` envelope that almost every FAPI answer wears.

clerk-js replaces its client singleton with the piggybacked ``client`` after every
write, so the client here is read at the end of the unit of work, after the change.
"""

from __future__ import annotations

from typing import Any

from mock_server.routing import Reply
from mock_server.wire import serialize
from mock_server.wire.context import Ctx


def wrapped(ctx: Ctx, response: Any, status: int = 200, *, sign_in: bool = False) -> Reply:
    """``sign_in``: the response is the client's sign-in, serialized after its last change,
    so the client's copy can be the same object."""
    client = serialize.client(ctx.rt, ctx.tx, ctx.client(), response if sign_in else None)
    return Reply({"response": response, "client": client}, status=status)
