"""Fault injection: each fault type, determinism with a seed, scoping, journal, reset."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config
from mock_server.faults import FaultRule


def _client(app: Any) -> httpx.Client:
    return httpx.Client(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),  # type: ignore[arg-type]
        base_url="http://mock.test",
    )


def _app(seed: int | None = 1, **config: Any) -> Any:
    return build_app(load_config(profile="test", **config), seed=seed, validate_responses=False)


def _sync(app: Any) -> httpx.Client:
    return httpx.Client(transport=SyncASGITransport(app), base_url="http://mock.test")


def test_an_error_rule_answers_clerk_shaped_5xx() -> None:
    app = _app()
    with _sync(app) as c:
        made = c.post(
            "/__admin/faults",
            json={"path": "/v1/environment", "error_rate": 1.0, "error_status": 503},
        )
        assert made.status_code == 201
        r = c.get("/v1/environment")
        assert r.status_code == 503
        assert r.json()["errors"][0]["code"] == "internal_clerk_error"
        assert c.get("/v1/client").status_code == 200  # other paths are untouched


def test_a_429_rule_carries_retry_after() -> None:
    app = _app()
    with _sync(app) as c:
        c.post(
            "/__admin/faults",
            json={"path": "/v1/client*", "error_rate": 1.0, "error_status": 429, "retry_after": 7},
        )
        r = c.get("/v1/client")
        assert r.status_code == 429
        assert r.headers["retry-after"] == "7"
        assert r.json()["errors"][0]["code"] == "too_many_requests"


def test_latency_delays_the_answer_and_is_journalled() -> None:
    app = _app()
    with _sync(app) as c:
        c.post("/__admin/faults", json={"path": "/v1/client", "latency_ms": 120})
        started = time.monotonic()
        assert c.get("/v1/client").status_code == 200
        assert time.monotonic() - started >= 0.12
        entries = c.get("/__admin/journal").json()["data"]
        faulted = [e for e in entries if e["path"] == "/v1/client"]
        assert faulted[-1]["fault"] == "rule fault_1, latency 120ms"


def _pattern(seed: int) -> list[int]:
    app = _app(seed)
    with _sync(app) as c:
        c.post(
            "/__admin/faults",
            json={"path": "/v1/environment", "error_rate": 0.5, "error_status": 500},
        )
        return [c.get("/v1/environment").status_code for _ in range(24)]


def test_a_seed_fails_the_same_requests_every_run() -> None:
    first = _pattern(42)
    assert first == _pattern(42)
    assert 500 in first
    assert 200 in first
    assert first != _pattern(43)


def test_times_limits_how_often_a_rule_fires() -> None:
    app = _app()
    with _sync(app) as c:
        c.post("/__admin/faults", json={"error_rate": 1.0, "error_status": 500, "times": 2})
        codes = [c.get("/v1/environment").status_code for _ in range(4)]
        assert codes == [500, 500, 200, 200]


def test_a_rule_scoped_to_one_client_leaves_the_others_alone() -> None:
    app = _app()
    with _sync(app) as a, _sync(app) as b:
        a.post("/v1/client")
        b.post("/v1/client")
        client_a = a.get("/v1/client").json()["response"]["id"]
        a.post(
            "/__admin/faults", json={"client_id": client_a, "error_rate": 1.0, "error_status": 502}
        )
        assert a.get("/v1/client").status_code == 502
        assert b.get("/v1/client").status_code == 200


def test_reset_removes_runtime_rules_but_keeps_configured_ones() -> None:
    rule = FaultRule(path="/v1/environment", error_rate=1.0, error_status=500)
    app = _app(faults=(rule,))
    with _sync(app) as c:
        c.post(
            "/__admin/faults", json={"path": "/v1/client", "error_rate": 1.0, "error_status": 500}
        )
        assert len(c.get("/__admin/faults").json()["data"]) == 2
        c.post("/__admin/reset")
        data = c.get("/__admin/faults").json()["data"]
        assert [d["path"] for d in data] == ["/v1/environment"]
        assert c.get("/v1/environment").status_code == 500
        assert c.delete(f"/__admin/faults/{data[0]['id']}").status_code == 204
        assert c.get("/v1/environment").status_code == 200


def test_bad_rules_are_refused_with_a_clerk_error() -> None:
    app = _app()
    with _sync(app) as c:
        r = c.post("/__admin/faults", json={"error_rate": 2})
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "form_param_format_invalid"
        r = c.post("/__admin/faults", json={"error_status": 404})
        assert r.status_code == 422
        assert c.delete("/__admin/faults/fault_99").status_code == 404


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> Iterator[tuple[str, Any]]:
    """The mock on a real socket: resets and truncation are connection-level faults."""
    app = _app()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=5)


def test_a_reset_drops_the_connection(served: tuple[str, Any]) -> None:
    base, _ = served
    with httpx.Client(base_url=base) as c:
        c.post("/__admin/faults", json={"path": "/v1/client", "reset_rate": 1.0})
        with pytest.raises(httpx.TransportError):
            c.get("/v1/client")
        assert c.get("/v1/environment").status_code == 200


def test_a_truncated_body_is_cut_short(served: tuple[str, Any]) -> None:
    base, _ = served
    with httpx.Client(base_url=base) as c:
        c.post("/__admin/faults", json={"path": "/v1/environment", "truncate_rate": 1.0})
        with pytest.raises(httpx.TransportError):
            c.get("/v1/environment")
        journal = c.get("/__admin/journal").json()["data"]
        assert any(e["fault"] == "rule fault_1, truncate" for e in journal)
