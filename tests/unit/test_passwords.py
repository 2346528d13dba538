"""Passwords: the instance policy, and a real salted KDF compared in constant time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.config import PasswordSettings
from mock_server.domain import passwords


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_hash_verifies_its_own_password_only(password: str) -> None:
    stored = passwords.hash_password(password, log_n=4)
    assert passwords.verify_password(password, stored)
    assert not passwords.verify_password(password + "x", stored)
    assert stored.startswith("scrypt$4$")


def test_a_remembered_password_answers_as_scrypt_does() -> None:
    stored = passwords.hash_password("right-one", log_n=4)
    other = passwords.hash_password("another-one", log_n=4)
    for _ in range(2):  # the second round answers from the cache
        assert passwords.verify_password("right-one", stored)
        assert not passwords.verify_password("wrong-one", stored)
        assert not passwords.verify_password("right-one", other)
        assert passwords.verify_password("another-one", other)
    # The cache holds neither password, only keyed digests.
    assert all(b"right-one" not in tag for tag in passwords._verified.values())


def test_same_password_hashes_differently_each_time() -> None:
    assert passwords.hash_password("secret", 4) != passwords.hash_password("secret", 4)


def test_garbage_hashes_never_verify() -> None:
    assert not passwords.verify_password("x", "not-a-hash")
    assert not passwords.verify_password("x", "bcrypt$1$a$b")


def test_policy_reports_every_broken_rule() -> None:
    rules = PasswordSettings(min_length=10, require_numbers=True, require_uppercase=True)
    codes = [e.code for e in passwords.policy_errors("short", rules)]
    assert codes == [
        "form_password_length_too_short",
        "form_password_no_uppercase",
        "form_password_no_number",
    ]
    assert passwords.policy_errors("LongEnough123", rules) == []
