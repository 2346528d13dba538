"""The embedded default store: tables of live entities in one process, with an undo log.

A unit of work reads the stored entity itself and changes it in place; nothing is copied.
What keeps a failed request from leaving a trace is an undo image: the first read of a
row in a unit writes the row's JSON aside (pydantic-core, in Rust), and when the unit
fails every row it read is put back from its image, while its writes and deletions,
staged until then, are dropped. Units run one at a time under the store's lock and never
across an ``await``, so no other unit can see a row half-changed.

Earlier versions kept every row as JSON and parsed a private copy on each read, then
dumped every row read at commit to find the changed ones: about a quarter of a sign-in
request (``docs/performance.md``). Writing the undo image costs half a parse, and a
commit now only files its rows. Each row carries its retention deadline, and the sweep
finds the rows that are due through an :class:`ExpiryQueue` rather than by looking at all.

A row a unit only looks at (``Tx.view``: what an answer is built from) needs no image;
skipping those took 3-5% of the instructions off a flow request and 15% off a signed-in
``GET /v1/client`` (``benchmarks/instructions.py``). Nothing in the store can tell a look from a
change, so a store built with ``check_views`` (every store but the server's) images viewed
rows anyway and fails the unit that changed one: the test suites and the fuzzer run that
way, and hold every handler to its word.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from mock_server.clock import Clock
from mock_server.domain import codec
from mock_server.domain.models import TABLES, Entity
from mock_server.errors import CommittedFapiError
from mock_server.store.base import Tx
from mock_server.store.expiry_queue import ExpiryQueue, Row, Tables
from mock_server.store.hits import MemoryHitLog
from mock_server.store.retention import depends_on, expires_at

E = TypeVar("E", bound=Entity)
T = TypeVar("T")

_DELETED = object()
# Rows replaced, never changed in place: no undo image.
_FROZEN = frozenset(name for name, kind in TABLES.items() if codec.is_frozen(kind))


def _row(entity: Entity) -> Row:
    return Row(entity, expires_at(entity), depends_on(entity))


class ViewChangedError(AssertionError):
    """A unit changed a row it read through ``Tx.view``: a mock bug, since a failing unit
    would have kept that change."""


class MemoryTx:
    def __init__(self, tables: Tables, *, check_views: bool = False) -> None:
        self._tables = tables
        # Each viewed row's JSON, to find a change made through a view (``check_views``).
        self._viewed: dict[tuple[str, str], bytes] | None = {} if check_views else None
        # The rows this unit put or deleted: what its commit files.
        self._staged: dict[tuple[str, str], Any] = {}
        # The stored row and its JSON before this unit, for each row it read.
        self._undo: dict[tuple[str, str], tuple[Row, bytes]] = {}

    def get(self, kind: type[E], id_: str) -> E | None:
        key = (kind.table, id_)
        staged = self._staged.get(key)
        if staged is not None:
            return None if staged is _DELETED else staged
        row = self._tables[kind.table].get(id_)
        if row is None:
            return None
        entity: E = row.entity  # type: ignore[assignment]
        if key not in self._undo and entity.table not in _FROZEN:
            image = codec.to_json(entity)
            viewed = self._viewed.pop(key, None) if self._viewed is not None else None
            # Viewed first and read again to change: the image from the view is the one
            # to put back, and the row must still match it (``check_views``).
            self._undo[key] = (row, viewed or image)
            if viewed is not None and viewed != image:
                raise _view_error([key])
        return entity

    def view(self, kind: type[E], id_: str) -> E | None:
        # A read (``GET``) stages nothing: its views go straight to the table.
        if self._staged:
            staged = self._staged.get((kind.table, id_))
            if staged is not None:
                return None if staged is _DELETED else staged
        row = self._tables[kind.table].get(id_)
        if row is None:
            return None
        entity: E = row.entity  # type: ignore[assignment]
        viewed = self._viewed
        if viewed is not None:
            key = (kind.table, id_)
            if key not in self._undo and key not in viewed and entity.table not in _FROZEN:
                viewed[key] = codec.to_json(entity)
        return entity

    def check_views(self) -> None:
        """Fail if a row read only through ``view`` has changed (``check_views`` stores)."""
        changed = self._changed_views()
        if changed:
            raise _view_error(changed)

    def _changed_views(self) -> list[tuple[str, str]]:
        out = []
        for (table, id_), image in (self._viewed or {}).items():
            row = self._tables[table].get(id_)
            if row is not None and codec.to_json(row.entity) != image:
                out.append((table, id_))
        return out

    def prefetch(self, kind: type[Entity], id_: str) -> None:
        """Nothing to do: a read here is a dict lookup."""

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

    def commit(self, queue: ExpiryQueue) -> None:
        """File the rows this unit put or deleted.

        A row it only read, and perhaps changed in place, is already the stored object;
        its retention deadline may have moved later (a client used again), which the
        sweep finds when the row's old deadline comes due (``ExpiryQueue.sweep``). Not
        filing those saved 6% of a flow request's instructions (``docs/performance.md``).
        """
        tables = self._tables
        filed: list[Row] = []
        for (table, id_), value in self._staged.items():
            rows = tables[table]
            if value is _DELETED:
                if rows.pop(id_, None) is not None:
                    queue.removed((table, id_))
            else:
                row = _row(value)
                queue.filed(table, id_, rows.get(id_), row)
                rows[id_] = row
                if row.depends_on is not None:
                    filed.append(row)
        for row in filed:
            queue.orphaned(row, tables)

    def rollback(self) -> None:
        """Put back every row this unit read, as it was: it may have been changed in place.

        A ``check_views`` store puts back the viewed rows too, then fails if one had changed.
        """
        changed = self._changed_views()
        viewed = self._viewed or {}
        images = [(key, row, json) for key, (row, json) in self._undo.items()]
        images += [(key, self._tables[key[0]][key[1]], viewed[key]) for key in changed]
        for (table, id_), row, json in images:
            self._tables[table][id_] = row._replace(entity=codec.from_json(TABLES[table], json))
        if changed:
            raise _view_error(changed)


def _view_error(changed: list[tuple[str, str]]) -> ViewChangedError:
    rows = ", ".join(f"{table} {id_!r}" for table, id_ in changed)
    return ViewChangedError(f"{rows} read through Tx.view, then changed (Tx.get reads to change)")


def _settle() -> None:
    """Take the surviving heap out of the cyclic collector's sight (``gc.freeze``).

    Live entities are objects the collector tracks; as the store grows, each full
    collection walks every one of them (a 150 ms pause at ~100k rows, measured with
    ``gc.callbacks``), and every request in flight waits it out. Entities hold no
    reference cycles, so reference counting still frees a dropped one, frozen or not. The
    young generations are collected first, so short-lived cyclic garbage (an exception
    and its traceback) is not frozen along.
    """
    gc.collect(1)
    gc.freeze()


class MemoryStore:
    """Tables in a dict, swept of abandoned entities every ``sweep_every`` commits.

    ``settle_gc``: freeze the heap after each sweep (:func:`_settle`). It acts on the
    whole process, so only the server asks for it (``store.factory.open_store``), not a
    test process that builds many apps.

    ``check_views``: hold every unit to its views (see the module's docstring). On unless
    asked otherwise, so tests and in-process suites check; the server turns it off.
    """

    def __init__(
        self, sweep_every: int = 2000, *, settle_gc: bool = False, check_views: bool = True
    ) -> None:
        self._settle_gc = settle_gc
        self._check_views = check_views
        self._lock = threading.RLock()
        self._tables: Tables = {name: {} for name in TABLES}
        self._queue = ExpiryQueue()
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
            tx = MemoryTx(self._tables, check_views=self._check_views)
            try:
                result = fn(tx)
            except CommittedFapiError:
                self._commit(tx)
                raise
            except BaseException:
                tx.rollback()
                raise
            self._commit(tx)
            return result

    def _commit(self, tx: MemoryTx) -> None:
        try:
            tx.check_views()
        except ViewChangedError:
            tx.rollback()
            raise
        tx.commit(self._queue)
        self._commits += 1
        if self._sweep_every and self._commits % self._sweep_every == 0:
            self.sweep()

    def sweep(self) -> int:
        """Drop every entity whose retention (``store/retention.py``) has passed, then
        the rows that only went with one of them (:class:`ExpiryQueue` finds them)."""
        with self._lock:
            dropped = self._queue.sweep(self._clock.now_ms(), self._tables)
            if self._settle_gc:
                _settle()
        return dropped

    def export(self) -> dict[str, Any]:
        with self._lock:
            return {
                name: [codec.to_data(row.entity) for row in rows.values()]
                for name, rows in self._tables.items()
            }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the state with an export; validated whole before anything changes."""
        tables: Tables = {name: {} for name in TABLES}
        for name, rows in data.items():
            if name not in TABLES:
                raise ValueError(f"unknown table {name!r} in state")
            if not isinstance(rows, list):
                raise ValueError(f"table {name!r} must be a list of rows")
            model = TABLES[name]
            for row in rows:
                entity = codec.from_data(model, row)
                tables[name][entity.id] = _row(entity)
        queue = ExpiryQueue()
        queue.rebuild(tables)
        with self._lock:
            self._tables = tables
            self._queue = queue

    def reset(self) -> None:
        with self._lock:
            self._tables = {name: {} for name in TABLES}
            self._queue = ExpiryQueue()

    def count(self, kind: type[Entity]) -> int:
        return len(self._tables[kind.table])
