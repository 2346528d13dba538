"""The validating proxy: pass-through, violation report, recording with redaction, replay."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config
from mock_server.proxy.app import Violation, build_proxy_app
from mock_server.proxy.recording import Recorder, load
from mock_server.proxy.replay import ReplayTransport, UnmatchedRequest, seed_payloads

PASSWORD = "correct horse battery staple"


def _mock() -> Any:
    return build_app(load_config(profile="test"), seed=3)


def _drifted(app: ASGIApp, path: str) -> ASGIApp:
    """The upstream with one deliberately drifted answer: sign_in.status renamed."""

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != path:
            await app(scope, receive, send)
            return
        parts: list[bytes] = []
        start: Message = {}

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                parts.append(message.get("body", b""))

        await app(scope, receive, capture)
        body = orjson.loads(b"".join(parts))
        body["response"]["state"] = body["response"].pop("status")
        raw = orjson.dumps(body)
        headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})

    return wrapper


def _through(
    upstream: ASGIApp,
    recorder: Recorder | None = None,
    on_violation: Callable[[Violation], None] | None = None,
) -> tuple[httpx.Client, Any]:
    proxy = build_proxy_app(
        "http://upstream.test",
        transport=httpx.ASGITransport(app=upstream),  # type: ignore[arg-type]
        recorder=recorder,
        on_violation=on_violation,
    )
    return httpx.Client(
        transport=SyncASGITransport(proxy, raise_app_exceptions=True), base_url="http://proxy.test"
    ), proxy


def _seed(upstream: Any) -> None:
    with httpx.Client(
        transport=SyncASGITransport(upstream, raise_app_exceptions=True),
        base_url="http://upstream.test",
    ) as admin:
        made = admin.post(
            "/__admin/users",
            json={
                "email_addresses": ["jane@example.com"],
                "password": PASSWORD,
                "first_name": "Jane",
            },
        )
        assert made.status_code == 201


def _sign_in(client: httpx.Client) -> httpx.Response:
    created = client.post("/v1/client/sign_ins", data={"identifier": "jane@example.com"})
    assert created.status_code == 200, created.text
    sign_in_id = created.json()["response"]["id"]
    return client.post(
        f"/v1/client/sign_ins/{sign_in_id}/attempt_first_factor",
        data={"strategy": "password", "password": PASSWORD},
    )


def test_a_frontend_flow_passes_through_unchanged_with_no_violations() -> None:
    upstream = _mock()
    _seed(upstream)
    client, proxy = _through(upstream)
    with client:
        done = _sign_in(client)
        assert done.status_code == 200
        assert done.json()["response"]["status"] == "complete"
        # The client cookie set upstream came back through the proxy, so the session sticks.
        me = client.get("/v1/me")
        assert me.status_code == 200
        assert me.json()["response"]["first_name"] == "Jane"
        wrong = client.post("/v1/client/sign_ins", data={"identifier": "nobody@example.com"})
        assert wrong.status_code == 422
    report = proxy.state.report
    assert report.forwarded == 4
    assert report.validated == 4
    assert report.violations == []


def test_a_drifted_answer_is_reported_with_operation_status_and_path() -> None:
    upstream = _mock()
    _seed(upstream)
    seen: list[Violation] = []
    client, proxy = _through(_drifted(upstream, "/v1/client/sign_ins"), on_violation=seen.append)
    with client:
        assert (
            client.post("/v1/client/sign_ins", data={"identifier": "jane@example.com"}).status_code
            == 200
        )
        summary = client.get("/__proxy/report").json()
    assert seen, "the drift was not caught"
    first = seen[0]
    assert (first.operation, first.method, first.status) == ("create_sign_in", "POST", 200)
    assert first.json_path.startswith("$.response")
    assert "status" in first.reason or "state" in first.reason
    assert summary["violations"][0]["operation"] == "create_sign_in"
    assert "violations" in proxy.state.report.summary()


@pytest.mark.parametrize("fmt", ["ndjson", "har"])
def test_recordings_redact_secrets(tmp_path: Path, fmt: str) -> None:
    upstream = _mock()
    _seed(upstream)
    path = tmp_path / f"session.{fmt}"
    recorder = Recorder(path, fmt)  # type: ignore[arg-type]
    client, _ = _through(upstream, recorder=recorder)
    with client:
        _sign_in(client)
        client.get("/v1/me")
    recorder.close()
    text = path.read_text()
    assert PASSWORD not in text
    assert "__client=" not in text.replace("[REDACTED]", "")
    assert "[REDACTED]" in text
    exchanges = load(path)
    assert [e.method for e in exchanges] == ["POST", "POST", "GET"]
    assert exchanges[1].response_body["response"]["status"] == "complete"


def test_a_recording_replays_as_a_transport_and_seeds_a_mock(tmp_path: Path) -> None:
    upstream = _mock()
    _seed(upstream)
    path = tmp_path / "session.ndjson"
    client, _ = _through(upstream, recorder=Recorder(path))
    with client:
        _sign_in(client)
        client.get("/v1/me")
    exchanges = load(path)

    replay = ReplayTransport(exchanges)
    with httpx.Client(transport=replay, base_url="https://clerk.example.dev") as app_client:
        done = _sign_in(app_client)
        assert done.json()["response"]["status"] == "complete"
        assert app_client.get("/v1/me").json()["response"]["first_name"] == "Jane"
        with pytest.raises(UnmatchedRequest):
            app_client.get("/v1/me")
    assert replay.unused == []

    fresh = _mock()
    payloads = seed_payloads(exchanges)
    assert payloads == [
        {
            "email_addresses": ["jane@example.com"],
            "phone_numbers": [],
            "first_name": "Jane",
            "public_metadata": {},
        }
    ]
    with httpx.Client(
        transport=SyncASGITransport(fresh, raise_app_exceptions=True), base_url="http://fresh.test"
    ) as admin:
        for payload in payloads:
            assert admin.post("/__admin/users", json=payload).status_code == 201
        users = admin.get("/__admin/users").json()["data"]
        assert users[0]["email_addresses"][0]["email_address"] == "jane@example.com"
