"""Both stores keep the same unit-of-work contract; Redis shares it between workers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from itertools import count

import pytest

from mock_server.clock import Clock
from mock_server.domain.models import Client, SignIn
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.store import MemoryStore, Store, Tx

_namespaces = count()


@pytest.fixture(params=["memory", "redis"])
def make_store(request: pytest.FixtureRequest) -> Iterator[Callable[[], Store]]:
    if request.param == "memory":
        yield MemoryStore
        return
    from mock_server.store.redis import RedisStore

    url = request.getfixturevalue("redis_url")
    namespace = f"t{next(_namespaces)}"
    made: list[RedisStore] = []

    def factory() -> Store:
        store = RedisStore(url, namespace=namespace)
        made.append(store)
        return store

    yield factory
    if made:
        made[0].reset()


def _client(id_: str, updated_at: int = 1) -> Client:
    return Client(id=id_, created_at=1, updated_at=updated_at)


def test_writes_apply_and_failures_change_nothing(make_store: Callable[[], Store]) -> None:
    store = make_store()
    store.transact(lambda tx: tx.put(_client("client_a")))

    def fail(tx: Tx) -> None:
        c = tx.get(Client, "client_a")
        assert c is not None
        c.last_active_session_id = "sess_x"
        raise FapiError.of("form_param_missing", param="identifier")

    with pytest.raises(FapiError):
        store.transact(fail)
    after = store.transact(lambda tx: tx.get(Client, "client_a"))
    assert after is not None
    assert after.last_active_session_id is None


def test_committed_failures_keep_their_writes(make_store: Callable[[], Store]) -> None:
    store = make_store()

    def fail(tx: Tx) -> None:
        tx.put(_client("client_b"))
        raise CommittedFapiError.wrap(FapiError.of("form_code_incorrect", param="code"))

    with pytest.raises(CommittedFapiError):
        store.transact(fail)
    assert store.transact(lambda tx: tx.get(Client, "client_b")) is not None


def test_export_load_round_trip(make_store: Callable[[], Store]) -> None:
    store = make_store()
    store.transact(lambda tx: tx.put(_client("client_c")))
    exported = store.export()
    assert [row["id"] for row in exported["clients"]] == ["client_c"]
    store.reset()
    assert store.count(Client) == 0
    store.load(exported)
    assert store.count(Client) == 1


def test_concurrent_units_on_one_row_serialize(make_store: Callable[[], Store]) -> None:
    """Workers racing to consume the same thing (read, pause, write): exactly one wins."""
    shared = make_store()
    shared.transact(lambda tx: tx.put(_client("client_d")))
    # Memory: one store, many threads. Redis: one store object per "worker".
    stores = [shared] * 4 if isinstance(shared, MemoryStore) else [make_store() for _ in range(4)]
    winners: list[str] = []

    def consume(store: Store, name: str) -> None:
        def unit(tx: Tx) -> bool:
            c = tx.get(Client, "client_d")
            assert c is not None
            time.sleep(0.02)  # widen the window between read and write
            if c.sign_in_id is not None:
                return False
            c.sign_in_id = name
            return True

        if store.transact(unit):
            winners.append(name)

    threads = [threading.Thread(target=consume, args=(s, f"sia_{i}")) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    final = shared.transact(lambda tx: tx.get(Client, "client_d"))
    assert final is not None
    assert len(winners) == 1
    assert final.sign_in_id == winners[0]


def test_abandoned_entities_are_swept(make_store: Callable[[], Store]) -> None:
    store = make_store()
    clock = Clock()
    clock.set(1_900_000_000_000, freeze=True)
    clock = store.bind(clock)
    now = clock.now_ms()

    def seed(tx: Tx) -> None:
        tx.put(SignIn(id="sia_old", client_id="c", created_at=now, abandon_at=now + 1000))

    store.transact(seed)
    clock.advance(2 * 3600)
    store.sweep()
    if isinstance(store, MemoryStore):
        assert store.transact(lambda tx: tx.get(SignIn, "sia_old")) is None
    else:
        ttl = store.redis.pttl(f"{store.namespace}:sign_ins:sia_old")  # type: ignore[attr-defined]
        assert 0 < ttl <= 3600 * 1000 + 1000
