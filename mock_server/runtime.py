"""What every rule needs besides the state: the instance config, the clock, randomness."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_server.clock import Clock
from mock_server.config import Config
from mock_server.randomness import Randomness


@dataclass
class Runtime:
    config: Config = field(default_factory=Config)
    clock: Clock = field(default_factory=Clock)
    rng: Randomness = field(default_factory=Randomness)

    def new_id(self, prefix: str) -> str:
        return self.rng.id(prefix, self.config.instance.id_prefix_entropy)

    def now(self) -> int:
        return self.clock.now_ms()
