"""Several workers on one Redis behave as one mock: state, single use and the clock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import count
from typing import Any

import httpx
import pytest

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config
from mock_server.store.redis import RedisStore
from tests.store.round_trips import round_trips

_ns = count()
PASSWORD = "correct horse battery staple"


@pytest.fixture
def workers(redis_url: str) -> Iterator[tuple[Any, Any]]:
    """Two app instances (two "workers") sharing one Redis namespace."""
    namespace = f"w{next(_ns)}"
    apps = [
        build_app(load_config(profile="test"), RedisStore(redis_url, namespace=namespace))
        for _ in range(2)
    ]
    yield apps[0], apps[1]
    RedisStore(redis_url, namespace=namespace).reset()


def _switching_client(a: Any, b: Any) -> httpx.Client:
    """One browser whose requests alternate between the two workers."""
    transports = [SyncASGITransport(a), SyncASGITransport(b)]
    turn = count()

    class RoundRobin(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return transports[next(turn) % 2].handle_request(request)

    return httpx.Client(transport=RoundRobin(), base_url="http://mock.test")


def test_a_flow_can_hop_between_workers(workers: tuple[Any, Any]) -> None:
    a, b = workers
    with _switching_client(a, b) as browser:
        made = browser.post(
            "/__admin/users", json={"email_addresses": ["amy@example.com"], "password": PASSWORD}
        )
        assert made.status_code == 201
        created = browser.post("/v1/client/sign_ins", data={"identifier": "amy@example.com"})
        sign_in = created.json()["response"]["id"]
        prepared = browser.post(
            f"/v1/client/sign_ins/{sign_in}/prepare_first_factor", data={"strategy": "email_code"}
        )
        assert prepared.status_code == 200, prepared.text
        code = browser.get("/__admin/outbox/latest", params={"to": "amy@example.com"}).json()[
            "code"
        ]
        done = browser.post(
            f"/v1/client/sign_ins/{sign_in}/attempt_first_factor",
            data={"strategy": "email_code", "code": code},
        )
        assert done.json()["response"]["status"] == "complete"
        assert browser.get("/v1/me").status_code == 200


def test_a_code_used_on_one_worker_is_refused_on_the_other(workers: tuple[Any, Any]) -> None:
    a, b = workers
    with httpx.Client(transport=SyncASGITransport(a), base_url="http://mock.test") as on_a:
        on_a.post("/__admin/users", json={"email_addresses": ["bo@example.com"]})
        sign_in = on_a.post("/v1/client/sign_ins", data={"identifier": "bo@example.com"}).json()[
            "response"
        ]["id"]
        on_a.post(
            f"/v1/client/sign_ins/{sign_in}/prepare_first_factor", data={"strategy": "email_code"}
        )
        code = on_a.get("/__admin/outbox/latest", params={"to": "bo@example.com"}).json()["code"]
        cookies = dict(on_a.cookies)
        assert (
            on_a.post(
                f"/v1/client/sign_ins/{sign_in}/attempt_first_factor",
                data={"strategy": "email_code", "code": code},
            ).status_code
            == 200
        )
    with httpx.Client(
        transport=SyncASGITransport(b), base_url="http://mock.test", cookies=cookies
    ) as on_b:
        again = on_b.post(
            f"/v1/client/sign_ins/{sign_in}/attempt_first_factor",
            data={"strategy": "email_code", "code": code},
        )
        assert again.status_code == 400
        assert again.json()["errors"][0]["code"] == "client_state_invalid"


def test_the_clock_is_shared(workers: tuple[Any, Any]) -> None:
    a, b = workers
    with (
        httpx.Client(transport=SyncASGITransport(a), base_url="http://a") as on_a,
        httpx.Client(transport=SyncASGITransport(b), base_url="http://b") as on_b,
    ):
        on_a.post("/__admin/clock", json={"set": 1_900_000_000_000, "freeze": True})
        assert on_b.get("/__admin/clock").json()["now"] == 1_900_000_000_000
        on_b.post("/__admin/clock", json={"advance_seconds": 60})
        assert on_a.get("/__admin/clock").json()["now"] == 1_900_000_060_000


def test_a_request_that_reads_no_state_makes_no_round_trip_to_redis(
    workers: tuple[Any, Any],
) -> None:
    """``GET /v1/environment`` (clerk-js loads it on every page) needs neither a row nor
    the shared clock; the journal stamps it by the clock as the worker last saw it."""
    a, _ = workers
    with httpx.Client(transport=SyncASGITransport(a), base_url="http://a") as on_a:
        on_a.post("/__admin/clock", json={"set": 1_900_000_000_000, "freeze": True})
        with round_trips() as trips:
            assert on_a.get("/v1/environment").status_code == 200
        assert trips == [], [t[:80] for t in trips]
        entry = a.state.mock.journal[-1]
        assert (entry.path, entry.at) == ("/v1/environment", 1_900_000_000_000)


def test_a_signed_in_client_is_read_in_one_round_trip(workers: tuple[Any, Any]) -> None:
    """``GET /v1/client`` reads the token row, the client, its session, its sign-in and
    their user, and the shared clock: one round trip (``Tx.prefetch``), and, as it changes
    nothing, no commit. A round trip costs a worker more CPU than the rest of the request."""
    a, b = workers
    with httpx.Client(transport=SyncASGITransport(a), base_url="http://a") as on_a:
        on_a.post(
            "/__admin/users", json={"email_addresses": ["amy@example.com"], "password": PASSWORD}
        )
        signed_in = on_a.post(
            "/v1/client/sign_ins",
            params={"_is_native": "1"},
            data={"strategy": "password", "identifier": "amy@example.com", "password": PASSWORD},
        )
        assert signed_in.json()["response"]["status"] == "complete"
        token = signed_in.headers["authorization"]
    with httpx.Client(transport=SyncASGITransport(b), base_url="http://b") as on_b:
        on_b.get("/v1/client", params={"_is_native": "1"}, headers={"authorization": token})
        with round_trips() as trips:
            client = on_b.get(
                "/v1/client", params={"_is_native": "1"}, headers={"authorization": token}
            )
    assert (
        client.json()["response"]["sessions"][0]["user"]["email_addresses"][0]["email_address"]
        == "amy@example.com"
    )
    assert len(trips) == 1, [t[:60] for t in trips]
    assert b"HGETALL" in trips[0]


def test_rate_limits_are_counted_across_workers(redis_url: str) -> None:
    namespace = f"w{next(_ns)}"
    a, b = (
        build_app(load_config(profile="default"), RedisStore(redis_url, namespace=namespace))
        for _ in range(2)
    )
    try:
        with _switching_client(a, b) as browser:
            browser.post("/__admin/clock", json={"set": 1_900_000_000_000, "freeze": True})
            # Five creations, alternating between the workers, fill the one window.
            made = [browser.post("/v1/client/sign_ins", data={}) for _ in range(5)]
            assert all(r.status_code != 429 for r in made)
            refused = browser.post("/v1/client/sign_ins", data={})
            assert refused.status_code == 429, refused.text
            assert refused.headers["retry-after"] == "10"
            browser.post("/__admin/clock", json={"advance_seconds": 10})
            assert browser.post("/v1/client/sign_ins", data={}).status_code != 429
            browser.post("/__admin/reset")
            assert browser.post("/v1/client/sign_ins", data={}).status_code != 429
    finally:
        RedisStore(redis_url, namespace=namespace).reset()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_uvicorn_workers_serve_one_state(redis_url: str) -> None:
    port = _free_port()
    namespace_url = redis_url.rsplit("/", 1)[0] + "/3"
    env = dict(os.environ)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_server",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--store",
            namespace_url,
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/v1/environment", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the two-worker mock did not start")
        with httpx.Client(base_url=base) as c:
            c.post("/__admin/reset")
            assert (
                c.post(
                    "/__admin/users",
                    json={"email_addresses": ["cy@example.com"], "password": PASSWORD},
                ).status_code
                == 201
            )
            # Fresh connections spread requests over both workers.
            seen = {httpx.get(base + "/__admin/users").json()["total_count"] for _ in range(10)}
            assert seen == {1}
            sign_in = c.post(
                "/v1/client/sign_ins", data={"identifier": "cy@example.com", "password": PASSWORD}
            )
            assert sign_in.json()["response"]["status"] == "complete"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        RedisStore(namespace_url).reset()
