"""The benchmarks are scripts run from their own directory; tests import them the same way."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    """Import a module of ``benchmarks/`` by name, that directory first on the path as
    when a script there runs (so ``in_process`` is found)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module
