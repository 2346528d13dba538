"""What every rule needs besides the state: the instance config, the clock, randomness."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from mock_server.clock import Clock
from mock_server.config import Config
from mock_server.randomness import Randomness

if TYPE_CHECKING:
    from mock_server.domain.tokens import SigningKey


@dataclass
class Runtime:
    config: Config = field(default_factory=Config)
    clock: Clock = field(default_factory=Clock)
    rng: Randomness = field(default_factory=Randomness)

    def new_id(self, prefix: str) -> str:
        return self.rng.id(prefix, self.config.instance.id_prefix_entropy)

    def now(self) -> int:
        return self.clock.now_ms()

    @cached_property
    def signing_key(self) -> SigningKey:
        """The instance's session-token key: from ``sessions.signing_key_file``, or new."""
        from pathlib import Path

        from mock_server.domain.tokens import SigningKey

        path = self.config.sessions.signing_key_file
        return SigningKey.from_pem(Path(path).read_bytes()) if path else SigningKey.generate()
