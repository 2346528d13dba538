"""Where a served request's CPU goes, by library, beside the same request in a hot loop.

``instructions.py`` counts the mock's requests in process, where the same few requests
run back to back with warm caches. Under load the server also parses HTTP, runs the
kernel's TCP stack for every answer, and interleaves its connections' requests between
those. This script serves the ceiling and one sign-in flow under wrk (as ``load.py``
does) while ``perf record`` samples the server by a software clock (this VM exposes no
hardware counters), and prints each one's CPU per request split by library, next to the
same requests' CPU per request in a hot loop in process.

    python benchmarks/under_load.py [--flow password|email-code] [--duration 8]

Needs wrk and perf (``apt-get install wrk linux-perf``). Not a test: the figures are for
comparing the rows of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import instructions
import load
from in_process import call, scope

# A library's line in ``perf report --sort dso``: its share, then its name.
_DSO_LINE = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s*$", re.M)
SCRIPTS = {"password": "password_flow.lua", "email-code": "email_code_flow.lua"}
GROUPS = ("python", "kernel", "C extensions", "other")


def shares(report: str) -> dict[str, float]:
    """``perf report --sort dso --stdio`` as a fraction of samples per group of libraries:
    the interpreter, the kernel, C extension modules (orjson, uvloop, httptools,
    pydantic-core...), and the rest (libc, OpenSSL...)."""
    out = dict.fromkeys(GROUPS, 0.0)
    for percent, dso in _DSO_LINE.findall(report):
        if dso.startswith("libpython"):
            group = "python"
        elif dso.startswith("[kernel"):
            group = "kernel"
        elif ".cpython-" in dso:
            group = "C extensions"
        else:
            group = "other"
        out[group] += float(percent) / 100
    return out


def _served(server: load.Server, url: str, script: str | None, duration: int) -> tuple[float, str]:
    """CPU per request of the server under wrk, and perf's report of where it went."""
    with tempfile.TemporaryDirectory() as scratch:
        data = str(Path(scratch) / "perf.data")
        record = ["perf", "record", "-e", "cpu-clock", "-F", "2000", "-o", data]
        perf = subprocess.Popen(
            [*record, "-p", str(server.proc.pid), "--", "sleep", str(duration - 1)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        per_unit = 3 if script else 1
        sample = load.wrk(
            url,
            duration=duration,
            connections=4,
            script=script,
            per_unit=per_unit,
            pid=server.proc.pid,
        )
        perf.wait()
        report = subprocess.run(
            ["perf", "report", "-i", data, "--sort", "dso", "--stdio", "--no-children"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    assert sample.cpu_us is not None, "no CPU figure from /proc"
    return sample.cpu_us, report


async def _hot_loop(run: Callable[[], Awaitable[Any]], requests: int, rounds: int) -> float:
    """CPU per request of ``run`` (``requests`` requests) over ``rounds`` runs, warmed."""
    for _ in range(rounds // 10):
        await run()
    started = time.process_time()
    for _ in range(rounds):
        await run()
    return (time.process_time() - started) / (rounds * requests) * 1e6


async def _hot_ceiling() -> float:
    from ceiling_app import app

    return await _hot_loop(lambda: call(app, scope("GET", "/ceiling")), 1, 20_000)


async def _hot_flow(flow: str) -> float:
    app, step = await instructions.prepared(flow)
    return await _hot_loop(lambda: step(app), instructions.REQUESTS_PER_UNIT[flow], 3_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flow", choices=sorted(SCRIPTS), default="password")
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per target")
    args = parser.parse_args()
    for tool in ("wrk", "perf"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")
    rows = []
    ceiling = load.start_app()
    try:
        rows.append(("ceiling", *_served(ceiling, ceiling.base + "/ceiling", None, args.duration)))
    finally:
        ceiling.stop()
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "bench.toml"
        config.write_text('profile = "test"\n')
        mock = load.start_mock(config)
        try:
            served = _served(mock, mock.base, SCRIPTS[args.flow], args.duration)
            rows.append((f"{args.flow} flow", *served))
        finally:
            mock.stop()
    hot = {"ceiling": asyncio.run(_hot_ceiling())}
    hot[f"{args.flow} flow"] = asyncio.run(_hot_flow(args.flow))
    groups = "".join(f"{group:>14}" for group in GROUPS)
    print(f"{'us per request':20} {'hot loop':>9} {'served':>8}{groups}")
    for name, cpu_us, report in rows:
        split = shares(report)
        cells = "".join(f"{split[g] * cpu_us:14.1f}" for g in GROUPS)
        print(f"{name:20} {hot[name]:9.1f} {cpu_us:8.1f}{cells}")
    print(
        "\n(served: the server's CPU per request under wrk, 4 connections, split by perf's"
        " samples; hot loop: the app alone in process, the driver's own work included)"
    )


if __name__ == "__main__":
    main()
