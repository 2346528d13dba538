"""The one source of "now": settable and advanceable, so expiry is testable.

Tests and the admin API move time instead of sleeping. Everything that expires (codes,
links, sign-ins, sessions, rate-limit windows) reads this clock, never ``time.time()``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Clock:
    """Wall time plus an offset; ``freeze`` pins it."""

    offset_ms: int = 0
    frozen_at_ms: int | None = None

    def last_ms(self) -> int:
        """Now, by this process's copy of the clock, without looking for changes made
        elsewhere: for stamps that can lag a clock move (the request journal). A shared
        clock (``store.redis.RedisClock``) costs a round trip to look."""
        if self.frozen_at_ms is not None:
            return self.frozen_at_ms
        return time.time_ns() // 1_000_000 + self.offset_ms

    # A process-local clock has no elsewhere to look; a shared one overrides this.
    now_ms = last_ms

    def now_s(self) -> float:
        return self.now_ms() / 1000

    def advance(self, seconds: float) -> int:
        delta = int(seconds * 1000)
        self.refresh()
        if self.frozen_at_ms is not None:
            self.frozen_at_ms += delta
        else:
            self.offset_ms += delta
        self.publish()
        return self.now_ms()

    def set(self, epoch_ms: int, *, freeze: bool = False) -> int:
        if freeze:
            self.frozen_at_ms = epoch_ms
        else:
            self.frozen_at_ms = None
            self.offset_ms = epoch_ms - time.time_ns() // 1_000_000
        self.publish()
        return self.now_ms()

    def reset(self) -> None:
        self.offset_ms = 0
        self.frozen_at_ms = None
        self.publish()

    def refresh(self) -> None:
        """Pick up changes made by other workers (a no-op for a process-local clock)."""

    def publish(self) -> None:
        """Share a change with other workers (a no-op for a process-local clock)."""

    def to_dict(self) -> dict[str, int | None]:
        return {
            "now": self.now_ms(),
            "offset_ms": self.offset_ms,
            "frozen_at_ms": self.frozen_at_ms,
        }
