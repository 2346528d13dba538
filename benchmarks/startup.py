"""How long ``fapi-harness serve`` takes until it answers ``GET /v1/environment``.

    python benchmarks/startup.py [--runs 5] [--timeout 20] [-- extra serve args]

Each run starts a fresh process on a free port of 127.0.0.1, polls the port every few
milliseconds until ``GET /v1/environment`` returns 200, records the elapsed wall time
from spawn to that first answer, and stops the process. The median of the runs is what
the issue's "ready to answer in well under a second" is measured by: it includes the
interpreter start, every import, building the app and uvicorn binding the socket.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int, extra: list[str]) -> list[str]:
    exe = shutil.which("fapi-harness")
    base = [exe] if exe else [sys.executable, "-m", "mock_server"]
    return [*base, "serve", "--port", str(port), "--log-level", "warning", *extra]


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
    try:
        conn.request("GET", "/v1/environment")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def one_run(extra: list[str], timeout: float) -> float:
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        _command(port, extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while not _answers(port):
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"serve exited with {process.returncode}: {err}")
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"no answer on port {port} after {timeout} s")
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("extra", nargs="*", help="extra arguments for serve (after --)")
    args = parser.parse_args()
    times = [one_run(args.extra, args.timeout) for _ in range(args.runs)]
    shown = ", ".join(f"{t * 1000:.0f}" for t in times)
    print(f"runs (ms): {shown}")
    print(f"median start-up to first GET /v1/environment: {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
