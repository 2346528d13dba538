"""Session reverification: a signed-in user proves themselves again.

    start{level} --> needs_first_factor  (first_factor, multi_factor)
                 --> needs_second_factor (second_factor)
    needs_first_factor  --prepare/attempt first--> needs_second_factor (multi_factor)
                                               --> complete            (first_factor)
    needs_second_factor --prepare/attempt second--> complete

Facts (fapi-protocol.md §2.5, §3.7, §6.4; Clerk's spec ``startSessionReverification``):
- "If the requested level equals 'secondFactor' or 'multiFactor' and the associated user
  doesn't have any available second factor, then we fall back to 'firstFactor'".
- First factors offered: email_code, phone_code, password (passkey and enterprise_sso
  where the user has them); second factors: phone_code, totp, backup_code. Password
  and TOTP/backup codes need no prepare ("Requires the first factor verification to be
  prepared, unless you're using a password").
- ``prepare_second_factor`` "Requires the ``status`` to be equal to
  ``needs_second_factor``"; out-of-order calls answer 400
  ``invalid_action_for_session_reverification``; acting without a started flow answers
  400 ``session_reverification_missing``.
- Completion refreshes the session's factor verification times, so the next token's
  ``fva`` and ``session.factor_verification_age`` show 0 for what was just proved.

Decision: level ``second_factor`` asks for the second factor only (it starts in
``needs_second_factor``). Clerk's own freshness rule for that level
(``checkReverificationAuthorization``) looks at ``fva[1]`` alone, so a first factor would
prove nothing it needs.

The flow's own verifications reuse ``domain/verification.py`` (expiry, attempts, lock).
It is stored on the session (``Session.reverification``) as this typed model's dump.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from mock_server.domain import second_factor
from mock_server.domain.factors import first_factors, second_factors
from mock_server.domain.models import Client, Session, User, Verification
from mock_server.errors import FapiError
from mock_server.runtime import Runtime
from mock_server.store.base import Tx
from mock_server.strategies.base import FactorFlow
from mock_server.strategies.registry import choose
from mock_server.wire.request import Params

Level = Literal["first_factor", "second_factor", "multi_factor"]
Status = Literal["needs_first_factor", "needs_second_factor", "complete"]
LEVELS: tuple[Level, ...] = ("first_factor", "second_factor", "multi_factor")
FIRST_STRATEGIES = ("password", "email_code", "phone_code", "passkey", "enterprise_sso")
SECOND_STRATEGIES = ("totp", "phone_code", "backup_code")


class Reverification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    level: Level
    status: Status
    first_factor_verification: Verification | None = None
    second_factor_verification: Verification | None = None
    created_at: int


def supported_first(rt: Runtime, user: User) -> list[dict[str, Any]]:
    return [f for f in first_factors(rt.config, user) if f["strategy"] in FIRST_STRATEGIES]


def supported_second(rt: Runtime, user: User) -> list[dict[str, Any]]:
    return [f for f in second_factors(rt.config, user) if f["strategy"] in SECOND_STRATEGIES]


def load(session: Session) -> Reverification:
    if session.reverification is None:
        raise FapiError.of("session_reverification_missing")
    return Reverification.model_validate(session.reverification)


def save(session: Session, rv: Reverification) -> None:
    session.reverification = rv.model_dump(mode="json")


def start(rt: Runtime, session: Session, user: User, level: str | None) -> Reverification:
    if level is None:
        raise FapiError.of("form_param_missing", param="level")
    if level not in LEVELS:
        raise FapiError.of("form_param_value_invalid", param="level", value=level)
    chosen: Level = level
    if chosen != "first_factor" and not supported_second(rt, user):
        chosen = "first_factor"
    rv = Reverification(
        id=rt.new_id("sessver"),
        level=chosen,
        status="needs_second_factor" if chosen == "second_factor" else "needs_first_factor",
        created_at=rt.now(),
    )
    save(session, rv)
    return rv


def _flow(rt: Runtime, tx: Tx, client: Client, session: Session, user: User) -> FactorFlow:
    return FactorFlow(rt, tx, client, user, "reverification", f"session:{session.id}", "")


def _require(rv: Reverification, status: Status, action: str) -> None:
    if rv.status != status:
        raise FapiError.of(
            "invalid_action_for_session_reverification",
            action=action,
            resolution=status.replace("_", " "),
        )


def prepare_first_factor(
    rt: Runtime, tx: Tx, client: Client, session: Session, user: User, params: Params
) -> Reverification:
    rv = load(session)
    _require(rv, "needs_first_factor", "prepare the first factor")
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    implementation, factor = choose(
        strategy,
        supported_first(rt, user),
        email_address_id=params.get("email_address_id"),
        phone_number_id=params.get("phone_number_id"),
        to_prepare=True,
    )
    rv.first_factor_verification = implementation.prepare(
        _flow(rt, tx, client, session, user), factor, params, rv.first_factor_verification
    )
    save(session, rv)
    return rv


def attempt_first_factor(
    rt: Runtime, tx: Tx, client: Client, session: Session, user: User, params: Params
) -> Reverification:
    rv = load(session)
    _require(rv, "needs_first_factor", "attempt the first factor")
    strategy = params.get("strategy")
    if strategy is None:
        raise FapiError.of("form_param_missing", param="strategy")
    implementation, _ = choose(strategy, supported_first(rt, user))
    try:
        rv.first_factor_verification = implementation.attempt(
            _flow(rt, tx, client, session, user), rv.first_factor_verification, params
        )
    finally:
        save(session, rv)  # a wrong code's counted attempt is kept
    now = rt.now()
    session.first_factor_verified_at = now
    session.updated_at = now
    rv.status = (
        "needs_second_factor"
        if rv.level == "multi_factor" and supported_second(rt, user)
        else "complete"
    )
    save(session, rv)
    return rv


def prepare_second_factor(
    rt: Runtime, tx: Tx, client: Client, session: Session, user: User, params: Params
) -> Reverification:
    rv = load(session)
    _require(rv, "needs_second_factor", "prepare the second factor")
    rv.second_factor_verification = second_factor.prepare(
        _flow(rt, tx, client, session, user),
        supported_second(rt, user),
        params,
        rv.second_factor_verification,
    )
    save(session, rv)
    return rv


def attempt_second_factor(
    rt: Runtime, tx: Tx, client: Client, session: Session, user: User, params: Params
) -> Reverification:
    rv = load(session)
    _require(rv, "needs_second_factor", "attempt the second factor")
    strategy = params.get("strategy") or ""
    current = rv.second_factor_verification
    if strategy in second_factor.DIRECT:
        current = second_factor.fresh_direct(strategy, current)
    try:
        second_factor.attempt(
            _flow(rt, tx, client, session, user), supported_second(rt, user), current, params
        )
    finally:
        if strategy in second_factor.DIRECT and current is not None:
            rv.second_factor_verification = current
        save(session, rv)
    now = rt.now()
    session.second_factor_verified_at = now
    session.updated_at = now
    rv.status = "complete"
    save(session, rv)
    return rv


# -- guarding sensitive actions ------------------------------------------------------------


def _fresh(now: int, at: int | None, window_ms: int) -> bool:
    return at is not None and now - at < window_ms


def is_fresh(rt: Runtime, session: Session, level: Level, window_minutes: int) -> bool:
    """Clerk's rule on ``fva`` (clerk/javascript ``authorization.ts``
    ``checkReverificationAuthorization``): ``first_factor`` needs the first factor fresh;
    ``second_factor`` the second, falling back to the first when the second was never
    verified (-1); ``multi_factor`` both, with the same fallback for the second."""
    now = rt.now()
    window = window_minutes * 60_000
    first = _fresh(now, session.first_factor_verified_at, window)
    if level == "first_factor":
        return first
    never_second = session.second_factor_verified_at is None
    second = first if never_second else _fresh(now, session.second_factor_verified_at, window)
    if level == "second_factor":
        return second
    return first and second


def require_recent(rt: Runtime, session: Session) -> None:
    """Refuse a sensitive ``/v1/me`` action whose session was verified too long ago.

    403 ``session_reverification_required`` (the code clerk-js's ``useReverification``
    watches for). clerk-js reads only the code; the mock adds the level and window it
    enforces in ``meta.reverification`` (the shape of clerk-js's own
    ``reverificationError`` metadata: ``{level, afterMinutes}``) so a test can see why.
    """
    cfg = rt.config.reverification
    if is_fresh(rt, session, cfg.level, cfg.window_minutes):
        return
    raise FapiError.of(
        "session_reverification_required",
        meta={
            "reverification": {"level": cfg.level, "after_minutes": cfg.window_minutes},
        },
    )
