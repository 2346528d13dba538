"""``fapi-harness fuzz``: schemathesis' stateless and stateful phases against a target.

The target is a URL (any FAPI, mock or not) or ``inprocess`` (a fresh mock served on a
free 127.0.0.1 port for the run). The spec is ours (``own``: the target's
``/openapi.json``, links and all) or a file (Clerk's official spec, for instance). The
checks are schemathesis' (no server errors, response schema, status codes, content
types, stateful ones) plus ours (:mod:`suites.fuzz.checks`), minus the ones the fuzz
allow-list excludes with a reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

#: schemathesis checks we do not run, and why (the fuzz allow-list).
EXCLUDED_CHECKS: dict[str, str] = {
    "positive_data_acceptance": "FAPI rejects schema-valid input for business reasons (an "
    "unknown identifier, a wrong code); such a 4xx is the contract, not a bug",
}


_NO_ORIGIN = (
    "the spec requires an Origin header that clerk-js sends but curl and native clients do "
    "not; the mock, like FAPI for native clients, accepts requests without it"
)

#: Further checks skipped when fuzzing with Clerk's official spec, and why.
OFFICIAL_SPEC_EXCLUDED: dict[str, str] = {
    "status_code_conformance": "Clerk's spec leaves statuses FAPI does answer undocumented on "
    "many operations (404 for an unknown sign-in or session id on the verify and second-factor "
    "endpoints, 422 for a missing form field on /v1/verify and /v1/tickets/accept); the mock's "
    "statuses follow Clerk's errors page",
    "negative_data_rejection": _NO_ORIGIN,
    "missing_required_header": _NO_ORIGIN,
    "allow_header_conformance": "Clerk's spec documents methods the mock does not serve on "
    "paths it does (GET on the lists /v1/me/email_addresses, /phone_numbers and /web3_wallets, "
    "and methods on their items); the mock's 405 Allow header truthfully lists the methods it "
    "serves",
}


@dataclass(frozen=True)
class FuzzOptions:
    target: str = "inprocess"
    spec: str = "own"
    max_examples: int = 25
    seed: int | None = None
    phases: str = "examples,coverage,fuzzing,stateful"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _served_mock(seed: int | None) -> Iterator[str]:
    import uvicorn

    from mock_server.app import build_app
    from mock_server.config import load_config

    app = build_app(load_config(profile="test"), seed=seed, validate_responses=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def command(options: FuzzOptions, base_url: str) -> list[str]:
    spec = f"{base_url}/openapi.json" if options.spec == "own" else options.spec
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        spec,
        "--url",
        base_url,
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(EXCLUDED_CHECKS),
        "--max-examples",
        str(options.max_examples),
        "--phases",
        options.phases,
    ]
    if options.spec != "own":
        # Clerk's spec documents far more than the mock serves: fuzz the operations both have.
        import re

        from mock_server.routing import FAPI

        names = "|".join(sorted(re.escape(f"{op.method} {op.path}") for op in FAPI.operations))
        cmd += ["--include-name-regex", f"^({names})$"]
        cmd[cmd.index("--exclude-checks") + 1] = ",".join(
            {**EXCLUDED_CHECKS, **OFFICIAL_SPEC_EXCLUDED}
        )
    if options.seed is not None:
        cmd += ["--seed", str(options.seed)]
    return cmd


def run(options: FuzzOptions) -> int:
    """Run the fuzz; the exit status is schemathesis' (0: nothing found)."""
    from suites.fuzz.target import prepare

    with _target(options) as base_url:
        with httpx.Client(base_url=base_url) as client:
            has_admin = client.get("/__admin/clock").status_code == 200
            target = prepare(client, seed_admin=has_admin)
        env = dict(
            os.environ, SCHEMATHESIS_HOOKS="suites.fuzz.hooks", FAPI_FUZZ_DEV_BROWSER=target.token_a
        )
        if has_admin:
            env["FAPI_FUZZ_ADMIN"] = base_url
        return subprocess.call(command(options, base_url), env=env)


@contextmanager
def _target(options: FuzzOptions) -> Iterator[str]:
    if options.target == "inprocess":
        with _served_mock(options.seed) as url:
            yield url
    else:
        yield options.target.rstrip("/")
