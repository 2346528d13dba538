"""Schemathesis hooks for ``fapi-harness fuzz`` (loaded through ``SCHEMATHESIS_HOOKS``).

Importing :mod:`suites.fuzz.checks` registers our checks. ``before_call`` sends every
generated request as the prepared client A (its development-browser token comes in
``FAPI_FUZZ_DEV_BROWSER``), so stateful chains act on one client's objects; on a mock
(``FAPI_FUZZ_ADMIN`` = the base URL) it also keeps client A signed in for scenarios that
start from its client, and saves the state before a disruptive admin case that
``after_call`` then restores (:mod:`suites.fuzz.restore`).
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
    if token and (case.method, case.path) == ("GET", "/v1/client"):
        signed_in(restorer.client, token)
    restorer.before(case.method, case.path)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    restorer = _restorer()
    if restorer is not None:
        restorer.after(response.status_code)
