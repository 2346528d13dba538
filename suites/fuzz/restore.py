"""Put the mock back after an admin case that would change what every later case sees.

The admin API is fuzzed like the rest, destructive operations included: each of them is
safe per case because the mock's state, clock and fault rules are saved before it and
restored after it. Without that, one fuzzed ``POST /__admin/reset`` would sign client A
out for the rest of the run (every later case a 401), and one fault rule with
``error_rate: 1`` would turn every later answer into an injected 5xx.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

#: Admin operations (method, path) whose effect outlives the case, and why.
DISRUPTIVE: dict[tuple[str, str], str] = {
    ("POST", "/__admin/reset"): "wipes every client, client A and the seeded user included",
    ("PUT", "/__admin/state"): "replaces the whole store, client A included",
    ("POST", "/__admin/clock"): "moves time: later cases' codes, sign-ins and sessions expire",
    ("POST", "/__admin/faults"): "a rule with error_rate 1 makes every later answer an injected "
    "5xx, which is the feature working, not a bug",
    ("DELETE", "/__admin/users/{user_id}"): "deleting the seeded user would leave later "
    "sign-ins nothing to find",
}


@dataclass
class Saved:
    state: Any
    clock: dict[str, Any]
    faults: set[str] = field(default_factory=set)


class Restorer:
    """Save before a disruptive admin case, restore after it; a no-op for every other case."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.saved: Saved | None = None

    def before(self, method: str, path: str) -> None:
        self.saved = None
        if (method.upper(), path) not in DISRUPTIVE:
            return
        faults = self.client.get("/__admin/faults").json()["data"]
        self.saved = Saved(
            state=self.client.get("/__admin/state").json(),
            clock=self.client.get("/__admin/clock").json(),
            faults={f["id"] for f in faults},
        )

    def after(self) -> None:
        saved, self.saved = self.saved, None
        if saved is None:
            return
        for rule in self.client.get("/__admin/faults").json()["data"]:
            if rule["id"] not in saved.faults:
                self.client.delete(f"/__admin/faults/{rule['id']}").raise_for_status()
        self.client.put("/__admin/state", json=saved.state).raise_for_status()
        frozen = saved.clock["frozen_at_ms"]
        change = (
            {"set": frozen, "freeze": True}
            if frozen is not None
            else {"set": int(time.time() * 1000) + saved.clock["offset_ms"]}
        )
        self.client.post("/__admin/clock", json=change).raise_for_status()
