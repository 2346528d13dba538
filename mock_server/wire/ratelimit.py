"""Clerk's per-IP rate limits: N requests per window per endpoint family, then 429.

A sliding window over the mock's clock, so a test can advance time past it instead of
sleeping. The 429 carries ``Retry-After`` (whole seconds), which clerk-js reads. The hits
are kept by the store (``store/hits.py``), so workers sharing a store share the limits.
"""

from __future__ import annotations

from mock_server.clock import Clock
from mock_server.config import Config
from mock_server.errors import FapiError
from mock_server.store.hits import HitLog, MemoryHitLog


class RateLimiter:
    def __init__(self, config: Config, clock: Clock, hits: HitLog | None = None) -> None:
        self.config = config
        self.clock = clock
        self.hits: HitLog = hits if hits is not None else MemoryHitLog()

    def limit_for(self, bucket: str) -> int:
        return int(getattr(self.config.rate_limits, bucket))

    def check(self, bucket: str, key: str) -> None:
        if not self.config.rate_limiting:
            return
        window = self.config.rate_limits.window_seconds * 1000
        now, oldest = self.hits.admit(f"{bucket}:{key}", self.clock, window, self.limit_for(bucket))
        if oldest is not None:
            retry = max(1, -(-(oldest + window - now) // 1000))
            raise FapiError.of(
                "too_many_requests", seconds=retry, headers={"Retry-After": str(retry)}
            )

    def reset(self) -> None:
        self.hits.reset()
