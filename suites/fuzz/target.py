"""Prepare a mock (in-process or over HTTP) for fuzzing: two clients, a known user.

Fuzzed requests all travel as client A (its development-browser token is added to every
case), so stateful chains act on one client's sign-ins; client B exists only so that
:func:`suites.fuzz.checks.no_foreign_ids` has something to catch. :func:`signed_in` gives
client A a session again whenever a scenario starts from its client, so the links from a
session (tokens, reverification, touch) have one to follow even after a fuzzed sign-out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from suites.fuzz.checks import STATE

PASSWORD = "fuzz-me-if-you-can-42"
USER_EMAIL = "fuzz.user@example.com"


@dataclass
class FuzzTarget:
    client: httpx.Client
    token_a: str
    token_b: str

    def query_a(self, query: dict[str, Any] | None) -> dict[str, Any]:
        return {**(query or {}), "__clerk_db_jwt": self.token_a}

    def snapshot(self) -> Any:
        return self.client.get("/v1/client", params={"__clerk_db_jwt": self.token_a}).json()


def _dev_browser(client: httpx.Client) -> str:
    response = client.post("/v1/dev_browser")
    response.raise_for_status()
    return str(response.json()["id"])


def _seed_user(client: httpx.Client) -> None:
    client.post("/__admin/users", json={"email_addresses": [USER_EMAIL], "password": PASSWORD})


def signed_in(client: httpx.Client, token: str, *, seed_admin: bool = True) -> str | None:
    """Client A's active session id, signing the fuzz user in first when it has none.

    A fuzzed ``DELETE /v1/me`` may have deleted the user; on a mock it is seeded again.
    """
    query = {"__clerk_db_jwt": token}
    current = (client.get("/v1/client", params=query).json().get("response") or {}).get(
        "last_active_session_id"
    )
    if current:
        return str(current)
    form = {"identifier": USER_EMAIL, "password": PASSWORD, "strategy": "password"}
    answer = client.post("/v1/client/sign_ins", params=query, data=form)
    if answer.status_code == 422 and seed_admin:
        _seed_user(client)
        answer = client.post("/v1/client/sign_ins", params=query, data=form)
    created = (answer.json().get("response") or {}).get("created_session_id")
    return str(created) if created else None


def prepare(client: httpx.Client, *, seed_admin: bool = True) -> FuzzTarget:
    """Create clients A and B (and, on a mock, a user to sign in as); arm the checks."""
    if seed_admin:
        _seed_user(client)
    target = FuzzTarget(client, _dev_browser(client), _dev_browser(client))
    b = {"__clerk_db_jwt": target.token_b}
    sign_in = client.post("/v1/client/sign_ins", params=b, data={"identifier": USER_EMAIL})
    sign_up = client.post("/v1/client/sign_ups", params=b, data={"email_address": "b@example.com"})
    client_b = client.get("/v1/client", params=b).json().get("response") or {}
    for body in (sign_in.json(), sign_up.json()):
        response = body.get("response") or {}
        if "id" in response:
            STATE.foreign_ids.add(response["id"])
    if client_b.get("id"):
        STATE.foreign_ids.add(client_b["id"])
    STATE.snapshot = target.snapshot
    return target


def armed(target: FuzzTarget) -> Callable[[], None]:
    """Take the before-snapshot for the next case."""

    def before() -> None:
        STATE.before = target.snapshot()

    return before
