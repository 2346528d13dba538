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
