"""The memory store's sweep drops exactly what a walk over every row would drop.

The walk below is the sweep the store had before its :class:`ExpiryQueue`: every row
past its deadline, then every row whose row-it-goes-with is gone. Hypothesis runs the
same units of work against a store and, as the oracle, against that walk, with clients
used again (a later deadline, whether put anew or changed in place), deleted, pointed
at before they exist, and the clock moved by seconds to weeks.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.clock import Clock
from mock_server.domain.models import Client
from mock_server.store.base import Tx, point, unpoint
from mock_server.store.expiry_queue import Tables
from mock_server.store.memory import MemoryStore
from mock_server.store.retention import CLIENT_IDLE_MS, GRACE_MS, expires_at
from mock_server.wire.context import CLIENT_TOKEN, DEV_BROWSER

START = 1_900_000_000_000


def _walk(tables: Tables, now: int) -> None:
    """The old sweep: look at every row, twice, each deadline worked out afresh."""
    for rows in tables.values():
        for key in [
            k
            for k, row in rows.items()
            if (due := expires_at(row.entity)) is not None and due <= now
        ]:
            del rows[key]
    for rows in tables.values():
        orphans = [
            key
            for key, row in rows.items()
            if row.depends_on is not None and row.depends_on[1] not in tables[row.depends_on[0]]
        ]
        for key in orphans:
            del rows[key]


def _contents(store: MemoryStore) -> dict[str, Any]:
    return {name: sorted(rows) for name, rows in store._tables.items()}


_client = st.integers(0, 2).map(lambda n: f"client_{n}")
_op = st.one_of(
    st.tuples(st.just("use"), _client),
    st.tuples(st.just("touch"), _client),
    st.tuples(st.just("delete"), _client),
    st.tuples(st.just("token"), st.integers(0, 3), _client),
    st.tuples(st.just("untoken"), st.integers(0, 3)),
    st.tuples(st.just("link"), st.integers(0, 3), st.integers(1, 3 * 24 * 60)),
    # Seconds to weeks, around a client's deadline (7 days and an hour) most of the time.
    st.tuples(st.just("advance"), st.sampled_from([60, 3600, 24 * 3600, 7 * 24 * 3600])),
    st.tuples(st.just("advance"), st.integers(1, 10 * 24 * 3600)),
    st.tuples(st.just("sweep")),
)


def _unit(op: tuple[Any, ...], now: int) -> Any:
    def run(tx: Tx) -> None:
        match op:
            case ("use", cid):
                tx.put(Client(id=cid, created_at=now, updated_at=now))
            case ("touch", cid):
                # What a request does to its client: changed in place, never put.
                client = tx.get(Client, cid)
                if client is not None:
                    client.updated_at = now
            case ("delete", cid):
                tx.delete(Client, cid)
            case ("token", n, cid):
                point(tx, CLIENT_TOKEN, f"tok_{n}", cid)
            case ("untoken", n):
                unpoint(tx, CLIENT_TOKEN, f"tok_{n}")
            case ("link", n, minutes):
                point(tx, DEV_BROWSER, f"dvb_{n}", "client_0", expire_at=now + minutes * 60_000)

    return run


@settings(max_examples=300, deadline=None)
@given(st.lists(_op, max_size=60))
def test_the_queue_drops_what_a_walk_over_every_row_drops(ops: list[tuple[Any, ...]]) -> None:
    clock = Clock()
    clock.set(START, freeze=True)
    store, oracle = MemoryStore(sweep_every=0), MemoryStore(sweep_every=0)
    store.bind(clock)
    oracle.bind(clock)
    for op in [*ops, ("sweep",)]:
        if op[0] == "advance":
            clock.advance(op[1])
        elif op[0] == "sweep":
            store.sweep()
            _walk(oracle._tables, clock.now_ms())
            assert _contents(store) == _contents(oracle)
        else:
            store.transact(_unit(op, clock.now_ms()))
            oracle.transact(_unit(op, clock.now_ms()))


def test_a_client_used_all_week_leaves_the_heap_bounded() -> None:
    """Each use gives the client a later deadline but no new heap entry: polling does not
    grow the store's memory."""
    clock = Clock()
    clock.set(START, freeze=True)
    store = MemoryStore(sweep_every=1000)
    store.bind(clock)
    for _ in range(50_000):
        clock.advance(10)
        store.transact(_unit(("use", "client_a"), clock.now_ms()))
    assert store.count(Client) == 1
    assert len(store._queue) == 1
    clock.advance((CLIENT_IDLE_MS + GRACE_MS) // 1000 + 1)
    assert store.sweep() == 1
    assert len(store._queue) == 0


def test_a_loaded_state_is_swept_like_one_built_by_units() -> None:
    clock = Clock()
    clock.set(START, freeze=True)
    built = MemoryStore(sweep_every=0)
    built.bind(clock)

    def seed(tx: Tx) -> None:
        tx.put(Client(id="client_a", created_at=START, updated_at=START))
        point(tx, CLIENT_TOKEN, "tok_a", "client_a")
        point(tx, CLIENT_TOKEN, "tok_orphan", "client_never")

    built.transact(seed)
    loaded = MemoryStore(sweep_every=0)
    loaded.bind(clock)
    loaded.load(built.export())
    assert built.sweep() == loaded.sweep() == 1  # the token of a client that never was
    clock.advance((CLIENT_IDLE_MS + GRACE_MS) // 1000 + 1)
    assert built.sweep() == loaded.sweep() == 2
    assert _contents(built) == _contents(loaded)


@pytest.mark.parametrize("again", ["put anew", "changed in place"])
def test_a_client_used_again_is_swept_at_its_later_deadline_and_not_before(again: str) -> None:
    clock = Clock()
    clock.set(START, freeze=True)
    store = MemoryStore(sweep_every=0)
    store.bind(clock)
    idle = (CLIENT_IDLE_MS + GRACE_MS) // 1000

    def use(tx: Tx) -> None:
        tx.put(Client(id="client_a", created_at=START, updated_at=clock.now_ms()))

    def touch(tx: Tx) -> None:
        client = tx.get(Client, "client_a")
        assert client is not None
        client.updated_at = clock.now_ms()

    store.transact(use)
    clock.advance(24 * 3600)
    store.transact(use if again == "put anew" else touch)
    clock.advance(idle - 3600)  # past the first deadline, before the second
    assert store.sweep() == 0
    clock.advance(2 * 3600)
    assert store.sweep() == 1


def test_a_row_given_an_earlier_deadline_is_swept_at_that_one() -> None:
    clock = Clock()
    clock.set(START, freeze=True)
    store = MemoryStore(sweep_every=0)
    store.bind(clock)
    for minutes in (3 * 24 * 60, 10):
        store.transact(_unit(("link", 0, minutes), clock.now_ms()))
    clock.advance(10 * 60 + GRACE_MS // 1000 + 1)
    assert store.sweep() == 1
