"""Which FAPI operation a concrete request is, and so which schema its answer follows."""

from __future__ import annotations

import re
from functools import cache

from starlette.routing import compile_path

from mock_server import routes as _routes  # noqa: F401 - registers the operations
from mock_server.routing import FAPI, Operation


@cache
def _compiled() -> list[tuple[re.Pattern[str], Operation]]:
    return [(compile_path(op.path)[0], op) for op in FAPI.operations]


def match(method: str, path: str, proxy_prefix: str = "") -> Operation | None:
    """The operation for ``method path`` (a ``_method`` override already applied)."""
    if proxy_prefix and path.startswith(proxy_prefix + "/"):
        path = path[len(proxy_prefix) :]
    for pattern, op in _compiled():
        if op.method == method.upper() and pattern.match(path):
            return op
    return None


def response_schema(op: Operation | None, status: int) -> str | None:
    """``errors`` for any 4xx/5xx JSON; the operation's schema for its 2xx."""
    if status >= 400:
        return "errors"
    if op is None or not 200 <= status < 300:
        return None
    return op.response
