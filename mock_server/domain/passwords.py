"""Password policy and storage: the instance's rules, and a real KDF.

Hashes are scrypt (stdlib ``hashlib.scrypt``), salted, with the cost from the config:
cheap enough that a mock signing thousands of users in a test run stays fast, real
enough that a state export never holds a password. Verification is constant-time.

A load test signs the same users in over and over, and one scrypt per attempt was the
largest cost of a password sign-in (~0.7-1 ms, a third of the request). So a password
that verified once is remembered per process, as an HMAC under a random per-process key
(never the password itself, never in the state): the next attempt with it costs one
HMAC. A wrong password, or a hash the cache has not seen, still runs scrypt, so every
answer is the one scrypt gives.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from collections import OrderedDict

from mock_server.config import PasswordSettings
from mock_server.errors import ErrorItem, FapiError, error_item

_SCHEME = "scrypt"
_CACHE_SIZE = 4096
_cache_key = os.urandom(32)
_verified: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _tag(password: str) -> bytes:
    return hmac.digest(_cache_key, password.encode(), "sha256")


def hash_password(password: str, log_n: int, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**log_n, r=8, p=1, dklen=32)
    b64 = base64.b64encode
    return f"{_SCHEME}${log_n}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    tag = _tag(password)
    with _cache_lock:
        known = _verified.get(stored)
    if known is not None and hmac.compare_digest(known, tag):
        return True
    if not _scrypt_verify(password, stored):
        return False
    with _cache_lock:
        _verified[stored] = tag
        _verified.move_to_end(stored)
        while len(_verified) > _CACHE_SIZE:
            _verified.popitem(last=False)
    return True


def _scrypt_verify(password: str, stored: str) -> bool:
    try:
        scheme, log_n, salt_b64, digest_b64 = stored.split("$")
        if scheme != _SCHEME:
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        log_n_int = int(log_n)
    except ValueError:
        return False
    actual = hashlib.scrypt(password.encode(), salt=salt, n=2**log_n_int, r=8, p=1, dklen=32)
    return hmac.compare_digest(actual, expected)


def policy_errors(password: str, rules: PasswordSettings) -> list[ErrorItem]:
    """Every rule the password breaks, as Clerk's ``form_password_*`` errors."""
    param = "password"
    found: list[ErrorItem] = []
    if len(password.encode()) > 72:
        found.append(error_item("form_password_size_in_bytes_exceeded", param=param))
    if len(password) < rules.min_length:
        found.append(
            error_item("form_password_length_too_short", param=param, min=rules.min_length)
        )
    if len(password) > rules.max_length:
        found.append(error_item("form_password_length_too_long", param=param, max=rules.max_length))
    if rules.require_lowercase and not any(c.islower() for c in password):
        found.append(error_item("form_password_no_lowercase", param=param))
    if rules.require_uppercase and not any(c.isupper() for c in password):
        found.append(error_item("form_password_no_uppercase", param=param))
    if rules.require_numbers and not any(c.isdigit() for c in password):
        found.append(error_item("form_password_no_number", param=param))
    if rules.require_special_char and not any(
        c in rules.allowed_special_characters for c in password
    ):
        found.append(error_item("form_password_no_special_char", param=param))
    return found


def check_policy(password: str, rules: PasswordSettings) -> None:
    errors = policy_errors(password, rules)
    if errors:
        raise FapiError(422, errors)
