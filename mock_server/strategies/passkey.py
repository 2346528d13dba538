"""``passkey``: sign in by answering a WebAuthn challenge with a registered credential.

Prepare issues request options listing the user's credentials; attempt verifies the
assertion (``domain/passkeys.py``). The discoverable flow, a sign-in created with
``strategy=passkey`` and no identifier, is started and finished in ``domain/sign_in.py``
with the same two functions and an empty allow list.
"""

from __future__ import annotations

from typing import Any

from mock_server.domain import passkeys
from mock_server.domain.models import Verification
from mock_server.errors import FapiError
from mock_server.strategies.base import FactorFlow
from mock_server.wire.request import Params


class PasskeyStrategy:
    names = frozenset({"passkey"})
    needs_prepare = True

    def prepare(
        self,
        flow: FactorFlow,
        factor: dict[str, Any],
        params: Params,
        previous: Verification | None,
    ) -> Verification:
        keys = passkeys.verified(flow.user) if flow.user is not None else []
        if not keys:
            raise FapiError.of("strategy_for_user_invalid", param="strategy")
        return passkeys.request_challenge(flow.rt, keys)

    def attempt(
        self, flow: FactorFlow, current: Verification | None, params: Params
    ) -> Verification:
        if flow.user is None:
            raise FapiError.of("strategy_for_user_invalid", param="strategy")
        passkeys.authenticate(
            flow.rt, flow.tx, current, params.get("public_key_credential"), flow.user
        )
        assert current is not None  # authenticate raised otherwise
        return current
