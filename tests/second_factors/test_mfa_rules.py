"""The TOTP and backup-code rules as properties, over clocks, offsets and code sets."""

from __future__ import annotations

import pyotp
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.clock import Clock
from mock_server.domain import mfa
from mock_server.domain.models import User
from mock_server.randomness import Randomness
from mock_server.runtime import Runtime

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _runtime(at_ms: int) -> Runtime:
    clock = Clock()
    clock.set(at_ms, freeze=True)
    return Runtime(clock=clock, rng=Randomness(3))


def _user() -> User:
    return User(id="user_1", totp_secret=SECRET, totp_verified=True, created_at=0, updated_at=0)


@settings(max_examples=60, deadline=None)
@given(
    at_ms=st.integers(min_value=1_000_000_000_000, max_value=4_000_000_000_000),
    offset_steps=st.integers(min_value=-4, max_value=4),
)
def test_codes_within_one_step_are_accepted_once(at_ms: int, offset_steps: int) -> None:
    rt = _runtime(at_ms)
    user = _user()
    code = pyotp.TOTP(SECRET).at(at_ms // 1000 + 30 * offset_steps)
    now_step = at_ms // 30_000
    window = {mfa.code_at_step(SECRET, now_step + d) for d in (-1, 0, 1)}
    # Exactly the codes of the three steps around now pass (a code of a farther step
    # passes only if it happens to equal one of them, as RFC 6238 allows).
    accepted = mfa.match_totp(rt, user, code)
    assert accepted is (code in window)
    if abs(offset_steps) <= mfa.TOTP_WINDOW:
        assert accepted
    if accepted:
        assert mfa.match_totp(rt, user, code) is False  # never twice


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abcdef0123", min_size=8, max_size=8), min_size=1, max_size=8))
def test_each_backup_code_is_consumed_exactly_once(codes: list[str]) -> None:
    user = _user()
    user.backup_codes = [mfa.digest(user.id, c) for c in codes]
    for code in codes:
        assert mfa.consume_backup_code(user, code) is True
    assert user.backup_codes == []
    assert all(mfa.consume_backup_code(user, c) is False for c in codes)


def test_generated_backup_codes_are_stored_as_digests() -> None:
    rt = _runtime(1_800_000_000_000)
    user = _user()
    codes = mfa.replace_backup_codes(rt, user)
    assert len(codes) == rt.config.mfa.backup_code_count
    assert not set(codes) & set(user.backup_codes)
    assert user.backup_codes == [mfa.digest(user.id, c) for c in codes]
