"""One-time codes: expiry, attempt limit, single use, resend cooldown."""

from __future__ import annotations

import pytest

from mock_server.clock import Clock
from mock_server.config import load_config
from mock_server.domain import verification
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.randomness import Randomness
from mock_server.runtime import Runtime


@pytest.fixture
def rt() -> Runtime:
    clock = Clock()
    clock.set(1_800_000_000_000, freeze=True)
    return Runtime(config=load_config(), clock=clock, rng=Randomness(7))


def _issue(rt: Runtime, **kw: object) -> verification.Verification:
    return verification.issue(
        rt, "email_code", previous=None, target_id="idn_1", test_identity=False, **kw
    )  # type: ignore[arg-type]


def test_a_right_code_verifies_once(rt: Runtime) -> None:
    v = _issue(rt)
    code = v.secret
    verification.attempt_code(rt, v, code)
    assert v.status == "verified"
    with pytest.raises(FapiError) as caught:
        verification.attempt_code(rt, v, code)
    assert caught.value.code == "verification_already_verified"


def test_codes_expire_with_the_clock(rt: Runtime) -> None:
    v = _issue(rt)
    rt.clock.advance(rt.config.verification.code_ttl_seconds)
    with pytest.raises(CommittedFapiError) as caught:
        verification.attempt_code(rt, v, v.secret)
    assert caught.value.code == "verification_expired"
    assert v.status == "expired"


def test_wrong_codes_lock_the_verification_for_good(rt: Runtime) -> None:
    v = _issue(rt)
    right = v.secret
    limit = rt.config.verification.max_attempts
    for _ in range(limit - 1):
        with pytest.raises(CommittedFapiError) as caught:
            verification.attempt_code(rt, v, "000000" if right != "000000" else "111111")
        assert caught.value.code == "form_code_incorrect"
    with pytest.raises(CommittedFapiError) as caught:
        verification.attempt_code(rt, v, "000000" if right != "000000" else "111111")
    assert caught.value.code == "verification_failed"
    with pytest.raises(FapiError) as caught:
        verification.attempt_code(rt, v, right)
    assert caught.value.code == "verification_failed"


def test_a_resend_inside_the_cooldown_is_refused_with_retry_after(rt: Runtime) -> None:
    first = _issue(rt)
    rt.clock.advance(10)
    with pytest.raises(FapiError) as caught:
        verification.issue(rt, "email_code", previous=first, target_id="idn_1", test_identity=False)
    assert caught.value.status == 429
    assert caught.value.code == "verification_code_too_many_requests"
    assert caught.value.headers["Retry-After"] == "20"
    rt.clock.advance(20)
    again = verification.issue(
        rt, "email_code", previous=first, target_id="idn_1", test_identity=False
    )
    assert again.secret is not None


def test_test_identities_get_the_test_code(rt: Runtime) -> None:
    v = verification.issue(rt, "email_code", previous=None, target_id=None, test_identity=True)
    assert v.secret == "424242"
