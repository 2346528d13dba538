"""Issue a one-time code and send it: the one path every flow that mails or texts a code takes.

Sign-in factors, sign-up verifications, reverification and ``/v1/me`` identifications
all issue a verification and deliver its code the same way, with Clerk's test-mode rule
(no message for test identities while test mode is on) applied in one place.
"""

from __future__ import annotations

from typing import Literal

from mock_server.domain import outbox, verification
from mock_server.domain.models import Verification
from mock_server.runtime import Runtime
from mock_server.store.base import Tx


def send_code(
    rt: Runtime,
    tx: Tx,
    *,
    strategy: str,
    channel: Literal["email", "sms"],
    address: str,
    is_test: bool,
    previous: Verification | None,
    target_id: str | None,
    purpose: str,
    client_id: str | None,
) -> Verification:
    issued = verification.issue(
        rt, strategy, previous=previous, target_id=target_id, test_identity=is_test
    )
    if not verification.test_mode_applies(rt, is_test):
        outbox.deliver(
            rt,
            tx,
            channel=channel,
            to=address,
            purpose=purpose,
            code=issued.secret,
            client_id=client_id,
            expire_at=issued.expire_at,
        )
    return issued
