"""A unit of work on Redis: plain reads, one commit script that checks them by value.

The guarantee is the one ``WATCH`` gave (a unit commits only if every row it read is
still as it read it, and otherwise runs again on fresh data); these tests hold the store
to it, and to its cost: a read is one ``GET``, a commit one ``EVALSHA``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from mock_server.clock import Clock
from mock_server.domain.models import Client, Session
from mock_server.store.base import Tx
from mock_server.store.redis import RedisStore
from tests.entities import a_session
from tests.store.round_trips import round_trips


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


def _calls(store: RedisStore) -> dict[str, int]:
    stats = store.redis.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(row["calls"]) for name, row in stats.items()}


def _touch(store: RedisStore, id_: str, updated_at: int) -> None:
    """Another worker's unit, on its own connection, changes a client."""
    store.transact(lambda tx: _touch_in(tx, id_, updated_at))


def test_a_unit_reads_each_row_with_one_get_and_commits_with_one_script(
    store: RedisStore,
) -> None:
    _two_clients(store)
    store.transact(lambda tx: _touch_in(tx, "client_a", 2))  # Redis has the script now
    store.redis.config_resetstat()

    def unit(tx: Tx) -> list[str]:
        found = [tx.get(Client, "client_a"), tx.get(Client, "client_b"), tx.get(Client, "a")]
        assert tx.get(Client, "client_a") is found[0]  # read once per unit
        assert tx.get(Client, "a") is None
        _touch_in(tx, "client_a", 3)
        return [c.id for c in found if c]

    assert store.transact(unit) == ["client_a", "client_b"]
    calls = _calls(store)
    # Three reads, and the same three rows checked again inside the one script (Redis
    # counts a script's commands too), which writes the one row changed.
    assert calls.pop("get") == 3 + 3
    assert calls.pop("evalsha") == 1
    assert calls.pop("set") == 1
    assert not {"watch", "multi", "exec"} & set(calls)


def _touch_in(tx: Tx, id_: str, updated_at: int) -> None:
    client = tx.get(Client, id_)
    assert client is not None
    client.updated_at = updated_at


def test_a_row_changed_after_the_unit_read_it_makes_the_unit_run_again(
    store: RedisStore,
) -> None:
    _two_clients(store)
    runs: list[int] = []

    def unit(tx: Tx) -> int:
        client = tx.get(Client, "client_a")
        assert client is not None
        runs.append(client.updated_at)
        if len(runs) == 1:
            _touch(store, "client_a", 50)
        client.updated_at += 1
        return client.updated_at

    assert store.transact(unit) == 51
    assert runs == [1, 50]  # the first run's write (2) never went in
    assert store.transact(lambda tx: tx.get(Client, "client_a")).updated_at == 51  # type: ignore[union-attr]


def test_a_row_made_after_the_unit_found_it_absent_makes_the_unit_run_again(
    store: RedisStore,
) -> None:
    runs: list[bool] = []

    def unit(tx: Tx) -> str:
        found = tx.get(Client, "client_a")
        runs.append(found is None)
        if found is None and len(runs) == 1:
            _two_clients(store)
        if found is None:
            tx.put(Client(id="client_a", created_at=9, updated_at=9))
            return "made"
        return "found"

    assert store.transact(unit) == "found"
    assert runs == [True, False]
    assert store.transact(lambda tx: tx.get(Client, "client_a")).created_at == 1  # type: ignore[union-attr]


def test_a_table_that_changed_after_the_unit_scanned_it_makes_the_unit_run_again(
    store: RedisStore,
) -> None:
    _two_clients(store)
    seen: list[list[str]] = []

    def unit(tx: Tx) -> None:
        seen.append(sorted(c.id for c in tx.scan(Client)))
        if len(seen) == 1:
            store.transact(
                lambda other: other.put(Client(id="client_c", created_at=1, updated_at=1))
            )
        tx.put(Client(id="client_d", created_at=1, updated_at=1))  # a write: the unit commits

    store.transact(unit)
    assert seen == [["client_a", "client_b"], ["client_a", "client_b", "client_c"]]


def test_a_unit_that_changes_nothing_sends_no_commit(store: RedisStore) -> None:
    _two_clients(store)
    store.redis.config_resetstat()
    assert store.transact(lambda tx: tx.get(Client, "client_a")) is not None
    calls = _calls(store)
    assert calls.pop("get") == 1
    assert not {"evalsha", "eval", "set"} & set(calls)


