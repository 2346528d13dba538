"""Replay a recording: as an httpx transport for tests, or as seed data for the mock.

- :class:`ReplayTransport` answers each request with the recorded answer of the next
  unused exchange with the same method and path, so a suite or an app can run against a
  recording with no server at all; an unmatched request is an error, not a guess.
- :func:`users_in` pulls every user object out of the recorded answers, and
  :func:`seed_payloads` turns them into ``POST /__admin/users`` bodies, so the mock can
  start with the accounts a real session showed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from mock_server.proxy.recording import Exchange


class UnmatchedRequest(LookupError):
    """A request the recording has no (more) answers for."""


class ReplayTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, exchanges: list[Exchange]) -> None:
        self.exchanges = list(exchanges)
        self.used = [False] * len(self.exchanges)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        method = request.method
        override = request.url.params.get("_method")
        if method == "POST" and override:
            method = override.upper()
        path = request.url.path
        for i, ex in enumerate(self.exchanges):
            if not self.used[i] and ex.method == method and urlsplit(ex.url).path == path:
                self.used[i] = True
                body = ex.response_body
                content = (
                    b""
                    if body is None
                    else (body.encode() if isinstance(body, str) else orjson.dumps(body))
                )
                headers = [(k, v) for k, v in ex.response_headers if k.lower() != "set-cookie"]
                return httpx.Response(ex.status, headers=headers, content=content, request=request)
        raise UnmatchedRequest(f"no recorded answer left for {method} {path}")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request)

    @property
    def unused(self) -> list[Exchange]:
        return [ex for ex, used in zip(self.exchanges, self.used, strict=True) if not used]


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if value.get("object") == "user" and "id" in value:
            yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def users_in(exchanges: list[Exchange]) -> list[dict[str, Any]]:
    """Every distinct user object in the answers, the last version of each."""
    found: dict[str, dict[str, Any]] = {}
    for ex in exchanges:
        for user in _walk(ex.response_body):
            found[user["id"]] = user
    return list(found.values())


def seed_payloads(exchanges: list[Exchange]) -> list[dict[str, Any]]:
    """``POST /__admin/users`` bodies for the recorded users (passwords were redacted)."""
    out = []
    for user in users_in(exchanges):
        emails = [e["email_address"] for e in user.get("email_addresses", [])]
        phones = [p["phone_number"] for p in user.get("phone_numbers", [])]
        if not (emails or phones or user.get("username")):
            continue
        payload: dict[str, Any] = {"email_addresses": emails, "phone_numbers": phones}
        for key in ("username", "first_name", "last_name"):
            if user.get(key):
                payload[key] = user[key]
        if isinstance(user.get("public_metadata"), dict):
            payload["public_metadata"] = user["public_metadata"]
        out.append(payload)
    return out
