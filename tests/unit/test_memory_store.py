"""The memory store's unit of work: all writes or none, in-place changes undone on failure."""

from __future__ import annotations

import pytest

from mock_server.domain.models import Client, Pointer
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.store import MemoryStore, Tx
from mock_server.store.base import point, resolve
from mock_server.store.factory import open_store
from mock_server.store.memory import MemoryTx, ViewChangedError


def _client(id_: str) -> Client:
    return Client(id=id_, created_at=1, updated_at=1)


def test_writes_apply_when_the_unit_returns() -> None:
    store = MemoryStore()
    store.transact(lambda tx: tx.put(_client("client_a")))
    assert store.transact(lambda tx: tx.get(Client, "client_a")) is not None


def test_a_failed_unit_changes_nothing() -> None:
    store = MemoryStore()
    store.transact(lambda tx: tx.put(_client("client_a")))

    def fail(tx: Tx) -> None:
        client = tx.get(Client, "client_a")
        assert client is not None
        client.last_active_session_id = "sess_x"
        tx.put(_client("client_b"))
        raise FapiError.of("form_param_missing", param="identifier")

    with pytest.raises(FapiError):
        store.transact(fail)
    after = store.transact(lambda tx: tx.get(Client, "client_a"))
    assert after is not None
    assert after.last_active_session_id is None
    assert store.transact(lambda tx: tx.get(Client, "client_b")) is None


def test_a_committed_failure_keeps_its_writes() -> None:
    store = MemoryStore()

    def fail(tx: Tx) -> None:
        tx.put(_client("client_a"))
        raise CommittedFapiError.wrap(FapiError.of("form_code_incorrect", param="code"))

    with pytest.raises(CommittedFapiError):
        store.transact(fail)
    assert store.transact(lambda tx: tx.get(Client, "client_a")) is not None


def test_a_failed_unit_puts_back_what_it_changed_in_place_however_deep() -> None:
    """A unit changes the stored entity itself; its undo image restores every row it read."""
    store = MemoryStore()
    store.transact(
        lambda tx: tx.put(Client(id="client_a", created_at=1, updated_at=1, session_ids=["s1"]))
    )

    def fail(tx: Tx, error: BaseException) -> None:
        mine = tx.get(Client, "client_a")
        assert mine is not None
        mine.session_ids.append("sess_new")
        mine.updated_at = 99
        tx.delete(Client, "client_a")
        raise error

    for error in (FapiError.of("form_param_missing", param="x"), RuntimeError("a mock bug")):
        with pytest.raises(type(error)):
            store.transact(lambda tx, error=error: fail(tx, error))
        after = store.transact(lambda tx: tx.get(Client, "client_a"))
        assert after is not None
        assert (after.session_ids, after.updated_at) == (["s1"], 1)


def test_a_committed_unit_keeps_what_it_changed_in_place() -> None:
    store = MemoryStore()
    store.transact(lambda tx: tx.put(_client("client_a")))

    def change(tx: Tx) -> None:
        mine = tx.get(Client, "client_a")
        assert mine is not None
        mine.session_ids.append("sess_new")

    store.transact(change)
    after = store.transact(lambda tx: tx.get(Client, "client_a"))
    assert after is not None
    assert after.session_ids == ["sess_new"]


def _seeded(**options: bool) -> MemoryStore:
    store = MemoryStore(**options)
    store.transact(
        lambda tx: tx.put(Client(id="client_a", created_at=1, updated_at=1, session_ids=["s1"]))
    )
    return store


def _stored(store: MemoryStore) -> tuple[list[str], int]:
    after = store.transact(lambda tx: tx.view(Client, "client_a"))
    assert after is not None
    return after.session_ids, after.updated_at


@pytest.mark.parametrize("then", ["returns", "fails"])
def test_a_change_made_through_a_view_fails_the_unit_and_is_put_back(then: str) -> None:
    """A view takes no undo image on the server; a checking store (the tests') finds the
    handler that changes a row through one, whether or not its unit fails."""
    store = _seeded()

    def unit(tx: Tx) -> None:
        mine = tx.view(Client, "client_a")
        assert mine is not None
        mine.session_ids.append("sess_new")
        if then == "fails":
            raise FapiError.of("form_param_missing", param="x")

    with pytest.raises(ViewChangedError, match="clients 'client_a'"):
        store.transact(unit)
    assert _stored(store) == (["s1"], 1)


def test_a_viewed_row_read_again_to_change_is_put_back_from_its_view() -> None:
    store = _seeded()

    def unit(tx: Tx) -> None:
        assert tx.view(Client, "client_a") is not None
        mine = tx.get(Client, "client_a")
        assert mine is not None
        mine.session_ids.append("sess_new")
        mine.updated_at = 99
        raise FapiError.of("form_param_missing", param="x")

    with pytest.raises(FapiError):
        store.transact(unit)
    assert _stored(store) == (["s1"], 1)


def test_a_row_changed_through_a_view_cannot_then_be_read_to_change() -> None:
    store = _seeded()

    def unit(tx: Tx) -> None:
        viewed = tx.view(Client, "client_a")
        assert viewed is not None
        viewed.updated_at = 99
        tx.get(Client, "client_a")

    with pytest.raises(ViewChangedError):
        store.transact(unit)
    assert _stored(store) == (["s1"], 1)


