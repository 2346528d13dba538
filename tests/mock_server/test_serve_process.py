"""``fapi-harness serve`` as a process: it answers, signs in, and --state survives a restart."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serve(*args: str) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "mock_server", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--log-level", "warning", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                if httpx.get(f"{base}/v1/environment", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer within 20 s"
            time.sleep(0.02)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_a_real_server_signs_in_and_keeps_its_state(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with _serve("--seed", "1", "--state", str(state), "--validate-responses") as base:
        seeded = httpx.post(
            f"{base}/__admin/users",
            json={"email_addresses": ["real@example.com"], "password": PASSWORD},
        )
        assert seeded.status_code == 201
        with httpx.Client(base_url=base) as browser:
            answer = browser.post(
                "/v1/client/sign_ins", data={"identifier": "real@example.com", "password": PASSWORD}
            )
            assert answer.status_code == 200, answer.text
            session_id = answer.json()["response"]["created_session_id"]
            cookie = browser.cookies["__client"]
            assert browser.cookies["__client_uat"] != "0"
    assert state.stat().st_size > 0

    with _serve("--state", str(state)) as base:
        client = httpx.get(f"{base}/v1/client", cookies={"__client": cookie}).json()["response"]
        assert client["last_active_session_id"] == session_id
        assert client["sessions"][0]["user"]["email_addresses"][0]["email_address"] == (
            "real@example.com"
        )
