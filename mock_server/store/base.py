"""The store protocol: every request is one unit of work.

A handler reads entities through a :class:`Tx` (``get`` for one it may change, ``view``
for one it only looks at), changes them, and the store keeps every change at once when
the handler returns. How is the store's own affair: the memory store hands out its live
entities and keeps an undo image of each row got, Redis parses a copy and writes back
what changed. A :class:`FapiError` discards the changes (a failed request changes
nothing); a :class:`CommittedFapiError` keeps them (a wrong code still counts an
attempt). Because the whole unit runs under the store's lock, two concurrent attempts
with the same code cannot both succeed.

Entities must not escape a unit of work: return plain data (serialized JSON, ids)
from ``fn``, never an entity, because the store keeps the very objects the unit wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

from mock_server.clock import Clock
from mock_server.domain.models import Entity, Pointer
from mock_server.store.hits import HitLog

E = TypeVar("E", bound=Entity)
T = TypeVar("T")


class Tx(Protocol):
    def get(self, kind: type[E], id_: str) -> E | None: ...

    def view(self, kind: type[E], id_: str) -> E | None:
        """``get`` for a row this unit will not change: what an answer is built from.

        The memory store skips the undo image it takes of a row a unit may change. A
        change made through a view would outlive a failed unit, so a store that checks
        (the memory store, except in ``fapi-harness serve``) fails the unit instead."""
        ...

    def put(self, entity: Entity) -> None: ...

    def delete(self, kind: type[Entity], id_: str) -> None: ...

    def scan(self, kind: type[E]) -> Iterator[E]: ...

    def prefetch(self, kind: type[Entity], id_: str) -> None:
        """A hint that this row, and the client behind it (a client's token row leads to
        the client, then to its sessions, sign-in, sign-up and their users), are about to
        be read: a store that pays a round trip per read fetches them in one. Reads see
        the same rows either way."""
        ...


def pointer_key(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def resolve(tx: Tx, kind: str, key: str) -> str | None:
    """Follow an index row (``kind:key`` -> target id)."""
    row = tx.get(Pointer, pointer_key(kind, key))
    return row.target if row else None


def point(tx: Tx, kind: str, key: str, target: str, expire_at: int | None = None) -> None:
    tx.put(Pointer(id=pointer_key(kind, key), kind=kind, target=target, expire_at=expire_at))


def unpoint(tx: Tx, kind: str, key: str) -> None:
    tx.delete(Pointer, pointer_key(kind, key))


class Store(Protocol):
    def transact(self, fn: Callable[[Tx], T]) -> T:
        """Run ``fn`` as one atomic unit of work."""
        ...

    def export(self) -> dict[str, Any]: ...

    def load(self, data: dict[str, Any]) -> None: ...

    def reset(self) -> None: ...

    def count(self, kind: type[Entity]) -> int: ...

    def bind(self, clock: Clock) -> Clock:
        """Attach the mock's clock (retention follows it); returns the clock to use,
        which for a shared store is one whose state the workers share."""
        ...

    def hits(self) -> HitLog:
        """Where rate-limit hits are counted: shared by whoever shares this store."""
        ...

    def sweep(self) -> int:
        """Drop entities past their retention; returns how many went."""
        ...
