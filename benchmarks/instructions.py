"""Instructions per request, counted by cachegrind: a figure this machine's noise leaves alone.

Wall-clock and CPU-time figures move by 10-15% between runs on a shared VM, more than most
single changes to the mock's request path. Instructions do not: this script drives the mock's
ASGI app in process (no server, no socket) through ``--count`` flows twice, at two lengths,
each under ``valgrind --tool=cachegrind``, and divides the difference by the requests between,
so start-up and warm-up cancel out. Two runs of the same code agree within about 1%.

    python benchmarks/instructions.py [--flow password|email-code|client] [--baseline DIR]
                                      [--without wire-forms|first-factors|undo|journal|retention]

``--baseline`` counts another checkout the same way (its source tree put first on the path).
``--without PART`` (repeatable) counts this tree once more with one part of the request
taken out (``ablations.py``): the difference is what that part costs. ``--flow client`` is
a signed-in ``GET /v1/client``. Needs valgrind (``apt-get install valgrind``). Not a test:
the figures are for comparing two trees, or a tree with and without a part, on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import ablations
import orjson
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


async def _email_code(app: Any, email: str) -> None:
    token, sign_in, _ = await _sign_in(app, b"bench%2Bclerk_test%40example.com")
    auth = [*FORM, (b"authorization", token)]
    base = f"/v1/client/sign_ins/{sign_in}"
    prepare = f"strategy=email_code&email_address_id={email}".encode()
    await _ok(app, "POST", base + "/prepare_first_factor", prepare, auth)
    # Clerk's test mode: a +clerk_test address takes 424242.
    await _ok(app, "POST", base + "/attempt_first_factor", b"strategy=email_code&code=424242", auth)


async def seeded() -> tuple[Any, dict[str, str]]:
    """A new app with the benchmark's two users in it, and each one's email id (from the
    admin API's answer: the email-code flow prepares it without reading the sign-in's
    factors, which ``wire-forms`` drops)."""
    app = _app()
    emails = {}
    for email in ("bench@example.com", "bench+clerk_test@example.com"):
        seed = {"email_addresses": [email], "password": PASSWORD}
        user = orjson.loads(await admin(app, "/__admin/users", seed))
        emails[email] = user["email_addresses"][0]["id"]
    return app, emails


async def prepared(flow: str) -> tuple[Any, Callable[[Any], Awaitable[None]]]:
    """A new app with the benchmark's users in it, and one ``flow`` (or signed-in
    ``GET /v1/client``) to run on it again and again."""
    app, emails = await seeded()
    if flow == "email-code":
        return app, functools.partial(_email_code, email=emails["bench+clerk_test@example.com"])
    if flow == "password":
        return app, _password
    token, sign_in, _ = await _sign_in(app, b"bench%40example.com")
    auth = [*FORM, (b"authorization", token)]
    form = f"strategy=password&password={PASSWORD}".encode()
    await _ok(app, "POST", f"/v1/client/sign_ins/{sign_in}/attempt_first_factor", form, auth)

    async def signed_in_client(app: Any) -> None:
        await _ok(app, "GET", "/v1/client", headers=auth)

    return app, signed_in_client


async def _drive(flow: str, count: int, without: Sequence[str] = ()) -> None:
    """``count`` flows through a new app, with the parts named in ``without`` taken out."""
    with ablations.applied(list(without)):
        app, step = await prepared(flow)
        for _ in range(count):
            await step(app)


def _instructions(flow: str, count: int, source: Path, without: Sequence[str] = ()) -> int:
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
            ",".join(without),
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


def per_request(flow: str, source: Path, without: Sequence[str] = ()) -> float:
    count = functools.partial(_instructions, flow, source=source, without=without)
    between = count(LONG) - count(SHORT)
    return between / ((LONG - SHORT) * REQUESTS_PER_UNIT[flow])


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--drive":
        without = [part for part in sys.argv[4].split(",") if part]
        asyncio.run(_drive(sys.argv[2], int(sys.argv[3]), without))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flow", choices=sorted(REQUESTS_PER_UNIT), default="password")
    parser.add_argument("--baseline", type=Path, help="another checkout to count as well")
    parser.add_argument(
        "--without",
        action="append",
        choices=sorted(ablations.PARTS),
        default=[],
        help="also count this tree with the part taken out (repeatable: each on its own)",
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    whole = per_request(args.flow, HERE.parent) / 1000
    print(f"{'this tree':10} {args.flow:11} {whole:8.0f}k instructions/request")
    if args.baseline:
        count = per_request(args.flow, args.baseline.resolve()) / 1000
        print(f"{'baseline':10} {args.flow:11} {count:8.0f}k instructions/request")
    for part in args.without:
        count = per_request(args.flow, HERE.parent, [part]) / 1000
        what = ablations.PARTS[part][0]
        print(
            f"{'without':10} {args.flow:11} {count:8.0f}k instructions/request: "
            f"{part}, {whole - count:.0f}k for {what}"
        )


if __name__ == "__main__":
    main()
