"""Clerk's per-IP rate limits: N requests per window per endpoint family, then 429.

A sliding window over the mock's clock, so a test can advance time past it instead of
sleeping. The 429 carries ``Retry-After`` (whole seconds), which clerk-js reads.
"""

from __future__ import annotations

from collections import defaultdict, deque

from mock_server.clock import Clock
from mock_server.config import Config
from mock_server.errors import FapiError


class RateLimiter:
    def __init__(self, config: Config, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._hits: dict[tuple[str, str], deque[int]] = defaultdict(deque)

    def limit_for(self, bucket: str) -> int:
        return int(getattr(self.config.rate_limits, bucket))

    def check(self, bucket: str, key: str) -> None:
        if not self.config.rate_limiting:
            return
        window = self.config.rate_limits.window_seconds * 1000
        now = self.clock.now_ms()
        hits = self._hits[(bucket, key)]
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= self.limit_for(bucket):
            retry = max(1, -(-(hits[0] + window - now) // 1000))
            raise FapiError.of(
                "too_many_requests", seconds=retry, headers={"Retry-After": str(retry)}
            )
        hits.append(now)

    def reset(self) -> None:
        self._hits.clear()
