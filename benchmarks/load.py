"""Load benchmark: the mock against the bare-server ceiling, side by side, in one run.

Every target runs under uvicorn (uvloop + httptools) on 127.0.0.1 at the same time and
is driven by wrk (Debian's package). The rows are measured in rounds: each round runs
every row for ``--duration`` seconds, the ceiling included, so a machine shared with
other work slows all rows alike; a row's figure is the median over the rounds, and its
ratio the median of its per-round ratios to that round's ceiling. Flows are three
requests each; their ratio counts requests, against the ceiling at the same concurrency.
wrk shares the two cores with the server, so every row also reports wrk's own CPU per
request, and the ceiling is driven once more by a Lua script shaped like the flows'
(``wrk/ceiling_flow.lua``): how much of a flow's shortfall is the load generator's.

    python benchmarks/load.py [--duration 3] [--rounds 3] [--connections 16]
                              [--baseline /path/to/other/checkout] [--redis] [--no-validate]
                              [--lean] [--flows]

``--baseline`` adds the same rows for the mock served from another source tree (e.g.
the main branch), interleaved with this one: before and after in one run. ``--redis``
adds the mock on a Redis store (``redis-server`` on a free port) with one and with two
workers, and the memory store's one worker is the row to compare them with; with
``--baseline`` too, the baseline on Redis with one worker as well. ``--lean`` adds the
password flow served by ``lean_flow_app.py``, three dicts and the answers' shapes and
nothing else: what the same flow costs at least in Python on this server stack.
``--flows`` runs the sign-in flows alone beside the ceilings: on a machine whose rows move
by 10% between runs, more rounds of the rows a change is about.

Not a test: figures depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
PASSWORD = "bench-password-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    # Credentials of a signed-in native client (``Authorization``), for the signed-in row.
    token: str = ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _wait(base: str, path: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{base}: the server exited with {proc.returncode}")
        try:
            if httpx.get(base + path, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{base} did not start")


def start_app(module: str = "ceiling_app", probe: str = "/ceiling") -> Server:
    """An app from this directory on the same server stack as the mock: the ceiling, or
    the lean floor (``--lean``)."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            f"{module}:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            # As ``fapi-harness serve --log-level warning`` runs: no access-log lines.
            "--no-access-log",
        ],
        cwd=HERE,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(base, probe, proc)
    return Server(proc, base)


def start_mock(config: Path, *extra: str, source: Path | None = None) -> Server:
    """``fapi-harness serve`` from this checkout, or from ``source`` (another tree)."""
    port = _free_port()
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_server",
            "serve",
            "--port",
            str(port),
            "--config",
            str(config),
            "--log-level",
            "warning",
            *extra,
        ],
        env=env,
        cwd=source or HERE.parent,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(base, "/v1/environment", proc)
    with httpx.Client(base_url=base) as c:
        for email in ("bench@example.com", "bench+clerk_test@example.com"):
            c.post("/__admin/users", json={"email_addresses": [email], "password": PASSWORD})
        token = _signed_in_token(c)
    return Server(proc, base, token)


def _signed_in_token(c: httpx.Client) -> str:
    created = c.post("/v1/client/sign_ins?_is_native=1", data={"identifier": "bench@example.com"})
    token = created.headers["authorization"]
    sign_in_id = created.json()["response"]["id"]
    done = c.post(
        f"/v1/client/sign_ins/{sign_in_id}/attempt_first_factor?_is_native=1",
        data={"strategy": "password", "password": PASSWORD},
        headers={"Authorization": token},
    )
    assert done.json()["response"]["status"] == "complete", done.text
    return token


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


@dataclass
class Sample:
    per_second: float
    p50_ms: float
    p99_ms: float
    # The server's CPU time (user + system, all its processes) per request; None where
    # /proc cannot tell.
    cpu_us: float | None = None
    # wrk's own CPU time per request: on two cores the load generator takes its share
    # from the server, and a Lua script's share is larger than plain wrk's.
    wrk_us: float = 0.0


