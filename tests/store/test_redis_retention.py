"""A long-running shared mock stays bounded in Redis: token rows go with their clients,
and the id indexes forget rows past their deadline."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import pytest

from mock_server.clock import Clock
from mock_server.domain.models import Client
from mock_server.store.base import Tx, point, pointer_key
from mock_server.store.redis import RedisStore, index_key
from mock_server.store.retention import CLIENT_IDLE_MS, GRACE_MS
from mock_server.wire.context import CLIENT_TOKEN, DEV_BROWSER

START = 1_900_000_000_000
_namespaces = count()


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisStore]:
    made = RedisStore(redis_url, namespace=f"ret{next(_namespaces)}")
    clock = Clock()
    clock.set(START, freeze=True)
    made.bind(clock)
    yield made
    made.reset()
    made.redis.delete(f"{made.namespace}:_clock")


def _pttl(store: RedisStore, table: str, id_: str) -> int:
    return int(store.redis.pttl(f"{store.namespace}:{table}:{id_}"))


def _use(store: RedisStore, client_id: str, token: str | None = None) -> None:
    now = store.clock.now_ms()

    def unit(tx: Tx) -> None:
        tx.put(Client(id=client_id, created_at=START, updated_at=now))
        if token is not None:
            point(tx, CLIENT_TOKEN, token, client_id)

    store.transact(unit)


def test_a_token_row_takes_its_clients_ttl_and_keeps_it_as_the_client_is_used(
    store: RedisStore,
) -> None:
    token_row = pointer_key(CLIENT_TOKEN, "tok_a")
    _use(store, "client_a", "tok_a")
    idle = CLIENT_IDLE_MS + GRACE_MS
    assert idle - 5000 < _pttl(store, "pointers", token_row) <= idle
    store.clock.advance(24 * 3600)
    _use(store, "client_a")  # a later request: only the client is written
    client_ttl = _pttl(store, "clients", "client_a")
    assert idle - 5000 < client_ttl <= idle
    assert abs(_pttl(store, "pointers", token_row) - client_ttl) < 5000


def test_deleting_a_client_deletes_its_token_row(store: RedisStore) -> None:
    _use(store, "client_b", "tok_b")
    store.transact(lambda tx: tx.delete(Client, "client_b"))
    assert _pttl(store, "pointers", pointer_key(CLIENT_TOKEN, "tok_b")) == -2
    assert store.redis.keys(f"{store.namespace}:_deps:*") == []


def test_a_token_row_for_a_missing_client_goes_at_once_and_dev_browser_rows_stay(
    store: RedisStore,
) -> None:
    def unit(tx: Tx) -> None:
        point(tx, CLIENT_TOKEN, "tok_lost", "client_never")
        point(tx, DEV_BROWSER, "dvb_c", "client_never")

    store.transact(unit)
    assert 0 < _pttl(store, "pointers", pointer_key(CLIENT_TOKEN, "tok_lost")) <= 1000
    assert _pttl(store, "pointers", pointer_key(DEV_BROWSER, "dvb_c")) == -1


def test_the_id_index_forgets_rows_past_their_deadline(store: RedisStore) -> None:
    for n in range(3):
        _use(store, f"client_old{n}")
    assert store.count(Client) == 3
    store.clock.advance((CLIENT_IDLE_MS + GRACE_MS) // 1000 + 1)
    _use(store, "client_new")  # a write prunes its table's index
    assert store.redis.zcard(index_key(store.namespace, "clients")) == 1
    assert store.count(Client) == 1
    assert [c.id for c in store.transact(lambda tx: list(tx.scan(Client)))] == ["client_new"]
