"""``fapi-harness fuzz`` against a freshly served mock: with our spec, and with Clerk's.

Bounded by example counts. Exit status 0 means schemathesis found no server error and no
answer outside the contract, beyond the allow-list in ``suites/fuzz/runner.py``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from schemas import official_spec


def _fuzz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mock_server",
            "fuzz",
            "--max-examples",
            "8",
            "--seed",
            "3",
            "--phases",
            "examples,fuzzing,stateful",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_fuzz_with_our_spec_finds_nothing() -> None:
    done = _fuzz()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout


def test_fuzz_with_clerks_spec_finds_nothing_outside_the_allow_list() -> None:
    path = official_spec.locate()
    if path is None:
        pytest.skip(
            "Clerk's spec is not beside this checkout (../shared/reference/clerk-fapi/) "
            "and FAPI_SPEC is not set"
        )
    done = _fuzz("--spec", str(path))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Selected:" in done.stdout
