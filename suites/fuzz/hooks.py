"""Schemathesis hooks for ``fapi-harness fuzz`` (loaded through ``SCHEMATHESIS_HOOKS``).

Importing :mod:`suites.fuzz.checks` registers our checks; the ``before_call`` hook sends
every generated request as the prepared client A (its development-browser token comes in
``FAPI_FUZZ_DEV_BROWSER``), so stateful chains act on one client's objects.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

from suites.fuzz import checks as _checks  # noqa: F401 - registers the checks


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    token = os.environ.get("FAPI_FUZZ_DEV_BROWSER")
    if token:
        case.query = {**(case.query or {}), "__clerk_db_jwt": token}
