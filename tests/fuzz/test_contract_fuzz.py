"""A bounded contract fuzz of the in-process mock with its own OpenAPI document.

Stateless: every operation, the admin API's included, with generated (valid and
invalid) inputs; a disruptive admin case (reset, state import, clock, fault rules) is
undone after it (``suites/fuzz/restore.py``). Stateful: chains along the document's links
(``mock_server/openapi_links.py``), each scenario starting with client A signed in. Both
must find no server error, no answer outside the contract, no non-Clerk error body, no
leak from another client and no state changed by a failed request. Bounded by example
counts, not time (see README for the figures).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fixtures.asgi import SyncASGITransport
from mock_server.app import build_app
from mock_server.config import load_config
from mock_server.openapi_links import LINKS
from suites.fuzz.checks import OUR_CHECKS
from suites.fuzz.restore import Restorer
from suites.fuzz.target import armed, prepare, signed_in

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
RESTORER = Restorer(TARGET.client)
#: Link name -> how often the stateful phase followed it with the linked value applied.
FOLLOWED: Counter[str] = Counter()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@SCHEMA.parametrize()
@FUZZ
def test_every_operation_honours_the_contract(case: schemathesis.Case) -> None:
    case.query = TARGET.query_a(case.query)
    BEFORE()
    RESTORER.before(case.method, case.path)
    try:
        response = case.call()
    finally:
        RESTORER.after()
    case.validate_response(
        response, additional_checks=list(OUR_CHECKS), excluded_checks=list(EXCLUDED)
    )


class Flows(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        signed_in(TARGET.client, TARGET.token_a)

    def step(self, input: Any) -> Any:
        if input.transition is not None and input.is_applied:
            FOLLOWED[input.transition.id] += 1
        return super().step(input)

    def before_call(self, case: schemathesis.Case) -> None:
        case.query = TARGET.query_a(case.query)
        BEFORE()
        RESTORER.before(case.method, case.path)

    def after_call(self, response: Any, case: schemathesis.Case) -> None:
        RESTORER.after()

    def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
        case.validate_response(
            response, additional_checks=list(OUR_CHECKS), excluded_checks=list(EXCLUDED)
        )


def _declared(transition_id: str) -> str | None:
    """``"GET /v1/client -> [200] CreateSessionToken -> POST ..."`` -> the link name, when it
    is one of the document's own links (schemathesis infers others from the schemas)."""
    rest = transition_id.partition(" -> [")[2]
    name = rest.partition("] ")[2].partition(" -> ")[0]
    ours = {n for links in LINKS.values() for n in links}
    return name if name in ours else None


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
    followed: Counter[str] = Counter()
    for transition, count in FOLLOWED.items():
        name = _declared(transition)
        if name:
            followed[name] += count
    # The session -> tokens links are the chain this run must walk (others vary with the
    # bounded budget; the figures in README come from longer runs).
    assert followed["CreateSessionToken"] > 0, FOLLOWED
    assert followed["CreateTemplateSessionToken"] > 0, FOLLOWED
    assert sum(followed.values()) >= 10, FOLLOWED


def test_the_checks_are_armed() -> None:
    """The leak check has the other client's ids; the state check has a snapshot."""
    from suites.fuzz.checks import STATE

    assert len(STATE.foreign_ids) >= 2
    assert STATE.snapshot is not None
    pytest.importorskip("schemathesis")