def test_the_commit_sends_the_script_whole_when_redis_has_not_seen_it(store: RedisStore) -> None:
    _two_clients(store)
    store.redis.script_flush()

    def unit(tx: Tx) -> None:
        tx.put(a_session(expire_at=10**13, abandon_at=10**13))

    store.transact(unit)
    assert store.transact(lambda tx: tx.get(Session, "sess_a")) is not None


def test_a_connection_lost_while_reading_runs_the_unit_again(
    store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_clients(store)
    original = redis.Connection.send_command
    failed: list[tuple[Any, ...]] = []

    def flaky(self: redis.Connection, *args: Any, **options: Any) -> None:
        if args[0] == "GET" and not failed:
            failed.append(args)
            raise redis.ConnectionError("gone")
        original(self, *args, **options)

    monkeypatch.setattr(redis.Connection, "send_command", flaky)
    runs: list[int] = []

    def unit(tx: Tx) -> list[str]:
        runs.append(1)
        return [c.id for c in (tx.get(Client, "client_a"), tx.get(Client, "client_b")) if c]

    assert store.transact(unit) == ["client_a", "client_b"]
    assert failed
    assert len(runs) == 2


def test_a_connection_lost_while_committing_fails_the_unit_rather_than_run_it_twice(
    store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_clients(store)
    original = redis.Connection.read_response
    sent: list[str] = []
    original_send = redis.Connection.send_command

    def track(self: redis.Connection, *args: Any, **options: Any) -> None:
        sent.append(str(args[0]))
        original_send(self, *args, **options)

    def lost(self: redis.Connection, *args: Any, **options: Any) -> Any:
        if sent and sent[-1] == "EVALSHA":
            raise redis.ConnectionError("gone after the script went out")
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Connection, "send_command", track)
    monkeypatch.setattr(redis.Connection, "read_response", lost)
    runs: list[int] = []

    def unit(tx: Tx) -> None:
        runs.append(1)
        client = tx.get(Client, "client_a")
        assert client is not None
        client.updated_at += 1

    with pytest.raises(redis.ConnectionError):
        store.transact(unit)
    assert runs == [1]


def test_the_shared_clock_comes_with_the_first_row_a_unit_reads(
    store: RedisStore, redis_url: str
) -> None:
    _two_clients(store)
    clock = store.bind(Clock())
    other = RedisStore(redis_url, namespace="reads").bind(Clock())
    other.set(1_000_000, freeze=True)  # another worker moves the shared time
    assert clock.now_ms() != 1_000_000  # this worker's copy has not looked since
    clock.refresh()  # a request begins

    with round_trips() as trips:
        store.transact(lambda tx: _touch_in(tx, "client_a", 5))
        # One round trip to read the row and the clock, one for the commit script.
        assert len(trips) == 2
        assert clock.now_ms() == 1_000_000
        assert len(trips) == 2  # no second look at the clock within the request
    other.reset()


def test_the_shared_clock_is_read_on_its_own_when_asked_before_any_row(
    store: RedisStore, redis_url: str
) -> None:
    clock = store.bind(Clock())
    RedisStore(redis_url, namespace="reads").bind(Clock()).set(2_000_000, freeze=True)
    clock.refresh()
    assert clock.now_ms() == 2_000_000
    clock.reset()


def test_a_rate_limit_window_reads_a_stale_shared_clock_in_the_same_round_trip(
    store: RedisStore, redis_url: str
) -> None:
    clock = store.bind(Clock())
    other = RedisStore(redis_url, namespace="reads").bind(Clock())
    other.set(3_000_000, freeze=True)  # another worker freezes the shared time
    clock.refresh()  # a request begins; its first step is the rate limiter
    hits = store.hits()
    hits.admit("warm", clock, 60_000, 5)  # Redis has the script from here on
    clock.refresh()
    with round_trips() as trips:
        assert hits.admit("create_sign_in:1.2.3.4", clock, 60_000, 2) == (3_000_000, None)
        assert len(trips) == 1
        assert clock.now_ms() == 3_000_000  # taken from the script's answer, no second look
        assert len(trips) == 1
    # The window filled at the shared time: the third hit is refused, dated by the first.
    assert hits.admit("create_sign_in:1.2.3.4", clock, 60_000, 2) == (3_000_000, None)
    assert hits.admit("create_sign_in:1.2.3.4", clock, 60_000, 2) == (3_000_000, 3_000_000)
    other.reset()
    clock.refresh()
    assert hits.admit("create_sign_in:1.2.3.4", clock, 60_000, 2)[0] != 3_000_000
    hits.reset()
