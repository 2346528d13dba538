"""How long each kind of entity is worth keeping: the bound on a long-running mock.

Sign-ins and sign-ups are abandoned at ``abandon_at`` (Clerk's clients stop showing them);
sessions past ``expire_at`` and ``abandon_at`` are dead; outbox messages and link tokens
are only useful while a code or link can still be used; clients stay while used, and
their token rows go with them. Users, tickets and identifier indexes stay. Times are
epoch ms; a grace period keeps an abandoned object readable (as ``abandoned``) for a
while after the fact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.domain.models import (
    Client,
    Entity,
    OutboxMessage,
    Pointer,
    Session,
    SignIn,
    SignUp,
)

GRACE_MS = 3600 * 1000
# A client nobody used for this long is abandoned (Clerk's session lifetime is 7 days).
CLIENT_IDLE_MS = 7 * 24 * 3600 * 1000
OUTBOX_KEEP_MS = 24 * 3600 * 1000


def _flow(entity: SignIn | SignUp) -> int:
    return entity.abandon_at + GRACE_MS


def _session(entity: Session) -> int:
    return max(entity.expire_at, entity.abandon_at) + GRACE_MS


def _message(entity: OutboxMessage) -> int:
    return entity.sent_at + OUTBOX_KEEP_MS


def _client(entity: Client) -> int:
    return entity.updated_at + CLIENT_IDLE_MS + GRACE_MS


def _pointer(entity: Pointer) -> int | None:
    return None if entity.expire_at is None else entity.expire_at + GRACE_MS


# Each table's deadline, found by the table's name: every row a commit files asks, and a
# chain of ``isinstance`` took four tries to reach a client. Users, tickets and grants
# have none (kept).
_DEADLINES: dict[str, Callable[[Any], int | None]] = {
    SignIn.table: _flow,
    SignUp.table: _flow,
    Session.table: _session,
    OutboxMessage.table: _message,
    Client.table: _client,
    Pointer.table: _pointer,
}


def expires_at(entity: Entity) -> int | None:
    deadline = _DEADLINES.get(entity.table)
    return None if deadline is None else deadline(entity)


# The index row from a client's token to the client (``wire.context.CLIENT_TOKEN``) is
# worth nothing once the client is gone: resolving it finds no client either way. The
# memory store drops such rows with their client; without that, every client ever
# created would leave one behind. (Dev-browser rows stay: a dev browser whose client
# is gone is answered differently from an unknown one.)
CLIENT_TOKEN_KIND = "client_token"


# The tables whose rows others go with (``depends_on``'s targets).
DEPENDED_ON = frozenset({Client.table})


def depends_on(entity: Entity) -> tuple[str, str] | None:
    """The (table, id) of the row without which this one is useless, if any."""
    if isinstance(entity, Pointer) and entity.kind == CLIENT_TOKEN_KIND and entity.target:
        return Client.table, entity.target
    return None
