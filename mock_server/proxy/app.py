"""The proxy app: forward, validate, report, optionally record.

Everything is passed through as the browser sent it (cookies, the dev-browser token,
``_method``); only the ``Domain`` attribute of upstream cookies is dropped, so they stick
to the proxy's host and the frontend keeps working unchanged.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import schemas
from mock_server.proxy import operations
from mock_server.proxy.recording import Exchange, Recorder

log = logging.getLogger("fapi_harness.proxy")

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-encoding",
    }
)


@dataclass(frozen=True)
class Violation:
    operation: str
    method: str
    path: str
    status: int
    json_path: str
    reason: str
    schema: str

    def line(self) -> str:
        return (
            f"{self.method} {self.path} -> {self.status} [{self.operation}] "
            f"{self.json_path}: {self.reason} (schema {self.schema})"
        )


@dataclass
class ProxyReport:
    forwarded: int = 0
    validated: int = 0
    unknown_operations: Counter[str] = field(default_factory=Counter)
    violations: list[Violation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "forwarded": self.forwarded,
            "validated": self.validated,
            "unknown_operations": dict(self.unknown_operations),
            "violations": [asdict(v) for v in self.violations],
        }

    def summary(self) -> str:
        lines = [
            f"{self.forwarded} forwarded, {self.validated} validated, "
            f"{len(self.violations)} violations"
        ]
        lines += [f"  {v.line()}" for v in self.violations]
        return "\n".join(lines)


def _cookie_without_domain(value: str) -> str:
    return "; ".join(part for part in value.split("; ") if not part.lower().startswith("domain="))


def build_proxy_app(
    upstream: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: Recorder | None = None,
    on_violation: Callable[[Violation], None] | None = None,
    proxy_prefix: str = "/__clerk",
) -> Starlette:
    report = ProxyReport()
    client = httpx.AsyncClient(
        base_url=upstream.rstrip("/"), transport=transport, follow_redirects=False, timeout=30.0
    )

    def validate(method: str, path: str, status: int, body: bytes) -> None:
        override = method
        op = operations.match(override, path, proxy_prefix)
        name = operations.response_schema(op, status)
        if name is None:
            if op is None:
                report.unknown_operations[f"{method} {path}"] += 1
            return
        try:
            instance = orjson.loads(body)
        except orjson.JSONDecodeError:
            found = [("$", "the body is not JSON")]
        else:
            found = [(v.path, v.reason) for v in schemas.violations(name, instance)]
        report.validated += 1
        for json_path, reason in found:
            violation = Violation(
                operation=op.operation_id if op else "(error)",
                method=method,
                path=path,
                status=status,
                json_path=json_path,
                reason=reason,
                schema=name,
            )
            report.violations.append(violation)
            log.warning("schema violation: %s", violation.line())
            if on_violation:
                on_violation(violation)

    async def forward(request: Request) -> Response:
        body = await request.body()
        method = request.method
        override = request.query_params.get("_method", "").upper()
        logical = override if method == "POST" and override else method
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        started = time.time()
        upstream_response = await client.request(
            method,
            request.url.path,
            params=list(request.query_params.multi_items()),
            headers=headers,
            content=body,
        )
        content = await upstream_response.aread()
        elapsed = (time.time() - started) * 1000
        report.forwarded += 1
        if upstream_response.headers.get("content-type", "").startswith("application/json"):
            validate(logical, request.url.path, upstream_response.status_code, content)
        out_headers = [
            (k, _cookie_without_domain(v) if k.lower() == "set-cookie" else v)
            for k, v in upstream_response.headers.multi_items()
            if k.lower() not in HOP_BY_HOP
        ]
        if recorder is not None:
            recorder.add(
                Exchange.capture(
                    started_ms=int(started * 1000),
                    method=logical,
                    url=str(request.url),
                    request_headers=list(request.headers.items()),
                    request_body=body,
                    status=upstream_response.status_code,
                    response_headers=out_headers,
                    response_body=content,
                    duration_ms=elapsed,
                )
            )
        response = Response(content, status_code=upstream_response.status_code)
        for k, v in out_headers:
            response.headers.append(k, v)
        return response

    async def report_endpoint(request: Request) -> Response:
        return JSONResponse(report.to_json())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()
        if recorder is not None:
            recorder.close()
        log.warning("proxy summary: %s", report.summary())

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
    app = Starlette(
        routes=[
            Route("/__proxy/report", report_endpoint, methods=["GET"]),
            Route("/{path:path}", forward, methods=methods),
        ],
        lifespan=lifespan,
    )
    app.state.report = report
    app.state.client = client
    return app
