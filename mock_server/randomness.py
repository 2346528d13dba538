"""One seeded source of randomness for ids, codes and tokens.

With ``--seed`` every id, code and token is reproducible run to run; without it they come
from the OS (``secrets``). Nothing else in the mock may call ``random`` or ``secrets``.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


class Randomness:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._rng: random.Random | None = random.Random(seed) if seed is not None else None

    def reseed(self) -> None:
        """Back to the start of the seeded sequence (an admin reset)."""
        if self.seed is not None:
            self._rng = random.Random(self.seed)

    def fork(self, salt: bytes) -> None:
        """Go on with a sequence of its own for ``salt`` (a loaded state), still reproducible.

        A seeded mock that loads a state it (or another run with the same seed) exported
        would otherwise draw the very ids and tokens that state already holds: a new
        client handed an imported client's token, a new sign-in overwriting an old one.
        """
        if self.seed is not None:
            self._rng = random.Random(f"{self.seed}:{hashlib.sha256(salt).hexdigest()}")

    def _choice(self, alphabet: str, n: int) -> str:
        if self._rng is None:
            return "".join(secrets.choice(alphabet) for _ in range(n))
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def id(self, prefix: str, n: int = 27) -> str:
        """A Clerk-style id: ``sia_`` + base62 (Clerk's ids are 27 KSUID characters)."""
        return f"{prefix}_{self._choice(_ALPHABET, n)}"

    def digits(self, n: int) -> str:
        return self._choice(string.digits, n)

    def token(self, nbytes: int = 32) -> str:
        """URL-safe opaque token (client cookies, dev browsers, link tokens)."""
        if self._rng is None:
            return secrets.token_urlsafe(nbytes)
        return self._choice(_ALPHABET, max(16, nbytes * 4 // 3))

    def bytes(self, n: int) -> bytes:
        if self._rng is None:
            return secrets.token_bytes(n)
        return self._rng.randbytes(n)
