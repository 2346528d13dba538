"""Tickets (sign-in tokens): one POST completes the sign-in; a ticket is single use."""

from __future__ import annotations

import pytest

from fixtures.identities import Identity
from suites.expect import expect
from suites.target import Target

pytestmark = pytest.mark.strategy("ticket")


def _ticket(target: Target, user: Identity) -> str:
    users = target.admin("GET", "/users").body["data"]
    user_id = next(
        u["id"]
        for u in users
        if user.email_address in [e["email_address"] for e in u["email_addresses"]]
    )
    return str(target.admin("POST", "/tickets", {"user_id": user_id}).body["ticket"])


# Tickets are minted by the Backend API; on a mock, by /__admin/tickets.
@pytest.mark.needs_admin
def test_ticket_completes_sign_in(target: Target, user: Identity) -> None:
    ticket = _ticket(target, user)
    ex = target.browser().post("/v1/client/sign_ins", {"strategy": "ticket", "ticket": ticket})
    expect(ex, 200, "envelopes/sign_in", state="complete")


@pytest.mark.needs_admin
def test_ticket_is_single_use(target: Target, user: Identity) -> None:
    ticket = _ticket(target, user)
    data = {"strategy": "ticket", "ticket": ticket}
    expect(target.browser().post("/v1/client/sign_ins", data), 200, state="complete")
    again = target.browser().post("/v1/client/sign_ins", data)
    expect(again, 400, code="ticket_invalid_code")


def test_bogus_ticket_is_invalid(target: Target) -> None:
    ex = target.browser().post("/v1/client/sign_ins", {"strategy": "ticket", "ticket": "bogus"})
    expect(ex, 400, code="ticket_invalid_code")
