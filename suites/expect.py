"""Assertions every check uses: status, schema, error code and state, in one message.

A conformance failure must be actionable by someone who has never seen the suite, so the
message lists every problem found on the exchange (not just the first) followed by the
request, the response and a curl line that reproduces it.
"""

from __future__ import annotations

from typing import Any

import schemas
from suites.target import Exchange


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
    ``errors``); ``code``/``param`` must appear among the errors; ``state`` is the
    ``response.status`` of a sign-in or sign-up envelope.
    """
    problems: list[str] = []
    body = ex.body
    if ex.status != status:
        problems.append(f"expected HTTP {status}, got {ex.status}")
    name = "errors" if ex.status >= 400 else schema
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
