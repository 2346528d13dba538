"""Declare ``/__admin`` operations once: method, path, request and response schemas.

Like ``routing.FAPI`` for the Frontend API, the table is what the app mounts, what the
answers are checked against when the app validates its responses, and what the OpenAPI
document lists (tag ``admin``), so the admin API cannot drift from ``schemas/wire/admin.json``
without a test or a fuzz run noticing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import schemas

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class AdminOperation:
    method: str
    path: str
    endpoint: Endpoint
    operation_id: str
    summary: str
    # Schema names (``admin/outbox``, ``user``): the JSON answer of a 2xx, the JSON body,
    # and the object whose properties are the query parameters. ``None``: there is none.
    response: str | None
    request: str | None = None
    query: str | None = None
    statuses: tuple[int, ...] = (200,)
    media_type: str = "application/json"


class AdminTable:
    def __init__(self) -> None:
        self.operations: list[AdminOperation] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        response: str | None,
        request: str | None = None,
        query: str | None = None,
        statuses: tuple[int, ...] = (200,),
        media_type: str = "application/json",
    ) -> Callable[[Endpoint], Endpoint]:
        def register(endpoint: Endpoint) -> Endpoint:
            doc = (endpoint.__doc__ or endpoint.__name__).strip().splitlines()[0]
            self.operations.append(
                AdminOperation(
                    method=method,
                    path=path,
                    endpoint=endpoint,
                    operation_id=endpoint.__name__,
                    summary=doc,
                    response=response,
                    request=request,
                    query=query,
                    statuses=statuses,
                    media_type=media_type,
                )
            )
            return endpoint

        return register

    def routes(self) -> list[BaseRoute]:
        """One route per path dispatching on the method, so a 405's Allow lists them all."""
        by_path: dict[str, dict[str, Endpoint]] = {}
        for op in self.operations:
            by_path.setdefault(op.path, {})[op.method] = _validating(op)
        return [
            Route(path, _dispatch(endpoints), methods=list(endpoints))
            for path, endpoints in by_path.items()
        ]


ADMIN = AdminTable()
"""Every ``/__admin`` operation; ``mock_server.admin.routes`` registers into it on import."""


def _dispatch(endpoints: dict[str, Endpoint]) -> Endpoint:
    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return dispatch


def _validating(op: AdminOperation) -> Endpoint:
    """The endpoint, its 2xx JSON answers checked when the app validates its responses."""

    async def endpoint(request: Request) -> Response:
        response = await op.endpoint(request)
        if request.app.state.mock.validate_responses and response.status_code < 400:
            check(request, op, response)
        return response

    endpoint.__name__ = op.operation_id
    return endpoint


def check(request: Request, op: AdminOperation, response: Response) -> None:
    """Fail (a 500 naming the violation) on an answer the admin schemas do not describe."""
    from mock_server.app import ResponseSchemaError

    where = f"{op.method} /__admin{op.path} -> {response.status_code}"
    problem: str | None = None
    if response.status_code not in op.statuses:
        problem = f"{where} is not a declared status {op.statuses}"
    elif op.media_type != "application/json" or response.status_code == 204:
        return
    elif op.response is None:
        problem = f"{where} sends JSON but declares no response schema"
    else:
        found = schemas.violations(op.response, orjson.loads(bytes(response.body)))
        if found:
            problem = f"{where} does not match {op.response}: {found[0]}"
    if problem is not None:
        state = request.app.state.mock
        state.validation_failures.append(problem)
        raise ResponseSchemaError(problem)
