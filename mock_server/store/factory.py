"""``--store`` URL -> a store: ``memory`` (the default) or ``redis://host:port/db``."""

from __future__ import annotations

from mock_server.store.base import Store
from mock_server.store.memory import MemoryStore


class StoreURLError(ValueError):
    """A ``--store`` value that names no store this build knows."""


def open_store(url: str | None) -> Store:
    if url in (None, "", "memory", "memory://"):
        # A server process: the store may freeze the heap it keeps, and takes handlers at
        # their word about the rows they only view, which the tests check (see MemoryStore).
        return MemoryStore(settle_gc=True, check_views=False)
    assert url is not None
    if url.startswith(("redis://", "rediss://", "unix://")):
        from mock_server.store.redis import RedisStore

        return RedisStore(url)
    raise StoreURLError(f"unknown store {url!r}: use 'memory' or 'redis://host:port/db'")
