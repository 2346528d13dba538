"""``password``: checked with the KDF; failures count toward the account lockout."""

from __future__ import annotations

from typing import Any

from mock_server.domain import passwords, users
from mock_server.domain.models import Verification
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.strategies.base import FactorFlow
from mock_server.wire.request import Params


class PasswordStrategy:
    names = frozenset({"password"})
    needs_prepare = False

    def prepare(
        self,
        flow: FactorFlow,
        factor: dict[str, Any],
        params: Params,
        previous: Verification | None,
    ) -> Verification:
        raise FapiError.of("verification_strategy_invalid")

    def attempt(
        self, flow: FactorFlow, verification: Verification | None, params: Params
    ) -> Verification:
        password = params.get("password")
        if password is None:
            raise FapiError.of("form_param_missing", param="password")
        user = flow.user
        if user is None or user.password_hash is None:
            raise FapiError.of("strategy_for_user_invalid")
        users.check_not_locked(flow.rt, user)
        if not passwords.verify_password(password, user.password_hash):
            users.record_failure(flow.rt, user)
            raise CommittedFapiError.wrap(FapiError.of("form_password_incorrect", param="password"))
        users.record_success(user)
        return Verification(status="verified", strategy="password", attempts=0)
