"""Entities cross the store's edges through pydantic: validated in, serialized out."""

from __future__ import annotations

import dataclasses

import pydantic
import pytest

from mock_server.domain import codec
from mock_server.domain.models import (
    ENTITY_TYPES,
    Client,
    Entity,
    Pointer,
    Session,
    User,
)
from tests.entities import a_session


def _client() -> Client:
    return Client(id="client_a", session_ids=["sess_a"], created_at=1, updated_at=2)


@pytest.mark.parametrize("kind", ENTITY_TYPES, ids=lambda kind: kind.table)
def test_an_entity_keeps_no_instance_dict(kind: type[Entity]) -> None:
    """Slots are what make a field read cheap on the request path (``models``'s docstring);
    a class without them would quietly bring the cost back."""
    assert dataclasses.is_dataclass(kind)
    # An instance has no ``__dict__`` only when every class above ``object`` has slots.
    assert all("__slots__" in vars(cls) for cls in kind.__mro__[:-1])


def test_an_entity_round_trips_through_json_and_data() -> None:
    user = User(
        id="user_a",
        email_addresses=[],
        public_metadata={"plan": "pro"},
        created_at=1,
        updated_at=1,
    )
    assert codec.from_json(User, codec.to_json(user)) == user
    assert codec.from_data(User, codec.to_data(user)) == user
    assert codec.from_json(Client, codec.to_json(_client())) == _client()


def test_a_field_the_entity_does_not_have_is_refused() -> None:
    data = {**codec.to_data(_client()), "bogus": 1}
    with pytest.raises(pydantic.ValidationError):
        codec.from_data(Client, data)


def test_a_nested_field_the_model_does_not_have_is_refused() -> None:
    user = codec.to_data(User(id="user_a", created_at=1, updated_at=1))
    user["email_addresses"] = [
        {
            "id": "idn_a",
            "email_address": "a@example.com",
            "created_at": 1,
            "updated_at": 1,
            "verification": {"strategy": "admin", "status": "verified", "bogus": True},
        }
    ]
    with pytest.raises(pydantic.ValidationError):
        codec.from_data(User, user)


def test_strict_reading_refuses_what_lax_reading_would_coerce() -> None:
    raw = codec.to_json(_client()).replace(b'"created_at":1', b'"created_at":"1"')
    assert codec.from_json(Client, raw).created_at == 1
    with pytest.raises(pydantic.ValidationError):
        codec.from_json(Client, raw, strict=True)


def test_a_status_outside_the_literal_is_refused() -> None:
    data = codec.to_data(a_session(expire_at=2, abandon_at=2))
    with pytest.raises(pydantic.ValidationError):
        codec.from_data(Session, {**data, "status": "sleeping"})


def test_only_pointers_are_frozen() -> None:
    assert [kind for kind in ENTITY_TYPES if codec.is_frozen(kind)] == [Pointer]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Pointer(id="k", kind="client_token", target="client_a").target = "x"  # type: ignore[misc]
