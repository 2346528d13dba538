"""Checks of our own, as plain schemathesis check functions.

- :func:`clerk_error_envelope`: every 4xx/5xx JSON body is Clerk's ``errors[]`` envelope
  (schemathesis' response-schema check only covers documented statuses).
- :func:`no_foreign_ids`: nothing of another client (its sign-in, sign-up, session or
  client id) ever appears in an answer to this one (the admin API, which lists every
  client's objects by design, is not a client's view and is not checked).
- :func:`failed_request_changed_nothing`: a request that failed left the client as it was,
  except for the failures whose purpose is to change state (a wrong code counts an
  attempt), listed with their reason in :data:`STATEFUL_FAILURES`.

Registered with ``@schemathesis.check`` so the CLI (through ``SCHEMATHESIS_HOOKS``) and
the pytest integration use the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response

import schemas

_IDS = re.compile(r"\b(?:sia|sua|sess|client)_[A-Za-z0-9]{16,40}\b")

#: Error codes whose request legitimately changes state, and why.
STATEFUL_FAILURES: dict[str, str] = {
    "form_code_incorrect": "a wrong code counts an attempt toward the verification's limit",
    "form_password_incorrect": "a wrong password counts toward the account lockout",
    "verification_failed": "the attempt that reaches the limit locks the verification",
    "verification_expired": "an attempt after expiry marks the verification expired",
    "user_locked": "the failure that reaches the lockout limit locks the account",
}


class FuzzState:
    """What the checks compare against: the other client's ids, the last client snapshot."""

    def __init__(self) -> None:
        self.foreign_ids: set[str] = set()
        self.snapshot: Callable[[], Any] | None = None
        self.before: Any = None


STATE = FuzzState()


def _json(response: Response) -> Any:
    try:
        return response.json()
    except Exception:  # schemathesis surfaces decoding problems through its own checks
        return None


@schemathesis.check
def clerk_error_envelope(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    first = content_type[0] if isinstance(content_type, list) else str(content_type)
    if not first.startswith("application/json"):
        raise AssertionError(
            f"{response.status_code} answered {first or 'no content type'}, "
            "not Clerk's JSON error envelope"
        )
    found = schemas.violations("errors", _json(response))
    if found:
        raise AssertionError(f"not Clerk's error envelope: {found[0]}")
    return True


@schemathesis.check
def no_foreign_ids(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    if not STATE.foreign_ids or case.path.startswith("/__admin"):
        return None
    # An id the request itself carried (a 404 naming the id asked for) is no leak.
    asked = set(_IDS.findall(repr((case.path_parameters, case.query, case.body))))
    leaked = (set(_IDS.findall(response.text or "")) & STATE.foreign_ids) - asked
    if leaked:
        raise AssertionError(f"another client's ids leaked into this answer: {sorted(leaked)}")
    return True


@schemathesis.check
def failed_request_changed_nothing(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    if STATE.snapshot is None or response.status_code < 400:
        return None
    body = _json(response)
    codes = {str(e.get("code")) for e in (body or {}).get("errors", []) if isinstance(e, dict)}
    if codes & STATEFUL_FAILURES.keys():
        return None
    after = STATE.snapshot()
    if after != STATE.before:
        raise AssertionError(
            f"{case.method} {case.path} failed with {response.status_code} {sorted(codes)} "
            "but the client changed"
        )
    return True


OUR_CHECKS = (clerk_error_envelope, no_foreign_ids, failed_request_changed_nothing)
