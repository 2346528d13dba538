"""One-time codes by email or SMS: email_code, phone_code and the reset-password pair."""

from __future__ import annotations

from typing import Any

from mock_server.domain import identifiers, sending, users, verification
from mock_server.domain.models import Verification
from mock_server.errors import FapiError
from mock_server.strategies.base import FactorFlow
from mock_server.wire.request import Params

EMAIL_CODES = frozenset({"email_code", "reset_password_email_code"})
PHONE_CODES = frozenset({"phone_code", "reset_password_phone_code"})


def _target(flow: FactorFlow, factor: dict[str, Any]) -> tuple[str, str, bool]:
    """(channel, address, is Clerk test identity) for a factor of the flow's user."""
    user = flow.user
    if "email_address_id" in factor:
        email = user.email(factor["email_address_id"]) if user else None
        if email is None:
            raise FapiError.of("strategy_for_user_invalid")
        return "email", email.email_address, identifiers.is_test_email(email.email_address)
    phone = user.phone(factor["phone_number_id"]) if user else None
    if phone is None:
        raise FapiError.of("strategy_for_user_invalid")
    return "sms", phone.phone_number, identifiers.is_test_phone(phone.phone_number)


class CodeStrategy:
    names = EMAIL_CODES | PHONE_CODES
    needs_prepare = True

    def prepare(
        self,
        flow: FactorFlow,
        factor: dict[str, Any],
        params: Params,
        previous: Verification | None,
    ) -> Verification:
        channel, address, is_test = _target(flow, factor)
        target_id = factor.get("email_address_id") or factor.get("phone_number_id")
        return sending.send_code(
            flow.rt,
            flow.tx,
            strategy=factor["strategy"],
            channel="email" if channel == "email" else "sms",
            address=address,
            is_test=is_test,
            previous=previous,
            target_id=target_id,
            purpose="reset_password" if factor["strategy"].startswith("reset_") else flow.purpose,
            client_id=flow.client.id,
        )

    def attempt(
        self, flow: FactorFlow, current: Verification | None, params: Params
    ) -> Verification:
        strategy = params.get("strategy")
        if current is None or current.strategy != strategy:
            raise FapiError.of("verification_missing")
        if flow.user is not None:
            users.check_not_locked(flow.rt, flow.user)
        try:
            verification.attempt_code(flow.rt, current, params.get("code"))
        except FapiError as exc:
            if exc.code == "form_code_incorrect" and flow.user is not None:
                users.record_failure(flow.rt, flow.user)
            raise
        return current
