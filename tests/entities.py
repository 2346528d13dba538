"""Entities made by hand for tests that need one as a value: the required fields filled in,
the fields a test is about given by it."""

from __future__ import annotations

from mock_server.domain.models import Session


def a_session(*, expire_at: int, abandon_at: int) -> Session:
    return Session(
        id="sess_a",
        client_id="client_a",
        user_id="user_a",
        created_at=1,
        updated_at=1,
        last_active_at=1,
        expire_at=expire_at,
        abandon_at=abandon_at,
    )
