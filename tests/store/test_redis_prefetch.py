"""``Tx.prefetch`` on Redis: a client's rows in one round trip, read and checked as ever."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.domain.models import Client, Pointer, Session, SignIn, SignUp, User
from mock_server.store.base import Tx, point, pointer_key
from mock_server.store.redis import RedisStore
from tests.store.round_trips import round_trips

TOKEN = pointer_key("client_token", "tok")
FAR = 10**13


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisStore]:
    made = RedisStore(redis_url, namespace="prefetch")
    made.transact(_seed)
    yield made
    made.reset()


def _session(id_: str, user_id: str) -> Session:
    return Session(
        id=id_,
        client_id="client_a",
        user_id=user_id,
        created_at=1,
        updated_at=1,
        last_active_at=1,
        expire_at=FAR,
        abandon_at=FAR,
    )


def _seed(tx: Tx) -> None:
    """A client with two sessions (two users), a sign-in (a third user) and a sign-up."""
    for user_id in ("user_1", "user_2", "user_3"):
        tx.put(User(id=user_id, created_at=1, updated_at=1))
    tx.put(_session("sess_1", "user_1"))
    tx.put(_session("sess_2", "user_2"))
    tx.put(SignIn(id="sia_1", client_id="client_a", user_id="user_3", created_at=1, abandon_at=FAR))
    tx.put(SignUp(id="sua_1", client_id="client_a", created_at=1, abandon_at=FAR))
    tx.put(
        Client(
            id="client_a",
            session_ids=["sess_1", "sess_2", "sess_gone"],
            sign_in_id="sia_1",
            sign_up_id="sua_1",
            created_at=1,
            updated_at=1,
        )
    )
    point(tx, "client_token", "tok", "client_a")


def _read_all(tx: Tx) -> list[Any]:
    pointer = tx.get(Pointer, TOKEN)
    assert pointer is not None
    client = tx.get(Client, pointer.target)
    assert client is not None
    sessions = [tx.get(Session, sid) for sid in client.session_ids]
    sign_in = tx.get(SignIn, client.sign_in_id or "")
    sign_up = tx.get(SignUp, client.sign_up_id or "")
    users = [tx.get(User, s.user_id) for s in sessions if s] + [
        tx.get(User, sign_in.user_id or "") if sign_in else None
    ]
    return [pointer, client, *sessions, sign_in, sign_up, *users]


def test_a_prefetched_client_reads_the_same_rows_in_one_round_trip(store: RedisStore) -> None:
    def prefetched(tx: Tx) -> list[Any]:
        tx.prefetch(Pointer, TOKEN)
        return _read_all(tx)

    store.transact(prefetched)  # Redis has the script from now on
    with round_trips() as plain_trips:
        plain = store.transact(_read_all)
    with round_trips() as trips:
        assert store.transact(prefetched) == plain
    assert None in plain  # the missing session reads as missing both ways
    # Pointer, client, three sessions, sign-in, sign-up, three users: a round trip each;
    # prefetched, one round trip for all. (Nothing changed: no commit either way.)
    assert len(plain_trips) == 10
    assert len(trips) == 1


def test_a_prefetched_row_changed_before_the_commit_makes_the_unit_run_again(
    store: RedisStore,
) -> None:
    seen: list[int] = []

    def unit(tx: Tx) -> None:
        tx.prefetch(Pointer, TOKEN)
        if not seen:  # another worker changes a session after this unit fetched it
            store.transact(lambda other: _bump(other, "sess_2", 7))
        session = tx.get(Session, "sess_2")
        assert session is not None
        seen.append(session.updated_at)
        session.last_active_at = 99

    store.transact(unit)
    assert seen == [1, 7]
    final = store.transact(lambda tx: tx.get(Session, "sess_2"))
    assert final is not None
    assert (final.updated_at, final.last_active_at) == (7, 99)


def _bump(tx: Tx, session_id: str, updated_at: int) -> None:
    session = tx.get(Session, session_id)
    assert session is not None
    session.updated_at = updated_at


def test_prefetching_a_token_nobody_has_finds_nothing(store: RedisStore) -> None:
    def unit(tx: Tx) -> Any:
        tx.prefetch(Pointer, pointer_key("client_token", "nobody"))
        return tx.get(Pointer, pointer_key("client_token", "nobody"))

    assert store.transact(unit) is None
    with round_trips() as trips:
        assert store.transact(unit) is None
    assert len(trips) == 1  # the prefetch; the read is answered from it


def test_rows_read_before_the_prefetch_are_not_read_again(store: RedisStore) -> None:
    def unit(tx: Tx) -> int:
        client = tx.get(Client, "client_a")
        assert client is not None
        client.updated_at = 5  # a change the prefetch must not overwrite
        tx.prefetch(Client, "client_a")
        again = tx.get(Client, "client_a")
        assert again is client
        return again.updated_at

    assert store.transact(unit) == 5
