"""Each kind of row is kept until its own deadline, and the kinds that are kept for good
have none (``store/retention.py``)."""

from __future__ import annotations

from mock_server.domain.models import (
    Client,
    Entity,
    OutboxMessage,
    Pointer,
    SignIn,
    SignUp,
    Ticket,
    User,
)
from mock_server.store.retention import CLIENT_IDLE_MS, GRACE_MS, OUTBOX_KEEP_MS, expires_at
from tests.entities import a_session

HOUR = 3_600_000


def test_each_kind_is_kept_until_its_own_deadline() -> None:
    message = OutboxMessage(
        id="msg_1", channel="email", to="a@b.test", purpose="x", subject="s", body="b", sent_at=7
    )
    expected: list[tuple[Entity, int | None]] = [
        (SignIn(id="sia_1", client_id="c", created_at=0, abandon_at=2 * HOUR), 2 * HOUR + GRACE_MS),
        (SignUp(id="sua_1", client_id="c", created_at=0, abandon_at=3 * HOUR), 3 * HOUR + GRACE_MS),
        (a_session(expire_at=5 * HOUR, abandon_at=9 * HOUR), 9 * HOUR + GRACE_MS),
        (message, 7 + OUTBOX_KEEP_MS),
        (Client(id="client_1", created_at=0, updated_at=4), 4 + CLIENT_IDLE_MS + GRACE_MS),
        (Pointer(id="k", kind="dev_browser", target="t", expire_at=8), 8 + GRACE_MS),
        (Pointer(id="k", kind="dev_browser", target="t"), None),
        (User(id="user_1", created_at=0, updated_at=0), None),
        (Ticket(id="tkt_1", kind="sign_in", expire_at=1), None),
    ]
    for entity, deadline in expected:
        assert expires_at(entity) == deadline, entity


def test_a_session_is_kept_past_whichever_of_its_ends_is_later() -> None:
    assert expires_at(a_session(expire_at=9 * HOUR, abandon_at=2 * HOUR)) == 9 * HOUR + GRACE_MS
    assert expires_at(a_session(expire_at=2 * HOUR, abandon_at=9 * HOUR)) == 9 * HOUR + GRACE_MS
