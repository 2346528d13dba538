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

from in_process import FORM, PASSWORD, Answer, admin, call, check, scope

HERE = Path(__file__).resolve().parent
# Flows per count: the difference between the two is what is divided.
SHORT, LONG = 100, 500
REQUESTS_PER_UNIT = {"password": 3, "email-code": 3, "client": 1}

Headers = list[tuple[bytes, bytes]]


def _app() -> Any:
    from mock_server.app import build_app
    from mock_server.config import load_config
    from mock_server.store.factory import open_store

    # The store as ``fapi-harness serve`` opens it: a test's store checks more.
    return build_app(load_config(profile="test"), open_store(None))


async def _ok(
    app: Any, method: str, path: str, body: bytes = b"", headers: Headers | None = None
) -> Answer:
    """A native client's request; a failed one stops the count (it would count errors)."""
    answer = await call(app, scope(method, path, b"_is_native=1", headers), body)
    check(answer[0], answer[2], f"{method} {path}")
    return answer


def _found(pattern: bytes, body: bytes) -> str:
    match = re.search(pattern, body)
    assert match is not None, body[:300]
    return match.group(1).decode()


async def _sign_in(app: Any, identifier: bytes) -> tuple[bytes, str, bytes]:
    _, headers, body = await _ok(
        app, "POST", "/v1/client/sign_ins", b"identifier=" + identifier, FORM
    )
    return headers[b"authorization"], _found(rb'"id":"(sia_\w+)"', body), body


async def _password(app: Any) -> None:
    token, sign_in, _ = await _sign_in(app, b"bench%40example.com")
    auth = [*FORM, (b"authorization", token)]
    form = f"strategy=password&password={PASSWORD}".encode()
    await _ok(app, "POST", f"/v1/client/sign_ins/{sign_in}/attempt_first_factor", form, auth)
    await _ok(app, "GET", "/v1/client", headers=auth)


async def _email_code(app: Any) -> None:
    token, sign_in, body = await _sign_in(app, b"bench%2Bclerk_test%40example.com")
    auth = [*FORM, (b"authorization", token)]
    email = _found(rb'"strategy":"email_code","email_address_id":"(idn_\w+)"', body)
    base = f"/v1/client/sign_ins/{sign_in}"
    prepare = f"strategy=email_code&email_address_id={email}".encode()
    await _ok(app, "POST", base + "/prepare_first_factor", prepare, auth)
    # Clerk's test mode: a +clerk_test address takes 424242.
    await _ok(app, "POST", base + "/attempt_first_factor", b"strategy=email_code&code=424242", auth)


async def _drive(flow: str, count: int) -> None:
    app = _app()
    for email in ("bench@example.com", "bench+clerk_test@example.com"):
        await admin(app, "/__admin/users", {"email_addresses": [email], "password": PASSWORD})
    step: Callable[[Any], Awaitable[None]]
    if flow == "client":
        token, sign_in, _ = await _sign_in(app, b"bench%40example.com")
        auth = [*FORM, (b"authorization", token)]
        form = f"strategy=password&password={PASSWORD}".encode()
        await _ok(app, "POST", f"/v1/client/sign_ins/{sign_in}/attempt_first_factor", form, auth)

        async def step(app: Any) -> None:
            await _ok(app, "GET", "/v1/client", headers=auth)
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
