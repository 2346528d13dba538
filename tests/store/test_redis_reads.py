"""Reads on Redis: WATCH and GET go together, and a connection lost between them makes
the unit run again rather than fail the request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from mock_server.domain.models import Client
from mock_server.store.base import Tx
from mock_server.store.redis import RedisStore


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisStore]:
    made = RedisStore(redis_url, namespace="reads")
    yield made
    made.reset()


def _two_clients(store: RedisStore) -> None:
    def seed(tx: Tx) -> None:
        for id_ in ("client_a", "client_b"):
            tx.put(Client(id=id_, created_at=1, updated_at=1))

    store.transact(seed)


def test_a_unit_reads_each_row_once_with_one_watch(store: RedisStore) -> None:
    _two_clients(store)
    store.redis.config_resetstat()
    found = store.transact(
        lambda tx: [c.id for c in (tx.get(Client, "client_a"), tx.get(Client, "client_b")) if c]
    )
    assert found == ["client_a", "client_b"]
    stats = store.redis.info("commandstats")
    assert stats["cmdstat_watch"]["calls"] == 2
    assert stats["cmdstat_get"]["calls"] == 2


def test_a_connection_lost_while_reading_runs_the_unit_again(
    store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_clients(store)
    original = redis.Connection.send_packed_command
    failed: list[bytes] = []

    def flaky(self: redis.Connection, command: Any, check_health: bool = True) -> None:
        sent = b"".join(command) if isinstance(command, list) else bytes(command)
        if b"WATCH" in sent and b"GET" in sent and not failed:  # a WATCH and GET together
            failed.append(sent)
            raise redis.ConnectionError("gone")
        original(self, command, check_health)

    monkeypatch.setattr(redis.Connection, "send_packed_command", flaky)
    runs: list[int] = []

    def unit(tx: Tx) -> list[str]:
        runs.append(1)
        return [c.id for c in (tx.get(Client, "client_a"), tx.get(Client, "client_b")) if c]

    assert store.transact(unit) == ["client_a", "client_b"]
    assert failed
    assert len(runs) == 2
