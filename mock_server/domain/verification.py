"""One-time codes and links: issue, expire, count attempts, lock, use once.

The rules a careful server keeps, in one place for every strategy that sends a secret:
- a code expires ``code_ttl_seconds`` after it was sent (10 minutes, as Clerk documents);
- a resend inside ``resend_cooldown_seconds`` is refused (429, Clerk's 30 s);
- each wrong attempt counts; at ``max_attempts`` the verification is ``failed`` for good;
- a verified code cannot be used again;
- comparison is constant-time.
"""

from __future__ import annotations

import hmac
from typing import Protocol

from mock_server.domain.models import Verification
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.runtime import Runtime


class _Proven(Protocol):
    """An identification that carries its verification: an email address, a phone
    number, a web3 wallet, an external account."""

    @property
    def verification(self) -> Verification | None: ...


def is_verified(identification: _Proven) -> bool:
    """Someone proved it: the one test every rule about verified identifications uses."""
    found = identification.verification
    return found is not None and found.status == "verified"


def issue(
    rt: Runtime,
    strategy: str,
    *,
    previous: Verification | None,
    target_id: str | None,
    test_identity: bool,
    ttl_seconds: int | None = None,
    redirect_url: str | None = None,
    secret: str | None = None,
) -> Verification:
    """A fresh verification with a new secret; refuses a resend inside the cooldown."""
    now = rt.now()
    cfg = rt.config.verification
    if (
        previous is not None
        and previous.strategy == strategy
        and previous.target_id == target_id
        and previous.status == "unverified"
        and previous.sent_at is not None
        and now - previous.sent_at < cfg.resend_cooldown_seconds * 1000
    ):
        wait = cfg.resend_cooldown_seconds - (now - previous.sent_at) // 1000
        raise FapiError.of(
            "verification_code_too_many_requests",
            seconds=cfg.resend_cooldown_seconds,
            headers={"Retry-After": str(max(int(wait), 1))},
        )
    if secret is None:
        secret = (
            rt.config.test_mode.code
            if test_mode_applies(rt, test_identity)
            else rt.rng.digits(cfg.code_length)
        )
    ttl = ttl_seconds if ttl_seconds is not None else cfg.code_ttl_seconds
    return Verification(
        strategy=strategy,
        status="unverified",
        attempts=0,
        expire_at=now + ttl * 1000,
        secret=secret,
        sent_at=now,
        target_id=target_id,
        redirect_url=redirect_url,
    )


def test_mode_applies(rt: Runtime, test_identity: bool) -> bool:
    """A Clerk test identity in an instance whose test mode is on: fixed code, nothing sent."""
    return test_identity and rt.config.test_mode.enabled


def is_expired(rt: Runtime, v: Verification) -> bool:
    return v.expire_at is not None and rt.now() >= v.expire_at


def check_usable(rt: Runtime, v: Verification) -> None:
    """Raise the error for a verification that can no longer be attempted."""
    if v.status == "verified":
        raise FapiError.of("verification_already_verified")
    if v.status == "failed":
        raise FapiError.of("verification_failed")
    if v.status == "expired" or is_expired(rt, v):
        v.status = "expired"
        raise CommittedFapiError.wrap(FapiError.of("verification_expired"))


def attempt_code(rt: Runtime, v: Verification, code: str | None) -> None:
    """Verify ``code`` against ``v`` in place, or raise (keeping the counted attempt)."""
    check_usable(rt, v)
    if not code:
        raise FapiError.of("form_param_missing", param="code")
    if v.secret is not None and hmac.compare_digest(code.strip().encode(), v.secret.encode()):
        v.status = "verified"
        v.secret = None
        return
    v.attempts += 1
    if v.attempts >= rt.config.verification.max_attempts:
        v.status = "failed"
        raise CommittedFapiError.wrap(FapiError.of("verification_failed"))
    raise CommittedFapiError.wrap(FapiError.of("form_code_incorrect", param="code"))
