"""Bytecodes each request of a sign-in flow runs, by function: a profile noise leaves alone.

``instructions.py`` says how much a request costs; this says where, in the project's
terms. It drives the mock in process (as ``instructions.py`` does) and, for the requests
of one step of the flow, counts every bytecode the interpreter runs (``sys.settrace``
with opcode events), by function: its own, and all those run while it was on the stack.
The counts are the same on every run of the same code, whatever else the machine does,
and they follow instructions closely (~100 a bytecode here); sampling profilers on this
machine misplace whole functions (``docs/performance.md``, round seven).

    python benchmarks/bytecodes.py [--flow password|email-code] [--top 25] [--count 30]

Tracing is slow (a flow takes some tens of ms), so counts are over a few flows after a
warm-up. Not a test: the figures are for finding the next thing to take out.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

from in_process import FORM, PASSWORD
from instructions import _found, _ok, _sign_in, seeded

STEPS = {
    "password": ("create", "attempt", "client"),
    "email-code": ("create", "prepare", "attempt"),
}
WARM_UP = 20
# The driver's own code (this directory's scripts, asyncio's loop): not the request's.
HERE = str(Path(__file__).resolve().parent)

Step = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]


class Tally:
    """Bytecodes run, by code object: by each function itself, and while it was on the
    stack (a recursive one counted once per bytecode)."""

    def __init__(self) -> None:
        self.own: Counter[CodeType] = Counter()
        self.within: Counter[CodeType] = Counter()

    def start(self, frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        return self._count

    def _count(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            self.own[frame.f_code] += 1
            seen: set[CodeType] = set()
            outer: FrameType | None = frame
            while outer is not None:
                if outer.f_code not in seen:
                    seen.add(outer.f_code)
                    self.within[outer.f_code] += 1
                outer = outer.f_back
        return self._count


async def _password(app: Any, step: Step) -> None:
    token, sign_in, _ = await step("create", lambda: _sign_in(app, b"bench%40example.com"))
    auth = [*FORM, (b"authorization", token)]
    form = f"strategy=password&password={PASSWORD}".encode()
    path = f"/v1/client/sign_ins/{sign_in}/attempt_first_factor"
    await step("attempt", lambda: _ok(app, "POST", path, form, auth))
    await step("client", lambda: _ok(app, "GET", "/v1/client", headers=auth))


async def _email_code(app: Any, step: Step) -> None:
    identifier = b"bench%2Bclerk_test%40example.com"
    token, sign_in, body = await step("create", lambda: _sign_in(app, identifier))
    auth = [*FORM, (b"authorization", token)]
    email = _found(rb'"strategy":"email_code","email_address_id":"(idn_\w+)"', body)
    base = f"/v1/client/sign_ins/{sign_in}"
    prepare = f"strategy=email_code&email_address_id={email}".encode()
    await step("prepare", lambda: _ok(app, "POST", base + "/prepare_first_factor", prepare, auth))
    code = b"strategy=email_code&code=424242"  # Clerk's test mode: +clerk_test takes 424242
    await step("attempt", lambda: _ok(app, "POST", base + "/attempt_first_factor", code, auth))


async def tally(flow: str, count: int) -> dict[str, Tally]:
    """Each step's tally over ``count`` flows, after a warm-up."""
    app, _ = await seeded()
    tallies = {name: Tally() for name in STEPS[flow]}
    counting = False

    async def step(name: str, request: Callable[[], Awaitable[Any]]) -> Any:
        if not counting:
            return await request()
        sys.settrace(tallies[name].start)
        try:
            return await request()
        finally:
            sys.settrace(None)

    run = _password if flow == "password" else _email_code
    for n in range(WARM_UP + count):
        counting = n >= WARM_UP
        await run(app, step)
    return tallies


def _served(code: CodeType) -> bool:
    """Run to serve the request, not to drive it."""
    name = code.co_filename
    return not name.startswith(HERE) and "/asyncio/" not in name


def _where(code: CodeType) -> str:
    return f"{code.co_qualname} ({code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flow", choices=sorted(STEPS), default="password")
    parser.add_argument("--count", type=int, default=30, help="flows counted")
    parser.add_argument("--top", type=int, default=0, help="functions listed per step")
    args = parser.parse_args()
    tallies = asyncio.run(tally(args.flow, args.count))
    per = {
        name: sum(n for code, n in t.own.items() if _served(code)) / args.count
        for name, t in tallies.items()
    }
    steps = ", ".join(f"{name} {n:,.0f}" for name, n in per.items())
    print(f"{args.flow}: {steps}; the flow {sum(per.values()):,.0f} bytecodes")
    for name, t in tallies.items() if args.top else ():
        print(f"\n{name}: own | within")
        own = [(c, n) for c, n in t.own.most_common() if _served(c)][: args.top]
        within = [(c, n) for c, n in t.within.most_common() if _served(c)][: args.top]
        for (a, n), (b, m) in zip(own, within, strict=True):
            print(f"{n / args.count:8,.0f} {_where(a):58.58} {m / args.count:8,.0f} {_where(b)}")


if __name__ == "__main__":
    main()
