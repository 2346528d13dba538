"""The embedded default store: tables of JSON rows in one process.

Rows are kept as the JSON pydantic writes (the very form the Redis store keeps), not as
live objects. A read parses a private copy, writes are staged, and ``transact`` applies
them only when the unit of work finishes, so a request that fails half-way leaves no
trace. Parsing JSON with pydantic-core is about three times cheaper than
``model_copy(deep=True)`` (``copy.deepcopy`` walks every field in Python), which was the
largest cost of a sign-in request; and a row as JSON text takes a fraction of the memory of
a tree of models. Each row carries its retention deadline, so a sweep reads no JSON.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeVar

from mock_server.clock import Clock
from mock_server.domain.models import TABLES, Entity
from mock_server.errors import CommittedFapiError
from mock_server.store.base import Tx
from mock_server.store.hits import MemoryHitLog
from mock_server.store.retention import depends_on, expires_at

E = TypeVar("E", bound=Entity)
T = TypeVar("T")

_DELETED = object()


class Row(NamedTuple):
    json: str
    # Epoch ms after which the row is dropped (``store/retention.py``); None: kept.
    expires_at: int | None
    # (table, id) of the row this one goes with: it is dropped when that one is gone.
    depends_on: tuple[str, str] | None = None


def _row(entity: Entity) -> Row:
    return Row(entity.model_dump_json(), expires_at(entity), depends_on(entity))


class MemoryTx:
    def __init__(self, tables: dict[str, dict[str, Row]]) -> None:
        self._tables = tables
        self._staged: dict[tuple[str, str], Any] = {}
        # The JSON each row was read as: a row that comes out the same is not rewritten.
        self._read: dict[tuple[str, str], str] = {}

    def get(self, kind: type[E], id_: str) -> E | None:
        key = (kind.table, id_)
        if key in self._staged:
            staged = self._staged[key]
            return None if staged is _DELETED else staged
        row = self._tables[kind.table].get(id_)
        if row is None:
            return None
        copy = kind.model_validate_json(row.json)
        # Later reads in this unit see (and mutate) the same private copy.
        self._staged[key] = copy
        self._read[key] = row.json
        return copy

    def put(self, entity: Entity) -> None:
        self._staged[(entity.table, entity.id)] = entity

    def delete(self, kind: type[Entity], id_: str) -> None:
        self._staged[(kind.table, id_)] = _DELETED

    def scan(self, kind: type[E]) -> Iterator[E]:
        seen: set[str] = set()
        for (table, id_), staged in list(self._staged.items()):
            if table == kind.table:
                seen.add(id_)
                if staged is not _DELETED:
                    yield staged
        for id_ in list(self._tables[kind.table]):
            if id_ not in seen:
                found = self.get(kind, id_)
                if found is not None:
                    yield found

    def commit(self) -> None:
        for (table, id_), value in self._staged.items():
            if value is _DELETED:
                self._tables[table].pop(id_, None)
                continue
            row = _row(value)
            if row.json != self._read.get((table, id_)):
                self._tables[table][id_] = row


class MemoryStore:
    """Tables in a dict, swept of abandoned entities every ``sweep_every`` commits."""

    def __init__(self, sweep_every: int = 2000) -> None:
        self._lock = threading.RLock()
        self._tables: dict[str, dict[str, Row]] = {name: {} for name in TABLES}
        self._clock: Clock = Clock()
        self._sweep_every = sweep_every
        self._commits = 0
        self._hits = MemoryHitLog()

    def hits(self) -> MemoryHitLog:
        return self._hits

    def bind(self, clock: Clock) -> Clock:
        self._clock = clock
        return clock

    def transact(self, fn: Callable[[Tx], T]) -> T:
        with self._lock:
            tx = MemoryTx(self._tables)
            try:
                result = fn(tx)
            except CommittedFapiError:
                self._commit(tx)
                raise
            self._commit(tx)
            return result

    def _commit(self, tx: MemoryTx) -> None:
        tx.commit()
        self._commits += 1
        if self._sweep_every and self._commits % self._sweep_every == 0:
            self.sweep()

    def sweep(self) -> int:
        """Drop every entity whose retention (``store/retention.py``) has passed, then
        the rows that only went with one of them."""
        now = self._clock.now_ms()
        dropped = 0
        with self._lock:
            for rows in self._tables.values():
                dead = [
                    key
                    for key, row in rows.items()
                    if row.expires_at is not None and row.expires_at <= now
                ]
                for key in dead:
                    del rows[key]
                dropped += len(dead)
            tables = self._tables
            for rows in tables.values():
                orphans = [
                    key
                    for key, row in rows.items()
                    if row.depends_on is not None
                    and row.depends_on[1] not in tables[row.depends_on[0]]
                ]
                for key in orphans:
                    del rows[key]
                dropped += len(orphans)
        return dropped

    def export(self) -> dict[str, Any]:
        with self._lock:
            return {
                name: [
                    TABLES[name].model_validate_json(row.json).model_dump(mode="json")
                    for row in rows.values()
                ]
                for name, rows in self._tables.items()
            }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state with an export; validated whole before anything changes."""
        tables: dict[str, dict[str, Row]] = {name: {} for name in TABLES}
        for name, rows in data.items():
            if name not in TABLES:
                raise ValueError(f"unknown table {name!r} in state")
            if not isinstance(rows, list):
                raise ValueError(f"table {name!r} must be a list of rows")
            model = TABLES[name]
            for row in rows:
                entity = model.model_validate(row)
                tables[name][entity.id] = _row(entity)
        with self._lock:
            self._tables = tables

    def reset(self) -> None:
        with self._lock:
            self._tables = {name: {} for name in TABLES}

    def count(self, kind: type[Entity]) -> int:
        return len(self._tables[kind.table])