_TICK_US = 1e6 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU ticks of ``pid`` and its descendants (uvicorn's workers)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total = int(fields[11]) + int(fields[12])
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    total += cpu_ticks(int(child)) or 0
    except (OSError, IndexError, ValueError):
        return None
    return total


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    script: str | None = None,
    per_unit: int = 1,
    headers: tuple[str, ...] = (),
    pid: int | None = None,
) -> Sample:
    threads = connections if script else min(2, connections)
    cmd = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
    for header in headers:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", str(HERE / "wrk" / script)]
    before = cpu_ticks(pid) if pid else None
    wrk_before = _children_cpu_s()
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    wrk_s = _children_cpu_s() - wrk_before
    after = cpu_ticks(pid) if pid else None
    served = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    cpu_us = (
        (after - before) * _TICK_US / served
        if before is not None and after is not None and served
        else None
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"  warning: {url}: {non2xx.group(1)} non-2xx answers", file=sys.stderr)
    return Sample(rps / per_unit, p50, p99, cpu_us, wrk_s * 1e6 / served if served else 0.0)


def _children_cpu_s() -> float:
    """User + system seconds of every child process waited for so far (wrk's runs; the
    servers are still running, so they are not counted)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@dataclass
class Row:
    name: str
    run: Callable[[], Sample]
    requests_per_unit: int = 1
    samples: list[Sample] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    # The ceiling's server CPU per request over this row's: the same ratio, measured on
    # the server alone, so wrk sharing the cores moves it less.
    cpu_ratios: list[float] = field(default_factory=list)


def _rows_for(label: str, server: Server, d: int, c: int, fc: int) -> list[Row]:
    pid = server.proc.pid

    def get(path: str, *headers: str) -> Callable[[], Sample]:
        return lambda: wrk(server.base + path, duration=d, connections=c, headers=headers, pid=pid)

    def flow(script: str) -> Callable[[], Sample]:
        return lambda: wrk(
            server.base, duration=d, connections=fc, script=script, per_unit=3, pid=pid
        )

    return [
        Row(f"{label} GET /v1/client", get("/v1/client")),
        Row(
            f"{label} GET /v1/client (signed in)",
            get("/v1/client?_is_native=1", f"Authorization: {server.token}"),
        ),
        Row(f"{label} GET /v1/environment", get("/v1/environment")),
        Row(f"{label} password sign-in flow", flow("password_flow.lua"), 3),
        Row(f"{label} email-code sign-in flow", flow("email_code_flow.lua"), 3),
    ]


def _start_redis() -> tuple[subprocess.Popen[bytes], int] | None:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        print("redis-server not installed: skipping the Redis rows", file=sys.stderr)
        return None
    port = _free_port()
    proc = subprocess.Popen(
        [redis_server, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("redis-server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per row per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--flow-connections", type=int, default=4)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--redis", action="store_true", help="add one and two workers on Redis")
    parser.add_argument("--no-validate", action="store_true", help="skip --validate-responses")
    parser.add_argument(
        "--lean",
        action="store_true",
        help="add the password flow on lean_flow_app.py: a bound on any rewrite of the mock",
    )
    parser.add_argument(
        "--flows",
        action="store_true",
        help="the sign-in flows only (and the ceilings): more rounds in the same time",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    d, c, fc = args.duration, args.connections, args.flow_connections
    servers: list[Server] = []
    redis: tuple[subprocess.Popen[bytes], int] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.toml"
        config.write_text('profile = "test"\n')
        try:
            ceiling = start_app()
            servers.append(ceiling)
            ceiling_pid = ceiling.proc.pid
            ceiling_row = Row(
                "ceiling: bare Starlette JSON",
                lambda: wrk(ceiling.base + "/ceiling", duration=d, connections=c, pid=ceiling_pid),
            )
            ceiling_flow_row = Row(
                "ceiling (flow concurrency)",
                lambda: wrk(ceiling.base + "/ceiling", duration=d, connections=fc, pid=ceiling_pid),
            )
            # The ceiling driven the way the flows drive the mock (a thread per connection,
            # a Lua script that reads every answer): its ratio to the row above is what
            # the load generator's Lua alone costs a server on these cores.
            ceiling_lua_row = Row(
                "ceiling (flow-shaped wrk script)",
                lambda: wrk(
                    ceiling.base,
                    duration=d,
                    connections=fc,
                    script="ceiling_flow.lua",
                    pid=ceiling_pid,
                ),
            )
            groups: list[list[Row]] = []
            mock = start_mock(config)
            servers.append(mock)
            groups.append(_rows_for("mock", mock, d, c, fc))
            if args.baseline:
                base = start_mock(config, source=args.baseline.resolve())
                servers.append(base)
                groups.append(_rows_for("baseline", base, d, c, fc))
            if not args.no_validate:
                validating = start_mock(config, "--validate-responses")
                servers.append(validating)
                groups.append(_rows_for("mock --validate-responses", validating, d, c, fc))
            lean_row: Row | None = None
            if args.lean:
                lean = start_app("lean_flow_app", "/v1/client")
                servers.append(lean)
                lean_pid = lean.proc.pid
                lean_row = Row(
                    "lean floor password sign-in flow",
                    lambda: wrk(
                        lean.base,
                        duration=d,
                        connections=fc,
                        script="password_flow.lua",
                        per_unit=3,
                        pid=lean_pid,
                    ),
                    3,
                )
            if args.redis:
                redis = _start_redis()
            if redis is not None:
                for workers in (1, 2):
                    # One namespace per server: the two share one redis-server.
                    url = f"redis://127.0.0.1:{redis[1]}/{workers}"
                    server = start_mock(config, "--store", url, "--workers", str(workers))
                    servers.append(server)
                    label = f"redis x{workers} worker{'s' if workers > 1 else ''}"
                    groups.append(_rows_for(label, server, d, c, fc))
                if args.baseline:
                    # The baseline's store on one worker, beside this one's: database 3.
                    url = f"redis://127.0.0.1:{redis[1]}/3"
                    server = start_mock(config, "--store", url, source=args.baseline.resolve())
                    servers.append(server)
                    groups.append(_rows_for("baseline redis x1 worker", server, d, c, fc))
            if args.flows:
                groups = [[row for row in group if row.requests_per_unit > 1] for group in groups]
            # Interleave the groups row by row: "mock GET /v1/client" next to its baseline.
            rows = [row for same in zip(*groups, strict=True) for row in same]
            if lean_row is not None:
                # Beside the mock's own password flow.
                own = next(row for row in groups[0] if row.name.endswith("password sign-in flow"))
                rows.insert(rows.index(own) + 1, lean_row)
            for number in range(args.rounds):
                print(f"round {number + 1}/{args.rounds}", file=sys.stderr)
                ceiling_row.samples.append(ceiling_row.run())
                ceiling_flow_row.samples.append(ceiling_flow_row.run())
                for row in [ceiling_lua_row, *rows]:
                    sample = row.run()
                    row.samples.append(sample)
                    ceiling_now = (
                        ceiling_flow_row.samples[-1]
                        if row.requests_per_unit > 1 or row is ceiling_lua_row
                        else ceiling_row.samples[-1]
                    )
                    row.ratios.append(
                        sample.per_second * row.requests_per_unit / ceiling_now.per_second
                    )
                    if sample.cpu_us and ceiling_now.cpu_us:
                        row.cpu_ratios.append(ceiling_now.cpu_us / sample.cpu_us)
        finally:
            for server in servers:
                server.stop()
            if redis is not None:
                redis[0].terminate()
                redis[0].wait(timeout=10)
    _report(
        [ceiling_row, ceiling_flow_row, ceiling_lua_row, *rows],
        rounds=args.rounds,
        duration=d,
    )


def _report(rows: list[Row], *, rounds: int, duration: int) -> None:
    print(
        f"\n{'target':52} {'per s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs ceiling':>11}"
        f" {'cpu us/req':>11} {'cpu vs ceiling':>15} {'wrk us/req':>11}"
    )
    for row in rows:
        rate = statistics.median(s.per_second for s in row.samples)
        p50 = statistics.median(s.p50_ms for s in row.samples)
        p99 = statistics.median(s.p99_ms for s in row.samples)
        ratio = f"{statistics.median(row.ratios):>10.0%}" if row.ratios else f"{'100%':>10}"
        cpus = [s.cpu_us for s in row.samples if s.cpu_us is not None]
        cpu = f"{statistics.median(cpus):>11.0f}" if cpus else f"{'-':>11}"
        if row.cpu_ratios:
            cpu_ratio = f"{statistics.median(row.cpu_ratios):>15.0%}"
        else:
            cpu_ratio = f"{'100%' if cpus and not row.ratios else '-':>15}"
        unit = "flows" if row.requests_per_unit > 1 else "req"
        load = statistics.median(s.wrk_us for s in row.samples)
        print(
            f"{row.name:52} {rate:>8.0f} {unit:<5}{p50:>7.2f} {p99:>8.2f} {ratio} {cpu}"
            f" {cpu_ratio} {load:>11.0f}"
        )
    print(
        f"\n(medians of {rounds} rounds of {duration} s per row; flows count 3 requests and "
        f"compare with the ceiling at the flow concurrency; cores: {os.cpu_count()}; cpu: the "
        "server's user + system time per request, all its processes; wrk: the load "
        "generator's)"
    )


if __name__ == "__main__":
    main()