def test_the_servers_store_takes_no_image_of_a_viewed_row() -> None:
    """``fapi-harness serve`` trusts the views the tests have checked: that is their saving."""
    store = open_store(None)
    assert isinstance(store, MemoryStore)
    store.transact(lambda tx: tx.put(_client("client_a")))

    def unit(tx: Tx) -> None:
        assert tx.view(Client, "client_a") is not None
        assert isinstance(tx, MemoryTx)
        assert not tx._undo
        assert tx._viewed is None

    store.transact(unit)


def test_a_unit_sees_its_own_staged_writes_and_deletes() -> None:
    store = MemoryStore()

    def unit(tx: Tx) -> tuple[bool, bool]:
        point(tx, "client_token", "tok", "client_a")
        seen = resolve(tx, "client_token", "tok") == "client_a"
        tx.delete(Pointer, "client_token:tok")
        gone = resolve(tx, "client_token", "tok") is None
        return seen, gone

    assert store.transact(unit) == (True, True)
    assert store.count(Pointer) == 0


def test_export_then_load_round_trips_and_bad_state_is_refused_whole() -> None:
    store = MemoryStore()
    store.transact(lambda tx: tx.put(_client("client_a")))
    exported = store.export()
    fresh = MemoryStore()
    fresh.load(exported)
    assert fresh.export() == exported
    with pytest.raises(ValueError, match="unknown table"):
        fresh.load({"bogus": []})
    assert fresh.export() == exported


def test_a_swept_client_takes_its_token_row_along_and_dev_browsers_stay() -> None:
    from mock_server.clock import Clock
    from mock_server.store.retention import CLIENT_IDLE_MS, CLIENT_TOKEN_KIND, GRACE_MS
    from mock_server.wire.context import CLIENT_TOKEN, DEV_BROWSER

    assert CLIENT_TOKEN == CLIENT_TOKEN_KIND
    clock = Clock()
    clock.set(1_900_000_000_000, freeze=True)
    store = MemoryStore()
    store.bind(clock)
    now = clock.now_ms()

    def seed(tx: Tx) -> None:
        tx.put(Client(id="client_old", created_at=now, updated_at=now))
        point(tx, CLIENT_TOKEN, "tok_old", "client_old")
        point(tx, DEV_BROWSER, "dvb_old", "client_old")

    store.transact(seed)
    clock.advance((CLIENT_IDLE_MS + GRACE_MS) // 1000 - 60)

    def fresh(tx: Tx) -> None:
        tx.put(Client(id="client_new", created_at=clock.now_ms(), updated_at=clock.now_ms()))
        point(tx, CLIENT_TOKEN, "tok_new", "client_new")

    store.transact(fresh)
    assert store.sweep() == 0
    clock.advance(120)
    assert store.sweep() == 2  # the old client and its token row
    found = store.transact(
        lambda tx: (
            [resolve(tx, CLIENT_TOKEN, t) for t in ("tok_old", "tok_new")]
            + [resolve(tx, DEV_BROWSER, "dvb_old")]
        )
    )
    assert found == [None, "client_new", "client_old"]


def test_a_server_store_takes_its_heap_out_of_the_collector_after_a_sweep() -> None:
    """Live entities would make every full collection walk the whole store: the server's
    store freezes the heap after each sweep; a store built by tests leaves the GC alone."""
    import gc

    from mock_server.clock import Clock

    gc.unfreeze()
    try:
        quiet = MemoryStore(sweep_every=1)
        quiet.transact(lambda tx: tx.put(_client("client_a")))
        assert gc.get_freeze_count() == 0
        server = MemoryStore(sweep_every=1, settle_gc=True)
        now = server.bind(Clock()).now_ms()
        server.transact(lambda tx: tx.put(Client(id="client_a", created_at=now, updated_at=now)))
        assert gc.get_freeze_count() > 0
        # The sweep kept what it should: freezing only moved it out of the collector's sight.
        assert server.transact(lambda tx: tx.get(Client, "client_a")) is not None
    finally:
        gc.unfreeze()


def test_entities_hold_no_reference_cycles_so_a_frozen_one_is_still_freed() -> None:
    """What makes freezing safe: a dropped entity is freed by reference counting alone."""
    import gc

    from mock_server.domain.models import EmailAddress, User, Verification

    gc.collect()
    gc.disable()
    try:
        for n in range(50):
            user = User(
                id=f"user_{n}",
                created_at=0,
                updated_at=0,
                email_addresses=[
                    EmailAddress(
                        id="idn_1",
                        email_address="a@example.com",
                        verification=Verification(
                            strategy="email_code", status="verified", attempts=0, expire_at=0
                        ),
                        created_at=0,
                        updated_at=0,
                    )
                ],
            )
            user.first_name = "Ada"
            del user
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_pointers_are_replaced_never_changed_so_a_failed_unit_keeps_the_old_one() -> None:
    """The store takes no undo image of a frozen row: nothing can change it in place."""
    from dataclasses import FrozenInstanceError

    store = MemoryStore()
    store.transact(lambda tx: point(tx, "client_token", "tok_a", "client_a"))

    def fail(tx: Tx) -> None:
        row = tx.get(Pointer, "client_token:tok_a")
        assert row is not None
        with pytest.raises(FrozenInstanceError):
            row.target = "client_b"  # type: ignore[misc]
        point(tx, "client_token", "tok_a", "client_b")
        raise FapiError.of("form_param_missing", param="identifier")

    with pytest.raises(FapiError):
        store.transact(fail)
    assert store.transact(lambda tx: resolve(tx, "client_token", "tok_a")) == "client_a"
