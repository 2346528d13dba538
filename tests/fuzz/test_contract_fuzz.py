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
from typing import Any, ClassVar

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
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
BASELINE = RESTORER.export()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


#: A whole store is a big body to generate; fewer examples keep this one operation from
#: costing as much as twenty others.
IMPORT_STATE = {"method": "PUT", "path": "/__admin/state"}


@SCHEMA.exclude(**IMPORT_STATE).parametrize()
@FUZZ
def test_every_operation_honours_the_contract(case: schemathesis.Case) -> None:
    _call_and_validate(case)


@SCHEMA.include(**IMPORT_STATE).parametrize()
@settings(FUZZ, max_examples=8)
def test_importing_a_state_honours_the_contract(case: schemathesis.Case) -> None:
    _call_and_validate(case)


def _call_and_validate(case: schemathesis.Case) -> None:
    case.query = TARGET.query_a(case.query)
    BEFORE()
    RESTORER.before(case.method, case.path)
    response = case.call()
    RESTORER.after(response.status_code)
    case.validate_response(
        response, additional_checks=list(OUR_CHECKS), excluded_checks=list(EXCLUDED)
    )


class _Walk:
    """Each scenario starts from the same mock (the state right after :func:`prepare`, plus
    client A signed in), whatever ran before; a disruptive admin step is undone after it."""

    followed: ClassVar[Counter[str]]

    def setup(self) -> None:
        RESTORER.rewind(BASELINE)
        signed_in(TARGET.client, TARGET.token_a)

    def step(self, input: Any) -> Any:
        if input.transition is not None and input.is_applied:
            self.followed[input.transition.id] += 1
        return super().step(input)  # type: ignore[misc]

    def before_call(self, case: schemathesis.Case) -> None:
        case.query = TARGET.query_a(case.query)
        BEFORE()
        RESTORER.before(case.method, case.path)

    def after_call(self, response: Any, case: schemathesis.Case) -> None:
        RESTORER.after(response.status_code)

    def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
        case.validate_response(
            response, additional_checks=list(OUR_CHECKS), excluded_checks=list(EXCLUDED)
        )


class Flows(_Walk, SCHEMA.as_state_machine()):  # type: ignore[misc]
    """The document's links and those schemathesis infers, as the CLI walks them."""

    followed: ClassVar[Counter[str]] = Counter()


#: The same document with schemathesis' own link inference off: only the links we declare.
DECLARED = schemathesis.openapi.from_asgi(
    "/openapi.json",
    APP,
    config=SchemathesisConfig.from_dict(
        {"phases": {"stateful": {"inference": {"algorithms": []}}}}
    ),
)


class DeclaredFlows(_Walk, DECLARED.as_state_machine()):  # type: ignore[misc]
    followed: ClassVar[Counter[str]] = Counter()


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )


def _link_names(followed: Counter[str]) -> Counter[str]:
    """``"GET /v1/client -> [200] CreateSessionToken -> POST ..."`` -> ``CreateSessionToken``."""
    names: Counter[str] = Counter()
    for transition, count in followed.items():
        names[transition.partition(" -> [")[2].partition("] ")[2].partition(" -> ")[0]] += count
    return names


def test_linked_flows_honour_the_contract() -> None:
    Flows.run(settings=_settings(40))
    assert sum(Flows.followed.values()) > 0


CHAINS = ("CreateSessionToken", "CreateTemplateSessionToken", "TouchSession", "StartReverification")


def test_the_stateful_phase_walks_the_documents_own_links() -> None:
    """Every link followed is one the document declares, and each chain gets walked.

    Which links one derandomized walk takes depends on what the process imported before
    (the same 25-scenario walk reaches ``StartReverification`` on its own and misses it
    after ``fixtures.factories`` was imported; ``PYTHONHASHSEED`` does not move it), so
    walks of different lengths are added up until every chain was followed, three at
    most. A chain whose links were broken would still never be walked.
    """
    declared = {name for links in LINKS.values() for name in links}
    for steps in (8, 12, 16):
        DeclaredFlows.run(settings=settings(_settings(25), stateful_step_count=steps))
        followed = _link_names(DeclaredFlows.followed)
        if all(followed[chain] > 0 for chain in CHAINS):
            break
    assert set(followed) <= declared
    for chain in CHAINS:
        assert followed[chain] > 0, followed


def test_the_checks_are_armed() -> None:
    """The leak check has the other client's ids; the state check has a snapshot."""
    from suites.fuzz.checks import STATE

    assert len(STATE.foreign_ids) >= 2
    assert STATE.snapshot is not None
    pytest.importorskip("schemathesis")
