"""What every rule needs besides the state: the instance config, the clock, randomness."""

from __future__ import annotations

from collections.abc import Callable
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
    # Now, in epoch ms: the clock's own method. A request asks a dozen times, and a
    # method here that asked the clock cost a call more each time. So the clock is the
    # runtime's for life: move it (``advance``, ``set``), never replace it.
    now: Callable[[], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.now = self.clock.now_ms

    def new_id(self, prefix: str) -> str:
        return self.rng.id(prefix, self.config.instance.id_prefix_entropy)

    @cached_property
    def signing_key(self) -> SigningKey:
        """The instance's session-token key: from ``sessions.signing_key_file``, or new."""
        from pathlib import Path

        from mock_server.domain.tokens import SigningKey

        path = self.config.sessions.signing_key_file
        return SigningKey.from_pem(Path(path).read_bytes()) if path else SigningKey.generate()
