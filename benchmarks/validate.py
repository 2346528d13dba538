"""How long validating one realistic ``envelopes/sign_in`` payload takes, four ways.

    python benchmarks/validate.py [--name envelopes/sign_in] [--budget 1.5]

Side by side, in one run: the cached compiled ``jsonschema`` validator, ``schemas.validate``
(the same validator plus a readable error), the ``jsonschema_rs`` fast validator, and
``jsonschema.validate()``, which checks the schema and recompiles on every call; and,
when Clerk's spec is on this machine, the same payload against the spec's documented
response body (what the mock's tests check), with both libraries. Each is
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


def _time(
    methods: dict[str, Callable[[], object]], budget: float, max_calls: int
) -> dict[str, list[float]]:
    """Microseconds per call, the methods interleaved round by round so that a busy
    machine (other test runs) slows them all alike; a slow method stops being sampled
    once it has spent its share of the budget."""
    for call in methods.values():
        for _ in range(3):
            call()  # warm-up: compile, resolve refs, fill caches
    samples: dict[str, list[float]] = {label: [] for label in methods}
    spent = dict.fromkeys(methods, 0.0)
    while True:
        active = [k for k in methods if spent[k] < budget and len(samples[k]) < max_calls]
        if not active:
            return samples
        for label in active:
            started = time.perf_counter_ns()
            methods[label]()
            elapsed = (time.perf_counter_ns() - started) / 1000
            samples[label].append(elapsed)
            spent[label] += elapsed / 1e6


def _official(name: str, instance: Any) -> dict[str, Callable[[], object]]:
    """The same payload against Clerk's spec for its operation, when the spec is here."""
    from schemas import official_spec

    operation = {"envelopes/sign_in": ("post", "/v1/client/sign_ins/sia_1/attempt_first_factor")}
    if name not in operation:
        return {}
    try:
        spec = official_spec.load()
    except official_spec.SpecNotFound:
        return {}
    method, path = operation[name]
    template = spec.match_path(path, method)
    assert template is not None
    slow = spec.response_validator(method, template, 200)
    fast = spec.fast_response_validator(method, template, 200)
    assert slow is not None
    return {
        "Clerk's spec for the operation, jsonschema": lambda: slow.validate(instance),
        "Clerk's spec for the operation, jsonschema_rs": lambda: fast.validate(instance),
    }


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
    methods.update(_official(name, instance))
    size = len(json.dumps(instance))
    print(f"validating one {name} payload ({size} bytes of JSON); microseconds per call")
    print(f"{'method':<48}{'calls':>8}{'median':>10}{'p90':>10}")
    medians: dict[str, float] = {}
    for label, found in _time(methods, args.budget, args.max_calls).items():
        medians[label] = statistics.median(found)
        p90 = statistics.quantiles(found, n=10)[-1] if len(found) > 1 else found[0]
        print(f"{label:<48}{len(found):>8}{medians[label]:>10.1f}{p90:>10.1f}")
    base = medians["jsonschema, compiled once (schemas.validator)"]
    print("median relative to the compiled jsonschema validator:")
    for label, median in medians.items():
        print(f"  {label:<46} {median / base:8.3f}x")


if __name__ == "__main__":
    main()
