"""Rate-limit hit logs: the sliding windows behind Clerk's per-IP limits.

They live with the store so that workers sharing a store share the limits too: with a
Redis store, five sign-in attempts spread over two workers count as five, as they do
against one Clerk instance. Times are the mock clock's epoch ms.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Protocol

from mock_server.clock import Clock


class HitLog(Protocol):
    def admit(self, key: str, clock: Clock, window_ms: int, limit: int) -> tuple[int, int | None]:
        """Record a hit now, by ``clock``, unless ``limit`` hits already fall in the
        window ending now. Answers when now was, and, when refused, the time of the oldest
        hit in the window. (The clock rather than a time: a shared one can be read in the
        same round trip as the window.)"""
        ...

    def reset(self) -> None: ...


class MemoryHitLog:
    def __init__(self) -> None:
        self._hits: dict[str, deque[int]] = defaultdict(deque)

    def admit(self, key: str, clock: Clock, window_ms: int, limit: int) -> tuple[int, int | None]:
        now_ms = clock.now_ms()
        hits = self._hits[key]
        while hits and hits[0] <= now_ms - window_ms:
            hits.popleft()
        if len(hits) >= limit:
            return now_ms, hits[0]
        hits.append(now_ms)
        return now_ms, None

    def reset(self) -> None:
        self._hits.clear()
