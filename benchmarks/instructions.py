"""Instructions per request, counted by cachegrind: a figure this machine's noise leaves alone.

Wall-clock and CPU-time figures move by 10-15% between runs on a shared VM, more than most
single changes to the mock's request path. Instructions do not: this script drives the mock's
ASGI app in process (no server, no socket) through ``--count`` flows twice, at two lengths,
each under ``valgrind --tool=cachegrind``, and divides the difference by the requests between,
so start-up and warm-up cancel out. Two runs of the same code agree within about 1%.

    python benchmarks/instructions.py [--flow password|email-code|client] [--baseline DIR]

``--baseline`` counts another checkout the same way (its source tree put first on the path).
``--flow client`` is a signed-in ``GET /v1/client``. Needs valgrind (``apt-get install
valgrind``). Not a test: the figures are for comparing two trees on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PASSWORD = "bench-password-123"
FORM = (b"content-type", b"application/x-www-form-urlencoded")
# Flows per count: the difference between the two is what is divided.
SHORT, LONG = 100, 500
REQUESTS_PER_UNIT = {"password": 3, "email-code": 3, "client": 1}

Headers = list[tuple[bytes, bytes]]


def _app() -> Any:
    from mock_server.app import build_app
    from mock_server.config import load_config

    return build_app(load_config(profile="test"))


async def _call(
    app: Any, method: str, path: str, body: bytes = b"", headers: Headers | None = None
) -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"_is_native=1",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:4010"), *(headers or [])],
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 4010),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    answer: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.update(status=message["status"], headers=dict(message["headers"]))
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return answer["status"], answer["headers"], b"".join(chunks)


def _found(pattern: bytes, body: bytes) -> str:
    match = re.search(pattern, body)
    assert match is not None, body[:300]
    return match.group(1).decode()


async def _sign_in(app: Any, identifier: bytes) -> tuple[bytes, str, bytes]:
    status, headers, body = await _call(
        app, "POST", "/v1/client/sign_ins", b"identifier=" + identifier, [FORM]
    )
    assert status == 200, body[:300]
    return headers[b"authorization"], _found(rb'"id":"(sia_\w+)"', body), body


async def _password(app: Any) -> None:
    token, sign_in, _ = await _sign_in(app, b"bench%40example.com")
    auth = (b"authorization", token)
    attempt = f"/v1/client/sign_ins/{sign_in}/attempt_first_factor"
    form = f"strategy=password&password={PASSWORD}".encode()
    assert (await _call(app, "POST", attempt, form, [FORM, auth]))[0] == 200
    assert (await _call(app, "GET", "/v1/client", headers=[auth]))[0] == 200


async def _email_code(app: Any) -> None:
    token, sign_in, body = await _sign_in(app, b"bench%2Bclerk_test%40example.com")
    auth = (b"authorization", token)
    email = _found(rb'"strategy":"email_code","email_address_id":"(idn_\w+)"', body)
    base = f"/v1/client/sign_ins/{sign_in}"
    prepare = f"strategy=email_code&email_address_id={email}".encode()
    assert (await _call(app, "POST", base + "/prepare_first_factor", prepare, [FORM, auth]))[
        0
    ] == 200
    attempt = b"strategy=email_code&code=424242"  # Clerk's test mode: +clerk_test takes it
    assert (await _call(app, "POST", base + "/attempt_first_factor", attempt, [FORM, auth]))[
        0
    ] == 200


async def _drive(flow: str, count: int) -> None:
    app = _app()
    for email in ("bench@example.com", "bench+clerk_test@example.com"):
        created = await _call(
            app,
            "POST",
            "/__admin/users",
            f'{{"email_addresses": ["{email}"], "password": "{PASSWORD}"}}'.encode(),
            [(b"content-type", b"application/json")],
        )
        assert created[0] < 300, created[2][:300]
    step: Callable[[Any], Awaitable[None]]
    if flow == "client":
        token, sign_in, _ = await _sign_in(app, b"bench%40example.com")
        await _call(
            app,
            "POST",
            f"/v1/client/sign_ins/{sign_in}/attempt_first_factor",
            f"strategy=password&password={PASSWORD}".encode(),
            [FORM, (b"authorization", token)],
        )

        async def step(app: Any) -> None:
            answer = await _call(app, "GET", "/v1/client", headers=[(b"authorization", token)])
            assert answer[0] == 200, answer[2][:300]
    else:
        step = _password if flow == "password" else _email_code
    for _ in range(count):
        await step(app)


def _instructions(flow: str, count: int, source: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(source)}
    out = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--drive",
            flow,
            str(count),
        ],
        env=env,
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    found = re.search(r"I\s+refs:\s+([\d,]+)", out)
    assert found is not None, out[-500:]
    return int(found.group(1).replace(",", ""))


def per_request(flow: str, source: Path) -> float:
    between = _instructions(flow, LONG, source) - _instructions(flow, SHORT, source)
    return between / ((LONG - SHORT) * REQUESTS_PER_UNIT[flow])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--drive":
        asyncio.run(_drive(sys.argv[2], int(sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flow", choices=sorted(REQUESTS_PER_UNIT), default="password")
    parser.add_argument("--baseline", type=Path, help="another checkout to count as well")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    trees = [("this tree", HERE.parent)]
    if args.baseline:
        trees.append(("baseline", args.baseline.resolve()))
    for label, source in trees:
        count = per_request(args.flow, source) / 1000
        print(f"{label:10} {args.flow:11} {count:8.0f}k instructions/request")


if __name__ == "__main__":
    main()
