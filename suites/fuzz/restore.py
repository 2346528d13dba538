"""Put the mock back after an admin case that would change what every later case sees.

The admin API is fuzzed like the rest, destructive operations included: each of them is
safe per case because what it changes (the store, the clock, the fault rules) is saved
before it and restored after it. Without that, one fuzzed ``POST /__admin/reset`` would
sign client A out for the rest of the run (every later case a 401), and one fault rule
with ``error_rate: 1`` would turn every later answer into an injected 5xx.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import httpx

Part = Literal["state", "clock", "faults"]


@dataclass(frozen=True)
class Disruption:
    reason: str
    undo: frozenset[Part]


#: Admin operations (method, path) whose effect outlives the case: why, and what to undo.
DISRUPTIVE: dict[tuple[str, str], Disruption] = {
    ("POST", "/__admin/reset"): Disruption(
        "wipes every client, client A and the seeded user included; starts the clock over",
        frozenset({"state", "clock"}),
    ),
    ("PUT", "/__admin/state"): Disruption(
        "replaces the whole store, client A included", frozenset({"state"})
    ),
    ("POST", "/__admin/clock"): Disruption(
        "moves time: later cases' codes, sign-ins and sessions expire", frozenset({"clock"})
    ),
    ("POST", "/__admin/faults"): Disruption(
        "a rule with error_rate 1 makes every later answer an injected 5xx: the feature "
        "working, not a bug",
        frozenset({"faults"}),
    ),
    ("DELETE", "/__admin/users/{user_id}"): Disruption(
        "deleting the seeded user would leave later sign-ins nothing to find",
        frozenset({"state"}),
    ),
}


@dataclass
class Saved:
    undo: frozenset[Part]
    state: Any = None
    clock: Any = None
    faults: frozenset[str] = frozenset()


class Restorer:
    """Save before a disruptive admin case, restore after it; a no-op for every other case."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.saved: Saved | None = None

    def before(self, method: str, path: str) -> None:
        disruption = DISRUPTIVE.get((method.upper(), path))
        self.saved = None if disruption is None else self._save(disruption.undo)

    def _save(self, undo: frozenset[Part]) -> Saved:
        saved = Saved(undo)
        if "state" in undo:
            saved.state = self.export()
        if "clock" in undo:
            saved.clock = self.client.get("/__admin/clock").json()
        if "faults" in undo:
            saved.faults = frozenset(f["id"] for f in self._faults())
        return saved

    def _faults(self) -> list[dict[str, Any]]:
        return list(self.client.get("/__admin/faults").json()["data"])

    def export(self) -> Any:
        return self.client.get("/__admin/state").json()

    def rewind(self, state: Any) -> None:
        """Back to ``state`` with a fresh clock, journal, fault list and id sequence.

        Each stateful scenario starts here, so hypothesis, replaying a scenario to shrink
        it, meets the same mock and draws the same steps (a list that grew meanwhile
        would make it draw differently: ``FlakyStrategyDefinition``).
        """
        self.client.post("/__admin/reset").raise_for_status()
        self.client.put("/__admin/state", json=state).raise_for_status()

    def after(self, status: int) -> None:
        """Restore after a disruptive case that succeeded; one that failed changed nothing
        (if it did, :func:`suites.fuzz.checks.failed_request_changed_nothing` says so)."""
        saved, self.saved = self.saved, None
        if saved is None or status >= 400:
            return
        if "faults" in saved.undo:
            for rule in self._faults():
                if rule["id"] not in saved.faults:
                    self.client.delete(f"/__admin/faults/{rule['id']}").raise_for_status()
        if "state" in saved.undo:
            self.client.put("/__admin/state", json=saved.state).raise_for_status()
        if "clock" in saved.undo:
            frozen = saved.clock["frozen_at_ms"]
            change = (
                {"set": frozen, "freeze": True}
                if frozen is not None
                else {"set": int(time.time() * 1000) + saved.clock["offset_ms"]}
            )
            self.client.post("/__admin/clock", json=change).raise_for_status()
