"""Fault injection: make the mock slow, failing or broken on purpose, reproducibly.

Frontend code must survive a FAPI that is slow, answers 5xx or 429, drops the
connection or cuts a body short. Rules come from the config file (``[[faults]]``) and
from the admin API at run time (``/__admin/faults``); each matches a path pattern,
optional methods and optionally one client (so parallel tests don't disturb each
other), and draws its outcome from its own seeded random sequence, so a seeded run
fails the same requests every time. Applied faults are written to the request journal.

Outcomes, per matching request (the first matching rule wins):

- ``latency_ms`` (+ up to ``jitter_ms`` more) before the request is handled;
- with probability ``reset_rate``: the connection is dropped right after the status
  line (a client sees a broken response, not an HTTP error);
- with probability ``truncate_rate``: the real answer is sent with its full
  ``Content-Length`` but only half of its body, then the connection is closed;
- with probability ``error_rate``: an injected ``error_status`` answer (5xx as
  ``internal_clerk_error``; 429 as ``too_many_requests`` with ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import fnmatch
import random
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.errors import FapiError

Outcome = Literal["latency", "error", "reset", "truncate"]
JOURNAL_KEY = "fapi_harness.fault"


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = "*"
    methods: tuple[str, ...] = ()
    client_id: str | None = None
    latency_ms: int = Field(default=0, ge=0, le=120_000)
    jitter_ms: int = Field(default=0, ge=0, le=120_000)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    error_status: int = Field(default=503, ge=429, le=599)
    retry_after: int = Field(default=1, ge=0)
    reset_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    truncate_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    times: int | None = Field(default=None, ge=1)

    @field_validator("error_status")
    @classmethod
    def _error_status(cls, value: int) -> int:
        if value != 429 and value < 500:
            raise ValueError("error_status must be 429 or a 5xx status")
        return value

    @field_validator("methods")
    @classmethod
    def _upper(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(m.upper() for m in value)

    def matches(self, method: str, path: str, client_id: str | None) -> bool:
        if self.methods and method.upper() not in self.methods:
            return False
        if self.client_id is not None and self.client_id != client_id:
            return False
        return fnmatch.fnmatchcase(path, self.path)


@dataclass
class ActiveRule:
    id: str
    rule: FaultRule
    rng: random.Random
    used: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "used": self.used, **self.rule.model_dump(mode="json")}


@dataclass
class Decision:
    rule_id: str
    latency_ms: int = 0
    outcome: Outcome | None = None
    status: int = 0
    retry_after: int = 0

    def describe(self) -> str:
        parts = [f"rule {self.rule_id}"]
        if self.latency_ms:
            parts.append(f"latency {self.latency_ms}ms")
        if self.outcome == "error":
            parts.append(f"error {self.status}")
        elif self.outcome:
            parts.append(self.outcome)
        return ", ".join(parts)


@dataclass
class FaultInjector:
    """The rules in force; deterministic for a given seed and request order."""

    seed: int | None = None
    configured: tuple[FaultRule, ...] = ()
    rules: list[ActiveRule] = field(default_factory=list)
    _counter: int = 0

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.rules = []
        self._counter = 0
        for rule in self.configured:
            self.add(rule)

    def add(self, rule: FaultRule) -> ActiveRule:
        self._counter += 1
        rule_id = f"fault_{self._counter}"
        seed = None if self.seed is None else self.seed * 1_000_003 + self._counter
        active = ActiveRule(rule_id, rule, random.Random(seed))
        self.rules.append(active)
        return active

    def remove(self, rule_id: str) -> bool:
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) != before

    @property
    def needs_client(self) -> bool:
        return any(r.rule.client_id is not None for r in self.rules)

    def decide(self, method: str, path: str, client_id: str | None) -> Decision | None:
        for active in self.rules:
            rule = active.rule
            if rule.times is not None and active.used >= rule.times:
                continue
            if not rule.matches(method, path, client_id):
                continue
            active.used += 1
            decision = Decision(active.id, latency_ms=rule.latency_ms)
            if rule.jitter_ms:
                decision.latency_ms += active.rng.randint(0, rule.jitter_ms)
            draw = active.rng.random()
            if draw < rule.reset_rate:
                decision.outcome = "reset"
            elif draw < rule.reset_rate + rule.truncate_rate:
                decision.outcome = "truncate"
            elif draw < rule.reset_rate + rule.truncate_rate + rule.error_rate:
                decision.outcome = "error"
                decision.status = rule.error_status
                decision.retry_after = rule.retry_after
            elif not decision.latency_ms:
                return None
            return decision
        return None


class InjectedFault(Exception):
    """Raised mid-response to drop the connection; the server closes it."""


def _error_body(decision: Decision) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    import orjson

    if decision.status == 429:
        error = FapiError.of("too_many_requests", seconds=decision.retry_after)
        headers = [(b"retry-after", str(decision.retry_after).encode())]
    else:
        error = FapiError.of(
            "internal_clerk_error", detail=f"Injected fault ({decision.describe()})."
        )
        headers = []
    body = orjson.dumps(error.to_wire())
    return body, [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *headers,
    ]


class FaultMiddleware:
    """Applies the injector's decisions; ``/__admin`` is never faulted."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, client_of: Any) -> None:
        self.app = app
        self.injector = injector
        self.client_of = client_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.injector.rules:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/__admin"):
            await self.app(scope, receive, send)
            return
        client_id = self.client_of(scope) if self.injector.needs_client else None
        decision = self.injector.decide(scope["method"], path, client_id)
        if decision is None:
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})[JOURNAL_KEY] = decision.describe()
        if decision.latency_ms:
            await asyncio.sleep(decision.latency_ms / 1000)
        if decision.outcome == "error":
            body, headers = _error_body(decision)
            await send(
                {"type": "http.response.start", "status": decision.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})
            return
        if decision.outcome == "reset":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise InjectedFault("connection reset injected")
        if decision.outcome == "truncate":
            await self._truncated(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _truncated(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        assert start is not None
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        raise InjectedFault("truncated body injected")
