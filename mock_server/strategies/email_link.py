"""``email_link``: a single-use link to ``/v1/verify`` that completes the flow it came from.

The token is the verification's secret and an index row points from it to the owner
(``sign_in:<id>``...), so opening the link anywhere finds the flow; clerk-js on the
original tab polls the sign-in until the verification turns ``verified``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mock_server.domain import outbox, verification
from mock_server.domain.models import Verification
from mock_server.errors import FapiError
from mock_server.store.base import point
from mock_server.strategies.base import FactorFlow
from mock_server.wire.request import Params

LINK_INDEX = "link"


class EmailLinkStrategy:
    names = frozenset({"email_link"})
    needs_prepare = True

    def prepare(
        self,
        flow: FactorFlow,
        factor: dict[str, Any],
        params: Params,
        previous: Verification | None,
    ) -> Verification:
        user = flow.user
        email_id = factor.get("email_address_id")
        email = user.email(email_id) if user and email_id else None
        address = email.email_address if email else factor.get("email_address")
        if not address:
            raise FapiError.of("strategy_for_user_invalid")
        token = flow.rt.rng.token()
        issued = verification.issue(
            flow.rt,
            "email_link",
            previous=previous,
            target_id=email_id,
            test_identity=False,
            ttl_seconds=flow.rt.config.verification.link_ttl_seconds,
            redirect_url=params.get("redirect_url"),
            secret=token,
        )
        point(flow.tx, LINK_INDEX, token, flow.owner)
        link = f"{flow.base_url}/v1/verify?{urlencode({'token': token})}"
        outbox.deliver(
            flow.rt,
            flow.tx,
            channel="email",
            to=address,
            purpose=flow.purpose,
            link=link,
            client_id=flow.client.id,
            expire_at=issued.expire_at,
        )
        return issued

    def attempt(
        self, flow: FactorFlow, current: Verification | None, params: Params
    ) -> Verification:
        # Links are completed by opening them (GET /v1/verify), not by posting a code.
        raise FapiError.of("verification_strategy_invalid")
