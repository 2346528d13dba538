"""Schemathesis hooks for ``fapi-harness fuzz`` (loaded through ``SCHEMATHESIS_HOOKS``).

Importing :mod:`suites.fuzz.checks` registers our checks. ``before_call`` sends every
generated request as the prepared client A (its development-browser token comes in
``FAPI_FUZZ_DEV_BROWSER``), so stateful chains act on one client's objects; on a mock
(``FAPI_FUZZ_ADMIN`` = the base URL) it also keeps client A signed in where a case needs
a session (``/v1/me``, a session's endpoints, ``/v1/client`` where session links start),
and saves what a disruptive admin case changes, which ``after_call`` then restores
(:mod:`suites.fuzz.restore`).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import httpx
import schemathesis

from suites.fuzz import checks as _checks  # noqa: F401 - registers the checks
from suites.fuzz.restore import Restorer
from suites.fuzz.target import signed_in

#: Where a signed-out client A only ever gets 401s (``/v1/me...``) or 404s (a session's
#: own endpoints): client A is signed in again before such a case.
_NEEDS_A_SESSION = ("/v1/me", "/v1/client/sessions/")


@cache
def _restorer() -> Restorer | None:
    url = os.environ.get("FAPI_FUZZ_ADMIN")
    return Restorer(httpx.Client(base_url=url, timeout=30)) if url else None


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    token = os.environ.get("FAPI_FUZZ_DEV_BROWSER")
    if token:
        case.query = {**(case.query or {}), "__clerk_db_jwt": token}
    restorer = _restorer()
    if restorer is None:
        return
    if token and (case.path == "/v1/client" or case.path.startswith(_NEEDS_A_SESSION)):
        signed_in(restorer.client, token)
    restorer.before(case.method, case.path)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    restorer = _restorer()
    if restorer is not None:
        restorer.after(response.status_code)
