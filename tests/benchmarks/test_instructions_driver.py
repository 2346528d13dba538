"""The instruction-count benchmark drives real flows: each step must still succeed, or its
figures would count error answers (the driver stops at the first answer that is not 2xx)."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPT = BENCHMARKS / "instructions.py"


def _load(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # As when run as a script: its own directory first on the path (``in_process``).
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("bench_instructions", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("flow", ["password", "email-code", "client"])
def test_each_flow_the_benchmark_counts_runs_to_completion(
    flow: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_load(monkeypatch)._drive(flow, 3))
