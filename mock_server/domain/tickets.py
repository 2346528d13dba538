"""Tickets: single-use sign-in tokens and invitations, issued through the admin API.

A ticket is an opaque string; it expires, and it works once. ``/v1/tickets/accept`` and
the ``ticket`` strategy of sign-in and sign-up both redeem it here.
"""

from __future__ import annotations

from typing import Literal

from mock_server.domain.models import Ticket
from mock_server.errors import FapiError
from mock_server.runtime import Runtime
from mock_server.store.base import Tx


def issue(
    rt: Runtime,
    tx: Tx,
    *,
    kind: Literal["sign_in", "invitation"],
    user_id: str | None = None,
    email_address: str | None = None,
    ttl_seconds: int = 30 * 24 * 3600,
) -> Ticket:
    ticket = Ticket(
        id=rt.rng.token(),
        kind=kind,
        user_id=user_id,
        email_address=email_address,
        expire_at=rt.now() + ttl_seconds * 1000,
    )
    tx.put(ticket)
    return ticket


def peek(rt: Runtime, tx: Tx, value: str | None) -> Ticket:
    if not value:
        raise FapiError.of("form_param_missing", param="ticket")
    ticket = tx.get(Ticket, value)
    if ticket is None or ticket.used:
        raise FapiError.of("ticket_invalid_code", param="ticket")
    if rt.now() >= ticket.expire_at:
        raise FapiError.of("ticket_expired_code", param="ticket")
    return ticket


def redeem(rt: Runtime, tx: Tx, value: str | None, *, kind: str) -> Ticket:
    ticket = peek(rt, tx, value)
    if ticket.kind != kind and not (kind == "sign_up" and ticket.kind == "invitation"):
        raise FapiError.of("ticket_invalid_code", param="ticket")
    ticket.used = True
    return ticket
