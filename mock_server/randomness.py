"""One seeded source of randomness for ids, codes and tokens.

With ``--seed`` every id, code and token is reproducible run to run; without it they come
from the OS (``secrets``). Nothing else in the mock may call ``random`` or ``secrets``.
"""

from __future__ import annotations

import base64
import hashlib
import random
import secrets
import string
import threading
from functools import lru_cache

_ALPHABET = string.ascii_letters + string.digits


class _OsPool:
    """The OS's randomness read 4 KB at a time and handed out in order, never twice.

    A sign-in request draws four or five ids and tokens; a system call for each was a
    twentieth of the request. Bytes leave the pool exactly once (under a lock, for the
    worker threads a store may use), so ids are as unpredictable as ``secrets`` makes them.
    """

    _SIZE = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer = b""
        # Where the unused bytes start: slicing the rest off on each take copied up to
        # 4 KB for a 27-byte id.
        self._at = 0

    def take(self, n: int) -> bytes:
        with self._lock:
            at = self._at
            if len(self._buffer) - at < n:
                self._buffer, at = secrets.token_bytes(max(self._SIZE, n)), 0
            self._at = at + n
            return self._buffer[at : at + n]


_POOL = _OsPool()


class _CharPool:
    """Characters of one alphabet, each uniform, made from the OS's randomness (``_POOL``)
    4 KB at a time and handed out in order, never twice.

    ``secrets.choice`` per character made a 27-character id cost 27 system calls, a
    tenth of a sign-in request; mapping a fresh read per id still cost a few calls more
    than the id itself. Bytes at or above the largest multiple of the alphabet's size are
    dropped (rejection sampling), so every character stays equally likely.
    """

    _READ = 4096

    def __init__(self, alphabet: str) -> None:
        self._table, self._dropped = _tables(alphabet)
        self._lock = threading.Lock()
        self._chars = ""
        self._at = 0

    def take(self, n: int) -> str:
        with self._lock:
            at = self._at
            while len(self._chars) - at < n:
                read = _POOL.take(max(self._READ, 2 * n))
                fresh = read.translate(self._table, self._dropped).decode("ascii")
                self._chars, at = self._chars[at:] + fresh, 0
            self._at = at + n
            return self._chars[at : at + n]


_CHAR_POOLS: dict[str, _CharPool] = {}


def _os_choice(alphabet: str, n: int) -> str:
    """``n`` uniform picks from ``alphabet`` (:class:`_CharPool`)."""
    pool = _CHAR_POOLS.get(alphabet)
    if pool is None:
        pool = _CHAR_POOLS.setdefault(alphabet, _CharPool(alphabet))
    return pool.take(n)


@lru_cache(maxsize=8)
def _tables(alphabet: str) -> tuple[bytes, bytes]:
    """``bytes.translate`` tables: byte b -> alphabet[b % size], and the bytes to drop."""
    size = len(alphabet)
    limit = 256 - 256 % size
    table = bytes(ord(alphabet[b % size]) for b in range(256))
    return table, bytes(range(limit, 256))


# The ids of an unseeded mock, drawn straight from their pool.
_ID_CHARS = _CHAR_POOLS.setdefault(_ALPHABET, _CharPool(_ALPHABET))


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
            return _os_choice(alphabet, n)
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def id(self, prefix: str, n: int = 27) -> str:
        """A Clerk-style id: ``sia_`` + base62 (Clerk's ids are 27 KSUID characters)."""
        if self._rng is None:
            return f"{prefix}_{_ID_CHARS.take(n)}"
        return f"{prefix}_{self._choice(_ALPHABET, n)}"

    def digits(self, n: int) -> str:
        return self._choice(string.digits, n)

    def token(self, nbytes: int = 32) -> str:
        """URL-safe opaque token (client cookies, dev browsers, link tokens)."""
        if self._rng is None:
            # What ``secrets.token_urlsafe`` makes, from the pool.
            return base64.urlsafe_b64encode(_POOL.take(nbytes)).rstrip(b"=").decode("ascii")
        return self._choice(_ALPHABET, max(16, nbytes * 4 // 3))

    def bytes(self, n: int) -> bytes:
        if self._rng is None:
            return _POOL.take(n)
        return self._rng.randbytes(n)
