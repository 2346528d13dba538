"""Assertions every check uses: status, schema, error code and state, in one message.

A conformance failure must be actionable by someone who has never seen the suite, so the
message lists every problem found on the exchange (not just the first) followed by the
request, the response and a curl line that reproduces it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import schemas
from suites.target import Exchange


@cache
def _operations() -> tuple[tuple[str, re.Pattern[str], str | None], ...]:
    """(method, path pattern, response schema) for every FAPI operation.

    Read from the operation table the mock and the OpenAPI document are built from, so a
    schema is named in one place and new operations are validated without a suite edit.
    """
    import mock_server.routes  # noqa: F401 - importing the route modules fills FAPI
    from mock_server.routing import FAPI

    table = []
    for op in FAPI.operations:
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(op.path))
        table.append((op.method, re.compile(f"(?:^|/){pattern.lstrip('/')}$"), op.response))
    return tuple(table)


def response_schema(ex: Exchange) -> str | None:
    """The schema of a 2xx body for this request (``_method`` override honoured)."""
    url = urlsplit(ex.url)
    method = (parse_qs(url.query).get("_method") or [ex.method])[0].upper()
    for op_method, pattern, schema in _operations():
        if op_method == method and pattern.search(url.path):
            return schema
    return None


class ConformanceError(AssertionError):
    """A target answered differently from what Clerk documents."""


def fail(ex: Exchange, *problems: str) -> ConformanceError:
    return ConformanceError("\n".join(problems) + "\n--\n" + ex.describe())


def expect(
    ex: Exchange,
    status: int,
    schema: str | None = None,
    *,
    code: str | None = None,
    param: str | None = None,
    state: str | None = None,
) -> Any:
    """Check one exchange and return its parsed body.

    ``schema`` names the success body (4xx/5xx bodies are always checked against
    ``errors``; without ``schema`` the operation's own schema is used, so every body is
    checked); ``code``/``param`` must appear among the errors; ``state`` is the
    ``response.status`` of a sign-in or sign-up envelope.
    """
    problems: list[str] = []
    body = ex.body
    if ex.status != status:
        problems.append(f"expected HTTP {status}, got {ex.status}")
    name = "errors" if ex.status >= 400 else schema or response_schema(ex)
    if name is not None:
        try:
            schemas.validate(name, body)
        except schemas.SchemaValidationError as exc:
            problems.append(f"body does not match schema {name!r}: {exc}")
    if code is not None:
        errors = body.get("errors") if isinstance(body, dict) else None
        found = [e for e in errors or [] if isinstance(e, dict) and e.get("code") == code]
        codes = [e.get("code") for e in errors or [] if isinstance(e, dict)]
        if not found:
            problems.append(f"expected error code {code!r}, got {codes}")
        elif param is not None and not any(
            (e.get("meta") or {}).get("param_name") == param for e in found
        ):
            problems.append(f"error {code!r} should name meta.param_name={param!r}")
    if state is not None:
        got = (body or {}).get("response", {}) if isinstance(body, dict) else {}
        got_state = got.get("status") if isinstance(got, dict) else None
        if got_state != state:
            problems.append(f"expected status {state!r}, got {got_state!r}")
    if problems:
        raise fail(ex, *problems)
    return body


def that(condition: bool, ex: Exchange, problem: str) -> None:
    """A state assertion about an exchange, reported with the exchange."""
    if not condition:
        raise fail(ex, problem)
