"""Load benchmark: the mock against the bare-server ceiling, side by side, in one run.

Each target runs under uvicorn (uvloop + httptools, one worker) on 127.0.0.1 and is driven
by wrk (Debian's package) for a fixed duration. Reported per row: requests (or flows) per
second, p50/p99 latency, and the ratio to the ceiling's request rate. Flows are three
requests each; their ratio counts requests. Optional rows: the mock with
``--validate-responses`` (the cost of self-validation) and with two workers on Redis.

    python benchmarks/load.py [--duration 5] [--connections 16] [--redis]

Bounded: about (rows x duration) seconds plus start-up. Not a test: figures depend on the
machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def _wait(base: str, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + path, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{base} did not start")


def start_ceiling() -> Server:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ceiling_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ],
        cwd=HERE,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(base, "/ceiling")
    return Server(proc, base)


def start_mock(config: Path, *extra: str) -> Server:
    port = _free_port()
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
    )
    base = f"http://127.0.0.1:{port}"
    _wait(base, "/v1/environment")
    with httpx.Client(base_url=base) as c:
        for email in ("bench@example.com", "bench+clerk_test@example.com"):
            c.post("/__admin/users", json={"email_addresses": [email], "password": PASSWORD})
    return Server(proc, base)


@dataclass
class Row:
    name: str
    per_second: float
    p50_ms: float
    p99_ms: float
    requests_per_unit: int = 1


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(
    name: str,
    url: str,
    *,
    duration: int,
    connections: int,
    script: str | None = None,
    per_unit: int = 1,
) -> Row:
    threads = connections if script else min(2, connections)
    cmd = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s", url]
    if script:
        cmd[1:1] = ["-s", str(HERE / "wrk" / script)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"  warning: {name}: {non2xx.group(1)} non-2xx answers", file=sys.stderr)
    return Row(name, rps / per_unit, p50, p99, per_unit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--flow-connections", type=int, default=4)
    parser.add_argument("--redis", action="store_true", help="add two workers on a Redis store")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.toml"
        config.write_text('profile = "test"\n')
        rows: list[Row] = []
        d, c, fc = args.duration, args.connections, args.flow_connections

        ceiling = start_ceiling()
        try:
            rows.append(
                wrk(
                    "ceiling: bare Starlette JSON",
                    ceiling.base + "/ceiling",
                    duration=d,
                    connections=c,
                )
            )
            ceiling_flow_rate = wrk(
                "ceiling (flow concurrency)", ceiling.base + "/ceiling", duration=d, connections=fc
            ).per_second
        finally:
            ceiling.stop()

        def mock_rows(label: str, server: Server) -> None:
            rows.append(
                wrk(
                    f"{label} GET /v1/client", server.base + "/v1/client", duration=d, connections=c
                )
            )
            rows.append(
                wrk(
                    f"{label} GET /v1/environment",
                    server.base + "/v1/environment",
                    duration=d,
                    connections=c,
                )
            )
            rows.append(
                wrk(
                    f"{label} password sign-in flow",
                    server.base,
                    duration=d,
                    connections=fc,
                    script="password_flow.lua",
                    per_unit=3,
                )
            )
            rows.append(
                wrk(
                    f"{label} email-code sign-in flow",
                    server.base,
                    duration=d,
                    connections=fc,
                    script="email_code_flow.lua",
                    per_unit=3,
                )
            )

        mock = start_mock(config)
        try:
            mock_rows("mock", mock)
        finally:
            mock.stop()
        validating = start_mock(config, "--validate-responses")
        try:
            mock_rows("mock --validate-responses", validating)
        finally:
            validating.stop()
        if args.redis:
            _redis_rows(config, mock_rows)

    ceiling_rate = rows[0].per_second
    print(f"\n{'target':48} {'per s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs ceiling':>11}")
    for row in rows:
        base_rate = ceiling_flow_rate if row.requests_per_unit > 1 else ceiling_rate
        ratio = row.per_second * row.requests_per_unit / base_rate
        unit = "flows" if row.requests_per_unit > 1 else "req"
        print(
            f"{row.name:48} {row.per_second:>8.0f} {unit:<5}{row.p50_ms:>7.2f} "
            f"{row.p99_ms:>8.2f} {ratio:>10.0%}"
        )
    print(
        f"\n(flows are compared with the ceiling at the flow concurrency: "
        f"{ceiling_flow_rate:.0f} req/s; cores: {os.cpu_count()})"
    )


def _redis_rows(config: Path, mock_rows: object) -> None:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        print("redis-server not installed: skipping the Redis rows", file=sys.stderr)
        return
    port = _free_port()
    redis = subprocess.Popen(
        [redis_server, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.3)
        for workers in (1, 2):
            server = start_mock(
                config, "--store", f"redis://127.0.0.1:{port}/0", "--workers", str(workers)
            )
            try:
                mock_rows(f"redis x{workers} worker{'s' if workers > 1 else ''}", server)  # type: ignore[operator]
            finally:
                server.stop()
                httpx.post(f"http://127.0.0.1:{port}", timeout=0.1) if False else None
    finally:
        redis.terminate()


if __name__ == "__main__":
    main()
