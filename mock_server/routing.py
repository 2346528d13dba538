"""Declare FAPI operations once: method, path, response schema, limits, handler.

A handler is a plain synchronous function of a :class:`Ctx` that returns a
:class:`Reply`. The table of :class:`Operation` s is what the app mounts (at the root and
under the proxy path), what response self-validation checks against, and what the
OpenAPI document is generated from: one declaration, three uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mock_server.wire.context import Ctx


@dataclass
class Reply:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Set when the body is not JSON (an HTML page, a redirect).
    media_type: str | None = None


Handler = Callable[[Ctx], Reply]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler
    response: str | None
    operation_id: str
    summary: str
    rate_limit: str | None = None
    statuses: tuple[int, ...] = (200,)


class OperationTable:
    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        response: str | None,
        rate_limit: str | None = None,
        statuses: tuple[int, ...] = (200,),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            doc = (handler.__doc__ or handler.__name__).strip().splitlines()[0]
            self.operations.append(
                Operation(
                    method=method,
                    path=path,
                    handler=handler,
                    response=response,
                    operation_id=handler.__name__,
                    summary=doc,
                    rate_limit=rate_limit,
                    statuses=statuses,
                )
            )
            return handler

        return register


FAPI = OperationTable()
"""Every Frontend API operation; route modules register into it on import."""
