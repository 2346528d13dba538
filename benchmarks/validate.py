"""How long validating one realistic ``envelopes/sign_in`` payload takes, four ways.

    python benchmarks/validate.py [--name envelopes/sign_in] [--budget 1.5]

Side by side, in one run: the cached compiled ``jsonschema`` validator, ``schemas.validate``
(the same validator plus a readable error), the ``jsonschema_rs`` fast validator, and
``jsonschema.validate()``, which checks the schema and recompiles on every call. Each is
timed call by call for at most ``--budget`` seconds (and at most ``--max-calls`` calls),
after a warm-up, so the whole run stays bounded. The payload is the largest valid
example of that schema in ``fixtures/examples``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import jsonschema

import schemas
from fixtures.examples import examples_for


def _payload(name: str) -> Any:
    candidates = [e for e in examples_for(name.split("/")[0]) if e.schema == name]
    if not candidates:
        raise SystemExit(f"no valid example of {name} in fixtures/examples/valid")
    return max(candidates, key=lambda e: len(json.dumps(e.instance))).instance


def _time(call: Callable[[], object], budget: float, max_calls: int) -> list[float]:
    for _ in range(3):
        call()  # warm-up: compile, resolve refs, fill caches
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < max_calls and time.perf_counter() < deadline:
        started = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - started) / 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="envelopes/sign_in")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds per method")
    parser.add_argument("--max-calls", type=int, default=20000)
    args = parser.parse_args()

    name: str = args.name
    instance = _payload(name)
    compiled = schemas.validator(name)
    fast = schemas.fast_validator(name)
    schema, registry = schemas.schema_for(name), schemas.registry()
    assert compiled.is_valid(instance), f"the {name} example must be valid"
    assert fast.is_valid(instance)

    methods: dict[str, Callable[[], object]] = {
        "jsonschema, compiled once (schemas.validator)": lambda: compiled.validate(instance),
        "schemas.validate (compiled + readable error)": lambda: schemas.validate(name, instance),
        "jsonschema_rs (schemas.fast_validator)": lambda: fast.validate(instance),
        "jsonschema.validate() recompiling each call": lambda: jsonschema.validate(
            instance, schema, cls=jsonschema.Draft202012Validator, registry=registry
        ),
    }
    size = len(json.dumps(instance))
    print(f"validating one {name} payload ({size} bytes of JSON); microseconds per call")
    print(f"{'method':<48}{'calls':>8}{'median':>10}{'p90':>10}")
    medians: dict[str, float] = {}
    for label, call in methods.items():
        samples = _time(call, args.budget, args.max_calls)
        medians[label] = statistics.median(samples)
        p90 = statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]
        print(f"{label:<48}{len(samples):>8}{medians[label]:>10.1f}{p90:>10.1f}")
    base = medians["jsonschema, compiled once (schemas.validator)"]
    for label, median in medians.items():
        print(f"  {label}: {median / base:.2f}x the compiled jsonschema median")


if __name__ == "__main__":
    main()
