"""``under_load.py`` splits a served request's CPU by library from perf's report: every
sample must land in exactly one group, or the columns would not add up to the CPU figure."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

# The shape of ``perf report --sort dso --stdio --no-children`` (header and all).
REPORT = """\
# Samples: 16K of event 'cpu-clock'
# Event count (approx.): 4013250000
#
# Overhead  Shared Object
# ........  ..............................................
#
    67.55%  libpython3.11.so.1.0
    21.55%  [kernel.kallsyms]
     2.74%  libc.so.6
     1.90%  loop.cpython-311-x86_64-linux-gnu.so
     1.42%  orjson.cpython-311-x86_64-linux-gnu.so
     1.13%  libcrypto.so.3
     0.15%  [vdso]
"""


def test_each_library_lands_in_its_group(bench: Callable[[str], ModuleType]) -> None:
    split = bench("under_load").shares(REPORT)
    assert split == pytest.approx(
        {"python": 0.6755, "kernel": 0.2155, "C extensions": 0.0332, "other": 0.0402}
    )


def test_the_header_is_not_read_as_a_library(bench: Callable[[str], ModuleType]) -> None:
    header_only = "\n".join(line for line in REPORT.splitlines() if line.startswith("#"))
    assert sum(bench("under_load").shares(header_only).values()) == 0
