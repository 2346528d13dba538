"""Requests through the mock's ASGI app in this process, as uvicorn would make them.

The memory and instruction benchmarks measure the app itself, without a server or a
socket in the way; both drive it through these few functions.
"""

from __future__ import annotations

from typing import Any

import orjson

PASSWORD = "bench-password-123"
FORM = [(b"content-type", b"application/x-www-form-urlencoded")]

Scope = dict[str, Any]
Answer = tuple[int, dict[bytes, bytes], bytes]


def scope(method: str, path: str, query: bytes = b"", headers: list[Any] | None = None) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:4010"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4010),
    }


async def call(app: Any, request: Scope, body: bytes = b"") -> Answer:
    """One request through the whole ASGI app: its status, headers and body."""
    status = 0
    headers: dict[bytes, bytes] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update((k.lower(), v) for k, v in message.get("headers", []))
        else:
            chunks.append(message.get("body", b""))

    await app(request, receive, send)
    return status, headers, b"".join(chunks)


def check(status: int, body: bytes, what: str) -> None:
    if status not in (200, 201):
        raise RuntimeError(f"{what} answered {status}: {body[:300]!r}")


async def admin(app: Any, path: str, payload: dict[str, Any]) -> bytes:
    """An admin API call that must succeed; its answer's body."""
    headers = [(b"content-type", b"application/json")]
    status, _, body = await call(app, scope("POST", path, b"", headers), orjson.dumps(payload))
    check(status, body, path)
    return body
