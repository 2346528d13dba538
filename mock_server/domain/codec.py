"""Entities to JSON and back: the edges where pydantic checks what the store holds.

The entities (``domain/models.py``) are plain dataclasses, cheap to read and change on a
request's path; a pydantic ``TypeAdapter`` per class validates them where they enter
(a state file, a Redis row, an undo image put back) and serializes them where they
leave, in Rust. Writing a dataclass costs a little more than writing a ``BaseModel``
did (the undo images of a password flow: 28k instructions a request against 24k,
``docs/performance.md``); reading fields on every request costs far less. Unknown
fields are refused (``models._STRICT_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter

from mock_server.domain.models import Entity

E = TypeVar("E", bound=Entity)

_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}
# Each class's own JSON writer, bound: the memory store writes an undo image of every row
# a request gets, and going through ``adapter`` cost a call more each time.
_WRITERS: dict[type[Any], Callable[[Any], bytes]] = {}


def adapter(kind: type[E]) -> TypeAdapter[E]:
    """The class's adapter, built on first use (building one takes milliseconds)."""
    found = _ADAPTERS.get(kind)
    if found is None:
        found = _ADAPTERS[kind] = TypeAdapter(kind)
    return found


def to_json(entity: Entity) -> bytes:
    write = _WRITERS.get(type(entity))
    if write is None:
        write = _WRITERS[type(entity)] = adapter(type(entity)).serializer.to_json
    return write(entity)


def from_json(kind: type[E], raw: str | bytes, *, strict: bool = False) -> E:
    """Raises pydantic's ``ValidationError`` on anything that is not a ``kind``."""
    found: E = adapter(kind).validator.validate_json(raw, strict=strict)
    return found


def to_data(entity: Entity) -> dict[str, Any]:
    """The entity as JSON-ready Python data (an export's row)."""
    data: dict[str, Any] = adapter(type(entity)).serializer.to_python(entity, mode="json")
    return data


def from_data(kind: type[E], data: Any) -> E:
    found: E = adapter(kind).validator.validate_python(data)
    return found


def is_frozen(kind: type[Entity]) -> bool:
    """A frozen entity is replaced, never changed in place: no undo image needed."""
    params = getattr(kind, "__dataclass_params__", None)
    return bool(params is not None and params.frozen)
