"""What the memory store's sweep drops, found without looking at every row.

A sweep used to walk every row twice (once for deadlines, once for rows whose client was
gone), every 2,000 commits. That is linear in the store: under a steady sign-in load the
store grows by some 3,500 rows a second, and by 36,000 flows the walks had raised the
server's CPU per request from 505 to 610-650 µs (``docs/performance.md``, round three).

The queue keeps the same answers at the cost of the rows that are actually due:

* a min-heap of ``(deadline, table, id)`` with an entry per row that has a deadline, due
  no later than the row. An entry is only a hint: when it comes due, the row's deadline
  *now* decides (worked out again from the entity, which a unit may have changed in
  place), and a row used since (a client, each time it is touched) is pushed again at
  its later deadline then, not at every use. So the heap holds about one entry
  per row; it is rebuilt from the rows should entries of deleted rows ever outnumber them;
* for rows that only go with another (``retention.depends_on``: a client's token row),
  the dependants of each row, visited when that row is gone, whether a sweep dropped it
  or a unit deleted it.
"""

from __future__ import annotations

import heapq
from typing import NamedTuple

from mock_server.domain.models import Entity
from mock_server.store.retention import expires_at

Key = tuple[str, str]  # (table, id)


class Row(NamedTuple):
    entity: Entity
    # Epoch ms after which the row is dropped (``store/retention.py``), as last filed;
    # None: kept. A unit may move it in place (a client used again moves it later): the
    # sweep works it out again from the entity when this one comes due.
    expires_at: int | None
    # (table, id) of the row this one goes with: it is dropped when that one is gone.
    depends_on: Key | None = None


Tables = dict[str, dict[str, Row]]

# Rebuild the heap when it holds this many entries more than there are rows.
_SLACK = 4096


class ExpiryQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[int, str, str]] = []
        # table -> {row gone with -> id, or ids, of the rows in ``table`` that go with it}.
        # Almost always one id: a bare string costs a third of a list of keys (60,000
        # clients: 4 MB instead of 14).
        self._dependants: dict[str, dict[Key, str | list[str]]] = {}
        # Rows with dependants that are gone since the last sweep (deleted, or never there).
        self._gone: list[Key] = []

    def filed(self, table: str, id_: str, old: Row | None, new: Row) -> None:
        """``new`` replaced ``old`` (None: a new row) in ``table``."""
        due = new.expires_at
        # A later deadline needs no entry: the row's entry comes due first and is pushed
        # again at the deadline the row has then (see ``sweep``).
        if due is not None and (old is None or old.expires_at is None or due < old.expires_at):
            heapq.heappush(self._heap, (due, table, id_))
        target = new.depends_on
        if target is not None and (old is None or old.depends_on != target):
            self._add_dependant(target, table, id_)

    def removed(self, key: Key) -> None:
        """A unit deleted the row ``key``: its dependants go at the next sweep."""
        if self._has_dependants(key):
            self._gone.append(key)

    def orphaned(self, row: Row, tables: Tables) -> None:
        """``row`` was filed pointing at a row that is not there: drop it at the next sweep."""
        target = row.depends_on
        if target is not None and target[1] not in tables[target[0]]:
            self._gone.append(target)

    def sweep(self, now: int, tables: Tables) -> int:
        """Drop the rows past their deadline at ``now``, then those that went with a row
        now gone. Answers how many rows were dropped."""
        dropped = 0
        heap = self._heap
        gone = self._gone
        while heap and heap[0][0] <= now:
            _, table, id_ = heapq.heappop(heap)
            rows = tables[table]
            row = rows.get(id_)
            if row is None:
                continue  # deleted since
            # The row's deadline now: a unit that used a row in place without putting it
            # (a client touched by a request) moved it later without filing it again.
            due = expires_at(row.entity)
            if due != row.expires_at:
                row = rows[id_] = row._replace(expires_at=due)
            if due is None:
                continue  # kept for good since
            if due > now:
                heapq.heappush(heap, (due, table, id_))  # used since: not yet
                continue
            del rows[id_]
            dropped += 1
            if self._has_dependants((table, id_)):
                gone.append((table, id_))
        while gone:
            target = gone.pop()
            if target[1] in tables[target[0]]:
                continue  # filed again since: its dependants stay
            for table, id_ in self._pop_dependants(target):
                rows = tables[table]
                row = rows.get(id_)
                if row is not None and row.depends_on == target:
                    del rows[id_]
                    dropped += 1
                    if self._has_dependants((table, id_)):
                        gone.append((table, id_))
        if len(heap) > sum(len(rows) for rows in tables.values()) + _SLACK:
            self.rebuild(tables)
        return dropped

    def rebuild(self, tables: Tables) -> None:
        """Index ``tables`` afresh (after a load, or to shed stale entries)."""
        self._heap = [
            (row.expires_at, table, id_)
            for table, rows in tables.items()
            for id_, row in rows.items()
            if row.expires_at is not None
        ]
        heapq.heapify(self._heap)
        self._dependants = {}
        self._gone = []
        for table, rows in tables.items():
            for id_, row in rows.items():
                if row.depends_on is not None:
                    self._add_dependant(row.depends_on, table, id_)
                    self.orphaned(row, tables)

    def _add_dependant(self, target: Key, table: str, id_: str) -> None:
        ids = self._dependants.setdefault(table, {})
        held = ids.get(target)
        if held is None:
            ids[target] = id_
        elif isinstance(held, str):
            ids[target] = [held, id_]
        else:
            held.append(id_)

    def _has_dependants(self, target: Key) -> bool:
        return any(target in ids for ids in self._dependants.values())

    def _pop_dependants(self, target: Key) -> list[Key]:
        found: list[Key] = []
        for table, ids in self._dependants.items():
            held = ids.pop(target, None)
            if held is not None:
                found.extend((table, id_) for id_ in ([held] if isinstance(held, str) else held))
        return found

    def __len__(self) -> int:
        return len(self._heap)
