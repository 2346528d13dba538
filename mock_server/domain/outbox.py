"""Delivery of codes and links: into the outbox instead of a mail or SMS gateway.

Clerk's test mode sends nothing for ``+clerk_test`` addresses and 555-01xx numbers (the
code is always 424242), but it does send email *links* to test addresses; the outbox
follows the same rule, so it holds exactly what Clerk would have sent.
"""

from __future__ import annotations

from typing import Literal

from mock_server.domain.models import OutboxMessage
from mock_server.runtime import Runtime
from mock_server.store.base import Tx

_PURPOSES = {
    "sign_in": "Sign in",
    "sign_up": "Verify your email",
    "reset_password": "Reset your password",
    "verify": "Verify",
}


def deliver(
    rt: Runtime,
    tx: Tx,
    *,
    channel: Literal["email", "sms"],
    to: str,
    purpose: str,
    code: str | None = None,
    link: str | None = None,
    client_id: str | None = None,
    expire_at: int | None = None,
) -> OutboxMessage:
    app = rt.config.instance.application_name
    title = _PURPOSES.get(purpose, purpose)
    if code is not None:
        body = f"{code} is your {app} verification code."
        subject = f"{code} is your verification code"
    else:
        body = f"{title} to {app}: {link}"
        subject = f"{title} to {app}"
    message = OutboxMessage(
        id=rt.new_id("msg"),
        channel=channel,
        to=to,
        purpose=purpose,
        subject=subject,
        body=body,
        code=code,
        link=link,
        sent_at=rt.now(),
        client_id=client_id,
        expire_at=expire_at,
    )
    tx.put(message)
    return message
