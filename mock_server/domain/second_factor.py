"""Proving a second factor, for a sign-in and for a session reverification alike.

- ``phone_code`` (and ``email_code``, which Clerk's spec lists for
  ``prepare_second_factor`` and ``attempt_second_factor`` of a sign-in, when the instance
  enables it as a second factor) needs a prepare: a code is sent, it expires, counts
  attempts and locks like every code (``domain/verification.py``).
- ``totp`` and ``backup_code`` need no prepare (seed ``SessionVerification``: "For the
  totp or backup_code strategies, you can directly attempt the verification"). Their
  verification is created by the first attempt and counts wrong codes the same way:
  at ``verification.max_attempts`` it is ``failed`` for good, and every wrong code also
  counts toward the account lockout (Clerk's lockout counts "backup codes ... TOTP").
"""

from __future__ import annotations

from typing import Any

from mock_server.domain import mfa, users
from mock_server.domain.factors import find_factor
from mock_server.domain.models import User, Verification
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.strategies.base import FactorFlow
from mock_server.strategies.codes import CodeStrategy
from mock_server.wire.request import Params

NEEDS_PREPARE = frozenset({"phone_code", "email_code"})
DIRECT = frozenset({"totp", "backup_code"})
_CODES = CodeStrategy()


def prepare(
    flow: FactorFlow,
    supported: list[dict[str, Any]],
    params: Params,
    previous: Verification | None,
) -> Verification:
    """Send a code for a code-based second factor the user really has."""
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    if strategy in DIRECT:
        raise FapiError.of("verification_strategy_invalid", param="strategy")
    factor = find_factor(
        supported,
        strategy,
        email_address_id=params.get("email_address_id"),
        phone_number_id=params.get("phone_number_id"),
    )
    if strategy not in NEEDS_PREPARE or factor is None:
        raise FapiError.of("no_second_factors", param="strategy", strategy=strategy)
    return _CODES.prepare(flow, factor, params, previous)


def attempt(
    flow: FactorFlow,
    supported: list[dict[str, Any]],
    current: Verification | None,
    params: Params,
) -> Verification:
    """Check the code; returns the verified verification or raises (attempt kept).

    The caller must store ``current`` (mutated in place) even when this raises: a
    :class:`CommittedFapiError` keeps the counted attempt.
    """
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    if find_factor(supported, strategy) is None:
        raise FapiError.of("no_second_factors", param="strategy", strategy=strategy)
    if strategy in NEEDS_PREPARE:
        return _CODES.attempt(flow, current, params)
    user = flow.user
    assert user is not None
    return _attempt_direct(flow, user, strategy, current, params.get("code"))


def fresh_direct(strategy: str, current: Verification | None) -> Verification:
    """The verification a TOTP/backup-code attempt works on (reused while unverified)."""
    if current is not None and current.strategy == strategy and current.status != "verified":
        return current
    return Verification(strategy=strategy, status="unverified", attempts=0)


def _attempt_direct(
    flow: FactorFlow, user: User, strategy: str, v: Verification | None, code: str | None
) -> Verification:
    assert v is not None, "callers pass fresh_direct(...)"
    rt = flow.rt
    if v.status == "failed":
        raise FapiError.of("verification_failed")
    if not code:
        raise FapiError.of("form_param_missing", param="code")
    users.check_not_locked(rt, user)
    ok = (
        mfa.match_totp(rt, user, code)
        if strategy == "totp"
        else mfa.consume_backup_code(user, code)
    )
    if ok:
        users.record_success(user)
        v.status = "verified"
        return v
    users.record_failure(rt, user)
    v.attempts += 1
    if v.attempts >= rt.config.verification.max_attempts:
        v.status = "failed"
        raise CommittedFapiError.wrap(FapiError.of("verification_failed"))
    raise CommittedFapiError.wrap(FapiError.of("form_code_incorrect", param="code"))
