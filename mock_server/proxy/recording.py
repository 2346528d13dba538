"""Record exchanges as NDJSON (one exchange per line) or HAR 1.2, secrets redacted."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from mock_server.proxy import redact

Format = Literal["ndjson", "har"]


@dataclass
class Exchange:
    """One request and its answer, already redacted."""

    started_ms: int
    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: str
    status: int
    response_headers: list[tuple[str, str]]
    response_body: Any
    duration_ms: float = 0.0

    @classmethod
    def capture(
        cls,
        *,
        started_ms: int,
        method: str,
        url: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_headers: list[tuple[str, str]],
        response_body: bytes,
        duration_ms: float,
    ) -> Exchange:
        text = request_body.decode("utf-8", "replace")
        try:
            parsed: Any = orjson.loads(response_body) if response_body else None
            body: Any = redact.json_value(parsed)
        except orjson.JSONDecodeError:
            body = redact.json_value(response_body.decode("utf-8", "replace"))
        return cls(
            started_ms=started_ms,
            method=method,
            url=redact.url(url),
            request_headers=redact.headers(request_headers),
            request_body=redact.form(text) if "=" in text else text,
            status=status,
            response_headers=redact.headers(response_headers),
            response_body=body,
            duration_ms=duration_ms,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "started_ms": self.started_ms,
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": {
                "status": self.status,
                "headers": self.response_headers,
                "body": self.response_body,
            },
            "duration_ms": round(self.duration_ms, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exchange:
        req, resp = data["request"], data["response"]
        return cls(
            started_ms=data.get("started_ms", 0),
            method=req["method"],
            url=req["url"],
            request_headers=[tuple(h) for h in req.get("headers", [])],
            request_body=req.get("body", ""),
            status=resp["status"],
            response_headers=[tuple(h) for h in resp.get("headers", [])],
            response_body=resp.get("body"),
            duration_ms=data.get("duration_ms", 0.0),
        )


@dataclass
class Recorder:
    path: Path
    format: Format = "ndjson"
    exchanges: list[Exchange] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)
            if self.format == "ndjson":
                with self.path.open("ab") as out:
                    out.write(orjson.dumps(exchange.to_json()) + b"\n")

    def close(self) -> None:
        if self.format == "har":
            self.path.write_bytes(orjson.dumps(to_har(self.exchanges), option=orjson.OPT_INDENT_2))


def _har_headers(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in items]


def to_har(exchanges: list[Exchange]) -> dict[str, Any]:
    from datetime import UTC, datetime

    entries = []
    for ex in exchanges:
        body = ex.response_body
        text = body if isinstance(body, str) else orjson.dumps(body).decode()
        entries.append(
            {
                "startedDateTime": datetime.fromtimestamp(ex.started_ms / 1000, UTC).isoformat(),
                "time": ex.duration_ms,
                "request": {
                    "method": ex.method,
                    "url": ex.url,
                    "httpVersion": "HTTP/1.1",
                    "headers": _har_headers(ex.request_headers),
                    "queryString": [],
                    "cookies": [],
                    "headersSize": -1,
                    "bodySize": len(ex.request_body),
                    "postData": {
                        "mimeType": "application/x-www-form-urlencoded",
                        "text": ex.request_body,
                    },
                },
                "response": {
                    "status": ex.status,
                    "statusText": "",
                    "httpVersion": "HTTP/1.1",
                    "headers": _har_headers(ex.response_headers),
                    "cookies": [],
                    "content": {"size": len(text), "mimeType": "application/json", "text": text},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": len(text),
                },
                "cache": {},
                "timings": {"send": 0, "wait": ex.duration_ms, "receive": 0},
            }
        )
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "fapi-harness", "version": "0.1.0"},
            "entries": entries,
        }
    }


def load(path: str | Path) -> list[Exchange]:
    """Read a recording in either format."""
    raw = Path(path).read_bytes()
    stripped = raw.lstrip()
    if stripped.startswith(b"{") and b'"log"' in stripped[:200]:
        har = orjson.loads(raw)
        out = []
        for entry in har["log"]["entries"]:
            text = entry["response"]["content"].get("text", "")
            try:
                body: Any = orjson.loads(text) if text else None
            except orjson.JSONDecodeError:
                body = text
            out.append(
                Exchange(
                    started_ms=0,
                    method=entry["request"]["method"],
                    url=entry["request"]["url"],
                    request_headers=[(h["name"], h["value"]) for h in entry["request"]["headers"]],
                    request_body=entry["request"].get("postData", {}).get("text", ""),
                    status=entry["response"]["status"],
                    response_headers=[
                        (h["name"], h["value"]) for h in entry["response"]["headers"]
                    ],
                    response_body=body,
                    duration_ms=entry.get("time", 0.0),
                )
            )
        return out
    return [Exchange.from_json(orjson.loads(line)) for line in raw.splitlines() if line.strip()]
