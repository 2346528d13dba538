"""Where state lives: a Store protocol and its implementations (memory by default)."""

from mock_server.store.base import Store, Tx
from mock_server.store.memory import MemoryStore

__all__ = ["MemoryStore", "Store", "Tx"]
