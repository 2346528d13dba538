"""The instruction-count benchmark drives real flows: each step must still succeed, or its
figures would count error answers (the driver stops at the first answer that is not 2xx)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType

import pytest


@pytest.mark.parametrize("flow", ["password", "email-code", "client"])
def test_each_flow_the_benchmark_counts_runs_to_completion(
    flow: str, bench: Callable[[str], ModuleType]
) -> None:
    asyncio.run(bench("instructions")._drive(flow, 3))


@pytest.mark.parametrize("flow", ["password", "email-code"])
def test_the_bytecode_profile_counts_each_step_of_a_flow_in_the_mock(
    flow: str, bench: Callable[[str], ModuleType]
) -> None:
    """Every step is counted, and what is counted is the mock serving it."""
    bytecodes = bench("bytecodes")
    tallies = asyncio.run(bytecodes.tally(flow, 1))
    assert list(tallies) == list(bytecodes.STEPS[flow])
    for name, tally in tallies.items():
        served = [code.co_qualname for code in tally.within if bytecodes._served(code)]
        assert "FapiFastPath.__call__" in served, name
        assert sum(tally.own.values()) > 1000, name
