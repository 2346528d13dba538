"""What each round trip to Redis sent: the cost the Redis store's tests hold it to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis


@contextmanager
def round_trips() -> Iterator[list[bytes]]:
    """Every batch of commands a connection sends while the block runs, one entry per
    round trip (a pipelined batch is one)."""
    sent: list[bytes] = []
    original = redis.Connection.send_packed_command

    def record(self: redis.Connection, command: Any, *args: Any, **options: Any) -> None:
        sent.append(b"".join(command) if isinstance(command, list) else bytes(command))
        original(self, command, *args, **options)  # type: ignore[no-untyped-call]

    redis.Connection.send_packed_command = record  # type: ignore[method-assign,assignment]
    try:
        yield sent
    finally:
        redis.Connection.send_packed_command = original  # type: ignore[method-assign]
