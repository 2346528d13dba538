"""A bounded contract fuzz of the in-process mock with its own OpenAPI document.

Stateless: every operation with generated (valid and invalid) inputs. Stateful: chains
along the document's links (create sign-in -> prepare -> attempt, sign-up ->
verification, client -> session). Both must find no server error, no answer outside the
contract, no non-Clerk error body, no leak from another client and no state changed by
a failed request. Bounded by example counts, not time (see README for the figures).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config
from suites.fuzz.checks import OUR_CHECKS
from suites.fuzz.target import armed, prepare

#: Checks we do not run, with the reason (the fuzz allow-list for our own document).
EXCLUDED = {
    positive_data_acceptance: "FAPI rejects schema-valid input for business reasons (an "
    "unknown identifier, a wrong code); a 4xx there is the contract, not a bug",
}

APP = build_app(
    load_config(profile="test", passwords={"kdf_log_n": 4}), seed=7, validate_responses=True
)


TARGET = prepare(httpx.Client(transport=SyncASGITransport(APP), base_url="http://mock.test"))
BEFORE = armed(TARGET)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@SCHEMA.parametrize()
@FUZZ
def test_every_operation_honours_the_contract(case: schemathesis.Case) -> None:
    case.query = TARGET.query_a(case.query)
    BEFORE()
    case.call_and_validate(additional_checks=list(OUR_CHECKS), excluded_checks=list(EXCLUDED))


class Flows(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def before_call(self, case: schemathesis.Case) -> None:
        case.query = TARGET.query_a(case.query)
        BEFORE()

    def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
        case.validate_response(
            response, additional_checks=list(OUR_CHECKS), excluded_checks=list(EXCLUDED)
        )


def test_linked_flows_honour_the_contract() -> None:
    Flows.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )


def test_the_checks_are_armed() -> None:
    """The leak check has the other client's ids; the state check has a snapshot."""
    from suites.fuzz.checks import STATE

    assert len(STATE.foreign_ids) >= 2
    assert STATE.snapshot is not None
    pytest.importorskip("schemathesis")
