"""Memory benchmark: resident memory while the mock serves many sign-ins over mock weeks.

Drives ``--count`` completed password sign-ins (create, attempt: a new native client,
a session) and as many abandoned ones (create only: a new client and a sign-in nobody
finishes) through the real ASGI app in this process, the mock's clock advancing so the
run spans ``--days`` of mock time. Entities past their retention (``store/retention.py``)
are swept by the store as it runs, so resident memory should level off once the oldest
clients and sessions pass their 7-day idle window. ``--eviction both`` (the default)
runs the same load twice in fresh processes, with and without eviction, side by side.

    python benchmarks/memory.py [--count 100000] [--days 30] [--eviction both|on|off]

Not a test: the figures depend on the interpreter and allocator; the shape (flat with
eviction, growing without) is what to look at. RSS is read from ``/proc/self/statm``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import subprocess
import sys
import time
from typing import Any

from in_process import FORM, PASSWORD, admin, call, check, scope

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE / 2**20


async def completed_sign_in(app: Any) -> None:
    status, headers, body = await call(
        app,
        scope("POST", "/v1/client/sign_ins", b"_is_native=1", FORM),
        b"identifier=bench%40example.com",
    )
    check(status, body, "create")
    sign_in = re.search(rb'"id":"(sia_\w+)"', body)
    assert sign_in is not None
    auth = [*FORM, (b"authorization", headers[b"authorization"])]
    status, _, body = await call(
        app,
        scope(
            "POST",
            f"/v1/client/sign_ins/{sign_in.group(1).decode()}/attempt_first_factor",
            b"_is_native=1",
            auth,
        ),
        f"strategy=password&password={PASSWORD}".encode(),
    )
    check(status, body, "attempt")
    if b'"status":"complete"' not in body:
        raise RuntimeError(f"the sign-in did not complete: {body[:300]!r}")


async def abandoned_sign_in(app: Any) -> None:
    status, _, body = await call(
        app,
        scope("POST", "/v1/client/sign_ins", b"_is_native=1", FORM),
        b"identifier=bench%40example.com",
    )
    check(status, body, "create")


async def drive(count: int, days: float, eviction: bool, reports: int) -> None:
    from mock_server.app import build_app
    from mock_server.config import Config
    from mock_server.domain.models import TABLES
    from mock_server.store import MemoryStore

    # As ``fapi-harness serve`` opens it (``store.factory.open_store``).
    store = MemoryStore(sweep_every=2000 if eviction else 0, settle_gc=True)
    app = build_app(Config.model_validate({"profile": "test"}), store)
    await admin(app, "/__admin/clock", {"set": 1_900_000_000_000, "freeze": True})
    await admin(
        app, "/__admin/users", {"email_addresses": ["bench@example.com"], "password": PASSWORD}
    )
    batch = max(1, count // reports)
    step_seconds = days * 86_400 / (count / batch)
    started = time.perf_counter()
    done = 0
    baseline = rss_mb()
    print(json.dumps({"at": 0, "rss_mb": round(baseline, 1)}), flush=True)
    while done < count:
        n = min(batch, count - done)
        for _ in range(n):
            await completed_sign_in(app)
            await abandoned_sign_in(app)
        done += n
        await admin(app, "/__admin/clock", {"advance_seconds": step_seconds})
        gc.collect()
        rows = {name: store.count(model) for name, model in TABLES.items()}
        print(
            json.dumps(
                {
                    "at": done,
                    "mock_day": round(done / count * days, 1),
                    "rss_mb": round(rss_mb(), 1),
                    "rows": sum(rows.values()),
                    "clients": rows["clients"],
                    "sign_ins": rows["sign_ins"],
                    "sessions": rows["sessions"],
                    "pointers": rows["pointers"],
                    "seconds": round(time.perf_counter() - started, 1),
                }
            ),
            flush=True,
        )


def _child(args: argparse.Namespace, eviction: bool) -> list[dict[str, Any]]:
    cmd = [
        sys.executable,
        __file__,
        "--count",
        str(args.count),
        "--days",
        str(args.days),
        "--reports",
        str(args.reports),
        "--eviction",
        "on" if eviction else "off",
    ]
    label = "with eviction" if eviction else "without eviction"
    print(f"running {label}...", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="completed and abandoned")
    parser.add_argument("--days", type=float, default=30.0, help="mock time the run spans")
    parser.add_argument("--reports", type=int, default=10, help="lines of figures per run")
    parser.add_argument("--eviction", choices=["both", "on", "off"], default="both")
    args = parser.parse_args()
    if args.eviction != "both":
        asyncio.run(drive(args.count, args.days, args.eviction == "on", args.reports))
        return
    on = _child(args, eviction=True)
    off = _child(args, eviction=False)
    print(
        f"\n{args.count} completed + {args.count} abandoned sign-ins over {args.days:g} "
        f"mock days (RSS in MB; rows = every stored entity)"
    )
    print(
        f"{'sign-ins':>9} {'mock day':>8} | {'RSS evict':>9} {'rows':>8} {'clients':>8} "
        f"{'sessions':>8} | {'RSS keep':>9} {'rows':>8} | {'s':>5}"
    )
    for a, b in zip(on, off, strict=True):
        if a["at"] == 0:
            print(f"{0:>9} {0:>8} | {a['rss_mb']:>9} {'':>8} {'':>8} {'':>8} | {b['rss_mb']:>9}")
            continue
        print(
            f"{a['at'] * 2:>9} {a['mock_day']:>8} | {a['rss_mb']:>9} {a['rows']:>8} "
            f"{a['clients']:>8} {a['sessions']:>8} | {b['rss_mb']:>9} {b['rows']:>8} | "
            f"{a['seconds']:>5}"
        )


if __name__ == "__main__":
    main()
